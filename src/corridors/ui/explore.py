"""The part of the page that reruns alone (a fragment): the display filters, the map and the table of what they
show, and a project picked in any of them (its details open in a dialog). Widgets and calls only."""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from .. import analysis, i18n
from .. import map as mapview
from ..boundaries import NEIGHBOURS, PROVINCES
from ..catalog import MODES
from ..i18n import t
from ..status import DISPLAY_STATUSES
from . import data, state
from .common import Page, status_label
from .details import details_dialog
from .state import widget


def filter_bar(departments: list[str], lang: str) -> None:
    """The display filters in one row above the map: modes as chips, the rest (status, search, neighbour,
    department, existing corridors) in a pop-over whose label counts what is set. They change the map and
    the table only."""
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    with c1:
        st.pills(t("modes", lang), MODES, selection_mode="multi", format_func=lambda m: i18n.mode(m, lang),
                 wrap=True, **widget("modes"))
    v = state.view()
    more = (len(v["statuses"]) + len(v["neighbours"]) + len(v["departments"]) + (not v["show_existing"])
            + bool(v["query"]))
    with c2.popover(t("more_filters", lang) + (f" ({more})" if more else ""), width="stretch"):
        st.pills(t("statuses", lang), DISPLAY_STATUSES, selection_mode="multi", wrap=True,
                 format_func=lambda x: i18n.status(x, lang), help=t("statuses_help", lang), **widget("statuses"))
        st.text_input(t("search", lang), **widget("query"))
        st.multiselect(t("neighbours", lang), NEIGHBOURS, placeholder=t("all", lang), **widget("neighbours"),
                       format_func=lambda c: PROVINCES[c].name_zh if lang == "zh" else PROVINCES[c].name_en)
        st.multiselect(t("departments", lang), departments, placeholder=t("all", lang), **widget("departments"),
                       format_func=lambda d: i18n.department(d, lang))
        st.toggle(t("show_existing", lang), **widget("show_existing"))


FILTER_BAR_PX = 60  # the filter bar's height on a desktop, measured in Chromium: the map starts 267 px down either way


def filter_bar_space() -> None:
    """Where the filter bar will be, kept free on a session's first run (the bar follows once the map is drawn),
    so that the map does not move down when it comes."""
    st.html(f'<div style="height:{FILTER_BAR_PX}px"></div>')


def is_phone() -> bool:
    """Whether the browser says it is a phone: read once per session (the headers are rebuilt on each read)."""
    if "_phone" not in st.session_state:
        st.session_state["_phone"] = "Mobile" in (st.context.headers or {}).get("User-Agent", "")
    return st.session_state["_phone"]


def map_height() -> int:
    """Most of a desktop viewport (640 px of 900); about half a phone's."""
    return 420 if is_phone() else 620


def map_layers(page: Page, shown: pd.DataFrame, f, mv) -> tuple[folium.Map, list, str | None]:
    """The map and its line layers for this run (draw them with draw_map), and the project id of a line just
    clicked (already in the view and highlighted). Nothing is sent yet, so a click's details can go first.

    The base map (polygons, labels in both languages, buttons, tiles, and every line's coordinates) changes
    only with the tiles or an imported alignment, so a filter, a pan, a date or a language switch sends only
    which lines to show, their styles and their names (a feature group), and the map restyles them in place
    instead of drawing them again. Its polygons, rivers and names are fetched from base_url (a static file)
    when there is one, so that an update does not carry them again.
    """
    lang, version, leaflet, base_url = page.lang, page.version, page.leaflet, page.base_url
    geometry = data.line_geometry(version)
    numbered = data.numbered(f.as_of, f.definition, version)
    m = mapview.base_map(data.display_boundaries(), mapview.map_class(*leaflet), geojson_text=data.boundaries_geojson(),
                         tiles=mv.tiles, tianditu_key=page.tianditu_key, rivers=data.rivers(),
                         rivers_text=data.rivers_geojson(), labels=data.place_labels(), base_url=base_url,
                         lines=geometry)

    stubs = data.stub_markers(f.as_of, f.definition, version, lang)

    def layers(selected: str | None):
        return mapview.dashboard_layers(shown, geometry, data.section_statuses(f.as_of, version),
                                        data.section_names(lang, version), lang,
                                        selected, numbered, stubs)

    groups, lookup = layers(mv.project)
    # A click the browser sent for this run is known before the map is drawn: the line is highlighted in
    # this run, not in one more round trip.
    clicked = None
    value = st.session_state.get("map") or {}
    tip, click = value.get("last_object_clicked_tooltip"), value.get("click")
    # a new click: another line, or the same line clicked again (the map counts clicks: see MapChrome)
    again = click is not None and click != st.session_state.get("_last_map_click_n")
    if click is not None:
        st.session_state["_last_map_click_n"] = click
    if tip and (tip != st.session_state.get("_last_map_click") or again):
        st.session_state["_last_map_click"] = tip
        clicked = lookup.get(tip.strip())
        if clicked and clicked != mv.project:
            state.set_view(project=clicked)
            groups, lookup = layers(clicked)
    base = (mv.tiles, base_url, geometry.key)  # what the base map depends on: when it changes, the new map opens at the view
    if st.session_state.get("_map_base") != base:
        st.session_state["_map_base"] = base
        st.session_state["_map_origin"] = (mv.center, mv.zoom)
        st.session_state["_map_fresh"] = mapview.moved(mapview.CENTER, mapview.ZOOM, mv.center, mv.zoom)
    mapview.InitialView(*st.session_state["_map_origin"]).add_to(groups[-1])
    mapview.MapLanguage(lang).add_to(groups[-1])
    return m, groups, clicked


