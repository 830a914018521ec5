"""The dashboard page, map first: the title with the headline count; then one fragment holding the display
filters, the map and the table of what they show (a filter, a pan or a zoom reruns only that part); then the
headline's definition (its two explanations built only when opened), the analysis (only the open view built: over
time, by mode and neighbour, what changed) and the export. A project's details open in a dialog,
wherever it was picked. The headline depends only on the date and the counting definition (sidebar), never
on display filters.

A session's first run sends only the title, the count and the map (the sidebar's controls and the filter bar
stand in as a caption and a spacer); the rest of the page follows once the map reports that it is drawn, so
the browser spends its first second loading the map's code rather than every widget's."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import streamlit as st

from .. import analysis
from ..boundaries import PROVINCES
from ..errors import CorridorsError
from ..i18n import t
from ..map import TILES
from . import assets, data, outlook, panels, progress, sidebar, state


def data_refused(exc: CorridorsError) -> None:
    """The page when the shipped data cannot be used: what is wrong, in both languages, and no count. The
    data folder is named 'geodata', not by its path on the server."""
    from ..config import geodata_dir

    why = panels.md_text(" ".join(str(exc).replace(str(geodata_dir()), "geodata").split()))
    st.title(f"{t('title', 'zh')} · {t('title', 'en')}")
    st.error(t("data_refused", "zh", why=why) + "\n\n" + t("data_refused", "en", why=why))


def main(app_dir: Path | None = None) -> None:
    st.set_page_config(page_title="湖南泛珠出省通道 · Hunan Pan-PRD corridors", page_icon="🛤️", layout="wide")
    try:
        data.base()
    except CorridorsError as exc:  # data `corridors check` refuses, or a file that cannot be read
        data_refused(exc)
        return
    editors = data.configured_editors()
    found = data.progress(bool(editors))
    store, version = found.store, found.version
    ds = data.load(version)
    today = date.today()
    departments = sorted(d for d in ds.catalog.projects.lead_department.unique() if d)
    headlines = data.headline_targets(version)
    state.init(today, departments, {k: h.definition for k, h in headlines.items()})
    target = headlines.get(state.view()["target"])
    tianditu_key = os.environ.get("CORRIDORS_TIANDITU_KEY", "")
    tiles = tuple(x for x in TILES if x != "tianditu" or tianditu_key)
    if state.view()["tiles"] not in tiles:
        state.set_view(tiles="none")

    ready = bool(st.session_state.get("_page_ready"))
    if ready:
        sidebar.render(today, tiles, headlines, unmapped_targets(ds, headlines))
    else:
        sidebar.waiting(state.view()["lang"])
    f = state.current()
    lang = f.lang
    panels.page_language(lang)
    editor = progress.sign_in(editors, lang) if ready else None
    table = data.table(f.as_of, f.definition, version)

    # The count and, beside it, what it counts: one row, so that the map below still fits a desktop screen.
    head, kpi, notes = st.columns([4, 4, 4], vertical_alignment="center")
    with head:
        st.title(t("title", lang))
        st.caption(t("subtitle", lang))
    with kpi:
        now = panels.headline_metric(ds, f.definition, f.as_of, version, lang, target)
    with notes:
        panels.headline_caption(ds, f.definition, f.as_of, version, lang, now)
    progress.store_notices(found, editor, lang)
    if ready:
        progress.session_notice(editor, lang)

    here = str(app_dir or Path.cwd())
    leaflet = assets.leaflet_urls(here)
    base_url = assets.base_map_url(here)
    st.session_state["_full_run"] = True
    explore(ds, table, leaflet, base_url, tianditu_key, departments, lang, editor, store, version)
    st.session_state["_full_run"] = False

    if not ready:
        st.caption(t("loading_rest", lang))
        return
    pid = state.view()["project"]
    if pid and st.session_state.get("_details_open") and pid in set(table.id):
        panels.details_dialog(ds, table, pid, lang, editor, store, version, leaflet)

    panels.headline(ds, f.definition, f.as_of, version, lang, now, target)
    outlook.reckoning_table(ds, version, lang)
    # Only the open view of the analysis is built and sent: a chart or table the planner is not looking at
    # costs nothing when the language, the date or the definition changes. A segmented control rather than
    # st.tabs: tabs are a container whose identity is their labels, so a language switch remounted the chart
    # inside (a new Vega view drawn from scratch); below a control the chart is updated in place.
    tab = panels.analysis_choice(lang)
    if tab == "over_time":
        panels.over_time(ds, f.definition, f.as_of, version, lang, target)
        outlook.fan(ds, f.definition, f.as_of, version, lang, target)
    elif tab == "breakdown":
        panels.breakdown(now, lang)
    else:
        progress.changes(ds, f.definition, f.as_of, set(table.id), version, lang)
    view, compare = state.view(), st.session_state.get("compare")
    progress.export(ds, lambda: snapshot_request(view, compare), lang)
    state.write_url()
    data.settle_heap()


def unmapped_targets(ds, headlines: dict) -> list[tuple[str, str, str]]:
    """The register's targets the headline cannot show: (name_zh, name_en, why), in file order."""
    rows = ds.catalog.targets
    if rows is None:
        return []
    return [(r.name_zh, r.name_en, r.mapping_note) for r in rows.itertuples() if r.id not in headlines]


