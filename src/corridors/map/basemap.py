"""The base map: what is drawn under the lines and is the same whatever the date, language or filters. Its data
(province and prefecture polygons simplified for the browser, rivers and lakes, place names in both languages,
made once per dataset and fetched as one static file) and the layers that draw it (js/boundaries.js, water.js,
labels.js, remote_base.js); the opening view and the online tiles a planner may add.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import pandas as pd
import shapely

from ..boundaries import HUNAN, PROVINCES
from ..style import BORDERS, FILL, FILL_OPACITY, WATER
from .elements import Prerendered, script

CENTER = (27.3, 111.9)  # the opening view (lat, lon) and zoom
ZOOM = 6
DISPLAY_TOLERANCE = 0.03  # degrees: coverage simplification of the polygons for the browser
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
RIVER_TOLERANCE_M = 1000.0  # display simplification of the river lines (metres, metric CRS)

HUNAN_RIVERS = ("yangtze", "xiang", "zi", "yuan", "li", "dongting")  # labelled; the neighbours' rivers are drawn only
# County seats are labelled in and around Hunan (this box); prefecture seats everywhere on the map.
COUNTY_LABEL_BOX = (108.4, 24.4, 114.6, 30.4)
BASE_PANE = "corridorsBase"  # below the lines (overlayPane, z 400) whenever the base arrives
WATER_ATTRIBUTION = "Rivers: Natural Earth (PD); GSHHG 2.3.6 (LGPL-3.0)"


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


def rivers_geojson(rivers: gpd.GeoDataFrame, tolerance_m: float = RIVER_TOLERANCE_M) -> str:
    """Compact GeoJSON of the rivers and lakes for the browser: simplified in metres, 3 decimals, only the
    kind kept (names go in labels)."""
    from ..geometry import METRIC_CRS

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


def major_seats(seats: pd.DataFrame) -> pd.DataFrame:
    """The seats named at the map's opening zoom: Hunan's prefecture seats and the provincial capitals."""
    code = seats.adcode.astype(str)
    first = (seats.kind == "prefecture_seat") & (code.str.startswith(HUNAN[:2]) | code.str.endswith("0100"))
    return seats[first & seats.lon.notna() & seats.lat.notna()]


def label_item(lat: float, lon: float, kind: str, zh: str, en: str) -> dict:
    """A place label in both languages: it shows the Chinese name until the map is told the page's language
    (MapLanguage), so a language switch relabels the map in place instead of rebuilding it."""
    zh_text, en_text = html.escape(zh), html.escape(en)
    return {"c": [round(lat, 4), round(lon, 4)], "z": kind,
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


def base_data(geojson_text: str, rivers_text: str, labels: list[dict]) -> str:
    """The base map's data as one JSON document (boundaries, rivers, labels in both languages), served as a
    static file the map fetches, so that it is not re-sent with every update of the lines."""
    return (f'{{"boundaries":{geojson_text},"rivers":{rivers_text},'
            f'"labels":{json.dumps(labels, ensure_ascii=False, separators=(",", ":"))}}}')


class BoundaryLayer(Prerendered):
    """Province and prefecture polygons as one non-interactive L.geoJSON layer: the offline base map.

    Takes ready-made GeoJSON text, so a rerun does not serialise the polygons again.
    """

    _template = script("boundaries.js")

    def __init__(self, geojson_text: str, opacity: float = FILL_OPACITY, pane: str = "overlayPane") -> None:
        super().__init__()
        self._name = "BoundaryLayer"
        self.opacity = opacity
        self.data = geojson_text
        self.fill = FILL
        self.borders = BORDERS
        self.pane = pane


class WaterLayer(Prerendered):
    """Rivers and lakes as one non-interactive L.geoJSON layer above the province fills, with their sources in
    the map's attribution."""

    _template = script("water.js")

    def __init__(self, geojson_text: str, attribution: str, pane: str = "overlayPane") -> None:
        super().__init__()
        self._name = "WaterLayer"
        self.data = geojson_text
        self.water = WATER
        self.attribution = attribution
        self.pane = pane


class LabelLayer(Prerendered):
    """Place labels drawn by one loop over JSON data (label_item's): each a non-interactive marker whose class
    (z: the seat kind, prov, river, lake) sets its look (css/labels.css) and the zooms it is shown at."""

    _template = script("labels.js")

    def __init__(self, items: list[dict]) -> None:
        super().__init__()
        self._name = "LabelLayer"
        self.items = json.dumps(items, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def of(cls, expression: str) -> LabelLayer:
        """A LabelLayer whose items are a JavaScript expression evaluated in the page (fetched data)."""
        layer = cls([])
        layer.items = expression
        return layer


class RemoteBase(Prerendered):
    """The base map (boundaries, rivers, labels) fetched from `url` (see base_data) and drawn in its own pane
    below the lines, with the same layers as the inline base. The map's script stays small and the same on
    every rerun; the lines do not wait for the base. If the fetch fails, the map says so (MapChrome's note)."""

    _template = script("remote_base.js")

    def __init__(self, url: str, opacity: float = FILL_OPACITY) -> None:
        super().__init__()
        self._name = "RemoteBase"
        self.url = url
        self.pane = BASE_PANE
        self.layers = [BoundaryLayer("d.boundaries", opacity, BASE_PANE),
                       WaterLayer("d.rivers", WATER_ATTRIBUTION, BASE_PANE), LabelLayer.of("d.labels")]
        self.inner = ""

    def render(self, **kwargs) -> None:
        for layer in self.layers:  # drawn inside the fetch's callback, on this element's map
            layer._parent = self._parent
        self.inner = "\n".join(layer._template.module.script(layer, kwargs) for layer in self.layers)
        super().render(**kwargs)


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
