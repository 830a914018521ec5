"""The folium map, built from data frames: an offline base of province polygons, a layer per mode,
status told apart by dash pattern and weight, border-crossing markers, a legend. No Streamlit here.

Offline: Leaflet's own JS/CSS are the only assets the map needs; they come from the installed
folium-offline package (never copied into this repository) and are either served by the app or inlined.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from . import i18n
from .boundaries import HUNAN, PROVINCES

LEAFLET_JS = folium.Map.default_js[0][1]
LEAFLET_CSS = folium.Map.default_css[0][1]
CENTER = (27.3, 111.9)
ZOOM = 6
DISPLAY_TOLERANCE = 0.03
DISPLAY_DECIMALS = 3  # about 100 m: finer than a pixel at the zooms the map opens at

MODE_COLOURS = {"rail": "#b2182b", "highway": "#2166ac", "waterway": "#01857a", "pipeline": "#762a83",
                "power": "#d6604d"}
# Status must be readable without colour: weight and dash pattern differ.
STATUS_STYLES = {
    "completed": {"weight": 5, "dash_array": None, "opacity": 0.95},
    "under_construction": {"weight": 4, "dash_array": "12 7", "opacity": 0.9},
    "planned": {"weight": 3, "dash_array": "2 7", "opacity": 0.9},
    "suspended": {"weight": 2, "dash_array": "1 10", "opacity": 0.7},
    "cancelled": {"weight": 2, "dash_array": "1 10", "opacity": 0.4},
    "plan_stated": {"weight": 2, "dash_array": "6 4 1 4", "opacity": 0.75},
    None: {"weight": 2, "dash_array": "1 10", "opacity": 0.5},
}
# Corridors the plan does not name are drawn quieter than the plan's projects; unconfirmed identifications
# fainter still, so neither is mistaken for a plan project.
EXISTING = {"weight": -1, "opacity": 0.55}
CANDIDATE = {"opacity": 0.5}
FILL = {"hunan": "#fdf1c7", "member": "#e3f1df", "other": "#ececec"}


def leaflet_assets() -> dict[str, str]:
    """Leaflet 1.9.3's JS and CSS (images inlined), taken from the installed folium-offline package."""
    from offlinefolium.elements import _res

    return {"leaflet.js": _res[LEAFLET_JS], "leaflet.css": _res[LEAFLET_CSS]}


def map_class(js_url: str, css_url: str) -> type[folium.Map]:
    """A folium.Map that loads only Leaflet, from the given URLs (st_folium still sees a folium.Map)."""
    return type("CorridorMap", (folium.Map,), {"default_js": [("leaflet", js_url)],
                                               "default_css": [("leaflet_css", css_url)]})


class InlineLeafletMap(folium.Map):
    """A folium.Map whose page carries Leaflet inline: a standalone HTML file that needs no network."""

    default_js: list = []
    default_css: list = []

    def render(self, **kwargs) -> None:
        assets = leaflet_assets()
        figure = self.get_root()
        figure.header.add_child(folium.Element(f"<style>{assets['leaflet.css']}</style>"), name="leaflet_css")
        figure.header.add_child(folium.Element(f"<script>{assets['leaflet.js']}</script>"), name="leaflet")
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


