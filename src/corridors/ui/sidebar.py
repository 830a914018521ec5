"""Sidebar: language, date, the counting definition (what the headline counts) and the map's online tiles:
the controls that change the whole page. The display filters sit above the map (panels.filter_bar). Every
widget is bound to a field of the view (ui.state)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ..catalog import EARLIEST, MODES
from ..counting import INCLUDE, OPENED_RULES, PROVINCE_RULES, UNITS
from ..i18n import LANGS, mode, t
from ..mapview import TILES
from . import state
from .panels import on_demand
from .state import widget


def render(max_date: date, tiles: tuple[str, ...] = TILES) -> None:
    with st.sidebar:
        st.radio(t("language", "zh"), LANGS, horizontal=True, **widget("lang"),
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code])
        lang = state.view()["lang"]
        st.date_input(t("as_of", lang), min_value=EARLIEST, max_value=max_date, **widget("as_of"))
        # The switches are built only while the box is open: six option widgets that a language switch would
        # otherwise build again, hidden, before the map's update (the view holds their values meanwhile).
        box = on_demand(t("definition", lang), "definition", lang)
        if box.open:
            with box:
                definition_switches(lang)
        st.header(t("map_options", lang))
        st.radio(t("tiles", lang), tiles, format_func=lambda v: t(f"tiles_{v}", lang), **widget("tiles"))


def definition_switches(lang: str) -> None:
    """The counting definition's switches, inside its open box."""
    st.caption(t("definition_hint", lang))
    st.radio(t("def_include", lang), INCLUDE, format_func=lambda v: t(f"include_{v}", lang), **widget("def_include"))
    st.radio(t("def_unit", lang), UNITS, format_func=lambda v: t(f"unit_{v}", lang), **widget("def_unit"))
    st.multiselect(t("def_modes", lang), MODES, format_func=lambda m: mode(m, lang), **widget("def_modes"))
    if st.session_state.pop("_modes_kept", False):
        st.warning(t("modes_kept", lang))
    st.radio(t("def_provinces", lang), PROVINCE_RULES, format_func=lambda v: t(f"provinces_{v}", lang),
             **widget("def_provinces"))
    st.radio(t("def_opened", lang), OPENED_RULES, format_func=lambda v: t(f"opened_{v}", lang),
             **widget("def_opened"))
    st.checkbox(t("def_candidates", lang), **widget("def_candidates"))


def waiting(lang: str) -> None:
    """The sidebar on a session's first run: its controls follow once the map is drawn (their code would
    otherwise load before the map's)."""
    st.sidebar.caption(t("controls_loading", lang))
