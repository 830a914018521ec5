"""Files for the map iframe, served by Streamlit's static file serving: Leaflet from the installed package,
and the base map's data (boundaries, rivers, labels) so that it is not re-sent with every map update."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import streamlit as st

from ..files import write_atomic
from ..map import leaflet_assets
from . import data


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text)


def _static_prefix() -> str:
    """Where Streamlit serves <app>/static, under the deployment's base URL path."""
    base = st.get_option("server.baseUrlPath").strip("/")
    return (f"/{base}" if base else "") + "/app/static"


@st.cache_resource(show_spinner=False)
def leaflet_urls(app_dir: str) -> tuple[str, str]:
    """URLs of leaflet.js and leaflet.css: files under <app>/static (written once per process from
    folium-offline), or data: URIs when static serving is off or the folder is not writable."""
    assets = leaflet_assets()
    if st.get_option("server.enableStaticServing"):
        static = Path(app_dir) / "static" / "leaflet-1.9.3"
        try:
            for name, text in assets.items():
                _write_if_changed(static / name, text)
            prefix = _static_prefix()
            return (f"{prefix}/leaflet-1.9.3/leaflet.js", f"{prefix}/leaflet-1.9.3/leaflet.css")
        except OSError:
            pass
    return tuple(f"data:{mime};base64," + base64.b64encode(assets[name].encode()).decode()
                 for name, mime in (("leaflet.js", "text/javascript"), ("leaflet.css", "text/css")))


@st.cache_resource(show_spinner=False)
def base_map_url(app_dir: str) -> str | None:
    """The URL the map fetches its base from (data.base_data, published once per process), or None."""
    return published(app_dir, "basemap", data.base_data())


def published(app_dir: str, folder: str, text: str) -> str | None:
    """The URL of `text` as <app>/static/<folder>/<content hash>.json (files of other contents in that folder,
    from earlier data, are removed), or None when static serving is off or the folder is not writable (the
    caller then carries the data inline)."""
    if not st.get_option("server.enableStaticServing"):
        return None
    name = hashlib.sha256(text.encode()).hexdigest()[:16] + ".json"
    where = Path(app_dir) / "static" / folder
    try:
        _write_if_changed(where / name, text)
        for old in where.glob("*.json"):
            if old.name != name:
                old.unlink(missing_ok=True)
    except OSError:
        return None
    return f"{_static_prefix()}/{folder}/{name}"
