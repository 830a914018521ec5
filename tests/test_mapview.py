"""The folium map: offline assets, status styles told apart without colour, escaping of data text."""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pandas as pd

from corridors import counting
from corridors import map as mapview


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
    assert "Expressway" in html and 'window.corridorsLanguage("en")' in html  # labels and buttons in English


def test_display_boundaries_keep_the_region_small(ds):
    display = mapview.display_boundaries(ds.boundaries)
    assert len(display[display.level == "prefecture"]) == 14
    assert len(display.to_json()) < 400_000


def _names(labels: list[dict], lang: str) -> dict[str, str]:
    """A label's name in one language (read back from its HTML, as the map's script does) → its kind."""
    return {re.search(f'data-{lang}="([^"]*)"', x["h"]).group(1): x["z"] for x in labels}


def test_seat_labels_are_prefecture_seats_and_hunan_counties_not_urban_districts(ds):
    from corridors import gazetteer

    seats = gazetteer.load_seats(ds.geodata / "seats.csv")
    labels = mapview.seat_labels(seats)
    text = _names(labels, "zh")
    assert text["长沙市"] == "prefecture_seat"  # Hunan's seats open with the map
    assert text["广州市"] == "prefecture_seat"  # so do the provincial capitals
    assert text["韶关市"] == "pref_other"  # other prefecture seats from zoom 7
    assert text["浏阳市"] == "county_seat"
    assert not any(h.endswith("区") and z == "county_seat" for h, z in text.items())
    hunan_counties = seats[(seats.province_zh == "湖南省") & (seats.kind == "county_seat")
                           & ~seats.name_zh.str.endswith("区")]
    assert set(hunan_counties.name_zh) <= set(text)
    en = _names(labels, "en")
    assert en["Changsha"] == "prefecture_seat" and en["Changsha County"] == "county_seat" and "Liuyang" in en
    assert en["Yueyang"] == "prefecture_seat" and en["Yueyang County"] == "county_seat"
    shown = [re.fullmatch(r'<span data-zh="([^"]*)" data-en="[^"]*">(.*)</span>', x["h"]) for x in labels]
    assert all(m and m.group(1) == m.group(2) for m in shown)  # shown in Chinese until the map is told


def test_a_label_name_from_data_is_escaped_in_both_languages():
    item = mapview.label_item(28.0, 112.0, "prov", '甲"<b>', "A&B <i>")
    assert item["h"] == '<span data-zh="甲&quot;&lt;b&gt;" data-en="A&amp;B &lt;i&gt;">甲&quot;&lt;b&gt;</span>'


def test_the_base_map_is_the_same_in_both_languages_and_the_language_element_names_it(ds):
    """A language switch must not rebuild the map (the planner's view would jump): nothing in the base
    map's page depends on the language; MapLanguage, which travels with the dynamic layers, sets it."""
    from corridors import hydro

    rivers = hydro.load_rivers(ds.geodata / "rivers.geojson")
    display = mapview.display_boundaries(ds.boundaries)
    page = mapview.base_map(display, rivers=rivers).get_root().render()
    assert "Xiang River" in page and "湘江" in page and "Full screen / exit" in page and "全屏" in page
    el = mapview.MapLanguage("en")
    folium_map = mapview.base_map(display)
    el.add_to(folium_map)
    assert 'window.corridorsLanguage("en")' in folium_map.get_root().render()


def test_a_remote_base_draws_the_same_layers_from_the_fetched_file_below_the_lines(ds):
    display = mapview.display_boundaries(ds.boundaries)
    page = mapview.base_map(display, base_url="/app/static/basemap/abc.json").get_root().render()
    assert 'fetch("/app/static/basemap/abc.json")' in page and "FeatureCollection" not in page
    assert "L.geoJSON(d.boundaries" in page and "L.geoJSON(d.rivers" in page and "})(d.labels," in page
    assert f'pane: "{mapview.BASE_PANE}"' in page and "zIndex = 350" in page  # under the lines' pane (400)
    data = json.loads(mapview.base_data('{"type":"FeatureCollection","features":[]}', "{}", [
        mapview.label_item(28.2, 112.9, "prov", "湖南省", "Hunan")]))
    assert data["labels"][0]["c"] == [28.2, 112.9] and data["boundaries"]["features"] == []


