"""The folium map, built from data frames: an offline base of province polygons, a layer per mode,
status told apart by dash pattern and weight, border-crossing markers, a legend. No Streamlit here.

Offline: Leaflet's own JS/CSS are the only assets the map needs; they come from the installed
folium-offline package (never copied into this repository) and are either served by the app or inlined.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from . import i18n
from .boundaries import HUNAN, PROVINCES

LEAFLET_JS = folium.Map.default_js[0][1]
LEAFLET_CSS = folium.Map.default_css[0][1]
CENTER = (27.3, 111.9)
ZOOM = 6
DISPLAY_TOLERANCE = 0.03
DISPLAY_DECIMALS = 3  # about 100 m: finer than a pixel at the zooms the map opens at
# Online tiles a planner may add: none (offline), OpenStreetMap, 天地图 (reachable in mainland China; needs the
# operator's key). Both are WGS-84 / CGCS2000 like the lines. With tiles on, the fills turn light.
TILES = ("none", "osm", "tianditu")
TIANDITU_URL = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
                "&tk={key}")
# Place labels by zoom: Hunan's prefecture seats and the provincial capitals from the opening zoom, the
# other prefecture seats from 7, county seats from 8.
SEAT_ZOOMS = {"prefecture_seat": 6, "pref_other": 7, "county_seat": 8, "lake": 6, "river": 7}
# Rivers: a thin solid line of their own (no corridor is drawn 1 px wide), dark enough for 3:1 on every fill.
WATER = {"line": "#2b7fb8", "fill": "#b9d8ee", "weight": 1, "opacity": 1.0}
RIVER_TOLERANCE_M = 1000.0  # display simplification of the river lines (metres, metric CRS)
HUNAN_RIVERS = ("yangtze", "xiang", "zi", "yuan", "li", "dongting")  # labelled; the neighbours' rivers are drawn only

# Every mode colour keeps at least 3:1 contrast (WCAG 2.x, non-text) against every fill below, even drawn quiet
# and unconfirmed (tests/test_mapview.py computes it with the opacities composited).
MODE_COLOURS = {"rail": "#b2182b", "highway": "#1f5aa6", "waterway": "#00665c", "pipeline": "#762a83",
                "power": "#9c4a00"}
# Status must be readable without colour: weight and dash pattern differ.
STATUS_STYLES = {
    "completed": {"weight": 5, "dash_array": None, "opacity": 1.0},
    "under_construction": {"weight": 4, "dash_array": "12 7", "opacity": 1.0},
    "planned": {"weight": 3, "dash_array": "2 7", "opacity": 1.0},
    "suspended": {"weight": 3, "dash_array": "1 10", "opacity": 1.0},
    "cancelled": {"weight": 3, "dash_array": "1 10", "opacity": 1.0},
    "plan_stated": {"weight": 3, "dash_array": "6 4 1 4", "opacity": 1.0},
    # a section with no record while the rest of its line has one: thin, short-and-long dashes, never 在建's
    "not_found": {"weight": 3, "dash_array": "3 3 3 9", "opacity": 1.0},
    None: {"weight": 3, "dash_array": "1 10", "opacity": 1.0},
}
# What the headline counts is drawn at full strength; every other line is context: thinner and lighter (never
# under QUIET["min_weight"], which keeps it apart from the 1 px rivers). Unconfirmed identifications are a
# little fainter again (and marked in their tooltip).
QUIET = {"weight": -2, "min_weight": 2, "opacity": 0.8}
CANDIDATE = {"opacity": 0.9}
FILL = {"hunan": "#fdf1c7", "member": "#e3f1df", "other": "#ececec"}
FILL_OPACITY = 0.8  # the offline base's fills (BoundaryLayer's default)
MAP_BACKGROUND = "#dddddd"  # Leaflet 1.9's .leaflet-container background, under the fills
FOCUS_COLOUR = "#ff8c00"  # the keyboard's focus: a ring around controls, a halo around a line
# The counted crossings' numbers: a dark disc with a white figure.
NUMBER_STYLE = {"background": "#222222", "color": "#ffffff", "size": 18}


def leaflet_assets() -> dict[str, str]:
    """Leaflet 1.9.3's JS and CSS (images inlined), taken from the installed folium-offline package."""
    from offlinefolium.elements import _res

    return {"leaflet.js": _res[LEAFLET_JS], "leaflet.css": _res[LEAFLET_CSS]}


class _Text(Element):
    """Text already rendered, put into the page as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class Prerendered(MacroElement):
    """A MacroElement whose rendered macros go into the page as text. branca's MacroElement.render wraps each
    macro's output in Element(text), which compiles that output as a Jinja template; for the map's inline data
    (boundaries, rivers, lines: hundreds of KB) the compiling was about half of a first view's server time."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                getattr(figure, part).add_child(_Text(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


def map_class(js_url: str, css_url: str) -> type[folium.Map]:
    """A folium.Map that loads only Leaflet, from the given URLs (st_folium still sees a folium.Map)."""
    return type("CorridorMap", (folium.Map, Prerendered), {"default_js": [("leaflet", js_url)],
                                                            "default_css": [("leaflet_css", css_url)]})


class Group(folium.FeatureGroup, Prerendered):
    """A folium.FeatureGroup rendered without compiling its output (see Prerendered)."""


class InlineLeafletMap(folium.Map, Prerendered):
    """A folium.Map whose page carries Leaflet inline: a standalone HTML file that needs no network."""

    default_js: list = []
    default_css: list = []

    def render(self, **kwargs) -> None:
        assets = leaflet_assets()
        figure = self.get_root()
        figure.header.add_child(_Text(f"<style>{assets['leaflet.css']}</style>"), name="leaflet_css")
        figure.header.add_child(_Text(f"<script>{assets['leaflet.js']}</script>"), name="leaflet")
        super().render(**kwargs)


def display_boundaries(bnd: gpd.GeoDataFrame, tolerance: float = DISPLAY_TOLERANCE) -> gpd.GeoDataFrame:
    """Hunan's prefectures plus every neighbour and Pan-PRD member province, simplified for the browser.

    Simplified as one coverage (shared borders stay shared); islands under ~1 km² are dropped.
    """
    keep = [c for c, p in PROVINCES.items() if (p.pan_prd or p.neighbour) and c != HUNAN]
    sub = bnd[((bnd.level == "province") & bnd.adcode.isin(keep)) | (bnd.level == "prefecture")].copy()
    geoms = shapely.coverage_simplify(sub.geometry.to_numpy(), tolerance)
    geoms = [_drop_specks(shapely.set_precision(g, 10 ** -DISPLAY_DECIMALS)) for g in geoms]
    return gpd.GeoDataFrame(sub.drop(columns="geometry"), geometry=geoms, crs=bnd.crs).reset_index(drop=True)


