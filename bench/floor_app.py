"""Floor page for bench/browser.py: the least a Streamlit + st_folium page can do on this machine.

One widget (a radio), one st_folium map of a single line and a three-row table to pick from, built the way the
dashboard builds its map (same Leaflet files served from static/ through corridors.ui.assets.leaflet_urls and
corridors.map.map_class, so it works offline; same base-map options; the line passed through
`feature_group_to_add`; same `returned_objects`). The radio changes the line's colour, so a widget change is
visible in the map; with ?table, a row picked in the table is named in a metric under it (what the dashboard's
table pick costs before its details: the grid's own selection handling and one rerun). Not part of the
product; started by bench/browser.py with

    streamlit run bench/floor_app.py   (from the repository root, so .streamlit/config.toml applies)
"""

from __future__ import annotations

from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

from corridors import map as mapview
from corridors.ui import assets

COLOURS = {"red": "#b2182b", "blue": "#2166ac"}
ROWS = ["长沙", "株洲", "衡阳"]

choice = st.radio("Line colour", list(COLOURS), horizontal=True, key="colour")
cls = mapview.map_class(*assets.leaflet_urls(str(Path(__file__).parent)))
m = cls(location=mapview.CENTER, zoom_start=mapview.ZOOM, tiles=None, control_scale=True)
line = folium.FeatureGroup(name="line")
folium.PolyLine([[28.19, 112.97], [27.83, 113.13], [26.89, 112.57], [25.79, 113.01]],  # 长沙 → 株洲 → 衡阳 → 郴州
                color=COLOURS[choice], weight=5, tooltip="floor line").add_to(line)
st_folium(m, key="map", height=640, use_container_width=True, returned_objects=["last_object_clicked_tooltip"],
          feature_group_to_add=line)
if "table" not in st.query_params:  # only on the page the table pick is timed on: its code would load first
    st.stop()
picked = st.dataframe({"city": ROWS}, on_select="rerun", selection_mode="single-row", key="rows").selection.rows
st.metric("picked", ROWS[picked[0]] if picked else "—")
