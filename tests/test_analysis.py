"""Provinces traversed, border crossings and the corridor verdict, on the shipped boundaries."""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import LineString, Point
from shapely.ops import nearest_points

from corridors.analysis import Trace, Tracer, corridor_counts, is_corridor
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


def _row(pid, mode, status, counted=True, neighbours=("广西壮族自治区",)):
    return {"id": pid, "mode": mode, "status": status, "counted": counted, "neighbours_entered": list(neighbours)}


def test_counts_by_status_mode_and_neighbour():
    table = pd.DataFrame([
        _row("a", "rail", "completed"),
        _row("b", "highway", "completed", neighbours=("广东省", "广西壮族自治区")),
        _row("c", "rail", "planned"),
        _row("d", "rail", "completed", counted=False),  # not a corridor, or the same line as another
        _row("e", "pipeline", "completed"),
    ])
    c = corridor_counts(table, target=20)
    assert c["by_status"]["completed"] == 2 and c["by_status"]["planned"] == 1 and c["total"] == 3
    assert c["by_mode"]["rail"]["completed"] == 1
    assert c["by_neighbour"]["广西壮族自治区"]["completed"] == 2
    assert c["by_neighbour"]["广东省"]["completed"] == 1
    with_pipelines = corridor_counts(table, target=20, modes=("rail", "highway", "pipeline"))
    assert with_pipelines["by_status"]["completed"] == 3


def test_the_same_line_named_twice_counts_once(ds):
    t = ds.table(ds.plan_date)
    coal = t.set_index("id").loc["menghua_coal"]
    rail = t.set_index("id").loc["menghua_yueji"]
    assert coal.same_as == "menghua_yueji" and coal.provinces == rail.provinces
    assert rail.counted and not coal.counted


def test_projects_without_route_are_listed_but_never_counted(ds):
    t = ds.table(ds.plan_date)
    unknown = t[~t.route_known & (t.same_as == "")]
    assert len(unknown) >= 1
    assert not unknown.counted.any() and (unknown.provinces.map(len) == 0).all()


def test_every_drawn_project_touches_hunan(ds):
    t = ds.table(ds.plan_date)
    drawn = t[t.provinces.map(len) > 0]
    assert drawn.provinces.map(lambda p: "湖南省" in p).all()