class BoundaryLayer(MacroElement):
    """Province and prefecture polygons as one non-interactive L.geoJSON layer: the offline base map.

    Takes ready-made GeoJSON text, so a rerun does not serialise the polygons again.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.data }}, {interactive: false, style: function (f) {
            var p = f.properties;
            if (p.pref) {
                return {fillColor: {{ this.fill.hunan|tojson }}, color: "#9a8a5a", weight: 0.8, fillOpacity: 0.8};
            }
            return {fillColor: p.m ? {{ this.fill.member|tojson }} : {{ this.fill.other|tojson }},
                    color: "#8c8c8c", weight: 1, fillOpacity: 0.8};
        }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, geojson_text: str) -> None:
        super().__init__()
        self._name = "BoundaryLayer"
        self.data = geojson_text
        self.fill = FILL


class DataLayer(MacroElement):
    """Many lines, circle markers or labels drawn by one loop over JSON data (one template, one dump).

    Each item: k (kind: line|circle|label), c (coordinates, lat/lon), s (Leaflet style options),
    t (tooltip text, already HTML-escaped), p (popup HTML, already escaped, or a key of `popups`, so that the
    sections of one line share one copy), h (label HTML, escaped).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (items, popups, target) {
            items.forEach(function (it) {
                var layer;
                if (it.k === "circle") { layer = L.circleMarker(it.c, it.s); }
                else if (it.k === "label") {
                    layer = L.marker(it.c, {interactive: false, keyboard: false,
                        icon: L.divIcon({className: "", iconSize: null, html: it.h})});
                } else if (it.t) {
                    // thin dotted lines are hard to hit: the visible line is drawn, and a wide solid
                    // transparent twin above it takes the hover and the click
                    L.polyline(it.c, Object.assign({}, it.s, {interactive: false})).addTo(target);
                    layer = L.polyline(it.c, {color: it.s.color, weight: 14, opacity: 0});
                } else { layer = L.polyline(it.c, it.s); }
                if (it.t) { layer.bindTooltip(it.t, {sticky: true}); }
                if (it.p) { layer.bindPopup(popups[it.p] || it.p, {maxWidth: 340}); }
                layer.addTo(target);
            });
        })({{ this.items }}, {{ this.popups }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, items: list[dict], popups: dict[str, str] | None = None) -> None:
        super().__init__()
        self._name = "DataLayer"
        self.items = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
        self.popups = json.dumps(popups or {}, ensure_ascii=False, separators=(",", ":"))


class Legend(MacroElement):
    """A Leaflet control holding the legend's HTML (already escaped)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "corridors-legend");
            div.style.cssText = "background:rgba(255,255,255,.92);padding:4px 7px;font:11px/1.3 sans-serif;"
                + "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3)";
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text


def _swatch_line(colour: str, style: dict) -> str:
    dash = f' stroke-dasharray="{style["dash_array"]}"' if style["dash_array"] else ""
    return (f'<svg width="34" height="10"><line x1="1" y1="5" x2="33" y2="5" stroke="{colour}" '
            f'stroke-width="{style["weight"]}"{dash}/></svg>')


def legend_html(lang: str, modes: list[str]) -> str:
    """Legend: a colour per mode, a dash pattern per status, province shading, crossing marker."""
    e = html.escape
    rows = [f"<b>{e(i18n.t('legend', lang))}</b>"]
    for m in modes:
        rows.append(_swatch_line(MODE_COLOURS[m], STATUS_STYLES["completed"]) + " " + e(i18n.mode(m, lang)))
    for s in ("completed", "under_construction", "planned", "suspended", "plan_stated"):
        rows.append(_swatch_line("#444", STATUS_STYLES[s]) + " " + e(i18n.status(s, lang)))
    quiet = {**STATUS_STYLES["completed"], "weight": STATUS_STYLES["completed"]["weight"] + EXISTING["weight"]}
    rows.append(_swatch_line("#9a9a9a", quiet) + " " + e(i18n.t("legend_existing", lang)))
    for key, fill in (("legend_hunan", FILL["hunan"]), ("legend_member", FILL["member"]),
                      ("legend_other", FILL["other"])):
        rows.append(f'<span style="display:inline-block;width:30px;height:10px;background:{fill};'
                    f'border:1px solid #8c8c8c"></span> {e(i18n.t(key, lang))}')
    rows.append('<svg width="34" height="12"><circle cx="17" cy="6" r="5" fill="#fff" stroke="#000" '
                f'stroke-width="2"/></svg> {e(i18n.t("legend_crossing", lang))}')
    return "<br>".join(rows)


def base_map(display: gpd.GeoDataFrame, lang: str, cls: type[folium.Map] = folium.Map,
             modes: tuple[str, ...] = tuple(MODE_COLOURS), geojson_text: str | None = None) -> folium.Map:
    """The stable part of the map: province polygons (offline base), labels, optional online tiles, legend."""
    m = cls(location=CENTER, zoom_start=ZOOM, tiles=None, control_scale=True)
    folium.TileLayer("OpenStreetMap", name=i18n.t("layer_osm", lang), overlay=True, show=False,
                     control=True).add_to(m)
    BoundaryLayer(geojson_text or boundaries_geojson(display)).add_to(m)
    big = display[(display.level == "province") & (shapely.area(display.geometry.to_numpy()) > 0.5)]
    labels = []
    for r in big.itertuples():
        pt = r.geometry.representative_point()
        text = html.escape(r.name_zh if lang == "zh" else r.name_en)
        labels.append({"k": "label", "c": [round(pt.y, 4), round(pt.x, 4)],
                       "h": '<div style="font:13px sans-serif;color:#666;white-space:nowrap;'
                            f'transform:translate(-50%,-50%)">{text}</div>'})
    DataLayer(labels).add_to(m)
    Legend(legend_html(lang, list(modes))).add_to(m)
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


def section_paths(sections: gpd.GeoDataFrame) -> dict[str, list[tuple[str, list[list[float]]]]]:
    """project → [(section, [[lat, lon], …]), …]: the drawable coordinates, prepared once per dataset."""
    paths: dict[str, list] = {}
    for pid, section, geom in zip(sections.project_id, sections.section, sections.geometry, strict=True):
        if geom is not None:
            paths.setdefault(pid, []).append((section, [[round(y, 4), round(x, 4)] for x, y in geom.coords]))
    return paths


def project_layers(table: pd.DataFrame, paths: dict[str, list], section_status: dict[tuple[str, str], str | None],
                   section_names: dict[tuple[str, str], str], lang: str, selected: str | None = None,
                   ) -> tuple[list[folium.FeatureGroup], dict[str, str]]:
    """One feature group per mode (lines) and one for border crossings; and tooltip text → project id.

    Lines are drawn per section, each with its own status on the date, so a link whose Hunan half is
    open and whose neighbour half is being built shows both.
    """
    items: dict[str, list[dict]] = {}
    popups: dict[str, dict[str, str]] = {}
    lookup: dict[str, str] = {}
    crossing_items: list[dict] = []
    drawn = table[(table.same_as == "") & table.route_known]
    for row in drawn.to_dict("records"):
        pid, mode = row["id"], row["mode"]
        bucket = items.setdefault(mode, [])
        popups.setdefault(mode, {})[pid] = popup_html(row, lang)
        secs = paths.get(pid, [])
        for section, coords in secs:
            status = section_status.get((pid, section), row["status"])
            name = section_names.get((pid, section), "") if len(secs) > 1 else ""
            tip = tooltip_text(row, name, status, lang)
            lookup[tip] = pid
            style = dict(STATUS_STYLES.get(status, STATUS_STYLES[None]))
            if not row["in_plan"]:
                style["weight"] = max(2, style["weight"] + EXISTING["weight"])
                style["opacity"] = style["opacity"] * EXISTING["opacity"]
            if row["identification"] == "candidate":
                style["opacity"] = style["opacity"] * CANDIDATE["opacity"]
            if pid == selected:
                bucket.append({"k": "line", "c": coords, "s": {"color": "#ffd400", "weight": style["weight"] + 8,
                                                                "opacity": 0.8, "interactive": False}})
            bucket.append({"k": "line", "c": coords, "t": html.escape(tip), "p": pid,
                           "s": {"color": MODE_COLOURS[mode], "weight": style["weight"], "opacity": style["opacity"],
                                 "dashArray": style["dash_array"]}})
        for c in row["crossings"] if row["in_plan"] else []:  # label the plan's crossings; others stay quiet
            side = PROVINCES[c["province"]]
            who = side.name_zh if lang == "zh" else side.name_en
            verb = i18n.t("crossing_into" if c["direction"] == "out" else "crossing_from", lang)
            text = f"{verb} {who} · {i18n.name_of(row, lang)}"
            crossing_items.append({"k": "circle", "c": [c["lat"], c["lon"]], "p": html.escape(text),
                                   "s": {"radius": 5, "color": "#000", "weight": 2, "fill": True,
                                         "fillColor": "#fff", "fillOpacity": 1}})
            crossing_items.append({"k": "label", "c": [c["lat"], c["lon"]], "h": (
                '<div style="font:bold 11px sans-serif;color:#222;background:rgba(255,255,255,.85);'
                'padding:0 2px;border-radius:2px;white-space:nowrap;transform:translate(7px,-50%)">'
                f"{html.escape(side.abbr if lang == 'zh' else side.name_en)}</div>")})
    groups = []
    for mode in MODE_COLOURS:
        if mode in items:
            fg = folium.FeatureGroup(name=i18n.mode(mode, lang))
            DataLayer(items[mode], popups[mode]).add_to(fg)
            groups.append(fg)
    crossings = folium.FeatureGroup(name=i18n.t("layer_crossings", lang))
    DataLayer(crossing_items).add_to(crossings)
    return groups + [crossings], lookup


class TitleBox(MacroElement):
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
                   title_html: str | None = None) -> folium.Map:
    """The same map as one self-contained page (Leaflet inlined), for snapshots; the legend lists `modes`
    (default: every mode) and title_html (already escaped), if given, is shown in a box at the top left."""
    m = base_map(display, lang, InlineLeafletMap, modes=tuple(MODE_COLOURS) if modes is None else modes)
    if title_html:
        TitleBox(title_html).add_to(m)
    groups, _ = project_layers(table, section_paths(sections), section_status, section_names, lang)
    for g in groups:
        g.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
