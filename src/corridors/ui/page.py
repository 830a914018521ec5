"""The dashboard page: sidebar filters; counting rule; KPIs; map with details; charts; table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from .. import analysis
from ..boundaries import PROVINCES
from ..catalog import MODES
from ..i18n import t
from . import assets, data, panels, progress, sidebar, state


def main(app_dir: Path | None = None) -> None:
    st.set_page_config(page_title="湖南泛珠出省通道 · Hunan Pan-PRD corridors", page_icon="🛤️", layout="wide")
    editors = data.configured_editors()
    store = data.store(bool(editors))
    version = data.store_version(store)
    ds = data.load(version)
    today = date.today()
    departments = sorted(ds.catalog.projects.lead_department.unique())
    state.init(ds.plan_date, today, departments)

    picked = panels.table_selection()
    if picked:
        st.session_state["project"] = picked

    sidebar.render(ds.plan_date, today, departments)
    f = state.current()
    lang = f.lang
    editor = progress.sign_in(editors, lang)
    modes = f.modes or list(MODES)
    table = data.table(f.as_of, f.scope, version)
    neighbours = [PROVINCES[c].name_zh for c in f.neighbours]
    base = analysis.filter_projects(table, modes=modes, neighbours=neighbours, departments=f.departments,
                                    query=f.query)
    shown = analysis.filter_projects(base, statuses=f.statuses)

    st.title(t("title", lang))
    st.caption(t("subtitle", lang))
    panels.definition(ds, f.scope, modes, f.as_of, lang)
    counts = analysis.corridor_counts(shown, ds.target.count, tuple(modes))
    panels.kpis(counts, int((~shown.route_known & (shown.same_as == "")).sum()), lang)

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

    counted_ids = list(base[base.counted].id)
    panels.over_time(ds, counted_ids, f.as_of, lang)
    panels.breakdown(counts, lang)
    progress.changes(ds, f.scope, f.as_of, set(shown.id), version, lang)
    progress.export(ds, {"as_of": f.as_of, "lang": lang, "scope": f.scope, "modes": tuple(modes),
                         "statuses": tuple(f.statuses), "neighbours": tuple(f.neighbours),
                         "departments": tuple(f.departments), "query": f.query,
                         "compare": st.session_state.get("compare")}, lang)
    panels.project_table(shown, lang)
    state.write_url(f, st.session_state.get("project"))