def _drop_specks(geom, min_area: float = 1e-4):
    parts = [p for p in getattr(geom, "geoms", [geom]) if p.area >= min_area]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else (parts[0] if parts else geom)


def boundaries_geojson(display: gpd.GeoDataFrame) -> str:
    """Compact GeoJSON of the display boundaries with only what styling needs (level, membership)."""
    features = [{"type": "Feature", "properties": {"pref": int(r.level == "prefecture"), "m": int(bool(r.pan_prd))},
                 "geometry": shapely.geometry.mapping(r.geometry)} for r in display.itertuples()]
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


class BoundaryLayer(Prerendered):
    """Province and prefecture polygons as one non-interactive L.geoJSON layer: the offline base map.

    Takes ready-made GeoJSON text, so a rerun does not serialise the polygons again.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.data }}, {interactive: false, pane: {{ this.pane|tojson }}, style: function (f) {
            var p = f.properties;
            if (p.pref) {
                return {fillColor: {{ this.fill.hunan|tojson }}, color: "#9a8a5a", weight: 0.8,
                        fillOpacity: {{ this.opacity }}};
            }
            return {fillColor: p.m ? {{ this.fill.member|tojson }} : {{ this.fill.other|tojson }},
                    color: "#8c8c8c", weight: 1, fillOpacity: {{ this.opacity }}};
        }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, geojson_text: str, opacity: float = FILL_OPACITY, pane: str = "overlayPane") -> None:
        super().__init__()
        self._name = "BoundaryLayer"
        self.opacity = opacity
        self.data = geojson_text
        self.fill = FILL
        self.pane = pane


def rivers_geojson(rivers: gpd.GeoDataFrame, tolerance_m: float = RIVER_TOLERANCE_M) -> str:
    """Compact GeoJSON of the rivers and lakes for the browser: simplified in metres, 3 decimals, only the
    kind kept (names go in labels)."""
    from .geometry import METRIC_CRS

    simple = rivers.to_crs(METRIC_CRS).simplify(tolerance_m).to_crs(4326)
    geoms = shapely.set_precision(simple.to_numpy(), 10 ** -DISPLAY_DECIMALS)
    features = [{"type": "Feature", "properties": {"lake": int(k == "lake")}, "geometry": shapely.geometry.mapping(g)}
                for k, g in zip(rivers.kind, geoms) if not g.is_empty]
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


def river_labels(rivers: gpd.GeoDataFrame) -> list[dict]:
    """Names of Hunan's rivers and 洞庭湖 (the lake from the opening zoom, rivers from zoom 7), placed on the
    part of each river inside Hunan's box so that the label sits where the planner looks."""
    lon0, lat0, lon1, lat1 = COUNTY_LABEL_BOX
    box = shapely.box(lon0 + 0.6, lat0 + 0.6, lon1 - 0.6, lat1 - 0.6)
    out = []
    for r in rivers[rivers.id.isin(HUNAN_RIVERS)].itertuples():
        part = r.geometry.intersection(box)
        if part.is_empty:
            continue
        pt = part.representative_point() if r.kind == "lake" else shapely.line_interpolate_point(
            max(getattr(part, "geoms", [part]), key=lambda g: g.length), 0.5, normalized=True)
        out.append(label_item(pt.y, pt.x, r.kind, r.name_zh, r.name_en.replace(" (Chang Jiang)", "")))
    return out


class WaterLayer(Prerendered):
    """Rivers and lakes as one non-interactive L.geoJSON layer above the province fills, with their sources in
    the map's attribution."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.data }}, {interactive: false, pane: {{ this.pane|tojson }}, style: function (f) {
            return f.properties.lake ? {color: {{ this.water.line|tojson }}, weight: {{ this.water.weight }},
                                        opacity: {{ this.water.opacity }}, fillColor: {{ this.water.fill|tojson }},
                                        fillOpacity: 0.9}
                                     : {color: {{ this.water.line|tojson }}, weight: {{ this.water.weight }},
                                        opacity: {{ this.water.opacity }}};
        }}).addTo({{ this._parent.get_name() }});
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
        }
        {% endmacro %}
    """)

    def __init__(self, geojson_text: str, attribution: str, pane: str = "overlayPane") -> None:
        super().__init__()
        self._name = "WaterLayer"
        self.data = geojson_text
        self.water = WATER
        self.attribution = attribution
        self.pane = pane


BASE_PANE = "corridorsBase"  # below the lines (overlayPane, z 400) whenever the base arrives


def base_data(geojson_text: str, rivers_text: str, labels: list[dict]) -> str:
    """The base map's data as one JSON document (boundaries, rivers, labels in both languages), served as a
    static file the map fetches, so that it is not re-sent with every update of the lines."""
    return (f'{{"boundaries":{geojson_text},"rivers":{rivers_text},'
            f'"labels":{json.dumps(labels, ensure_ascii=False, separators=(",", ":"))}}}')


