"""The line protocol: how the corridors' lines travel from the data frames to the browser. Coordinates packed as
integer steps at the line's precision; the styles drawn, each once (style.line_look); tooltips composed in the
browser from a project's name, a section's name and a style's tail, which are the texts a click is looked up by.
The dashboard's map holds every line once (LineGeometry, js/line_base.js) and each update (dashboard_layers) only
names the sections shown and their styles (js/line_styles.js); the snapshot's map draws its lines once
(project_layers, js/line_layer.js).
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from .. import i18n
from ..boundaries import PROVINCES
from ..style import CROSSING_STYLE, FOCUS_COLOUR, FOCUS_HALO_OPACITY, HIGHLIGHT, MODE_COLOURS, line_look
from .elements import Group, PackedLayer, Prerendered, script
from .legend import STUB_HTML, drawn_legend, number_html


def tooltip_text(row: pd.Series, section_name: str, status: str | None, lang: str) -> str:
    """Plain text shown on hover; also the key that maps a click back to its project."""
    head = i18n.name_of(row, lang)
    if row.get("identification") == "candidate":
        head = f"{i18n.t('candidate_short', lang)}{head}"
    part = f" · {section_name}" if section_name else ""
    return f"{head}{part} · {i18n.mode(row['mode'], lang)} · {i18n.status(status, lang)}"


def popup_html(row: pd.Series, lang: str) -> str:
    """Details shown in the map popup; every value from data is escaped."""
    e = html.escape
    provinces = row["provinces"] if lang == "zh" else row["provinces_en"]
    lines = [
        f"<b>{e(row['name_zh'])}</b><br><i>{e(row['name_en'])}</i>",
        f"{e(i18n.t('col_mode', lang))}: {e(i18n.mode(row['mode'], lang))}",
        f"{e(i18n.t('col_status', lang))}: {e(i18n.status(row['status'], lang))}",
        f"{e(i18n.t('col_provinces', lang))}: {e(' → '.join(provinces))}",
        f"{e(i18n.t('col_length', lang))}: {_km(row['length_km'])}",
        f"{e(i18n.t('col_precision', lang))}: {e(i18n.t('precision_' + row['precision'], lang))}",
        f"{e(i18n.t('col_lead', lang))}: {e(row['lead_department'])}",
    ]
    return "<br>".join(lines)


def _km(value: float | None) -> str:
    return "" if value is None or pd.isna(value) else f"{value:.0f}"


# Decimal places of a crossing point by the precision of the line it lies on: a point on a line through
# county seats is known to a few km (0.1° ≈ 10 km), one on a surveyed alignment to about 100 m.
CROSSING_DECIMALS = {"surveyed": 3, "towns": 2, "county_seats": 1, "approximate": 1, "prefectures": 1,
                     "endpoints": 1}


def crossing_text(lat: float, lon: float, precision: str, lang: str) -> str:
    """A crossing's coordinates at the precision of its line, marked approximate unless surveyed."""
    n = CROSSING_DECIMALS.get(precision, 1)
    text = f"{lat:.{n}f}°N, {lon:.{n}f}°E"
    return text if precision == "surveyed" else ("约 " if lang == "zh" else "about ") + text


# Decimal places of the dashboard's line coordinates by the precision of the line. A schematic line (through
# county seats, towns, prefecture seats or its ends) is known to a few km, so 3 decimals (about 100 m) lose
# nothing of it and stay under a pixel to zoom 10 (3 px at zoom 12); an imported, surveyed line is drawn
# simplified to alignments.DISPLAY_TOLERANCE_M (20 m), so 4 decimals (about 10 m) keep that. The snapshot's
# map keeps SNAPSHOT_DECIMALS for every line.
LINE_DECIMALS = {"surveyed": 4}


LINE_DECIMALS_DEFAULT = 3


SNAPSHOT_DECIMALS = 4


def pack_coords(coords, decimals: int) -> list[int]:
    """A line's (lon, lat) coordinates as the map's packed list: [decimals, lat0, lon0, Δlat1, Δlon1, …], integers
    in units of 10**-decimals, each vertex after the first as the step from the one before (a step is a few
    digits where an absolute coordinate is six or seven). unpack_coords (and the layer's script) reverse it."""
    scale = 10 ** decimals
    out, last = [decimals], (0, 0)
    for x, y in coords:
        p = (round(y * scale), round(x * scale))
        out += [p[0] - last[0], p[1] - last[1]]
        last = p
    return out


