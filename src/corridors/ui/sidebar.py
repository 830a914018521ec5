"""Sidebar filters. Each widget's key is a field of ui.state.Filters."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ..analysis import SCOPES
from ..boundaries import NEIGHBOURS, PROVINCES
from ..catalog import MODES, STATUSES
from ..i18n import LANGS, mode, status, t


def render(min_date: date, max_date: date, departments: list[str]) -> None:
    lang = st.session_state["lang"]
    with st.sidebar:
        st.radio(t("language", lang), LANGS, key="lang", horizontal=True,
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code])
        lang = st.session_state["lang"]
        st.header(t("filters", lang))
        st.date_input(t("as_of", lang), min_value=min_date, max_value=max_date, key="as_of")
        st.radio(t("scope", lang), list(SCOPES), key="scope", format_func=lambda s: t(f"scope_{s}", lang))
        st.multiselect(t("modes", lang), MODES, key="modes", format_func=lambda m: mode(m, lang),
                       placeholder=t("all", lang))
        st.multiselect(t("statuses", lang), STATUSES, key="statuses", format_func=lambda s: status(s, lang),
                       placeholder=t("all", lang))
        st.multiselect(t("neighbours", lang), NEIGHBOURS, key="neighbours", placeholder=t("all", lang),
                       format_func=lambda c: PROVINCES[c].name_zh if lang == "zh" else PROVINCES[c].name_en)
        st.multiselect(t("departments", lang), departments, key="departments", placeholder=t("all", lang))
        st.text_input(t("search", lang), key="query")
