"""Sidebar: language, date, the counting definition (what the headline counts) and the map's online tiles:
the controls that change the whole page. The display filters sit above the map (panels.filter_bar). Every
widget is bound to a field of the view (ui.state)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ..catalog import EARLIEST, MODES
from ..counting import INCLUDE, OPENED_RULES, PROVINCE_RULES, UNITS
from ..i18n import LANGS, mode, t
from ..map import TILES
from . import state
from .panels import md_text, on_demand
from .state import widget


def render(max_date: date, tiles: tuple[str, ...] = TILES, headlines: dict | None = None,
           unmapped: list[tuple[str, str, str]] = ()) -> None:
    """headlines: the targets the headline can show (ui.data.headline_targets); unmapped: the other targets, as
    (name_zh, name_en, why), listed under the picker."""
    with st.sidebar:
        st.radio(t("language", "zh"), LANGS, horizontal=True, **widget("lang"),
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code])
        lang = state.view()["lang"]
        st.date_input(t("as_of", lang), min_value=EARLIEST, max_value=max_date, **widget("as_of"))
        if headlines:
            target_picker(headlines, unmapped, lang)
        # The switches are built only while the box is open: six option widgets that a language switch would
        # otherwise build again, hidden, before the map's update (the view holds their values meanwhile).
        box = on_demand(t("definition", lang), "definition", lang)
        if box.open:
            with box:
                definition_switches(lang)
        st.header(t("map_options", lang))
        st.radio(t("tiles", lang), tiles, format_func=lambda v: t(f"tiles_{v}", lang), **widget("tiles"))


def target_picker(headlines: dict, unmapped: list[tuple[str, str, str]], lang: str) -> None:
    """The headline's target: picking one sets the headline's figure and the counting definition to the target's.
    Targets that map to no definition (or give no figure) are listed under it with the reason, not offered."""
    bound = widget("target")
    bound.update(on_change=state.pick_target, args=(bound["key"], {k: h.definition for k, h in headlines.items()}))
    st.selectbox(t("target_pick", lang), list(headlines), help=t("target_pick_help", lang),
                 format_func=lambda k: headlines[k].name_zh if lang == "zh" else headlines[k].name_en, **bound)
    if unmapped:  # the names here, the reasons (the register's research notes) in the caption's help
        st.caption(t("target_unmapped", lang) + ("；" if lang == "zh" else "; ").join(
            md_text(zh if lang == "zh" else en) for zh, en, _ in unmapped),
            help=t("target_unmapped_help", lang) + "\n\n" + "\n".join(
                f"- **{md_text(zh if lang == 'zh' else en)}**: {md_text(why)}" for zh, en, why in unmapped))


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
