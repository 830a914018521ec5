"""The folium map, built from data frames: an offline base of province polygons, rivers and place names, the
corridors' lines (colour = mode; dash pattern and weight = status), border-crossing markers, a legend. No
Streamlit here.

Where things are: basemap (the base map's data and layers), lines (the line protocol between Python and the
browser), legend, chrome (buttons, labels by zoom, the click relay, language), elements (loading js/*.js, the
folium.Map classes), compose (the dashboard's and the snapshot's maps assembled). The browser code is in js/ and
css/; every colour, dash, weight and opacity is in corridors.style, re-exported here for the map's callers.

Offline: Leaflet's own JS/CSS are the only assets the map needs; they come from the installed folium-offline
package (never copied into this repository) and are either served by the app or inlined.
"""

from __future__ import annotations

from ..style import FILL, FILL_OPACITY, MAP_BACKGROUND, MODE_COLOURS, QUIET, STATUS_STYLES, WATER, line_style
from .basemap import (
    BASE_PANE,
    CENTER,
    TILES,
    ZOOM,
    BoundaryLayer,
    base_data,
    boundaries_geojson,
    display_boundaries,
    label_item,
    major_seats,
    place_labels,
    river_labels,
    rivers_geojson,
    seat_labels,
)
from .chrome import LEAFLET_CREDIT, AttributionPrefix, InitialView, MapLanguage, TitleBox
from .compose import base_map, moved, standalone_map
from .elements import PackedLayer, leaflet_assets, map_class
from .legend import legend_html
from .lines import (
    LINE_DECIMALS,
    LINE_DECIMALS_DEFAULT,
    SNAPSHOT_DECIMALS,
    LineBase,
    LineGeometry,
    crossing_text,
    dashboard_layers,
    layer_data,
    line_geometry,
    line_tooltips,
    numbered_markers,
    pack_coords,
    popup_html,
    project_layers,
    section_paths,
    stub_markers,
    tooltip_text,
    unpack_coords,
)

__all__ = [
    # the look (corridors.style)
    "FILL", "FILL_OPACITY", "MAP_BACKGROUND", "MODE_COLOURS", "QUIET", "STATUS_STYLES", "WATER", "line_style",
    # the base map
    "BASE_PANE", "CENTER", "TILES", "ZOOM", "BoundaryLayer", "base_data", "boundaries_geojson", "display_boundaries",
    "label_item", "major_seats", "place_labels", "river_labels", "rivers_geojson", "seat_labels",
    # controls
    "LEAFLET_CREDIT", "AttributionPrefix", "InitialView", "MapLanguage", "TitleBox",
    # the maps
    "base_map", "dashboard_layers", "moved", "project_layers", "standalone_map",
    "PackedLayer", "leaflet_assets", "map_class", "legend_html",
    # the lines
    "LINE_DECIMALS", "LINE_DECIMALS_DEFAULT", "SNAPSHOT_DECIMALS", "LineBase", "LineGeometry", "crossing_text",
    "layer_data", "line_geometry", "line_tooltips", "numbered_markers", "pack_coords", "popup_html", "section_paths",
    "stub_markers", "tooltip_text", "unpack_coords",
]
