"""The two maps assembled from the parts: the dashboard's base map (base_map; each update of it is
lines.dashboard_layers) and the snapshot's standalone page (standalone_map, Leaflet inlined); whether the viewer
moved the map.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from ..style import FILL_OPACITY, FILL_OPACITY_UNDER_TILES, MODE_COLOURS
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
from .elements import InlineLeafletMap
from .legend import Legend, legend_html
from .lines import SNAPSHOT_DECIMALS, LineBase, LineGeometry, project_layers, section_paths


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