def test_water_layer_is_small_and_labels_hunans_rivers(ds):
    from corridors import hydro

    rivers = hydro.load_rivers(ds.geodata / "rivers.geojson")
    text = mapview.rivers_geojson(rivers)
    assert len(text) < 60_000  # the map carries it on every page
    names = _names(mapview.river_labels(rivers), "zh")
    assert names["洞庭湖"] == "lake"
    assert {"湘江", "资江", "沅江", "澧水"} <= set(names)
    assert "Xiang River" in _names(mapview.river_labels(rivers), "en")
    display = mapview.display_boundaries(ds.boundaries)
    html = mapview.base_map(display, rivers=rivers).get_root().render()
    assert "Natural Earth" in html  # its source credited on the map


def test_crossings_are_given_at_the_precision_of_their_line():
    assert mapview.crossing_text(29.4912, 109.4138, "county_seats", "zh") == "约 29.5°N, 109.4°E"
    assert mapview.crossing_text(29.4912, 109.4138, "towns", "en") == "about 29.49°N, 109.41°E"
    assert mapview.crossing_text(29.4912, 109.4138, "surveyed", "en") == "29.491°N, 109.414°E"


def test_a_map_rebuilt_with_the_opening_view_is_not_a_move():
    assert not mapview.moved(mapview.CENTER, 6, (27.2937, 111.9067), 6)  # Leaflet's whole-pixel rounding
    assert mapview.moved(mapview.CENTER, 6, (26.0, 111.9), 6)
    assert mapview.moved(mapview.CENTER, 6, mapview.CENTER, 7)


def test_packed_coordinates_keep_the_stated_precision_and_round_trip():
    coords = [(111.98764, 27.12346), (112.5, 27.0), (109.00049, 30.99951)]
    for n in (3, 4):
        back = mapview.unpack_coords(mapview.pack_coords(coords, n))
        assert back == [[round(y, n), round(x, n)] for x, y in coords]
    assert mapview.pack_coords(coords, 3)[:5] == [3, 27123, 111988, -123, 512]  # steps after the first vertex


def test_dashboard_lines_are_rounded_to_their_precision_and_the_snapshot_keeps_four_decimals(ds):
    paths = mapview.section_paths(ds.sections)
    full = mapview.section_paths(ds.sections, mapview.SNAPSHOT_DECIMALS)
    for r in ds.sections.itertuples():
        if r.geometry is None:
            continue
        n = mapview.LINE_DECIMALS.get(r.precision, mapview.LINE_DECIMALS_DEFAULT)
        (packed,) = [p for s, p in paths[r.project_id] if s == r.section]
        assert packed[0] == n
        for (lat, lon), (x, y) in zip(mapview.unpack_coords(packed), r.geometry.coords, strict=True):
            assert abs(lat - y) <= 0.5 * 10 ** -n + 1e-9 and abs(lon - x) <= 0.5 * 10 ** -n + 1e-9
        (packed,) = [p for s, p in full[r.project_id] if s == r.section]
        assert packed[0] == 4
    assert all(mapview.LINE_DECIMALS_DEFAULT <= n <= 4 for n in mapview.LINE_DECIMALS.values())
    assert "surveyed" in mapview.LINE_DECIMALS  # an imported line keeps what its 20 m display simplification keeps


def _layers(ds, popups=False):
    t = ds.table(date.today())
    groups, lookup = mapview.project_layers(t, mapview.section_paths(ds.sections), ds.section_statuses(date.today()),
                                            ds.section_names("zh"), "zh", popups=popups)
    script = "".join(_render(g) for g in groups)
    return t, mapview.layer_data(script), lookup


def test_map_layers_carry_each_name_and_style_once_and_give_every_tooltip(ds):
    t, data, lookup = _layers(ds)
    lines = [d for d in data if "l" in d]
    assert len(lines) == t[(t.same_as == "") & t.route_known]["mode"].nunique()
    for d in lines:
        assert sorted({it[0] for it in d["l"]}) == list(range(len(d["n"])))  # a name per project drawn
        assert len(d["n"]) == len(set(d["n"]))
        assert len({json.dumps(s, sort_keys=True) for s in d["s"]}) == len(d["s"])  # one entry per style drawn
    # the tooltips the browser composes are the texts a click is looked up by, one per section drawn
    shown = [tip for d in lines for tip in mapview.line_tooltips(d)]
    assert sorted(shown) == sorted(lookup) and len(shown) == sum(len(d["l"]) for d in lines)