class RemoteBase(Prerendered):
    """The base map (boundaries, rivers, labels) fetched from `url` (see base_data) and drawn in its own pane
    below the lines, with the same layers as the inline base. The map's script stays small and the same on
    every rerun; the lines do not wait for the base. If the fetch fails, the map says so (MapChrome's note)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            map.createPane({{ this.pane|tojson }}).style.zIndex = 350;
            fetch({{ this.url|tojson }}).then(function (r) {
                if (!r.ok) { throw new Error("HTTP " + r.status); }
                return r.json();
            }).then(function (d) {
                {{ this.inner }}
            }).catch(function (e) { map.fire("corridors:basefailed", {error: String(e)}); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, url: str, opacity: float = 0.8) -> None:
        super().__init__()
        self._name = "RemoteBase"
        self.url = url
        self.pane = BASE_PANE
        self.layers = [BoundaryLayer("d.boundaries", opacity, BASE_PANE),
                       WaterLayer("d.rivers", WATER_ATTRIBUTION, BASE_PANE), DataLayer.of("d.labels")]
        self.inner = ""

    def render(self, **kwargs) -> None:
        for layer in self.layers:  # drawn inside the fetch's callback, on this element's map
            layer._parent = self._parent
        self.inner = "\n".join(layer._template.module.script(layer, kwargs) for layer in self.layers)
        super().render(**kwargs)


WATER_ATTRIBUTION = "Rivers: Natural Earth (PD); GSHHG 2.3.6 (LGPL-3.0)"


class DataLayer(Prerendered):
    """Many lines, circle markers or labels drawn by one loop over JSON data (one template, one dump).

    Each item: k (kind: line|circle|label), c (coordinates, lat/lon), s (Leaflet style options),
    t (tooltip text, already HTML-escaped), p (popup HTML, already escaped, or a key of `popups`, so that the
    sections of one line share one copy), h (label HTML, escaped), z (a label's class: cx = crossing, or the
    seat kind, shown by zoom), sel (the picked project's highlight: its bounds are what "zoom to" fits).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (items, popups, target) {
            var sel = [];
            items.forEach(function (it) {
                var layer;
                if (it.k === "circle") { layer = L.circleMarker(it.c, it.s); }
                else if (it.k === "label") {
                    layer = L.marker(it.c, {interactive: false, keyboard: false,
                        icon: L.divIcon({className: "corridors-label " + (it.z || ""), iconSize: null, html: it.h})});
                } else if (it.t) {
                    // thin dotted lines are hard to hit: the visible line is drawn, and a wide solid
                    // transparent twin above it takes the hover and the click
                    L.polyline(it.c, Object.assign({}, it.s, {interactive: false})).addTo(target);
                    layer = L.polyline(it.c, {color: it.s.color, weight: 14, opacity: 0});
                } else { layer = L.polyline(it.c, it.s); }
                if (it.sel) { sel = sel.concat(it.c); }
                if (it.t) { layer.bindTooltip(it.t, {sticky: true, direction: "auto"}); }
                if (it.p) {
                    layer.bindPopup(popups[it.p] || it.p, {maxWidth: 300, maxHeight: 240, autoPanPadding: [24, 24]});
                }
                layer.addTo(target);
            });
            if (sel.length) { window.corridorsSelection = L.latLngBounds(sel); }
        })({{ this.items }}, {{ this.popups }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, items: list[dict], popups: dict[str, str] | None = None) -> None:
        super().__init__()
        self._name = "DataLayer"
        self.items = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
        self.popups = json.dumps(popups or {}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def of(cls, expression: str) -> DataLayer:
        """A DataLayer whose items are a JavaScript expression evaluated in the page (fetched data)."""
        layer = cls([])
        layer.items = expression
        return layer


# Label looks by class (cx: border crossing; prov: province; seats), so each label carries only its text.
LABEL_CSS = (
    ".corridors-label span{white-space:nowrap;display:inline-block;text-shadow:0 0 2px #fff,0 0 2px #fff}"
    ".prov span{font:13px sans-serif;color:#666;transform:translate(-50%,-50%)}"
    ".cx span{font:bold 11px sans-serif;color:#222;background:rgba(255,255,255,.85);padding:0 2px;"
    "border-radius:2px;transform:translate(7px,-50%)}"
    ".prefecture_seat span,.pref_other span{font:bold 12px sans-serif;color:#333;transform:translate(-4px,-50%)}"
    ".county_seat span{font:11px sans-serif;color:#555;transform:translate(-3px,-50%)}"
    ".prefecture_seat span:before,.pref_other span:before,.county_seat span:before{content:'';display:inline-block;"
    "width:5px;height:5px;margin-right:3px;border-radius:50%;background:#555;vertical-align:middle}"
    ".prefecture_seat span:before,.pref_other span:before{width:7px;height:7px;background:#222}"
    ".river span,.lake span{font:italic 12px serif;color:#2b6a9a;transform:translate(-50%,-50%)}"
)
# County seats are labelled in and around Hunan (this box); prefecture seats everywhere on the map.
COUNTY_LABEL_BOX = (108.4, 24.4, 114.6, 30.4)


def seat_labels(seats: pd.DataFrame) -> list[dict]:
    """Place-name labels from the shipped seats: every prefecture seat, and the county seats (not urban
    districts, which sit on their prefecture seat) in and around Hunan; shown by zoom (SEAT_ZOOMS)."""
    lon0, lat0, lon1, lat1 = COUNTY_LABEL_BOX
    county = ((seats.kind == "county_seat") & ~seats.name_zh.str.endswith("区")
              & seats.lon.between(lon0, lon1) & seats.lat.between(lat0, lat1))
    keep = seats[((seats.kind == "prefecture_seat") | county) & seats.lon.notna() & seats.lat.notna()]
    en = keep.name_en.str.replace(
        r" (City|County|District|Autonomous County|Tujia Autonomous County|Miao Autonomous County)$", "", regex=True)
    # 长沙县 is not 长沙市: a county whose short English name is another seat's keeps its full name
    en = en.where(~(en.duplicated(keep=False) & (keep.kind == "county_seat")), keep.name_en)
    first = keep.index.isin(major_seats(keep).index)
    kinds = keep.kind.where(first | (keep.kind != "prefecture_seat"), "pref_other")
    return [label_item(lat, lon, kind, zh, e) for lat, lon, kind, zh, e in zip(keep.lat, keep.lon, kinds, keep.name_zh, en)]


# Leaflet 1.9's attribution prefix carries a national flag; the credit stays, as text only.
LEAFLET_CREDIT = '<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">Leaflet</a>'


class AttributionPrefix(Prerendered):
    """Replaces Leaflet's attribution prefix (a link with a flag icon) by a text credit."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix|tojson }});
        }
        {% endmacro %}
    """)

    def __init__(self, prefix: str = LEAFLET_CREDIT) -> None:
        super().__init__()
        self._name = "AttributionPrefix"
        self.prefix = prefix


def major_seats(seats: pd.DataFrame) -> pd.DataFrame:
    """The seats named at the map's opening zoom: Hunan's prefecture seats and the provincial capitals."""
    code = seats.adcode.astype(str)
    first = (seats.kind == "prefecture_seat") & (code.str.startswith(HUNAN[:2]) | code.str.endswith("0100"))
    return seats[first & seats.lon.notna() & seats.lat.notna()]


class MapChrome(Prerendered):
    """What makes the map usable, in one script: no focus box on a clicked line; place labels shown by zoom;
    labels decluttered (a label overlapping one of higher priority is hidden, redone on every move);
    fullscreen, reset-view and zoom-to-project buttons; on touch screens one finger scrolls the page and two
    fingers pan the map; a note on the map when online tiles or the fetched base fail to load; a line click
    reported to the page at once (st_folium waits 250 ms before every report). Its text is in both languages:
    `window.corridorsLanguage(lang)` (called by MapLanguage) names the buttons, the note and the labels."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, o) {
            var css = document.createElement("style");
            // no box around a clicked line (a focused line shows its own halo, see LineBase); a visible ring
            // around whatever the keyboard reaches
            css.textContent = ".leaflet-interactive:focus,.leaflet-container :focus:not(:focus-visible){outline:none}"
                + ".leaflet-container:focus-visible,.leaflet-container a:focus-visible,"
                + ".leaflet-container summary:focus-visible{outline:3px solid " + o.focus + ";outline-offset:1px}"
                + ".corridors-label{pointer-events:none}" + o.labelCss
                + o.seatZooms.map(function (z) {
                    return ".corridors-z-lt" + z[1] + " ." + z[0] + "{display:none}"; }).join("")
                + ".corridors-btn{background:#fff;width:30px;height:30px;line-height:30px;text-align:center;"
                + "cursor:pointer;font:16px sans-serif;display:block;color:#222;border-bottom:1px solid #ccc}"
                + ".corridors-note{background:#fff3cd;padding:3px 6px;font:12px sans-serif;border-radius:3px}";
            document.head.appendChild(css);
            var box = map.getContainer();
            function zoomClasses() {
                o.seatZooms.forEach(function (z) {
                    L.DomUtil[map.getZoom() < z[1] ? "addClass" : "removeClass"](box, "corridors-z-lt" + z[1]);
                });
            }
            function declutter() {
                // no layout (the frame hidden or not yet shown while the page reruns): every box would read
                // empty and every label would be shown; the size observer places them when layout returns
                if (!box.getClientRects().length || !box.offsetWidth) { return; }
                // nor while the map zooms or pans: the boxes read would be those of a moment in the motion;
                // its end places them
                if (moving) { return; }
                var kept = [];
                var labels = Array.prototype.slice.call(box.querySelectorAll(".corridors-label"));
                function rank(el) {
                    for (var i = 0; i < o.priority.length; i++) {
                        if (el.classList.contains(o.priority[i])) { return i; } }
                    return o.priority.length;
                }
                labels.sort(function (a, b) { return rank(a) - rank(b); });
                labels.forEach(function (el) {
                    el.style.visibility = "";
                    if (sizes) { sizes.observe(el.firstElementChild || el); }
                    var r = (el.firstElementChild || el).getBoundingClientRect();
                    if (!r.width) { return; }
                    var hit = kept.some(function (k) {
                        return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top; });
                    if (hit) { el.style.visibility = "hidden"; } else { kept.push(r); }
                });
                // what a test (or anyone) can wait on: how many times labels were placed, at which zoom,
                // and whether another placing is due
                placed += 1;
                box.setAttribute("data-corridors-placed", placed + "@" + map.getZoom());
                box.setAttribute("data-corridors-pending", "0");
            }
            var pending, placed = 0, moving = false, lang = "zh", buttons = {}, note = null;
            // a label whose size changes after it was placed (its font arriving late on a busy machine, a
            // zoom class showing it, its text) is placed again: its old box no longer says what it covers
            var sizes = window.ResizeObserver ? new ResizeObserver(function () { later(); }) : null;
            if (sizes) { sizes.observe(box); }
            function later() {
                clearTimeout(pending);
                box.setAttribute("data-corridors-pending", "1");
                pending = setTimeout(declutter, 60);
            }
            window.corridorsLanguage = function (to) {
                if (!o.text[to]) { return; }
                lang = to;
                Object.keys(buttons).forEach(function (k) {
                    buttons[k].title = o.text[lang][k]; buttons[k].setAttribute("aria-label", o.text[lang][k]); });
                if (note) { note.textContent = o.text[lang][noteKey]; }
                var changed = false;
                box.querySelectorAll(".corridors-label span[data-zh]").forEach(function (s) {
                    var text = s.getAttribute("data-" + lang);
                    if (s.textContent !== text) { s.textContent = text; changed = true; }
                });
                if (changed) { later(); }
            };
            // a zoom shows or hides a class of labels: place them at once, or they overlap until the next run
            map.on("zoomstart movestart", function () { moving = true; box.setAttribute("data-corridors-pending", "1"); });
            map.on("zoomend", function () { moving = false; zoomClasses(); declutter(); });
            map.on("moveend", function () { moving = false; later(); });
            map.on("layeradd", later);
            // a label moved by a CSS transition (the zoom animation's) is placed again once it stops moving
            box.addEventListener("transitionend", later);
            box.addEventListener("transitioncancel", later);
            zoomClasses(); later();
            var bar = L.control({position: "topleft"});
            bar.onAdd = function () {
                var div = L.DomUtil.create("div", "leaflet-bar");
                function button(icon, key, act) {
                    var a = L.DomUtil.create("a", "corridors-btn", div);
                    a.href = "#"; a.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16" '
                        + 'style="vertical-align:middle" fill="none" stroke="#222" stroke-width="1.8">' + icon + "</svg>";
                    a.title = o.text[lang][key]; a.setAttribute("role", "button");
                    a.setAttribute("aria-label", o.text[lang][key]);
                    buttons[key] = a;
                    L.DomEvent.on(a, "click", function (e) { L.DomEvent.stop(e); act(a); });
                    return a;
                }
                button('<path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4"/>', "fullscreen", function () {
                    var root = document.documentElement;
                    if (document.fullscreenElement) { document.exitFullscreen(); }
                    else if (root.requestFullscreen) { root.requestFullscreen().catch(function () {}); }
                });
                button('<path d="M2 8l6-6 6 6M4 6.5V14h8V6.5"/>', "reset", function () { map.setView(o.center, o.zoom); });
                button('<circle cx="8" cy="8" r="5"/><circle cx="8" cy="8" r="1.5" fill="#222"/>', "zoomTo", function () {
                    if (window.corridorsSelection) { map.fitBounds(window.corridorsSelection, {padding: [30, 30]}); }
                });
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            bar.addTo(map);
            document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
            if (L.Browser.mobile) {
                map.dragging.disable();
                box.addEventListener("touchstart", function (e) {
                    if (e.touches.length > 1) { map.dragging.enable(); } }, {passive: true});
                box.addEventListener("touchend", function (e) {
                    if (e.touches.length < 2) { map.dragging.disable(); } }, {passive: true});
            }
            var noteKey = null;
            function showNote(key) {
                if (noteKey === "baseFailed") { return; }  // the more serious note stays
                noteKey = key;
                if (note) { note.textContent = o.text[lang][key]; return; }
                var ctl = L.control({position: "bottomleft"});
                ctl.onAdd = function () {
                    note = L.DomUtil.create("div", "corridors-note"); note.textContent = o.text[lang][noteKey];
                    note.setAttribute("role", "alert");
                    return note; };
                ctl.addTo(map);
            }
            map.eachLayer(function (layer) {
                if (layer.getTileUrl) { layer.on("tileerror", function () { showNote("tilesFailed"); }); }
            });
            map.on("corridors:basefailed", function () { showNote("baseFailed"); });
            // st_folium reports every change 250 ms late (one debounce for pans and clicks alike): a click on a
            // line is reported at once, as st_folium would report it, so the debounced report finds nothing new.
            // A click on a line (LineBase counts them) is reported even when it is the line clicked last, with
            // the count as "click", so that clicking it again reopens its closed details.
            var clicks = 0;
            function report() {
                setTimeout(function () {
                    var g = window.__GLOBAL_DATA__, S = window.Streamlit, keys = ["last_object_clicked_tooltip", "zoom", "center"];
                    if (!g || !S || !g.returned_objects || g.wrap_longitude
                        || g.returned_objects.some(function (k) { return keys.indexOf(k) < 0; })) { return; }
                    var all = {last_object_clicked_tooltip: g.last_object_clicked_tooltip, zoom: map.getZoom(),
                               center: map.getCenter()}, data = {};
                    keys.forEach(function (k) { if (g.returned_objects.indexOf(k) >= 0) { data[k] = all[k]; } });
                    var fresh = (window.corridorsLineClicks || 0) !== clicks;
                    clicks = window.corridorsLineClicks || 0;
                    if (fresh || JSON.stringify(data) !== JSON.stringify(g.previous_data)) {
                        g.previous_data = data;
                        S.setComponentValue(fresh ? Object.assign({click: clicks}, data) : data);
                    }
                }, 0);
            }
            map.on("click", report);
            window.corridorsReport = report;
            // Leaflet focuses the map on the first mouse press (for its arrow keys) and the browser then scrolls
            // a map that is partly out of view into it, under the pointer: the click landed elsewhere. Focus
            // without scrolling.
            if (map.keyboard && map.keyboard.enabled()) {
                map.keyboard.disable();
                map.keyboard._onMouseDown = function () {
                    if (!this._focused) { this._map._container.focus({preventScroll: true}); }
                };
                map.keyboard.enable();
            }
        })({{ this._parent.get_name() }}, {{ this.options }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapChrome"
        self.options = json.dumps({
            "center": list(CENTER), "zoom": ZOOM, "seatZooms": [[k, z] for k, z in SEAT_ZOOMS.items()],
            "priority": ["cx", "prov", "prefecture_seat", "lake", "pref_other", "river", "county_seat"], "labelCss": LABEL_CSS,
            "focus": FOCUS_COLOUR,
            "text": {lang: {k: i18n.t(f"map_{k}", lang) for k in ("fullscreen", "reset", "zoomTo", "tilesFailed",
                                                                    "baseFailed")}
                     for lang in i18n.LANGS},
        }, ensure_ascii=False)


class MapLanguage(Prerendered):
    """Names the map's labels and buttons in one language. In the dashboard it travels with the dynamic
    layers, so a language switch relabels the map where it is (same view, no rebuild)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if (window.corridorsLanguage) { window.corridorsLanguage({{ this.lang|tojson }}); }
        {% endmacro %}
    """)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "MapLanguage"
        self.lang = lang


class InitialView(Prerendered):
    """Opens a freshly built map at the viewer's centre and zoom. Put in a dynamic feature group, it runs once
    per map (a change of tiles rebuilds the base map; later updates of the lines leave the view alone), and
    it keeps the base map's own script, and so its identity, independent of where the viewer has panned."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (parent) {
            parent.on("add", function () {
                if (window.corridorsViewSet) { return; }
                window.corridorsViewSet = true;
                parent._map.setView({{ this.center }}, {{ this.zoom }}, {animate: false});
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, center: tuple[float, float], zoom: int) -> None:
        super().__init__()
        self._name = "InitialView"
        self.center = json.dumps(list(center))
        self.zoom = int(zoom)


class Legend(Prerendered):
    """The legend as a collapsible Leaflet control (HTML already escaped). Put in a feature group, it comes and
    goes with that group, so a legend that follows the filters travels with the dynamic layers and never
    forces the base map to be rebuilt."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (parent) {
            var ctl = L.control({position: "bottomleft"});
            ctl.onAdd = function () {
                var div = L.DomUtil.create("div", "corridors-legend");
                div.style.cssText = "background:rgba(255,255,255,.92);padding:4px 7px;font:11px/1.3 sans-serif;"
                    + "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-height:70vh;overflow:auto";
                div.innerHTML = {{ this.html|tojson }};
                var fold = div.querySelector("details");
                if (fold && L.Browser.mobile) { fold.open = false; }  // a phone's map is too small to cover
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            if (parent instanceof L.Map) { ctl.addTo(parent); return; }
            parent.on("add", function () { ctl.addTo(parent._map); });
            parent.on("remove", function () { ctl.remove(); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text


def _swatch_line(colour: str, style: dict) -> str:
    """A legend sample drawn with a line's own style (colour, weight, dash pattern, opacity)."""
    dash = f' stroke-dasharray="{style["dash_array"]}"' if style.get("dash_array") else ""
    return (f'<svg width="34" height="10"><line x1="1" y1="5" x2="33" y2="5" stroke="{colour}" '
            f'stroke-width="{style["weight"]}" stroke-opacity="{style.get("opacity", 1)}"{dash}/></svg>')


def number_html(n: int | str) -> str:
    """A counted crossing's number: a dark disc with a white figure (the map's markers and the legend's sample)."""
    s = NUMBER_STYLE
    return (f'<span class="corridors-num-disc" style="display:inline-block;min-width:{s["size"]}px;'
            f'height:{s["size"]}px;line-height:{s["size"]}px;border-radius:{s["size"] // 2}px;'
            f'background:{s["background"]};color:{s["color"]};font:bold 11px sans-serif;text-align:center;'
            f'padding:0 2px;box-sizing:border-box;box-shadow:0 0 0 1.5px #fff">{n}</span>')


LEGEND_STATUSES = ("completed", "under_construction", "planned", "suspended", "plan_stated", "not_found")


def _sample(drawn: set[tuple], mode: str | None = None, status: str | None | bool = False,
            counted: bool | None = None) -> tuple | None:
    """The drawn style (mode, status, counted, candidate) a legend row shows: of those matching, the most
    prominent (counted, completed, confirmed, in the modes' order)."""
    order = list(MODE_COLOURS)
    keys = [k for k in drawn if (mode is None or k[0] == mode) and (status is False or k[1] == status)
            and (counted is None or k[2] == counted)]
    return min(keys, key=lambda k: (not k[2], k[1] != "completed", k[3], order.index(k[0])), default=None)


def _swatch(key: tuple) -> str:
    return _swatch_line(MODE_COLOURS[key[0]], line_style(key[1], key[2], key[3]))


def legend_html(lang: str, modes: list[str], statuses: list[str] | None = None, collapsible: bool = False,
                drawn: set[tuple] | None = None, stubs: bool = False) -> str:
    """Legend: a colour per mode shown and a dash pattern per status shown, each sample one of the styles the map
    draws (`drawn`: (mode, status, counted, candidate) keys; by default each mode counted and completed, each
    status counted in the first mode); what is counted at full strength and the rest as context; the counted
    crossings' numbers; province shading; rivers; the plan's crossing marker. Collapsible: a <details> element
    the viewer can fold away (open at first)."""
    e = html.escape
    first = modes[0] if modes else "highway"
    if drawn is None:
        drawn = {(m, "completed", True, False) for m in modes} | {
            (first, s, True, False) for s in LEGEND_STATUSES if not statuses or s in statuses} | {
            (first, "completed", False, False)}
    rows = [] if collapsible else [f"<b>{e(i18n.t('legend', lang))}</b>"]
    for m in modes:
        key = _sample(drawn, mode=m)
        if key:
            rows.append(_swatch(key) + " " + e(i18n.mode(m, lang)))
    for s in [x for x in LEGEND_STATUSES if not statuses or x in statuses]:
        key = _sample(drawn, status=s)
        if key:
            rows.append(_swatch(key) + " " + e(i18n.status(s, lang)))
    key = _sample(drawn, counted=False)
    if key:
        rows.append(_swatch(key) + " " + e(i18n.t("legend_quiet", lang)))
    rows.append(f'<span style="display:inline-block;width:34px;text-align:center">{number_html(1)}</span> '
                f'{e(i18n.t("legend_number", lang))}')
    for key, fill in (("legend_hunan", FILL["hunan"]), ("legend_member", FILL["member"]),
                      ("legend_other", FILL["other"])):
        rows.append(f'<span style="display:inline-block;width:30px;height:10px;background:{fill};'
                    f'border:1px solid #8c8c8c"></span> {e(i18n.t(key, lang))}')
    rows.append(_swatch_line(WATER["line"], {"weight": WATER["weight"], "opacity": WATER["opacity"]})
                + f" {e(i18n.t('legend_water', lang))}")
    c = CROSSING_STYLE
    rows.append(f'<svg width="34" height="12"><circle cx="17" cy="6" r="{c["radius"]}" fill="{c["fillColor"]}" '
                f'stroke="{c["color"]}" stroke-width="{c["weight"]}"/></svg> {e(i18n.t("legend_crossing", lang))}')
    if stubs:
        rows.append(f'<span style="display:inline-block;width:34px;text-align:center">{STUB_HTML}</span> '
                    f'{e(i18n.t("legend_stub", lang))}')
    if not collapsible:
        return "<br>".join(rows)
    cells = "".join(f'<div style="white-space:nowrap">{r}</div>' for r in rows)
    return (f'<details open><summary style="cursor:pointer;font-weight:bold">{e(i18n.t("legend", lang))}</summary>'
            f'<div style="display:grid;grid-template-columns:auto auto;column-gap:10px">{cells}</div></details>')


# Decimal places of a crossing point by the precision of the line it lies on: a point on a line through
# county seats is known to a few km (0.1° ≈ 10 km), one on a surveyed alignment to about 100 m.
CROSSING_DECIMALS = {"surveyed": 3, "towns": 2, "county_seats": 1, "approximate": 1, "prefectures": 1,
                     "endpoints": 1}


def crossing_text(lat: float, lon: float, precision: str, lang: str) -> str:
    """A crossing's coordinates at the precision of its line, marked approximate unless surveyed."""
    n = CROSSING_DECIMALS.get(precision, 1)
    text = f"{lat:.{n}f}°N, {lon:.{n}f}°E"
    return text if precision == "surveyed" else ("约 " if lang == "zh" else "about ") + text


def moved(center: tuple[float, float], zoom: int, new_center: tuple[float, float], new_zoom: int) -> bool:
    """Whether the map reports a view the viewer chose: another zoom, or a centre more than a few pixels
    (8 px at this zoom) away. Leaflet reports the opening view rounded to whole pixels, which is not a move."""
    tolerance = 8 * 360 / (256 * 2 ** zoom)
    return new_zoom != zoom or max(abs(new_center[0] - center[0]), abs(new_center[1] - center[1])) > tolerance


def tile_layer(tiles: str, tianditu_key: str = "") -> folium.TileLayer | None:
    """The online tiles chosen (None for the offline map): OpenStreetMap, or 天地图's vector map (needs the
    operator's key). The map's own labels name the places, in the page's language; the layer names are not
    shown (no layer control for tiles), so they are the same in both languages."""
    if tiles == "osm":
        return folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False)
    if tiles == "tianditu" and tianditu_key:
        layer = TIANDITU_URL.replace("{key}", tianditu_key)
        return folium.TileLayer(layer.replace("{layer}", "vec"), name="天地图 Tianditu",
                                attr="天地图 Tianditu", subdomains="01234567", max_zoom=18, control=False)
    return None


def label_item(lat: float, lon: float, kind: str, zh: str, en: str) -> dict:
    """A place label in both languages: it shows the Chinese name until the map is told the page's language
    (MapLanguage), so a language switch relabels the map in place instead of rebuilding it."""
    zh_text, en_text = html.escape(zh), html.escape(en)
    return {"k": "label", "c": [round(lat, 4), round(lon, 4)], "z": kind,
            "h": f'<span data-zh="{zh_text}" data-en="{en_text}">{zh_text}</span>'}


def place_labels(display: gpd.GeoDataFrame, seats: pd.DataFrame | None = None,
                 rivers: gpd.GeoDataFrame | None = None) -> list[dict]:
    """Every name the base map shows, in both languages: provinces (large ones), seats by zoom, Hunan's rivers
    and 洞庭湖."""
    big = display[(display.level == "province") & (shapely.area(display.geometry.to_numpy()) > 0.5)]
    labels = []
    for r in big.itertuples():
        pt = r.geometry.representative_point()
        labels.append(label_item(pt.y, pt.x, "prov", r.name_zh, r.name_en))
    if seats is not None:
        labels += seat_labels(seats)
    if rivers is not None:
        labels += river_labels(rivers)
    return labels


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
    opacity = 0.25 if online is not None else 0.8
    if base_url:
        RemoteBase(base_url, opacity).add_to(m)
    else:
        BoundaryLayer(geojson_text or boundaries_geojson(display), opacity).add_to(m)
        if rivers is not None:
            WaterLayer(rivers_text or rivers_geojson(rivers), WATER_ATTRIBUTION).add_to(m)
        DataLayer(place_labels(display, seats, rivers) if labels is None else labels).add_to(m)
    if legend_lang:
        Legend(legend_html(legend_lang, list(modes))).add_to(m)
    AttributionPrefix().add_to(m)
    MapChrome().add_to(m)
    if lines is not None:
        LineBase(lines).add_to(m)
    return m


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


# Decimal places of the dashboard's line coordinates by the precision of the line. A schematic line (through
# county seats, towns, prefecture seats or its ends) is known to a few km, so 3 decimals (about 100 m) lose
# nothing of it and stay under a pixel to zoom 10 (3 px at zoom 12); an imported, surveyed line is drawn
# simplified to alignment.DISPLAY_TOLERANCE_M (20 m), so 4 decimals (about 10 m) keep that. The snapshot's
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


class PackedLayer(Prerendered):
    """A layer drawn by one script from one compact JSON document (`data`), so that what repeats (a project's
    name, a style, a label's text) travels once."""

    def __init__(self, data: dict) -> None:
        super().__init__()
        self._name = type(self).__name__
        self.data = json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# The script's unpacking of pack_coords' lists, shared by the layers below.
_UNPACK_JS = """
            function unpack(p) {
                var s = Math.pow(10, p[0]), lat = 0, lon = 0, out = [];
                for (var k = 1; k < p.length; k += 2) { lat += p[k]; lon += p[k + 1]; out.push([lat / s, lon / s]); }
                return out;
            }"""


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

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (d, target) {""" + _UNPACK_JS + """
            d.l.forEach(function (it) {
                var st = d.s[it[1]], c = unpack(it[3]);
                L.polyline(c, Object.assign({}, st[0], {interactive: false})).addTo(target);
                var hit = L.polyline(c, {color: st[0].color, weight: 14, opacity: 0});
                hit.bindTooltip(d.n[it[0]] + (it[2] ? " · " + it[2] : "") + st[1], {sticky: true, direction: "auto"});
                if (d.p) {
                    hit.bindPopup(d.p[it[0]], {maxWidth: 300, maxHeight: 240, autoPanPadding: [24, 24]});
                }
                hit.addTo(target);
            });
        })({{ this.data }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)


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


CROSSING_STYLE = {"radius": 5, "color": "#000", "weight": 2, "fill": True, "fillColor": "#fff", "fillOpacity": 1}


class CrossingLayer(PackedLayer):
    """Border crossings: a white circle with a popup and a short label of the province beyond. data: n, the
    projects' names (escaped); v, the popup's verb by direction ({"out": into, "in": from}); q, the provinces
    crossed into, each [name, label] (escaped); x, the crossings, each [lat, lon, project index, province
    index, direction 'out'|'in']; s, the circle's style. A popup reads verb + ' ' + province + ' · ' + name."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (d, target) {
            d.x.forEach(function (x) {
                var q = d.q[x[3]];
                L.circleMarker([x[0], x[1]], d.s)
                    .bindPopup(d.v[x[4]] + " " + q[0] + " · " + d.n[x[2]], {maxWidth: 300, maxHeight: 240,
                                                                            autoPanPadding: [24, 24]})
                    .addTo(target);
                L.marker([x[0], x[1]], {interactive: false, keyboard: false, icon: L.divIcon({
                    className: "corridors-label cx", iconSize: null, html: "<span>" + q[1] + "</span>"})})
                    .addTo(target);
            });
        })({{ this.data }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)


def line_style(status: str | None, counted: bool = True, candidate: bool = False) -> dict:
    """A line's weight, dash pattern and opacity: by status; at full strength when the headline counts it,
    quieter (context) when it does not; a little fainter when its identification is unconfirmed."""
    style = dict(STATUS_STYLES.get(status, STATUS_STYLES[None]))
    if not counted:
        style["weight"] = max(QUIET["min_weight"], style["weight"] + QUIET["weight"])
        style["opacity"] = style["opacity"] * QUIET["opacity"]
    if candidate:
        style["opacity"] = round(style["opacity"] * CANDIDATE["opacity"], 3)
    return style


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
        style = line_style(status, bool(row["counted"]), row["identification"] == "candidate")
        options = {"color": MODE_COLOURS[row["mode"]], "weight": style["weight"], "opacity": style["opacity"],
                   "dashArray": style["dash_array"]}
        tail = html.escape(f" · {i18n.mode(row['mode'], lang)} · {i18n.status(status, lang)}")
        key = (json.dumps(options), tail)
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append([options, tail])
        return self._index[key]


def _legend(lang: str, modes: set[str], statuses: set[str | None], drawn: set[tuple],
            collapsible: bool = True, stubs: bool = False) -> Legend:
    """The legend of exactly the modes and statuses drawn, each sample a drawn style (and the 断头路 marker when
    some are drawn)."""
    shown = [x for x in LEGEND_STATUSES if x in statuses]
    return Legend(legend_html(lang, [m for m in MODE_COLOURS if m in modes], shown or ["completed"],
                              collapsible=collapsible, drawn=drawn, stubs=stubs))


def _section_item(row, index: int, section: str, ref, sections: int,
                  section_status: dict[tuple[str, str], str | None], section_names: dict[tuple[str, str], str],
                  styles: _Styles, lang: str, lookup: dict[str, str]) -> list:
    """One drawn section: [project index, style index, section name (escaped; '' when the project is one section),
    ref (its coordinates or their index)], with its status on the date; its tooltip text goes into lookup."""
    status = section_status.get((row["id"], section), row["status"])
    name = section_names.get((row["id"], section), "") if sections > 1 else ""
    lookup[tooltip_text(row, name, status, lang)] = row["id"]
    return [index, styles.of(row, status, lang), html.escape(name), ref]


# A 断头路: a red square with a white 断 at the crossing, told apart from the plan's white crossing circles and
# the counted crossings' dark numbered discs.
STUB_HTML = ('<span style="display:inline-block;width:16px;height:16px;line-height:16px;text-align:center;'
             'background:#d73027;color:#fff;border:1px solid #fff;border-radius:2px;font:bold 11px sans-serif">'
             '断</span>')


class StubLayer(PackedLayer):
    """The 断头路 (stubs.stubs) at their border crossings: one marker each, with a tooltip naming the corridor,
    which half is open and the days waiting. data: h, the marker's HTML; x, the stubs, each [lat, lon, tooltip
    (escaped)]. In the dashboard it travels in the map's update, so the markers follow the date."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (d, target) {
            d.x.forEach(function (x) {
                L.marker([x[0], x[1]], {keyboard: false, zIndexOffset: 500, icon: L.divIcon({
                    className: "corridors-stub", iconSize: [18, 18], iconAnchor: [9, 9], html: d.h})})
                    .bindTooltip(x[2])
                    .addTo(target);
            });
        })({{ this.data }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)


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


# A counted crossing's number as a Leaflet marker (d: [lat, lon, number, tooltip]); shared by both maps.
_NUMBER_JS = """
            function number(d) {
                return L.marker([d[0], d[1]], {keyboard: false, icon: L.divIcon({
                    className: "corridors-num", iconSize: null, iconAnchor: [9, 9], html: NUMBER_HTML.replace("{n}", d[2])})})
                    .bindTooltip(d[3], {direction: "top", offset: [0, -8]});
            }"""


def _number_js() -> str:
    return _NUMBER_JS.replace("NUMBER_HTML", json.dumps(number_html("{n}")))


class NumberLayer(PackedLayer):
    """The counted crossings' numbers on the snapshot's map (data: c, numbered_markers' items)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (d, target) {""" + _number_js() + """
            d.c.forEach(function (it) { number(it).addTo(target); });
        })({{ this.data }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)


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

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, g) {""" + _UNPACK_JS + """
            map.createPane({{ this.panes[0]|tojson }}).style.zIndex = 390;
            map.createPane({{ this.panes[1]|tojson }}).style.zIndex = 410;
            map.createPane({{ this.panes[2]|tojson }}).style.zIndex = 420;
""" + _number_js() + """
            var sections = [], crossings = [], on = {}, onX = {}, lang = "zh";
            function section(i) {
                var c = unpack(g.p[i]);
                var hit = L.polyline(c, {pane: {{ this.panes[1]|tojson }}, weight: 14, opacity: 0});
                hit.on("click", function () {  // a click on a line does not reach the map's own click handlers
                    window.corridorsLineClicks = (window.corridorsLineClicks || 0) + 1;
                    if (window.corridorsReport) { window.corridorsReport(); }
                });
                return {c: c, look: null, tip: null, line: L.polyline(c, {interactive: false}), hit: hit};
            }
            // The keyboard reaches each project's line once (its first section shown), in the catalog's order; a
            // focused line shows a halo, and Enter opens its details as a click does.
            function keys(s, first) {
                var el = s.hit.getElement();
                if (!el) { return; }
                el.setAttribute("tabindex", first ? "0" : "-1");
                el.setAttribute("role", "button");
                el.setAttribute("aria-label", s.tip);
                if (s.keyed) { return; }
                s.keyed = true;
                L.DomEvent.on(el, "focus", function () {
                    s.hit.setStyle({opacity: 0.55, color: {{ this.focus|tojson }}}); });
                L.DomEvent.on(el, "blur", function () { s.hit.setStyle({opacity: 0}); });
                // a mouse click does not focus the line (its tooltip would open under the pointer and take the click)
                L.DomEvent.on(el, "mousedown", L.DomEvent.preventDefault);
                L.DomEvent.on(el, "keydown", function (e) {
                    if (e.key !== "Enter" && e.key !== " ") { return; }
                    L.DomEvent.preventDefault(e);
                    s.hit.fire("click", {latlng: s.hit.getCenter(), originalEvent: e});
                });
            }
            function crossing(i) {
                var x = g.x[i], q = g.q[x[3]];
                var circle = L.circleMarker([x[0], x[1]], Object.assign({pane: {{ this.panes[2]|tojson }}}, g.s))
                    .bindPopup(function () {
                        var zh = lang === "zh";
                        return g.v[lang][x[4]] + " " + q[zh ? 0 : 2] + " · " + g.n[x[2]][zh ? 0 : 1];
                    }, {maxWidth: 300, maxHeight: 240, autoPanPadding: [24, 24]});
                var label = L.marker([x[0], x[1]], {interactive: false, keyboard: false, icon: L.divIcon({
                    className: "corridors-label cx", iconSize: null,
                    html: '<span data-zh="' + q[1] + '" data-en="' + q[3] + '">' + q[1] + "</span>"})});
                return [circle, label];
            }
            window.corridorsLines = function (d, target) {
                var want = {}, wantX = {}, added = false, sel = [];
                var looks = d.s.map(function (st) { return JSON.stringify(st[0]); });  // once per style, not per line
                var firstOf = {};
                lang = d.lang;
                d.l.forEach(function (it) {
                    var i = it[3], st = d.s[it[1]], s = sections[i] || (sections[i] = section(i));
                    var tip = d.n[it[0]] + (it[2] ? " · " + it[2] : "") + st[1], look = looks[it[1]];
                    want[i] = true;
                    if (s.look !== look) { s.line.setStyle(st[0]); s.look = look; }
                    if (s.tip === null) { s.hit.bindTooltip(tip, {sticky: true, direction: "auto"}); }
                    else if (s.tip !== tip) { s.hit.setTooltipContent(tip); }
                    s.tip = tip;
                    if (!on[i]) { s.line.addTo(map); s.hit.addTo(map); on[i] = true; added = true; }
                    keys(s, !firstOf[it[0]]);
                    firstOf[it[0]] = true;
                    if (it[4]) {
                        L.polyline(s.c, {pane: {{ this.panes[0]|tojson }}, color: "#ffd400", weight: st[0].weight + 8,
                                         opacity: 0.8, interactive: false}).addTo(target);
                        sel = sel.concat(s.c);
                    }
                });
                Object.keys(on).forEach(function (i) {
                    if (!want[i]) { sections[i].line.remove(); sections[i].hit.remove(); delete on[i]; }
                });
                if (added) {  // a line shown again is drawn in its place in the catalog's order, not on top
                    d.l.forEach(function (it) { sections[it[3]].line.bringToFront(); sections[it[3]].hit.bringToFront(); });
                }
                d.x.forEach(function (i) {
                    wantX[i] = true;
                    if (!onX[i]) {
                        var c = crossings[i] || (crossings[i] = crossing(i));
                        c[0].addTo(map); c[1].addTo(map); onX[i] = true;
                        if (c[0].getElement()) { c[0].getElement().setAttribute("tabindex", "-1"); }  // named in the details
                    }
                });
                Object.keys(onX).forEach(function (i) {
                    if (!wantX[i]) { crossings[i][0].remove(); crossings[i][1].remove(); delete onX[i]; }
                });
                (d.c || []).forEach(function (it) { number(it).addTo(target); });
                window.corridorsSelection = sel.length ? L.latLngBounds(sel) : null;
                if (window.corridorsLanguage) { window.corridorsLanguage(lang); }
            };
        })({{ this._parent.get_name() }}, {{ this.data }});
        {% endmacro %}
    """)

    def __init__(self, geometry: LineGeometry) -> None:
        super().__init__()
        self._name = "LineBase"
        self.data = geometry.data
        self.panes = (HIGHLIGHT_PANE, HIT_PANE, CROSSING_PANE)
        self.focus = FOCUS_COLOUR


class LineStyles(PackedLayer):
    """One update of the dashboard's lines (see LineBase): lang; n, each shown project's tooltip head (escaped);
    s, the styles drawn, each [Leaflet options, tooltip tail]; l, the sections shown, each [project index, style
    index, section name (escaped, '' when the project is one section), section index in the LineGeometry, 1 if
    the project is the picked one], in drawing order; x, the crossings shown; c, the counted crossings' numbers
    (numbered_markers). A section's tooltip is composed as in LineLayer, so line_tooltips reads these data too."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (d, target) {
            if (window.corridorsLines) { window.corridorsLines(d, target); }
        })({{ this.data }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)


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
    if stubs:
        StubLayer({"h": STUB_HTML, "x": stubs}).add_to(group)
    _legend(lang, modes, styles.statuses, styles.drawn, stubs=bool(stubs)).add_to(group)
    return [group], lookup


class TitleBox(Prerendered):
    """A Leaflet control at the top left holding a title block's HTML (already escaped)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "topleft"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "corridors-title");
            div.style.cssText = "background:rgba(255,255,255,.94);padding:6px 10px;font:12px/1.4 sans-serif;"
                + "max-width:360px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3)";
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "TitleBox"
        self.html = html_text


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
