"""The dashboard page, map first: the title with the headline count; then one fragment holding the display
filters, the map and the table of what they show (a filter, a pan or a zoom reruns only that part); then the
headline's definition (its two explanations built only when opened), the analysis (only the open view built: over
time, by mode and neighbour, what changed) and the export. A project's details open in a dialog,
wherever it was picked. The headline depends only on the date and the counting definition (sidebar), never
on display filters.

A session's first run sends only the title, the count and the map (the sidebar's controls and the filter bar
stand in as a caption and a spacer); the rest of the page follows once the map reports that it is drawn, so
the browser spends its first second loading the map's code rather than every widget's.

The parts, each in its module: panels (the headline and its explanations), explore (the fragment: filters, map,
table), details (the dialog), charts (the analysis), outlook (the outlook's fan figures, the neighbours' reckoning),
progress (sign-in, store notices, the record form, what changed, the export) and alignments (an editor's line
import); common holds what they share, and the page context (common.Page) that this module builds once per
run and hands to them."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import streamlit as st

from ..errors import CorridorsError
from ..i18n import t
from ..map import TILES
from . import assets, charts, data, outlook, panels, progress, sidebar, state
from .common import Page, md_text
from .details import details_dialog
from .explore import explore


def data_refused(exc: CorridorsError) -> None:
    """The page when the shipped data cannot be used: what is wrong, in both languages, and no count. The
    data folder is named 'geodata', not by its path on the server."""
    from ..config import geodata_dir

    why = md_text(" ".join(str(exc).replace(str(geodata_dir()), "geodata").split()))
    st.title(f"{t('title', 'zh')} · {t('title', 'en')}")
    st.error(t("data_refused", "zh", why=why) + "\n\n" + t("data_refused", "en", why=why))


def page_language(lang: str) -> None:
    """The page's <html lang> follows the UI language (Chromium picks Chinese glyph forms only for zh)."""
    code = "zh-CN" if lang == "zh" else "en"
    st.html(f"<script>document.documentElement.lang = {code!r};</script>"
            "<style>.block-container, [data-testid='stMainBlockContainer']{padding-top:2.4rem}"
            "h1{font-size:2rem !important;padding:0 !important}</style>", unsafe_allow_javascript=True,
            width="content")


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
    f = state.current()
    lang = f.lang
    page_language(lang)
    table = data.table(f.as_of, f.definition, version)
    page = Page(ds=ds, version=version, lang=lang, as_of=f.as_of, definition=f.definition, table=table,
                target=target, store=store, tianditu_key=tianditu_key)

    # The count and, beside it, what it counts: one row, so that the map below still fits a desktop screen.
    # Sent before the sidebar: the widgets' callbacks have already set the view, so the sidebar only shows it,
    # and on a language or date change the title and the count are the first things the browser redraws.
    head, kpi, notes = st.columns([4, 4, 4], vertical_alignment="center")
    with head:
        st.title(t("title", lang))
        st.caption(t("subtitle", lang))
    with kpi:
        now = panels.headline_metric(page)
    with notes:
        panels.headline_caption(page, now)
    if ready:
        sidebar.render(today, tiles, headlines, unmapped_targets(ds, headlines))
    else:
        sidebar.waiting(lang)
    editor = progress.sign_in(editors, lang) if ready else None
    progress.store_notices(found, editor, lang)
    if ready:
        progress.session_notice(editor, lang)

    here = str(app_dir or Path.cwd())
    leaflet = assets.leaflet_urls(here)
    base_url = assets.base_map_url(here)
    page = replace(page, editor=editor, leaflet=leaflet, base_url=base_url)  # known once the count is out
    st.session_state["_full_run"] = True
    explore(page, departments)
    st.session_state["_full_run"] = False

    if not ready:
        st.caption(t("loading_rest", lang))
        return
    pid = state.view()["project"]
    if pid and st.session_state.get("_details_open") and pid in set(table.id):
        details_dialog(page, pid)

    panels.headline(page, now)
    outlook.reckoning_table(page)
    # Only the open view of the analysis is built and sent: a chart or table the planner is not looking at
    # costs nothing when the language, the date or the definition changes. A segmented control rather than
    # st.tabs: tabs are a container whose identity is their labels, so a language switch remounted the chart
    # inside (a new Vega view drawn from scratch); below a control the chart is updated in place.
    tab = charts.analysis_choice(lang)
    if tab == "over_time":
        charts.over_time(page)
    elif tab == "breakdown":
        charts.breakdown(now, lang)
    else:
        progress.changes(page, set(table.id))
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
