"""The dashboard page: sidebar (definition and display filters); headline count; map with details; charts;
table. The headline depends only on the date and the counting definition, never on display filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from .. import analysis
from ..boundaries import PROVINCES
from ..i18n import t
from . import assets, data, panels, progress, sidebar, state


def main(app_dir: Path | None = None) -> None:
    st.set_page_config(page_title="湖南泛珠出省通道 · Hunan Pan-PRD corridors", page_icon="🛤️", layout="wide")
    editors = data.configured_editors()
    found = data.progress(bool(editors))
    store, version = found.store, found.version
    ds = data.load(version)
    today = date.today()
    departments = sorted(d for d in ds.catalog.projects.lead_department.unique() if d)
    state.init(today, departments)

    picked = panels.table_selection()
    if picked:
        st.session_state["project"] = picked

    sidebar.render(today, departments)
    f = state.current()
    lang = f.lang
    editor = progress.sign_in(editors, lang)
    table = data.table(f.as_of, f.definition, version)
    neighbours = [PROVINCES[c].name_zh for c in f.neighbours]
    base = analysis.filter_projects(table, modes=f.modes, neighbours=neighbours, departments=f.departments,
                                    query=f.query)
    if not f.show_existing:
        base = base[base.in_plan]
    shown = analysis.filter_projects(base, statuses=f.statuses)

    st.title(t("title", lang))
    st.caption(t("subtitle", lang))
    progress.store_notices(found, editor, lang)
    counts = panels.headline(ds, f.definition, f.as_of, version, lang)
    if len(shown) != len(table):
        st.caption(t("display_filtered", lang, shown=len(shown), total=len(table)))

    left, right = st.columns([3, 2], gap="medium")
    leaflet = assets.leaflet_urls(str(app_dir or Path.cwd()))
    with left:
        clicked = panels.map_panel(ds, shown, f.as_of, lang, leaflet, st.session_state.get("project"))
    if clicked:
        st.session_state["project"] = clicked
    with right:
        pid = panels.details(ds, table, shown, lang)
        if pid:
            progress.timeline_chart(ds, pid, table.set_index("id").same_as[pid], lang)
            if editor and store is not None:
                progress.record_form(ds, store, pid, editor, lang)

    panels.over_time(ds, f.definition, f.as_of, version, lang)
    panels.breakdown(counts, lang)
    progress.changes(ds, f.definition, f.as_of, set(shown.id), version, lang)
    progress.export(ds, {"as_of": f.as_of, "lang": lang, "definition": f.definition, "modes": tuple(f.modes),
                         "statuses": tuple(f.statuses), "neighbours": tuple(f.neighbours),
                         "departments": tuple(f.departments), "query": f.query,
                         "compare": st.session_state.get("compare")}, lang)
    panels.project_table(shown, lang)
    state.write_url(f, st.session_state.get("project"))