def unpack_coords(packed: list[int]) -> list[list[float]]:
    """[[lat, lon], …] from pack_coords' list (what the layer's script hands to Leaflet)."""
    scale, lat, lon, out = 10 ** packed[0], 0, 0, []
    for k in range(1, len(packed), 2):
        lat, lon = lat + packed[k], lon + packed[k + 1]
        out.append([round(lat / scale, packed[0]), round(lon / scale, packed[0])])
    return out


def section_paths(sections: gpd.GeoDataFrame, decimals: int | None = None) -> dict[str, list[tuple[str, list[int]]]]:
    """project → [(section, packed coordinates), …]: the drawable lines, prepared once per dataset, rounded to
    the line's precision (LINE_DECIMALS) or to `decimals` for every line."""
    paths: dict[str, list] = {}
    precision = sections["precision"] if "precision" in sections else [None] * len(sections)
    for pid, section, geom, prec in zip(sections.project_id, sections.section, sections.geometry, precision,
                                        strict=True):
        if geom is not None:
            n = decimals if decimals is not None else LINE_DECIMALS.get(prec, LINE_DECIMALS_DEFAULT)
            paths.setdefault(pid, []).append((section, pack_coords(geom.coords, n)))
    return paths


class LineLayer(PackedLayer):
    """The lines of one mode. data: n, each project's tooltip head (escaped); s, the styles drawn, each
    [Leaflet options, the tooltip's tail ' · mode · status' (escaped)]; l, the sections, each [project index,
    style index, section name (escaped, '' when the project is one section), packed coordinates]; p
    (optional), each project's popup HTML (escaped). The snapshot's map, drawn once (the dashboard's lines
    are LineBase's).

    A section's tooltip is n + ' · ' + section name + tail: the same text as tooltip_text, which is what the
    map reports on a click. Thin dotted lines are hard to hit: the visible line is drawn, and a wide solid
    transparent twin above it takes the hover and the click.
    """

    _template = script("line_layer.js")


def layer_data(script: str) -> list[dict]:
    """The data of every packed layer in a map's script, as the browser receives it (for tests and benches)."""
    decoder, out, at = json.JSONDecoder(), [], script.find("})({")
    while at >= 0:
        data, end = decoder.raw_decode(script, at + 3)
        out.append(data)
        at = script.find("})({", end)
    return out


def line_tooltips(data: dict) -> list[str]:
    """The tooltips a LineLayer's data gives, as text (what the map reports on a click), by its script's rule."""
    return [html.unescape(data["n"][it[0]] + (" · " + it[2] if it[2] else "") + data["s"][it[1]][1])
            for it in data["l"]]


class CrossingLayer(PackedLayer):
    """Border crossings: a white circle with a popup and a short label of the province beyond. data: n, the
    projects' names (escaped); v, the popup's verb by direction ({"out": into, "in": from}); q, the provinces
    crossed into, each [name, label] (escaped); x, the crossings, each [lat, lon, project index, province
    index, direction 'out'|'in']; s, the circle's style. A popup reads verb + ' ' + province + ' · ' + name."""

    _template = script("crossing_layer.js")