def test_map_layers_are_no_larger_than_their_text_and_packed_coordinates(ds):
    """A bound computed from what must travel: each drawn project's tooltip head once per layer, each section's
    name once, 12 bytes a vertex (packed steps of under 10 degrees at 3 decimals: two numbers of at most five
    digits and a sign), a fixed overhead per section, style and crossing. A name or a style repeated per
    section, or absolute coordinates at more decimals, break it at the shipped catalog's size already."""
    _, data, _ = _layers(ds)
    u = lambda s: len(s.encode("utf-8"))  # noqa: E731
    sections = ds.sections[ds.sections.geometry.notna()]
    vertices = sum(len(g.coords) for g in sections.geometry)
    lines = [d for d in data if "l" in d]
    (cross,) = [d for d in data if "x" in d]
    text = (sum(u(n) + 3 for d in lines for n in d["n"]) + sum(u(it[2]) for d in lines for it in d["l"])
            + sum(u(n) + 3 for n in cross["n"]) + sum(u(q[0]) + u(q[1]) + 6 for q in cross["q"]))
    bound = (text + 12 * vertices + 16 * len(sections) + 160 * sum(len(d["s"]) for d in lines)
             + 40 * len(cross["x"]) + 400 * len(data))
    size = sum(u(json.dumps(d, ensure_ascii=False, separators=(",", ":"))) for d in data)
    assert size <= bound, (size, bound)
    assert max(abs(v) for d in lines for it in d["l"] for v in it[3][3:]) < 10 ** 5  # steps, not positions


def test_text_from_data_reaches_the_page_as_it_is_not_as_a_template():
    """branca compiles each rendered macro as a Jinja template; the map's elements put their output in as text,
    so data that looks like a template ("{{ 123456 * 3 }}", e.g. in a name or a note) is not evaluated (nor costs a
    compile of the map's inline data on every view)."""
    m = mapview.map_class("leaflet.js", "leaflet.css")(location=mapview.CENTER, zoom_start=6, tiles=None)
    mapview.TitleBox("{{ 123456 * 3 }} {% if true %}x{% endif %}").add_to(m)
    html = m.get_root().render()
    assert "{{ 123456 * 3 }} {% if true %}x{% endif %}" in html and "370368" not in html



def _update(ds, table, geometry, day: date, lang: str, selected: str | None = None):
    groups, lookup = mapview.dashboard_layers(table, geometry, ds.section_statuses(day), ds.section_names(lang), lang,
                                              selected)
    (d,) = [x for x in mapview.layer_data("".join(_render(g) for g in groups)) if "l" in x]
    return d, lookup


def test_the_map_holds_every_drawn_section_once_and_an_update_names_them_by_index(ds):
    """The dashboard's lines travel once with the base map (line_geometry); an update names each shown section
    by its index there, with its project's name, style and tooltip, and carries no coordinates."""
    t = ds.table(date.today())
    paths = mapview.section_paths(ds.sections)
    geometry = mapview.line_geometry(t, paths)
    g = json.loads(geometry.data)
    drawn = t[(t.same_as == "") & t.route_known]
    expected = {(pid, s): p for pid in drawn.id for s, p in paths.get(pid, [])}
    where = {i: (pid, s) for pid, secs in geometry.sections.items() for s, i in secs}
    assert {key: g["p"][i] for i, key in where.items()} == expected and len(g["p"]) == len(expected)
    d, lookup = _update(ds, t, geometry, date.today(), "zh", selected="yuanshui")
    assert sorted(it[3] for it in d["l"]) == sorted(where)  # every section shown, each once
    names = t.set_index("id").name_zh
    for it in d["l"]:
        pid, _ = where[it[3]]
        assert all(not isinstance(v, (list, dict)) for v in it)  # indices and text: the coordinates stay put
        assert html.escape(names[pid]) in d["n"][it[0]]
        assert (it[4:] == [1]) == (pid == "yuanshui")
    shown = mapview.line_tooltips(d)
    assert sorted(shown) == sorted(lookup) and len(shown) == len(expected)
    crossings = sum(len(c) for c in drawn[drawn.in_plan].crossings)
    assert sorted(d["x"]) == list(range(crossings)) == list(range(len(g["x"])))