def snapshot_request(view: dict, compare: date | None) -> dict:
    """The snapshot's request from the view as it is when the button is pressed (the filters above the map
    may have changed since this part of the page last ran; the download is built outside the script run, so
    the view dict is passed in)."""
    f = state.current(view)
    return {"as_of": f.as_of, "lang": f.lang, "definition": f.definition, "modes": tuple(f.modes),
            "statuses": tuple(f.statuses), "neighbours": tuple(f.neighbours), "departments": tuple(f.departments),
            "query": f.query, "compare": compare, "target": view.get("target", "")}


def shown_rows(table, f: state.Filters):
    """The rows the display filters let through (no mode chosen: none)."""
    if not f.modes:
        return table.iloc[0:0]
    neighbours = [PROVINCES[c].name_zh for c in f.neighbours]
    base = analysis.filter_projects(table, modes=f.modes, neighbours=neighbours, departments=f.departments,
                                    query=f.query, statuses=f.statuses)
    return base if f.show_existing else base[base.in_plan]


@st.fragment
def explore(ds, table, leaflet: tuple[str, str], base_url: str | None, tianditu_key: str, departments: list[str],
            lang: str, editor: str | None, store, version: tuple) -> None:
    """Display filters, map and table: what depends only on them reruns alone. A map click or a table row is
    known when the run starts, so the map highlights it and its details dialog opens in that run, sent before
    the map (on a whole-page run the page opens it); a pick in the project chooser, made below the map, reruns
    this part once more to highlight it."""
    phone, ready = panels.is_phone(), bool(st.session_state.get("_page_ready"))
    bar = st.container()  # above the map; filled once a table pick's details are on their way
    f = state.current()
    shown = shown_rows(table, f)
    early = panels.table_pick(shown) if ready else None
    if early:  # highlighted on the map in this run: open the details without another run
        state.set_view(project=early)
        st.session_state["_details_open"] = True

    def details_first() -> None:
        """The details dialog, sent before the map behind it (on a whole-page run the page opens it)."""
        pid = state.view()["project"]
        if not st.session_state.get("_full_run") and st.session_state.get("_details_open") and pid in set(table.id):
            panels.details_dialog(ds, table, pid, lang, editor, store, version, leaflet)

    # A table pick is known now, so its details go out before the filter bar and the map's layers are even
    # built; a map click is known only once they are (its tooltip names the line).
    if early:
        details_first()
    with bar:
        if not phone and ready:  # on a phone the map comes first and the filters under it
            panels.filter_bar(departments, lang)
        elif not phone:  # a session's first run: the bar's code would load before the map's
            panels.filter_bar_space()
    mv = state.map_view()
    m, groups, clicked = panels.map_layers(ds, shown, f, mv, lang, leaflet, base_url, tianditu_key, version)
    if clicked:
        st.session_state["_details_open"] = True
    if not early:
        details_first()
    drawn = panels.draw_map(m, groups, mv)
    if phone and ready:
        panels.filter_bar(departments, lang)
    if not f.modes:
        st.warning(t("modes_none_chosen", lang))
    st.caption((t("display_filtered", lang, shown=len(shown), total=len(table)) if len(shown) != len(table)
                else t("filters_hint", lang)) + " " + t("map_hint", lang))
    if drawn and not ready:
        st.session_state["_page_ready"] = True
        st.rerun(scope="app")
    picked = panels.project_table(shown, table, lang) if ready else None
    state.write_url()
    if picked:
        state.set_view(project=picked)
        st.session_state["_details_open"] = True
        st.rerun(scope="app" if st.session_state.get("_full_run") else "fragment")