def draw_map(m: folium.Map, groups: list, mv) -> bool:
    """Send the map (from map_layers); keep its centre and zoom in the view; return whether the map has
    reported from the browser (it is drawn)."""
    out = st_folium(m, key="map", height=map_height(), use_container_width=True,
                    returned_objects=["last_object_clicked_tooltip", "zoom", "center"], feature_group_to_add=groups)
    out = out or {}
    centre, zoom = out.get("center"), out.get("zoom")
    if centre and zoom:
        reported = ((centre["lat"], centre["lng"]), int(zoom))
        # a rebuilt map first reports the view it was built with, before it moves to the viewer's
        stale = st.session_state.get("_map_fresh") and not mapview.moved(mapview.CENTER, mapview.ZOOM, *reported)
        if not stale:
            st.session_state["_map_fresh"] = False
            if mapview.moved(mv.center, mv.zoom, *reported):
                state.set_view(center=(round(reported[0][0], 4), round(reported[0][1], 4)), zoom=reported[1])
    return "center" in out  # st_folium's defaults carry no centre: only the browser reports one


def project_table(shown: pd.DataFrame, table: pd.DataFrame, lang: str) -> str | None:
    """The sortable table of what the filters show, and a chooser over every project; returns a project
    just picked in either (its details open in a dialog)."""
    st.subheader(t("projects", lang))
    pick = project_chooser(shown, table, lang)
    if shown.empty:
        st.info(t("none_match", lang))
    zh = lang == "zh"
    view = pd.DataFrame({
        t("col_name", lang): shown.name_zh if zh else shown.name_en,
        t("col_mode", lang): shown["mode"].map(lambda m: i18n.mode(m, lang)),
        t("col_status", lang): [status_label(s, p, lang) for s, p in zip(shown.status, shown.partly_open)],
        t("col_since", lang): shown.since,  # at its precision: "2008", "2023-12"
        t("col_neighbours", lang): (shown.neighbours_entered if zh else shown.neighbours_entered_en).map("、".join),
        t("col_counted", lang): shown.counted,
        t("col_length", lang): shown.length_km,
        t("col_precision", lang): shown.precision.map(lambda p: t(f"precision_{p}", lang)),
        t("col_lead", lang): shown.lead_department if zh else shown.lead_department.map(i18n.department_en),
        t("col_name_other", lang): shown.name_en if zh else shown.name_zh,
        t("col_id", lang): shown.id,
    })
    # One key in both languages (a selection is row positions, not labels): the grid is updated in place on a
    # language switch rather than built again.
    event = st.dataframe(view, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key="table", column_config={
                             t("col_name", lang): st.column_config.TextColumn(width="medium", pinned=True),
                             t("col_length", lang): st.column_config.NumberColumn(format="%.0f", width="small"),
                             t("col_counted", lang): st.column_config.CheckboxColumn(width="small")})
    return _new_row_pick(event, shown) or pick


def table_pick(shown: pd.DataFrame) -> str | None:
    """A row picked in the project table since the last run, read before the table (and the map above it) is
    drawn, so the map highlights it in this run."""
    return _new_row_pick(st.session_state.get("table"), shown)


