"""Major rivers and lakes of Hunan and its neighbours: an offline context layer for the map, in WGS-84.

Read from the shipped geodata/rivers.geojson (one row per river or lake, with its names, source, licence and
how it was identified), so that the app needs neither of the packages it is built from. It is built by
corridors.build.rivers, from Natural Earth 1:10m and GSHHG as shipped by two PyPI packages (the `build` extra).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from .errors import DataError

COLUMNS = ["id", "name_zh", "name_en", "kind", "source", "license", "url", "package", "method"]


def load_rivers(path: Path) -> gpd.GeoDataFrame:
    """Read the shipped rivers file (WGS-84): one row per river or lake, with names and source."""
    if not path.exists():
        raise DataError("rivers file is missing; rebuild it with corridors.build.rivers.build_rivers", file=str(path))
    gdf = gpd.read_file(path)
    for c in COLUMNS:
        gdf[c] = gdf[c].fillna("").astype(str)
    return gdf.set_crs("EPSG:4326", allow_override=True)
