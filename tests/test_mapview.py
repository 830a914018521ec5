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