def _new_row_pick(event, shown: pd.DataFrame) -> str | None:
    """The project of a newly selected table row, once (a selection seen before is not a new pick)."""
    rows = list(((event or {}).get("selection") or {}).get("rows") or [])  # Streamlit's states are dicts
    ids = list(shown.id)
    picked = ids[rows[0]] if rows and rows[0] < len(ids) else None
    if picked and picked != st.session_state.get("_last_table_pick"):
        st.session_state["_last_table_pick"] = picked
        return picked
    if not picked:
        st.session_state.pop("_last_table_pick", None)
    return None


def project_chooser(shown: pd.DataFrame, table: pd.DataFrame, lang: str) -> str | None:
    """A searchable list of every project (those shown first), showing the project picked; choosing one opens
    its details."""
    first = set(shown.id)
    ordered = list(shown.id) + [i for i in table.id if i not in first]
    names = {pid: i18n.name_of({"name_zh": zh, "name_en": en}, lang)
             for pid, zh, en in zip(table.id, table.name_zh, table.name_en)}
    key = f"project.{lang}"
    picked = state.view()["project"]
    st.session_state[key] = picked if picked in names else None
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    c1.selectbox(t("choose_project", lang), [None, *ordered], key=key, placeholder=t("details_hint", lang),
                 format_func=lambda i: t("details_hint", lang) if i is None else names[i], on_change=_chosen,
                 args=(key,))
    again = picked in names and c2.button(t("open_details", lang), key=f"open.{lang}", width="stretch")
    # the table's toolbar (search, download, full screen) floats in the 44 px above the table: keep it off the button
    st.html(f'<div style="height:{TOOLBAR_CLEARANCE_PX}px"></div>')
    return st.session_state.pop("_chosen", None) or (picked if again else None)


TOOLBAR_CLEARANCE_PX = 24  # with Streamlit's 16 px gaps around it: 56 px between the chooser row and the table


def _chosen(key: str) -> None:
    st.session_state["_chosen"] = st.session_state[key]
    if st.session_state[key] is None:
        state.set_view(project=None)


def shown_rows(table, f: state.Filters):
    """The rows the display filters let through (no mode chosen: none)."""
    if not f.modes:
        return table.iloc[0:0]
    neighbours = [PROVINCES[c].name_zh for c in f.neighbours]
    base = analysis.filter_projects(table, modes=f.modes, neighbours=neighbours, departments=f.departments,
                                    query=f.query, statuses=f.statuses)
    return base if f.show_existing else base[base.in_plan]


@st.fragment
def explore(page: Page, departments: list[str]) -> None:
    """Display filters, map and table: what depends only on them reruns alone. A map click or a table row is
    known when the run starts, so the map highlights it and its details dialog opens in that run, sent before
    the map (on a whole-page run the page opens it); a pick in the project chooser, made below the map, reruns
    this part once more to highlight it."""
    table, lang = page.table, page.lang
    phone, ready = is_phone(), bool(st.session_state.get("_page_ready"))
    bar = st.container()  # above the map; filled once a table pick's details are on their way
    f = state.current()
    shown = shown_rows(table, f)
    early = table_pick(shown) if ready else None
    if early:  # highlighted on the map in this run: open the details without another run
        state.set_view(project=early)
        st.session_state["_details_open"] = True

    def details_first() -> None:
        """The details dialog, sent before the map behind it (on a whole-page run the page opens it)."""
        pid = state.view()["project"]
        if not st.session_state.get("_full_run") and st.session_state.get("_details_open") and pid in set(table.id):
            details_dialog(page, pid)

    # A table pick is known now, so its details go out before the filter bar and the map's layers are even
    # built; a map click is known only once they are (its tooltip names the line).
    if early:
        details_first()
    with bar:
        if not phone and ready:  # on a phone the map comes first and the filters under it
            filter_bar(departments, lang)
        elif not phone:  # a session's first run: the bar's code would load before the map's
            filter_bar_space()
    mv = state.map_view()
    m, groups, clicked = map_layers(page, shown, f, mv)
    if clicked:
        st.session_state["_details_open"] = True
    if not early:
        details_first()
    drawn = draw_map(m, groups, mv)
    if phone and ready:
        filter_bar(departments, lang)
    if not f.modes:
        st.warning(t("modes_none_chosen", lang))
    st.caption((t("display_filtered", lang, shown=len(shown), total=len(table)) if len(shown) != len(table)
                else t("filters_hint", lang)) + " " + t("map_hint", lang))
    if drawn and not ready:
        st.session_state["_page_ready"] = True
        st.rerun(scope="app")
    picked = project_table(shown, table, lang) if ready else None
    state.write_url()
    if picked:
        state.set_view(project=picked)
        st.session_state["_details_open"] = True
        st.rerun(scope="app" if st.session_state.get("_full_run") else "fragment")