def test_a_date_or_language_changes_only_the_styles_and_names_of_the_lines_held(ds):
    """What a date or a language changes travels in the update; the sections shown stay the same ones."""
    day, then = date.today(), date(2016, 10, 24)
    t, old = ds.table(day), ds.table(then)
    geometry = mapview.line_geometry(t, mapview.section_paths(ds.sections))
    now_zh, _ = _update(ds, t, geometry, day, "zh")
    then_zh, _ = _update(ds, old, geometry, then, "zh")
    now_en, _ = _update(ds, t, geometry, day, "en")
    assert [it[3] for it in now_zh["l"]] == [it[3] for it in then_zh["l"]] == [it[3] for it in now_en["l"]]
    assert then_zh["s"] != now_zh["s"]  # fewer lines were open in 2016: other styles
    assert now_en["lang"] == "en" and now_en["n"] != now_zh["n"]
    filtered = t[t["mode"] == "waterway"]
    water, _ = _update(ds, filtered, geometry, day, "zh")
    assert {it[3] for it in water["l"]} == {i for pid in filtered.id for _, i in geometry.sections.get(pid, [])}


def test_names_in_the_held_lines_and_their_updates_are_escaped(ds):
    t = ds.table(date.today()).copy()
    t.loc[t.id == "zhitong", "name_zh"] = '<img src=x onerror="alert(1)">'
    geometry = mapview.line_geometry(t, mapview.section_paths(ds.sections))
    d, _ = _update(ds, t, geometry, date.today(), "zh")
    base = mapview.map_class("leaflet.js", "leaflet.css")(tiles=None)
    mapview.LineBase(geometry).add_to(base)
    for text in (base.get_root().render(), json.dumps(d, ensure_ascii=False)):
        assert "<img src=x" not in text and "&lt;img src=x" in text


# --- what the map draws first: counted lines at full strength, the rest quieter, every line readable ------------

