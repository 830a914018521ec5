"""Leaflet for the map iframe, served by Streamlit's static file serving from the installed package."""

from __future__ import annotations

import base64
from pathlib import Path

import streamlit as st

from ..files import write_atomic
from ..mapview import leaflet_assets


@st.cache_resource(show_spinner=False)
def leaflet_urls(app_dir: str) -> tuple[str, str]:
    """URLs of leaflet.js and leaflet.css: files under <app>/static (written once per process from
    folium-offline), or data: URIs when static serving is off or the folder is not writable."""
    assets = leaflet_assets()
    if st.get_option("server.enableStaticServing"):
        static = Path(app_dir) / "static" / "leaflet-1.9.3"
        try:
            for name, text in assets.items():
                path = static / name
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    write_atomic(path, text)
            base = st.get_option("server.baseUrlPath").strip("/")
            prefix = f"/{base}" if base else ""
            return (f"{prefix}/app/static/leaflet-1.9.3/leaflet.js", f"{prefix}/app/static/leaflet-1.9.3/leaflet.css")
        except OSError:
            pass
    return tuple(f"data:{mime};base64," + base64.b64encode(assets[name].encode()).decode()
                 for name, mime in (("leaflet.js", "text/javascript"), ("leaflet.css", "text/css")))
