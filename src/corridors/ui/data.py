"""Cached access to the dataset and what is derived from it; the only place caching happens."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st

from .. import dataset, mapview


@st.cache_resource(show_spinner="载入数据 Loading data…")
def load() -> dataset.Dataset:
    return dataset.load()


@st.cache_resource(show_spinner=False)
def display_boundaries() -> gpd.GeoDataFrame:
    return mapview.display_boundaries(load().boundaries)


@st.cache_data(show_spinner=False, max_entries=64)
def table(as_of: date, scope: str) -> pd.DataFrame:
    return load().table(as_of, scope)


@st.cache_resource(show_spinner=False)
def boundaries_geojson() -> str:
    return mapview.boundaries_geojson(display_boundaries())
