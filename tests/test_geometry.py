"""Lines from waypoints, lengths against cited distances, precision labels."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString

from corridors.errors import GeometryError
from corridors.geometry import length_km, line_from_points, line_precision


def test_length_of_one_degree_of_latitude():
    # Length of a degree of latitude centred on 30°: 110.852 km (WGS-84; Wikipedia, "Latitude",
    # table "Length of a degree of latitude"). A meridian is true to scale in the equidistant conic.
    line = LineString([(112.0, 29.5), (112.0, 30.5)])
    assert length_km(line) == pytest.approx(110.852, rel=1e-3)


def test_length_of_one_degree_of_longitude():
    # Length of a degree of longitude at 30°: 96.486 km (same source, "Length of a degree of longitude").
    # Along a parallel the conic's scale error stays under 1 % in the region.
    line = LineString([(111.5, 30.0), (112.5, 30.0)])
    assert length_km(line) == pytest.approx(96.486, rel=1e-2)


def test_length_of_a_project_is_at_least_the_straight_distance(ds):
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    for r in ds.lines.dropna(subset=["geometry"]).itertuples():
        (x0, y0), (x1, y1) = r.geometry.coords[0], r.geometry.coords[-1]
        straight = geod.inv(x0, y0, x1, y1)[2] / 1000
        assert r.length_km >= straight * 0.99, r.project_id


def test_line_needs_two_distinct_points():
    with pytest.raises(GeometryError, match="two distinct points"):
        line_from_points([(112.0, 28.0), (112.0, 28.0)], name="x")
    assert len(line_from_points([(112, 28), (112, 28), (113, 28)]).coords) == 2


@pytest.mark.parametrize("kinds,approx,label", [
    (["county_seat", "prefecture_seat", "county_seat"], [], "county_seats"),
    (["county_seat", "town", "county_seat"], [], "county_seats"),  # one town among seats is not "towns"
    (["town", "station", "town"], [], "towns"),
    (["county_seat", "county_seat"], [], "endpoints"),
    (["county_seat", "prefecture_seat", "county_seat"], ["", "prefecture", ""], "prefectures"),
    ([], [], "none"),
])
def test_precision_label_is_the_coarsest_ingredient(kinds, approx, label):
    assert line_precision(kinds, approx) == label


def test_a_name_matched_point_makes_the_line_approximate():
    assert line_precision(["town", "town", "town"], [], ["town", "approximate", "town"]) == "approximate"
    assert line_precision(["town", "county_seat", "town"], ["", "county", ""]) == "approximate"


def test_each_section_carries_its_own_precision(ds):
    s = ds.sections.set_index(["project_id", "section"]).precision
    assert s[("zhitong", "hunan")] in ("towns", "county_seats", "approximate", "endpoints", "prefectures")
    assert set(ds.sections.precision) <= {"towns", "county_seats", "approximate", "prefectures", "endpoints"}


def test_sections_join_into_the_whole_line(ds):
    for pid, g in ds.sections.groupby("project_id"):
        whole = ds.lines.set_index("project_id").geometry[pid]
        total = sum(length_km(s) for s in g.geometry if s is not None)
        assert total == pytest.approx(length_km(whole), rel=1e-6), pid
