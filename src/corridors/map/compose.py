"""The two maps assembled from the parts: the dashboard's (base_map once, then dashboard_layers on every update)
and the snapshot's standalone page (standalone_map, Leaflet inlined); whether the viewer moved the map.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd

from .. import i18n
from ..boundaries import PROVINCES
from ..style import CROSSING_STYLE, FILL_OPACITY, FILL_OPACITY_UNDER_TILES, MODE_COLOURS
from .basemap import (
    CENTER,
    WATER_ATTRIBUTION,
    ZOOM,
    BoundaryLayer,
    LabelLayer,
    RemoteBase,
    WaterLayer,
    boundaries_geojson,
    place_labels,
    rivers_geojson,
    tile_layer,
)
from .chrome import AttributionPrefix, MapChrome, MapLanguage, TitleBox
from .elements import Group, InlineLeafletMap
from .legend import STUB_HTML, Legend, _legend, legend_html
from .lines import (
    SNAPSHOT_DECIMALS,
    CrossingLayer,
    LineBase,
    LineGeometry,
    LineLayer,
    LineStyles,
    NumberLayer,
    StubLayer,
    _drawn,
    _head,
    _section_item,
    _Styles,
    numbered_markers,
    popup_html,
    section_paths,
)


def moved(center: tuple[float, float], zoom: int, new_center: tuple[float, float], new_zoom: int) -> bool:
    """Whether the map reports a view the viewer chose: another zoom, or a centre more than a few pixels
    (8 px at this zoom) away. Leaflet reports the opening view rounded to whole pixels, which is not a move."""
    tolerance = 8 * 360 / (256 * 2 ** zoom)
    return new_zoom != zoom or max(abs(new_center[0] - center[0]), abs(new_center[1] - center[1])) > tolerance


def base_map(display: gpd.GeoDataFrame, cls: type[folium.Map] = folium.Map,
             modes: tuple[str, ...] = tuple(MODE_COLOURS), geojson_text: str | None = None, *,
             legend_lang: str | None = None, tiles: str = "none", tianditu_key: str = "",
             seats: pd.DataFrame | None = None, rivers: gpd.GeoDataFrame | None = None,
             rivers_text: str | None = None, labels: list[dict] | None = None,
             height: int | None = None, base_url: str | None = None,
             lines: LineGeometry | None = None) -> folium.Map:
    """The stable part of the map, the same in both languages: province polygons (offline base; light when
    online tiles are on top of them), rivers, place labels in both languages (given ready-made, or made from
    display, seats and rivers), the map's buttons, and the legend in `legend_lang` if given (otherwise it
    travels with the dynamic layers). A MapLanguage element, added after it, names things in one language.
    With base_url (a file made by base_data), boundaries, rivers and labels are fetched from there instead of
    being carried in the page. With lines, the dashboard's lines are held by the map (LineBase) and each update
    of it restyles them (dashboard_layers)."""
    m = cls(location=CENTER, zoom_start=ZOOM, tiles=None, control_scale=True,
            **({"height": height} if height else {}))
    online = tile_layer(tiles, tianditu_key)
    if online is not None:
        online.add_to(m)
    opacity = FILL_OPACITY_UNDER_TILES if online is not None else FILL_OPACITY
    if base_url:
        RemoteBase(base_url, opacity).add_to(m)
    else:
        BoundaryLayer(geojson_text or boundaries_geojson(display), opacity).add_to(m)
        if rivers is not None:
            WaterLayer(rivers_text or rivers_geojson(rivers), WATER_ATTRIBUTION).add_to(m)
        LabelLayer(place_labels(display, seats, rivers) if labels is None else labels).add_to(m)
    if legend_lang:
        Legend(legend_html(legend_lang, list(modes))).add_to(m)
    AttributionPrefix().add_to(m)
    MapChrome().add_to(m)
    if lines is not None:
        LineBase(lines).add_to(m)
    return m


def project_layers(table: pd.DataFrame, paths: dict[str, list], section_status: dict[tuple[str, str], str | None],
                   section_names: dict[tuple[str, str], str], lang: str,
                   popups: bool = True, numbered: list | None = None,
                   legend_modes: tuple[str, ...] | None = None) -> tuple[list[folium.FeatureGroup], dict[str, str]]:
    """One feature group per mode (lines) and one for border crossings; and tooltip text → project id: the
    snapshot's standalone map, which is drawn once (the dashboard restyles lines in place: line_geometry).

    Lines are drawn per section, each with its own status on the date, so a link whose Hunan half is
    open and whose neighbour half is being built shows both. What repeats travels once (see LineLayer,
    CrossingLayer): a project's name, a style, a province.
    """
    e = html.escape
    layers: dict[str, dict] = {}
    styles: dict[str, _Styles] = {}
    lookup: dict[str, str] = {}
    cross = {"n": [], "v": {"out": e(i18n.t("crossing_into", lang)), "in": e(i18n.t("crossing_from", lang))},
             "q": [], "x": [], "s": CROSSING_STYLE}
    provinces: dict[str, int] = {}
    for row in _drawn(table).to_dict("records"):
        pid, mode = row["id"], row["mode"]
        secs = paths.get(pid, [])
        if secs:
            layer = layers.setdefault(mode, {"n": [], "s": [], "l": [], **({"p": []} if popups else {})})
            book = styles.setdefault(mode, _Styles())
            layer["s"] = book.items
            index = len(layer["n"])
            layer["n"].append(_head(row, lang))
            if popups:
                layer["p"].append(popup_html(row, lang))
        for section, packed in secs:
            layer["l"].append(_section_item(row, index, section, packed, len(secs), section_status, section_names,
                                            book, lang, lookup))
        crossings = row["crossings"] if row["in_plan"] else []  # label the plan's crossings; others stay quiet
        if len(crossings):
            named = len(cross["n"])
            cross["n"].append(e(i18n.name_of(row, lang)))
        for c in crossings:
            if c["province"] not in provinces:
                side = PROVINCES[c["province"]]
                provinces[c["province"]] = len(cross["q"])
                cross["q"].append([e(side.name_zh if lang == "zh" else side.name_en),
                                   e(side.abbr if lang == "zh" else side.name_en)])
            cross["x"].append([c["lat"], c["lon"], named, provinces[c["province"]],
                               "out" if c["direction"] == "out" else "in"])
    groups = []
    for mode in MODE_COLOURS:
        if mode in layers:
            fg = Group(name=i18n.mode(mode, lang))
            LineLayer(layers[mode]).add_to(fg)
            groups.append(fg)
    crossings_group = Group(name=i18n.t("layer_crossings", lang))
    CrossingLayer(cross).add_to(crossings_group)
    numbers_group = Group(name=i18n.t("layer_numbers", lang))
    NumberLayer({"c": numbered_markers(table, numbered or [], lang)}).add_to(numbers_group)
    if legend_modes is not None:  # the legend of what is drawn, with the crossings (always shown)
        drawn = set().union(*(b.drawn for b in styles.values()))
        statuses = set().union(*(b.statuses for b in styles.values()))
        _legend(lang, {m for m in legend_modes if m in layers}, statuses, drawn, collapsible=False).add_to(
            crossings_group)
    return groups + [crossings_group, numbers_group], lookup


def dashboard_layers(table: pd.DataFrame, geometry: LineGeometry, section_status: dict[tuple[str, str], str | None],
                     section_names: dict[tuple[str, str], str], lang: str,
                     selected: str | None = None,
                     numbered: list | None = None,
                     stubs: list | None = None) -> tuple[list[folium.FeatureGroup], dict[str, str]]:
    """The dashboard's map update for the rows shown (one feature group: their LineStyles, the numbers of the
    counted crossings among them (counting.numbered), the 断头路 markers (stub_markers) and the legend of what
    they draw) and tooltip text → project id. The lines themselves are in the map's LineBase."""
    styles, lookup = _Styles(), {}
    d = {"lang": lang, "n": [], "s": styles.items, "l": [], "x": [],
         "c": numbered_markers(table, numbered or [], lang)}
    modes: set[str] = set()
    drawn = _drawn(table)[["id", "mode", "in_plan", "counted", "identification", "status", "name_zh", "name_en"]]
    for row in drawn.to_dict("records"):  # only the columns used: a whole row each costs more than the rest
        pid = row["id"]
        secs = geometry.sections.get(pid, [])
        if secs:
            modes.add(row["mode"])
            index = len(d["n"])
            d["n"].append(_head(row, lang))
        for section, at in secs:
            item = _section_item(row, index, section, at, len(secs), section_status, section_names, styles, lang,
                                 lookup)
            d["l"].append(item + [1] if pid == selected else item)
        if row["in_plan"]:
            d["x"] += geometry.crossings.get(pid, [])
    d["l"].sort(key=lambda it: it[3])
    group = Group(control=False)
    LineStyles(d).add_to(group)
    if stubs:
        StubLayer({"h": STUB_HTML, "x": stubs}).add_to(group)
    _legend(lang, modes, styles.statuses, styles.drawn, stubs=bool(stubs)).add_to(group)
    return [group], lookup


def standalone_map(display: gpd.GeoDataFrame, table: pd.DataFrame, sections: gpd.GeoDataFrame,
                   section_status: dict, section_names: dict, lang: str, modes: tuple[str, ...] | None = None,
                   title_html: str | None = None, numbered: list | None = None,
                   seats: pd.DataFrame | None = None, rivers: gpd.GeoDataFrame | None = None) -> folium.Map:
    """The same map as one self-contained page (Leaflet inlined), for snapshots; the legend lists `modes`
    (default: every mode) and title_html (already escaped), if given, is shown in a box at the top left; with seats
    and rivers, the place names and the water layer the dashboard shows."""
    m = base_map(display, InlineLeafletMap, seats=seats, rivers=rivers)
    MapLanguage(lang).add_to(m)
    if title_html:
        TitleBox(title_html).add_to(m)
    groups, _ = project_layers(table, section_paths(sections, SNAPSHOT_DECIMALS), section_status, section_names, lang,
                               numbered=numbered, legend_modes=tuple(MODE_COLOURS) if modes is None else modes)
    for g in groups:
        g.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
