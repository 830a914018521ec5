"""Provinces traversed, border crossings and the corridor verdict, on the shipped boundaries."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Point
from shapely.ops import nearest_points

from corridors.analysis import Trace, Tracer, is_corridor
from corridors.boundaries import HUNAN, load_boundaries, provinces

from .conftest import GEODATA

CHANGSHA = (112.94, 28.23)
ZHUZHOU = (113.13, 27.83)
CHENZHOU = (113.01, 25.77)
GUILIN = (110.29, 25.27)
YUEYANG = (113.13, 29.36)
XIANNING = (114.32, 29.84)  # 湖北
NANCHANG = (115.86, 28.68)  # 江西


@pytest.fixture(scope="module")
def bnd():
    return load_boundaries(GEODATA / "boundaries.geojson")


@pytest.fixture(scope="module")
def tracer(bnd):
    return Tracer(provinces(bnd))


def test_line_inside_hunan(tracer):
    t = tracer.trace(LineString([CHANGSHA, ZHUZHOU]))
    assert t.provinces == [HUNAN] and t.crossings == ()
    assert not is_corridor(t, "pan-prd") and not is_corridor(t, "neighbours")


def test_line_into_guangxi(tracer, bnd):
    t = tracer.trace(LineString([CHANGSHA, GUILIN]))
    assert t.provinces == [HUNAN, "450000"]
    assert len(t.crossings) == 1
    c = t.crossings[0]
    assert c.province == "450000" and c.direction == "out"
    hunan = provinces(bnd).loc[HUNAN, "geometry"]
    assert hunan.boundary.distance(Point(c.lon, c.lat)) < 1e-3  # on Hunan's border
    assert is_corridor(t, "pan-prd")


def test_line_that_only_touches_the_border(tracer, bnd):
    """A line ending on the Hunan–Guangdong border never enters Guangdong: no crossing, no corridor."""
    prov = provinces(bnd)
    shared = prov.loc[HUNAN, "geometry"].boundary.intersection(prov.loc["440000", "geometry"].boundary)
    on_border = nearest_points(shared, Point(CHENZHOU))[0]
    t = tracer.trace(LineString([CHENZHOU, (on_border.x, on_border.y)]))
    assert t.provinces == [HUNAN] and t.crossings == ()
    assert not is_corridor(t, "neighbours")


def test_line_into_hubei_counts_only_in_the_neighbour_scope(tracer):
    t = tracer.trace(LineString([YUEYANG, XIANNING]))
    assert t.provinces == [HUNAN, "420000"]
    assert not is_corridor(t, "pan-prd") and is_corridor(t, "neighbours")


def test_line_reaching_a_member_through_a_non_member(tracer):
    t = tracer.trace(LineString([YUEYANG, XIANNING, NANCHANG]))
    assert t.provinces == [HUNAN, "420000", "360000"]
    assert t.neighbours_entered == ["420000"]
    assert is_corridor(t, "pan-prd")


def test_line_entering_hunan_is_traced_in_order(tracer):
    t = tracer.trace(LineString([GUILIN, CHANGSHA]))
    assert t.provinces == ["450000", HUNAN]
    assert t.crossings[0].direction == "in" and t.crossings[0].province == "450000"


def test_missing_geometry_gives_an_empty_trace(tracer):
    assert tracer.trace(None) == Trace((), ())


def test_a_line_that_is_part_of_another_counts_once(ds):
    t = ds.table(ds.plan_date).set_index("id")
    coal, yueji = t.loc["menghua_coal"], t.loc["menghua_yueji"]
    assert yueji.same_as == "menghua_coal" and coal.same_as == ""
    # the whole line enters from Hubei and leaves for Jiangxi; the plan's 岳吉段 is drawn as its own stretch
    assert coal.neighbours_entered == ["湖北省", "江西省"] and yueji.neighbours_entered == ["江西省"]
    assert not yueji.corridor and yueji.units == 0


def test_projects_without_route_are_listed_but_never_counted(ds):
    t = ds.table(ds.plan_date)
    unknown = t[~t.route_known & (t.same_as == "")]
    assert len(unknown) >= 1
    assert not unknown.counted.any() and (unknown.provinces.map(len) == 0).all()


def test_every_drawn_project_touches_hunan(ds):
    t = ds.table(ds.plan_date)
    drawn = t[t.provinces.map(len) > 0]
    assert drawn.provinces.map(lambda p: "湖南省" in p).all()
