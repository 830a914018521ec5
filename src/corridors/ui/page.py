"""The dashboard page (a first table view; the map and filters build on it)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from .. import dataset


@st.cache_resource(show_spinner=False)
def _dataset() -> dataset.Dataset:
    return dataset.load()


def main() -> None:
    st.set_page_config(page_title="湖南泛珠出省通道 Hunan Pan-PRD corridors", layout="wide")
    ds = _dataset()
    st.title("湖南泛珠出省通道 · Hunan's Pan-PRD corridors")
    st.dataframe(ds.table(date.today())[["id", "name_zh", "name_en", "mode", "status", "provinces", "corridor"]])
