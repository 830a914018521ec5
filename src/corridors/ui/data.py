"""Cached access to the dataset, the progress store and what is derived from them; the only place
caching happens. Results are keyed by the store's version, so an event recorded by anyone (any
dashboard instance on the same database) shows on the next rerun."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st

from .. import auth, counting, dataset, mapview
from ..store import Store, not_created, store_url


@st.cache_resource(show_spinner="载入数据 Loading data…")
def base() -> dataset.Dataset:
    return dataset.load()


def configured_editors() -> dict[str, str]:
    try:
        secret = st.secrets.get("editors", {})
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError is one)
        secret = {}
    return auth.editors(secrets=secret)


def store(writable: bool) -> Store | None:
    """The progress store at $CORRIDORS_STORE_URL (default: a SQLite file in the working directory);
    None when that file does not exist yet and nobody may create it (no editors configured)."""
    url = store_url()
    if not writable and not_created(url):
        return None
    return _open_store(url, writable)


@st.cache_resource(show_spinner=False)
def _open_store(url: str, writable: bool) -> Store:
    return Store(url, read_only=not writable)


def store_version(s: Store | None) -> tuple[str, int, int]:
    """Identifies the store's content: its URL, number of events and highest id."""
    return (s.url, *s.version()) if s else ("", 0, 0)


@st.cache_resource(show_spinner=False, max_entries=8)
def load(version: tuple[str, int, int] = ("", 0, 0)) -> dataset.Dataset:
    """The dataset with the store's events folded in, for one store version."""
    url, count, _ = version
    ds = base()
    return ds.with_events(_open_store(url, False).events()) if url and count else ds


@st.cache_resource(show_spinner=False)
def display_boundaries() -> gpd.GeoDataFrame:
    return mapview.display_boundaries(base().boundaries)


@st.cache_resource(show_spinner=False)
def section_paths() -> dict:
    return mapview.section_paths(base().sections)


@st.cache_resource(show_spinner=False)
def boundaries_geojson() -> str:
    return mapview.boundaries_geojson(display_boundaries())


@st.cache_data(show_spinner=False, max_entries=256)
def table(as_of: date, definition: counting.Definition = counting.DEFAULT,
          version: tuple[str, int, int] = ("", 0, 0)) -> pd.DataFrame:
    return load(version).table(as_of, definition)


@st.cache_data(show_spinner=False, max_entries=512)
def count(as_of: date, definition: counting.Definition = counting.DEFAULT,
          version: tuple[str, int, int] = ("", 0, 0)) -> dict:
    return load(version).count(as_of, definition)


@st.cache_data(show_spinner=False, max_entries=64)
def series(definition: counting.Definition, end: date, version: tuple[str, int, int] = ("", 0, 0)) -> pd.DataFrame:
    return load(version).count_series(definition, end)


@st.cache_data(show_spinner=False, max_entries=8)
def reconciliation(version: tuple[str, int, int] = ("", 0, 0)) -> pd.DataFrame:
    return load(version).reconcile()
