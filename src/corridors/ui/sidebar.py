"""Sidebar: language, date, the counting definition (what the headline counts) and the display filters
(what the map and table show). Each widget's key is a field of ui.state."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ..boundaries import NEIGHBOURS, PROVINCES
from ..catalog import EARLIEST, MODES
from ..counting import INCLUDE, OPENED_RULES, PROVINCE_RULES, UNITS
from ..i18n import LANGS, mode, status, t
from ..status import DISPLAY_STATUSES
from . import state


def render(max_date: date, departments: list[str]) -> None:
    lang = st.session_state["lang"]
    with st.sidebar:
        st.radio(t("language", lang), LANGS, key="lang", horizontal=True,
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code])
        lang = st.session_state["lang"]
        st.date_input(t("as_of", lang), min_value=EARLIEST, max_value=max_date, key="as_of")
        with st.expander(t("definition", lang), expanded=False):
            st.caption(t("definition_hint", lang))
            st.radio(t("def_include", lang), INCLUDE, key="def_include", format_func=lambda v: t(f"include_{v}", lang))
            st.radio(t("def_unit", lang), UNITS, key="def_unit", format_func=lambda v: t(f"unit_{v}", lang))
            st.multiselect(t("def_modes", lang), MODES, key="def_modes", format_func=lambda m: mode(m, lang),
                           on_change=state.keep_counted_modes)
            if st.session_state.pop("_modes_kept", False):
                st.warning(t("modes_kept", lang))
            st.radio(t("def_provinces", lang), PROVINCE_RULES, key="def_provinces",
                     format_func=lambda v: t(f"provinces_{v}", lang))
            st.radio(t("def_opened", lang), OPENED_RULES, key="def_opened", format_func=lambda v: t(f"opened_{v}", lang))
            st.checkbox(t("def_candidates", lang), key="def_candidates")
        st.header(t("filters", lang))
        st.caption(t("filters_hint", lang))
        st.multiselect(t("modes", lang), MODES, key="modes", format_func=lambda m: mode(m, lang),
                       placeholder=t("all", lang))
        st.multiselect(t("statuses", lang), DISPLAY_STATUSES, key="statuses", format_func=lambda s: status(s, lang),
                       placeholder=t("all", lang))
        st.multiselect(t("neighbours", lang), NEIGHBOURS, key="neighbours", placeholder=t("all", lang),
                       format_func=lambda c: PROVINCES[c].name_zh if lang == "zh" else PROVINCES[c].name_en)
        st.multiselect(t("departments", lang), departments, key="departments", placeholder=t("all", lang))
        st.text_input(t("search", lang), key="query")
        st.toggle(t("show_existing", lang), key="show_existing")