def _drawn(table: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The rows the map draws: a project of its own (not another's duplicate) whose route is known; only
    `columns` when given (taken with the rows in one step: a whole row's geometry and lists cost more to copy)."""
    keep = (table.same_as == "") & table.route_known
    return table.loc[keep, columns] if columns is not None else table[keep]


def _head(row, lang: str) -> str:
    """A line's tooltip head: the project's name, marked when its identification is unconfirmed (escaped)."""
    head = i18n.name_of(row, lang)
    if row["identification"] == "candidate":
        head = f"{i18n.t('candidate_short', lang)}{head}"
    return html.escape(head)


class _Styles:
    """The styles drawn, each [Leaflet options, the tooltip's tail ' · mode · status' (escaped)], kept once."""

    def __init__(self) -> None:
        self.items: list[list] = []
        self._index: dict[tuple[str, str], int] = {}
        self._seen: dict[tuple, int] = {}  # (mode, status, counted, candidate, language) → index
        self.statuses: set[str | None] = set()
        self.drawn: set[tuple] = set()  # (mode, status, counted, candidate): what the legend samples

    def of(self, row, status: str | None, lang: str) -> int:
        seen = (row["mode"], status, bool(row["counted"]), row["identification"] == "candidate", lang)
        if seen not in self._seen:
            self._seen[seen] = self._add(row, status, lang)
            self.drawn.add(seen[:4])
        return self._seen[seen]

    def _add(self, row, status: str | None, lang: str) -> int:
        self.statuses.add(status)
        options = line_look(row["mode"], status, bool(row["counted"]), row["identification"] == "candidate")
        tail = html.escape(f" · {i18n.mode(row['mode'], lang)} · {i18n.status(status, lang)}")
        key = (json.dumps(options), tail)
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append([options, tail])
        return self._index[key]


def _section_item(row, index: int, section: str, ref, sections: int,
                  section_status: dict[tuple[str, str], str | None], section_names: dict[tuple[str, str], str],
                  styles: _Styles, lang: str, lookup: dict[str, str]) -> list:
    """One drawn section: [project index, style index, section name (escaped; '' when the project is one section),
    ref (its coordinates or their index)], with its status on the date; its tooltip text goes into lookup."""
    status = section_status.get((row["id"], section), row["status"])
    name = section_names.get((row["id"], section), "") if sections > 1 else ""
    lookup[tooltip_text(row, name, status, lang)] = row["id"]
    return [index, styles.of(row, status, lang), html.escape(name), ref]


def stub_markers(stubs: pd.DataFrame, table: pd.DataFrame, lang: str) -> list[list]:
    """Where each 断头路 (a row of stubs.stubs) is drawn: its corridor's crossing into that neighbour (the table's
    traced crossings), with its tooltip text (escaped). A stub whose corridor has no traced crossing into that
    neighbour has no point to draw and is left out (the stubs table still lists it)."""
    crossings = dict(zip(table.id, table.crossings))
    out = []
    for r in stubs.itertuples():
        hit = [c for c in crossings.get(r.id, []) if c["province_zh"] == r.neighbour]
        if not hit:
            continue
        days = "—" if r.days_waiting is None or r.days_waiting != r.days_waiting else int(r.days_waiting)
        text = i18n.t("stub_tooltip", lang, name=r.name_zh if lang == "zh" else r.name_en,
                      neighbour=r.neighbour if lang == "zh" else r.neighbour_en,
                      half=i18n.t(f"open_half_{r.open_half}", lang), days=days)
        out.append([hit[0]["lat"], hit[0]["lon"], "<br>".join(html.escape(x) for x in text.split("\n"))])
    return out


@dataclass(frozen=True)
class LineGeometry:
    """What the dashboard's map holds of the lines whatever the date, language or filters (see LineBase):
    data, the JSON text; sections, project → [(section, its index in data), …]; crossings, project → the
    indices of its border crossings; key, a hash of data (a new one rebuilds the map)."""

    data: str
    sections: dict[str, list[tuple[str, int]]]
    crossings: dict[str, list[int]]
    key: str


def line_geometry(table: pd.DataFrame, paths: dict[str, list]) -> LineGeometry:
    """Every drawable section's packed coordinates, in drawing order (by mode, then catalog order), and every
    border crossing of the plan's projects with its names in both languages (escaped).

    data: p, the sections' packed coordinates; x, the crossings, each [lat, lon, name index, province index,
    'out'|'in']; n, the names [zh, en]; q, the provinces [name zh, label zh, name en, label en]; v, the popup's
    verbs by language and direction; s, the crossing circle's style.
    """
    e = html.escape
    drawn = _drawn(table)
    out = {"p": [], "x": [], "n": [], "q": [], "s": CROSSING_STYLE,
           "v": {lang: {"out": e(i18n.t("crossing_into", lang)), "in": e(i18n.t("crossing_from", lang))}
                 for lang in i18n.LANGS}}
    sections: dict[str, list[tuple[str, int]]] = {}
    for mode in MODE_COLOURS:
        for pid in drawn.id[drawn["mode"] == mode]:
            for section, packed in paths.get(pid, []):
                sections.setdefault(pid, []).append((section, len(out["p"])))
                out["p"].append(packed)
    crossings: dict[str, list[int]] = {}
    provinces: dict[str, int] = {}
    for row in drawn[drawn.in_plan].to_dict("records"):  # label the plan's crossings; others stay quiet
        if not len(row["crossings"]):
            continue
        named = len(out["n"])
        out["n"].append([e(i18n.name_of(row, lang)) for lang in ("zh", "en")])
        for c in row["crossings"]:
            if c["province"] not in provinces:
                side = PROVINCES[c["province"]]
                provinces[c["province"]] = len(out["q"])
                out["q"].append([e(side.name_zh), e(side.abbr), e(side.name_en), e(side.name_en)])
            crossings.setdefault(row["id"], []).append(len(out["x"]))
            out["x"].append([c["lat"], c["lon"], named, provinces[c["province"]],
                             "out" if c["direction"] == "out" else "in"])
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"))
    return LineGeometry(text, sections, crossings, hashlib.sha256(text.encode()).hexdigest()[:16])


def numbered_markers(table: pd.DataFrame, numbered: list, lang: str) -> list[list]:
    """The counted crossings as the map numbers them: [lat, lon, number, tooltip (escaped)] for each of
    counting.numbered's units whose project is in `table` (the rows shown), at the project's first crossing
    into that unit's province. A unit always has such a crossing: units are made from crossings."""
    # a dict per column rather than a row lookup per unit: .loc on an indexed frame costs about a millisecond
    crossings = dict(zip(table.id, table.crossings))
    names = dict(zip(table.id, table.name_zh if lang == "zh" else table.name_en))
    out = []
    for u in numbered:
        if u.project_id not in crossings:
            continue
        c = next((c for c in crossings[u.project_id] if c["province"] == u.province), None)
        if c is None:
            continue
        side = PROVINCES[u.province]
        tip = i18n.t("number_tip", lang, n=u.number, name=names[u.project_id],
                     province=side.name_zh if lang == "zh" else side.name_en, date=u.day.isoformat())
        out.append([round(c["lat"], 4), round(c["lon"], 4), u.number, html.escape(tip)])
    return out


# A counted crossing's number as a Leaflet marker's HTML, "{n}" replaced in the browser (js/number.js).
NUMBER_TEMPLATE = json.dumps(number_html("{n}"))


class NumberLayer(PackedLayer):
    """The counted crossings' numbers on the snapshot's map (data: c, numbered_markers' items)."""

    _template = script("number_layer.js")
    number_html = NUMBER_TEMPLATE


HIGHLIGHT_PANE, HIT_PANE, CROSSING_PANE = "corridorsHighlight", "corridorsHits", "corridorsCrossings"


class LineBase(Prerendered):
    """The dashboard's lines and crossings, built once per map from a LineGeometry and kept on the map.

    It defines `window.corridorsLines(d, target)` (called by LineStyles on every update) which shows exactly
    the sections and crossings `d` names, restyles and renames them in place (Leaflet's setStyle and
    setTooltipContent), and draws the picked project's highlight into `target` (the update's own group, so
    the next update removes it). A line that stays shown is never rebuilt: a date, a language or a filter
    costs the frame a few style changes, not a new drawing. The panes: highlight under the lines
    (overlayPane, 400), then the wide transparent twins that take hover and click, then the crossings' circles
    (clickable on top of the lines they sit on). Crossing labels carry both names (data-zh, data-en) and their
    popups are written when opened, in the map's language.
    """

    _template = script("line_base.js")

    def __init__(self, geometry: LineGeometry) -> None:
        super().__init__()
        self._name = "LineBase"
        self.data = geometry.data
        self.panes = (HIGHLIGHT_PANE, HIT_PANE, CROSSING_PANE)
        self.focus = FOCUS_COLOUR
        self.focus_opacity = FOCUS_HALO_OPACITY
        self.highlight = HIGHLIGHT
        self.number_html = NUMBER_TEMPLATE
        self.stub_html = json.dumps(STUB_HTML)


class LineStyles(PackedLayer):
    """One update of the dashboard's lines (see LineBase): lang; n, each shown project's tooltip head (escaped);
    s, the styles drawn, each [Leaflet options, tooltip tail]; l, the sections shown, each [project index, style
    index, section name (escaped, '' when the project is one section), section index in the LineGeometry, 1 if
    the project is the picked one], in drawing order; x, the crossings shown; c, the counted crossings' numbers
    (numbered_markers); k, the 断头路 (stub_markers). A section's tooltip is composed as in LineLayer, so
    line_tooltips reads these data too."""

    _template = script("line_styles.js")


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
        drawn_legend(lang, {m for m in legend_modes if m in layers}, statuses, drawn, collapsible=False).add_to(
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
         "c": numbered_markers(table, numbered or [], lang), "k": stubs or []}
    modes: set[str] = set()
    drawn = _drawn(table, ["id", "mode", "in_plan", "counted", "identification", "status", "name_zh", "name_en"])
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
    drawn_legend(lang, modes, styles.statuses, styles.drawn, stubs=bool(stubs)).add_to(group)
    return [group], lookup
