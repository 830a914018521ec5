"""The folium map: offline assets, status styles told apart without colour, escaping of data text."""

from __future__ import annotations

from datetime import date

import pandas as pd

from corridors import mapview


def test_leaflet_comes_from_the_installed_package():
    assets = mapview.leaflet_assets()
    assert "1.9.3" in assets["leaflet.js"]  # the version folium 0.20 asks for
    assert ".leaflet-container" in assets["leaflet.css"]
    cls = mapview.map_class("/x/leaflet.js", "/x/leaflet.css")
    html = cls(tiles=None).get_root().render()
    assert "/x/leaflet.js" in html and "cdn.jsdelivr" not in html and "jquery" not in html.lower()


def test_statuses_differ_in_dash_or_weight_not_only_colour():
    seen = {(s["weight"], s["dash_array"]) for k, s in mapview.STATUS_STYLES.items()
            if k in ("completed", "under_construction", "planned", "suspended")}
    assert len(seen) == 4


def test_text_from_data_is_escaped(ds):
    row = ds.table(date.today()).set_index("id", drop=False).loc["zhitong"].copy()
    row["name_zh"] = '<img src=x onerror="alert(1)">'
    row["lead_department"] = "<b>dept</b>"
    popup = mapview.popup_html(row, "zh")
    assert "<img" not in popup and "&lt;img" in popup and "&lt;b&gt;dept" in popup
    table = pd.DataFrame([row])
    groups, lookup = mapview.project_layers(table, mapview.section_paths(ds.sections), {}, {}, "zh")
    rendered = "".join(_render(g) for g in groups)
    assert "<img src=x" not in rendered


def _render(group) -> str:
    import folium

    m = folium.Map(tiles=None)
    group.add_to(m)
    return m.get_root().render()


def test_standalone_map_inlines_leaflet(ds):
    display = mapview.display_boundaries(ds.boundaries)
    t = ds.table(date(2020, 12, 31))
    m = mapview.standalone_map(display, t, ds.sections, ds.section_statuses(date(2020, 12, 31)),
                               ds.section_names("en"), "en")
    html = m.get_root().render()
    assert "<script src=" not in html and "<link " not in html.replace("<link rel=\"icon\"", "")
    assert "Expressway" in html


def test_display_boundaries_keep_the_region_small(ds):
    display = mapview.display_boundaries(ds.boundaries)
    assert len(display[display.level == "prefecture"]) == 14
    assert len(display.to_json()) < 400_000


def test_seat_labels_are_prefecture_seats_and_hunan_counties_not_urban_districts(ds):
    from corridors import gazetteer

    seats = gazetteer.load_seats(ds.geodata / "seats.csv")
    labels = mapview.seat_labels(seats, "zh")
    text = {x["h"]: x["z"] for x in labels}
    assert text["<span>长沙市</span>"] == "prefecture_seat"  # Hunan's seats open with the map
    assert text["<span>广州市</span>"] == "prefecture_seat"  # so do the provincial capitals
    assert text["<span>韶关市</span>"] == "pref_other"  # other prefecture seats from zoom 7
    assert text["<span>浏阳市</span>"] == "county_seat"
    assert not any(h.endswith("区</span>") and z == "county_seat" for h, z in text.items())
    hunan_counties = seats[(seats.province_zh == "湖南省") & (seats.kind == "county_seat")
                           & ~seats.name_zh.str.endswith("区")]
    assert {f"<span>{n}</span>" for n in hunan_counties.name_zh} <= set(text)
    en = {x["h"] for x in mapview.seat_labels(seats, "en")}
    assert "<span>Changsha</span>" in en and "<span>Liuyang</span>" in en


def test_water_layer_is_small_and_labels_hunans_rivers(ds):
    from corridors import hydro

    rivers = hydro.load_rivers(ds.geodata / "rivers.geojson")
    text = mapview.rivers_geojson(rivers)
    assert len(text) < 60_000  # the map carries it on every page
    names = {x["h"]: x["z"] for x in mapview.river_labels(rivers, "zh")}
    assert names["<span>洞庭湖</span>"] == "lake"
    assert {"<span>湘江</span>", "<span>资江</span>", "<span>沅江</span>", "<span>澧水</span>"} <= set(names)
    display = mapview.display_boundaries(ds.boundaries)
    html = mapview.base_map(display, "en", rivers=rivers).get_root().render()
    assert "Xiang River" in html and "Natural Earth" in html  # named, and its source credited on the map


def test_crossings_are_given_at_the_precision_of_their_line():
    assert mapview.crossing_text(29.4912, 109.4138, "county_seats", "zh") == "约 29.5°N, 109.4°E"
    assert mapview.crossing_text(29.4912, 109.4138, "towns", "en") == "about 29.49°N, 109.41°E"
    assert mapview.crossing_text(29.4912, 109.4138, "surveyed", "en") == "29.491°N, 109.414°E"


def test_a_map_rebuilt_with_the_opening_view_is_not_a_move():
    assert not mapview.moved(mapview.CENTER, 6, (27.2937, 111.9067), 6)  # Leaflet's whole-pixel rounding
    assert mapview.moved(mapview.CENTER, 6, (26.0, 111.9), 6)
    assert mapview.moved(mapview.CENTER, 6, mapview.CENTER, 7)