def _rgb(colour: str) -> tuple[float, ...]:
    c = colour.lstrip("#")
    c = "".join(ch * 2 for ch in c) if len(c) == 3 else c
    return tuple(int(c[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _over(fg: tuple[float, ...], alpha: float, bg: tuple[float, ...]) -> tuple[float, ...]:
    """Source-over alpha compositing of one colour on another."""
    return tuple(alpha * f + (1 - alpha) * b for f, b in zip(fg, bg))


def _luminance(rgb: tuple[float, ...]) -> float:
    """WCAG 2.1 relative luminance (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance)."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG 2.1 contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio); 3:1 is asked of graphics
    (success criterion 1.4.11, non-text contrast)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _fills() -> dict[str, tuple[float, ...]]:
    """Each offline fill as drawn: at the layer's opacity over Leaflet's own background (read from its CSS)."""
    css = mapview.leaflet_assets()["leaflet.css"]
    background = re.search(r"\.leaflet-container \{\s*background: (#[0-9a-fA-F]{3,6});", css).group(1)
    assert _rgb(background) == _rgb(mapview.MAP_BACKGROUND)
    return {k: _over(_rgb(v), mapview.FILL_OPACITY, _rgb(background)) for k, v in mapview.FILL.items()}


def test_every_line_class_has_three_to_one_contrast_on_every_fill():
    fills = _fills()
    low = []
    for mode, colour in mapview.MODE_COLOURS.items():
        for status in mapview.STATUS_STYLES:
            for counted in (True, False):
                for candidate in (True, False):
                    alpha = mapview.line_style(status, counted, candidate)["opacity"]
                    for name, fill in fills.items():
                        ratio = _contrast(_over(_rgb(colour), alpha, fill), fill)
                        if ratio < 3:
                            low.append((mode, status, counted, candidate, name, round(ratio, 2)))
    water = mapview.WATER
    for name, fill in fills.items():
        ratio = _contrast(_over(_rgb(water["line"]), water["opacity"], fill), fill)
        if ratio < 3:
            low.append(("river", name, round(ratio, 2)))
    assert not low


def test_what_is_not_counted_is_quieter_and_rivers_have_a_style_no_corridor_shares():
    for status in mapview.STATUS_STYLES:
        full, quiet = mapview.line_style(status, True), mapview.line_style(status, False)
        assert quiet["weight"] < full["weight"] or quiet["weight"] == mapview.QUIET["min_weight"]
        assert quiet["opacity"] < full["opacity"]
    corridor_weights = {mapview.line_style(s, c, k)["weight"] for s in mapview.STATUS_STYLES
                        for c in (True, False) for k in (True, False)}
    assert mapview.WATER["weight"] < min(corridor_weights)
    assert mapview.WATER["line"] not in mapview.MODE_COLOURS.values()


def _legend_samples(text: str) -> set[tuple]:
    return {(m[0], float(m[1]), float(m[2]), m[3] or None) for m in re.findall(
        r'<line [^>]*stroke="(#[0-9a-f]+)" stroke-width="([\d.]+)" stroke-opacity="([\d.]+)"'
        r'(?: stroke-dasharray="([^"]+)")?', text)}


def test_the_legend_samples_are_the_styles_the_map_draws(ds):
    t = ds.table(date(2025, 1, 1))
    geometry = mapview.line_geometry(t, mapview.section_paths(ds.sections))
    groups, _ = mapview.dashboard_layers(t, geometry, ds.section_statuses(date(2025, 1, 1)), ds.section_names("zh"),
                                         "zh")
    script = _render(groups[0])
    (data,) = [d for d in mapview.layer_data(script) if "l" in d]
    drawn = {(s[0]["color"], float(s[0]["weight"]), float(s[0]["opacity"]), s[0]["dashArray"]) for s in data["s"]}
    drawn.add((mapview.WATER["line"], float(mapview.WATER["weight"]), float(mapview.WATER["opacity"]), None))
    legend = json.loads(re.search(r"div\.innerHTML = (\".*?\");\n", script).group(1))
    samples = _legend_samples(legend)
    assert samples and samples <= drawn, samples - drawn
    counted = t[t.counted & (t.same_as == "") & t.route_known]
    assert len(counted) and len(t[~t.counted & (t.same_as == "") & t.route_known])
    assert any(s[2] == 1.0 for s in samples) and any(s[2] < 1.0 for s in samples)  # full strength and context


def test_the_counted_crossings_are_numbered_as_the_count(ds):
    as_of = date(2025, 1, 1)
    t = ds.table(as_of)
    numbered = ds.numbered(counting.DEFAULT, as_of)
    geometry = mapview.line_geometry(t, mapview.section_paths(ds.sections))
    groups, _ = mapview.dashboard_layers(t, geometry, {}, {}, "zh", numbered=numbered)
    (data,) = [d for d in mapview.layer_data(_render(groups[0])) if "l" in d]
    assert [c[2] for c in data["c"]] == list(range(1, ds.count(as_of)["completed"] + 1))
    assert all(t.set_index("id").counted[u.project_id] for u in numbered)
    # the snapshot's map carries the same numbers
    display = mapview.display_boundaries(ds.boundaries)
    page = mapview.standalone_map(display, t, ds.sections, {}, {}, "zh", numbered=numbered).get_root().render()
    (layer,) = [d for d in mapview.layer_data(page) if set(d) == {"c"}]
    assert layer["c"] == data["c"]


def test_every_map_credits_leaflet_as_text_without_its_flag(ds):
    """Leaflet 1.9's default prefix carries a flag icon (.leaflet-attribution-flag); the maps replace it."""
    display = mapview.display_boundaries(ds.boundaries)
    assert "<svg" not in mapview.LEAFLET_CREDIT and "Leaflet" in mapview.LEAFLET_CREDIT
    for m in (mapview.base_map(display, mapview.map_class("/l.js", "/l.css")),
              mapview.standalone_map(display, ds.table(date(2020, 12, 31)), ds.sections, {}, {}, "zh")):
        found = re.search(r"attributionControl\.setPrefix\((\".*?\")\);", m.get_root().render())
        assert found and json.loads(found.group(1)) == mapview.LEAFLET_CREDIT


def test_a_legend_sample_does_not_depend_on_the_hash_seed():
    """Between styles equally prominent by counting, completion and confirmation, the legend's sample for a mode
    is the status the legend lists first; each Python process (PYTHONHASHSEED) must pick the same, or two
    snapshots of the same data differ. Checked in fresh processes with different seeds."""
    import subprocess
    import sys

    code = ("from corridors.map import legend as g; "
            "d = {('highway', s, True, False) for s in ('planned', 'suspended', 'under_construction', 'not_found')}; "
            "print(g._sample(d, mode='highway')[1])")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)}).stdout.strip()
            for seed in range(6)}
    assert seen == {"under_construction"}, seen
