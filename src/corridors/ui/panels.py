"""Page panels: counting rule, KPIs, map, charts, project table and details. Widgets and calls only."""

from __future__ import annotations

import re
from datetime import date

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from .. import counting, i18n, plan, status
from .. import map as mapview
from .. import targets as targets_module
from ..boundaries import NEIGHBOURS, PROVINCES
from ..catalog import MODES, research_cutoff
from ..counting import Definition
from ..dataset import Dataset
from ..i18n import t
from ..status import DISPLAY_STATUSES
from ..style import CHART, PROGRESS, STATUS_COLOURS
from . import data, state
from .state import widget


def page_language(lang: str) -> None:
    """The page's <html lang> follows the UI language (Chromium picks Chinese glyph forms only for zh)."""
    code = "zh-CN" if lang == "zh" else "en"
    st.html(f"<script>document.documentElement.lang = {code!r};</script>"
            "<style>.block-container, [data-testid='stMainBlockContainer']{padding-top:2.4rem}"
            "h1{font-size:2rem !important;padding:0 !important}</style>", unsafe_allow_javascript=True,
            width="content")


def figure_of(ds: Dataset, target: data.Headline | None) -> int:
    """The headline's figure: the picked target's, or the plan's."""
    return target.figure if target is not None else ds.target.count


def headline_metric(ds: Dataset, d: Definition, as_of: date, version: tuple, lang: str,
                    target: data.Headline | None = None) -> dict:
    """The count against the target (the one picked, else the plan's) on the chosen date, beside the title, and a
    bar that says "exceeded" when it is (what it counts is beside it: headline_caption). Display filters never
    reach it. Returns the count with the picked target's figure as its target."""
    now = {**data.count(as_of, d, version), "target": figure_of(ds, target)}
    done, figure = now["completed"], now["target"]
    st.metric(t("kpi_completed", lang, date=as_of.isoformat()), f"{done} / {figure}",
              help=t("kpi_completed_help", lang))
    st.html(progress_bar_html(done, figure, lang))
    return now


def headline_caption(ds: Dataset, d: Definition, as_of: date, version: tuple, lang: str, now: dict) -> None:
    """Beside the count: the definition in a few words, when the target was reached and by which corridor, how
    many are unconfirmed (i18n.headline_notes)."""
    st.caption("  \n".join(md_text(x) for x in headline_notes(ds, d, as_of, version, lang, now)))


def headline_notes(ds: Dataset, d: Definition, as_of: date, version: tuple, lang: str, now: dict) -> list[str]:
    """The lines under the headline (i18n.headline_notes) for this date and definition, against now's target."""
    hit = data.reached(as_of, d, version, now["target"])
    names = {}
    if hit is not None:
        # the catalog's names: the day's table (a copy out of the cache on every call) is not needed for two names
        rows = ds.catalog.projects
        names = dict(zip(rows.id, rows.name_zh if lang == "zh" else rows.name_en))
    return i18n.headline_notes(d, lang, counts=now, as_of=as_of, reached_day=hit and hit.day,
                               reached_name=names.get(hit.project_id, "") if hit else "",
                               same_day=tuple(names[p] for p in hit.same_day) if hit else ())


def progress_bar_html(done: int, target: int, lang: str) -> str:
    """The count against the target as a bar: blue short of it, green when met; beyond it the bar runs past a
    mark at the target (no alarm colour), and its words say by how many it is exceeded."""
    import html as html_module

    full = max(done, target, 1)
    share, mark = 100 * min(done, full) / full, 100 * target / full
    colour = PROGRESS["met"] if done >= target else PROGRESS["short"]
    label = html_module.escape(i18n.progress_label(done, target, lang))
    return (f'<div class="corridors-progress" role="progressbar" aria-valuemin="0" aria-valuemax="{target}" '
            f'aria-valuenow="{done}" aria-label="{label}" style="font:12px/1.3 sans-serif;color:{PROGRESS["text"]}">'
            f'<div style="position:relative;height:10px;background:{PROGRESS["track"]};border-radius:5px">'
            f'<div style="width:{share:.1f}%;height:100%;background:{colour};border-radius:5px"></div>'
            f'<div style="position:absolute;left:calc({mark:.1f}% - 1px);top:-3px;width:2px;height:16px;'
            f'background:{PROGRESS["mark"]}"></div></div><div style="margin-top:2px">{label}</div></div>')


def target_of(ds: Dataset, target: data.Headline | None) -> plan.Target:
    """The target as the definition line states it: the picked one (its deadline year, figure and clause), else
    the plan's."""
    if target is None:
        return ds.target
    return plan.Target(target.deadline.year if target.deadline else ds.target.year, target.figure, target.clause)


def headline(ds: Dataset, d: Definition, as_of: date, version: tuple, lang: str, now: dict,
             target: data.Headline | None = None) -> None:
    """Beside the count: the baseline, the target's deadline and today, the definition spelled out, why it is the
    default, which definitions reach the target, every official target against the count, and the 断头路."""
    today = date.today()
    goal = target_of(ds, target)
    due = target.deadline if target is not None and target.deadline else date(goal.year, 12, 31)
    marks = {"baseline": ds.plan_date, "target_date": due, "today": today}
    at = {k: data.count(v, d, version) for k, v in marks.items()}
    st.subheader(t("headline_context", lang))
    for col, key in zip(st.columns(3), ("baseline", "target_date", "today")):
        col.metric(t(f"kpi_{key}", lang, date=marks[key].isoformat()), at[key]["completed"],
                   help=t(f"kpi_{key}_help", lang))
    extra = t("kpi_rest", lang, uc=now["by_status"]["under_construction"], planned=now["by_status"]["planned"],
              none=now["by_status"]["no_evidence"], candidates=now["candidates"])
    st.caption(extra)
    picked = target is not None and target.id != targets_module.DEFAULT_TARGET
    st.markdown(f"**{t('definition', lang)}**{'：' if lang == 'zh' else ': '}"
                + md_text(i18n.definition_text(d, lang, as_of=as_of, target=goal,
                                               document=target.document if picked else None)))
    if d != (target.definition if target is not None else counting.DEFAULT):
        st.info(t("definition_changed", lang))
    why = on_demand(t("why_default", lang), "why_default", lang)
    if why.open:
        with why:
            st.markdown(t("why_default_text", lang))
            reconciliation(ds, version, lang)
    reach = on_demand(t("which_reach", lang, date=marks["target_date"].isoformat()), "which_reach", lang)
    if reach.open:
        with reach:
            st.table(which_reach(ds, d, marks, version, lang, goal.count).set_index(t("col_definition", lang)))
    every = on_demand(t("targets_table", lang), "targets_table", lang)
    if every.open:
        with every:
            st.caption(t("targets_table_hint", lang, date=today.isoformat()))
            st.dataframe(targets_table(data.assessed(today, version), data.table(today, counting.DEFAULT, version),
                                       lang), hide_index=True, width="stretch")
    waiting = on_demand(t("stubs_table", lang, date=as_of.isoformat()), "stubs_table", lang)
    if waiting.open:
        with waiting:
            st.caption(t("stubs_hint", lang))
            st.dataframe(stubs_table(data.stubs(as_of, version), lang), hide_index=True, width="stretch")


def targets_table(assessed: list[dict], names: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every official target as targets.assess gives it (never recomputed here), in the page's words: a missing
    figure shows as a dash, an unmapped target says why. names: a table with the corridors' names (by id)."""
    zh = lang == "zh"
    by_id = names.set_index("id")

    def name(pid: str) -> str:
        return i18n.name(by_id.loc[pid], lang) if pid in by_id.index else pid

    def met(x: dict) -> str:
        if not x["mappable"]:
            return t("target_not_mapped", lang)
        return "—" if x["met_by_deadline"] is None else t("yes" if x["met_by_deadline"] else "no", lang)

    def dash(v) -> str:
        return "—" if v is None else str(v)

    return pd.DataFrame({
        t("col_target", lang): [x["name_zh"] if zh else x["name_en"] for x in assessed],
        t("col_document", lang): [x["document"] for x in assessed],
        t("col_figure", lang): [dash(x["figure"]) for x in assessed],
        t("col_deadline", lang): [dash(x["deadline"]) for x in assessed],
        t("col_count_at_deadline", lang): [dash(x["count_at_deadline"]) for x in assessed],
        t("col_met", lang): [met(x) for x in assessed],
        t("col_reached_on", lang): [dash(x["reached_on"]) for x in assessed],
        t("col_reached_by", lang): [("、" if zh else "; ").join(name(p) for p in x["reached_by"]) or "—"
                                    for x in assessed],
        t("col_gap_today", lang): [dash(x["gap_today"]) for x in assessed],
    })


def stubs_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The 断头路 (stubs.stubs) in the page's words: corridor, neighbour, which half is open and since when, days
    waiting, the other half's stage and its expected opening as a source dates it (a forecast, not an opening)."""
    zh = lang == "zh"

    def when(v) -> str:
        return "—" if v is None or (isinstance(v, float) and v != v) else str(v)

    return pd.DataFrame({
        t("col_name", lang): rows.name_zh if zh else rows.name_en,
        t("col_neighbour", lang): rows.neighbour if zh else rows.neighbour_en,
        t("col_open_half", lang): [t(f"open_half_{h}", lang) for h in rows.open_half],
        t("col_since", lang): [when(x) for x in rows.since],
        t("col_days_waiting", lang): [when(x) for x in rows.days_waiting],
        t("col_other_stage", lang): [i18n.status("not_found", lang) if s == "no_record" else i18n.status(s, lang)
                                     for s in rows.other_stage],
        t("col_expected_open", lang): [when(x) for x in rows.expected_open],
    })


def on_demand(label: str, name: str, lang: str):
    """An expander whose content is built and sent only while it is open (opening it reruns the page). Its
    label is part of its identity, so each language has its own key, seeded from the state last seen: an
    open one stays open across a language switch."""
    opened = st.session_state.setdefault("_expanded", {})
    key = f"{name}.{lang}"
    if key not in st.session_state:
        st.session_state[key] = opened.get(name, False)
    box = st.expander(label, key=key, on_change="rerun")
    opened[name] = bool(box.open)
    return box


def which_reach(ds: Dataset, d: Definition, marks: dict, version: tuple, lang: str,
                figure: int | None = None) -> pd.DataFrame:
    """Definition → baseline, the target's deadline, today, whether it meets the target (figure, else the
    plan's) by its deadline."""
    figure = ds.target.count if figure is None else figure
    rows = []
    seen = []
    for _label, v in [("default", counting.DEFAULT), *counting.variants(d)]:
        if v in seen:
            continue
        seen.append(v)
        n = {k: data.count(day, v, version)["completed"] for k, day in marks.items()}
        rows.append({
            t("col_definition", lang): i18n.definition_short(v, lang)
            + (f" ({t('current', lang)})" if v == d else ""),
            t("kpi_baseline", lang, date=marks["baseline"].isoformat()): n["baseline"],
            t("kpi_target_date", lang, date=marks["target_date"].isoformat()): n["target_date"],
            t("kpi_today", lang, date=marks["today"].isoformat()): n["today"],
            t("col_met", lang): t("yes" if n["target_date"] >= figure else "no", lang),
        })
    return pd.DataFrame(rows)


def reconciliation(ds: Dataset, version: tuple, lang: str) -> None:
    """Reported running totals beside the product's count under the matching definition."""
    rec = data.reconciliation(version)
    if rec.empty:
        return
    sources = ds.catalog.sources.set_index("id")
    st.caption(t("research_cutoff", lang, date=research_cutoff(ds.catalog.projects)))
    st.dataframe(pd.DataFrame({
        t("col_as_of", lang): rec.as_of,
        t("col_reported", lang): rec.reported,
        t("col_computed", lang): rec.computed,
        t("col_difference", lang): rec.difference,
        t("col_rule_hunan", lang): rec.hunan,
        t("col_rule_both", lang): rec.both,
        t("col_definition", lang): [i18n.definition_short(Definition(**{**x, "modes": tuple(x["modes"])}), lang)
                                    for x in rec.definition],
        t("col_quote", lang): rec.quote,
        t("col_source", lang): [sources.url.get(s, "") for s in rec.source_id],
        t("col_note", lang): rec.note,
    }), hide_index=True, width="stretch", column_config={t("col_source", lang): st.column_config.LinkColumn()})


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


def map_layers(ds: Dataset, shown: pd.DataFrame, f, mv, lang: str, leaflet: tuple[str, str], base_url: str | None,
               tianditu_key: str, version: tuple) -> tuple[folium.Map, list, str | None]:
    """The map and its line layers for this run (draw them with draw_map), and the project id of a line just
    clicked (already in the view and highlighted). Nothing is sent yet, so a click's details can go first.

    The base map (polygons, labels in both languages, buttons, tiles, and every line's coordinates) changes
    only with the tiles or an imported alignment, so a filter, a pan, a date or a language switch sends only
    which lines to show, their styles and their names (a feature group), and the map restyles them in place
    instead of drawing them again. Its polygons, rivers and names are fetched from base_url (a static file)
    when there is one, so that an update does not carry them again.
    """
    geometry = data.line_geometry(version)
    numbered = data.numbered(f.as_of, f.definition, version)
    m = mapview.base_map(data.display_boundaries(), mapview.map_class(*leaflet), geojson_text=data.boundaries_geojson(),
                         tiles=mv.tiles, tianditu_key=tianditu_key, rivers=data.rivers(),
                         rivers_text=data.rivers_geojson(), labels=data.place_labels(), base_url=base_url,
                         lines=geometry)

    stubs = data.stub_markers(f.as_of, f.definition, version, lang)

    def layers(selected: str | None):
        return mapview.dashboard_layers(shown, geometry, ds.section_statuses(f.as_of), ds.section_names(lang), lang,
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


def analysis_choice(lang: str) -> str:
    """Which view of the analysis is open (over time, by mode and neighbour, what changed): a segmented
    control bound to the view's "tab"."""
    st.segmented_control(t("analysis", lang), state.TABS, format_func=lambda c: t(f"tab_{c}", lang),
                         label_visibility="collapsed", **widget("tab"))
    return state.view()["tab"]


def over_time(ds: Dataset, d: Definition, as_of: date, version: tuple, lang: str,
              target: data.Headline | None = None) -> None:
    """Open corridors over time under the definition: those open on the plan's date (the baseline) and those
    opened since, stacked; the target (the one picked, else the plan's) at its deadline; the chosen date as a rule.

    A plain Vega-Lite spec (no Altair objects) that is the same in both languages and on every date: what
    changes (the series, the labels, the chosen date) travels in its named datasets, so the browser updates
    the drawn chart in place instead of compiling and drawing a new one (about 50-100 ms of the browser's
    main thread on each language switch or date change, ahead of the map's update).
    """
    s = data.series(d, date.today(), version)
    parts = (t("chart_existing", lang), t("chart_new", lang))
    series = []
    for day, existing, new in zip(s.date, s.existing, s.new):
        for k, n in enumerate((int(existing), int(new))):
            series.append({"date": day.isoformat(), "n": n, "k": k, "part": parts[k],
                           "tip": f"{day.isoformat()} · {parts[k]} · {n}"})
    label, goal = t("chart_target", lang), target_of(ds, target)
    due = target.deadline if target is not None and target.deadline else date(goal.year, 12, 31)
    marks = [{"kind": "target", "date": due.isoformat(), "n": goal.count, "label": label,
              "tip": f"{label}: {goal.count}"},
             {"kind": "plan", "date": ds.plan_date.isoformat(), "tip": t("chart_plan", lang)},
             {"kind": "as_of", "date": as_of.isoformat()}]
    st.subheader(t("chart_over_time", lang))
    st.vega_lite_chart(over_time_spec(max(goal.count, int(s.completed.max())) + 2, series, marks),
                       width="stretch")


def over_time_spec(top: int, series: list[dict], marks: list[dict]) -> dict:
    """The over-time chart's spec: language- and date-neutral (see over_time); `top` is the y scale's end."""
    def only(kind: str) -> list[dict]:
        return [{"filter": f"datum.kind === '{kind}'"}]

    x = {"field": "date", "type": "temporal"}
    return {
        "height": 260,
        "datasets": {"series": pd.DataFrame(series), "marks": pd.DataFrame(marks)},
        "layer": [
            {"data": {"name": "series"}, "mark": {"type": "area", "interpolate": "step-after", "opacity": 0.85},
             "encoding": {"x": {**x, "title": None, "axis": {"format": "%Y"}},
                          "y": {"field": "n", "type": "quantitative", "title": CHART_Y, "stack": "zero",
                                "scale": {"domain": [0, top]}, "axis": {"tickMinStep": 1}},
                          "color": {"field": "part", "type": "nominal", "title": None,
                                    "sort": {"field": "k", "op": "min"},
                                    "scale": {"range": CHART["series"]}, "legend": {"orient": "bottom"}},
                          "order": {"field": "k", "sort": "ascending"},  # the baseline at the bottom
                          "tooltip": {"field": "tip"}}},
            {"data": {"name": "marks"}, "transform": only("target"),
             "mark": {"type": "rule", "strokeDash": [4, 4], "color": CHART["target"]},
             "encoding": {"y": {"field": "n", "type": "quantitative"}}},
            {"data": {"name": "marks"}, "transform": only("target"),
             "mark": {"type": "point", "shape": "diamond", "size": 160, "filled": True, "color": CHART["target"]},
             "encoding": {"x": x, "y": {"field": "n", "type": "quantitative"}, "tooltip": {"field": "tip"}}},
            {"data": {"name": "marks"}, "transform": only("target"),
             "mark": {"type": "text", "dy": -14, "color": CHART["target"]},
             "encoding": {"x": x, "y": {"field": "n", "type": "quantitative"}, "text": {"field": "label"}}},
            {"data": {"name": "marks"}, "transform": only("plan"),
             "mark": {"type": "rule", "color": CHART["plan"], "strokeDash": [2, 2]},
             "encoding": {"x": x, "tooltip": {"field": "tip"}}},
            {"data": {"name": "marks"}, "transform": only("as_of"), "mark": {"type": "rule", "color": CHART["as_of"]},
             "encoding": {"x": x}},
        ],
    }


CHART_Y = f"{t('chart_y', 'zh')} · {t('chart_y', 'en')}"  # both languages: the spec stays the same in either


def breakdown(counts: dict, lang: str) -> None:
    """Stacked bars of counted corridors by status: per mode, and per neighbour entered. As with over_time,
    the spec is the same in both languages (labels travel in the data), so a switch updates the bars in place;
    every status has a row per group shown (most of them 0) so that the colours, assigned in status order, never
    shift when a status is missing."""
    c1, c2 = st.columns(2)
    for col, title, groups, label in (
            (c1, "by_mode", counts["by_mode"], lambda g: i18n.mode(g, lang)),
            (c2, "by_neighbour", counts["by_neighbour"],
             lambda g: g if lang == "zh" else PROVINCES_BY_ZH[g].name_en)):
        bars = [{"group": label(g), "k": k, "status": i18n.status(s, lang), "n": int(by.get(s, 0)),
                 "tip": f"{label(g)} · {i18n.status(s, lang)} · {int(by.get(s, 0))}"}
                for g, by in groups.items() if any(by.values()) for k, s in enumerate(STATUS_COLOURS)]
        with col:
            st.subheader(t(title, lang))
            if not any(b["n"] for b in bars):
                st.caption(t("none_match", lang))
                continue
            st.vega_lite_chart(breakdown_spec(bars), width="stretch")


def breakdown_spec(bars: list[dict]) -> dict:
    """A breakdown chart's spec: language-neutral (see breakdown)."""
    return {
        "height": {"step": 28}, "datasets": {"bars": pd.DataFrame(bars)}, "data": {"name": "bars"}, "mark": "bar",
        "encoding": {"y": {"field": "group", "type": "nominal", "title": None},
                     "x": {"field": "n", "type": "quantitative", "title": None, "stack": "zero",
                           "axis": {"tickMinStep": 1, "format": "d"}},
                     "color": {"field": "status", "type": "nominal", "title": None, "sort": {"field": "k", "op": "min"},
                               "scale": {"range": list(STATUS_COLOURS.values())},
                               "legend": {"orient": "bottom", "columns": 3}},
                     "order": {"field": "k", "sort": "ascending"},
                     "tooltip": {"field": "tip"}}}


PROVINCES_BY_ZH = {p.name_zh: p for p in PROVINCES.values()}


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
        t("col_status", lang): [_status_label(s, p, lang) for s, p in zip(shown.status, shown.partly_open)],
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


def _status_label(s: str | None, partly: bool, lang: str) -> str:
    label = i18n.status(s, lang)
    return f"{label}（{t('partly_open', lang)}）" if partly and lang == "zh" else (
        f"{label} ({t('partly_open', lang)})" if partly else label)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_text(text: str) -> str:
    """Escape Markdown (and HTML) in text that comes from data."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def md_link(title: str, url: str) -> str:
    safe_url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{md_text(title)}]({safe_url})" if url.startswith(("http://", "https://")) else md_text(title)


def details_dialog(ds: Dataset, table: pd.DataFrame, pid: str, lang: str, editor: str | None, store,
                   version: tuple, leaflet: tuple[str, str]) -> None:
    """The project's details in a dialog over the page: where the viewer is looking, whether the pick came
    from the map, the table or the chooser. Closing it keeps the project picked (highlighted, in the URL)."""
    from . import alignments, progress

    def body() -> None:
        details(ds, table, pid, lang)
        progress.timeline_chart(ds, pid, table.set_index("id").same_as[pid], lang)
        if store is not None and (editor or progress.session_lost(editor)):
            with progress.store_fault_banner(lang):  # the store failing mid-session: a banner, not a traceback
                progress.record_form(ds, store, pid, editor, lang)  # editor None: kept, saved after signing in
                if editor:
                    alignments.panel(data.schematic(version), ds, store, pid, editor, lang, version, leaflet)

    st.dialog(t("details", lang), width="large", on_dismiss=_details_closed)(body)()


def _details_closed() -> None:
    """on_dismiss of the dialog: the project stays picked (highlighted, in the link); 打开详情 opens it again.
    The last map click and table pick are kept: the map still reports its last click, which is not a new one."""
    st.session_state["_details_open"] = False


def details(ds: Dataset, table: pd.DataFrame, pid: str, lang: str) -> None:
    """The chosen project's facts, notes, history and sources."""
    by_id = table.set_index("id")
    r = by_id.loc[pid]
    zh = lang == "zh"
    st.markdown(f"### {md_text(r.name_zh)}\n*{md_text(r.name_en)}*")
    if r.precision != "surveyed":
        stop = "。" if zh else ". "
        st.warning(f"{t('precision_' + r.precision, lang)}{stop}{t('schematic_warning', lang)}" if r.route_known
                   else t("precision_none", lang))
    if r.identification == "candidate":
        st.warning(t("candidate_warning", lang))
    if r.stale:
        st.info(t("stale_note", lang, date=r.latest_evidence or ds.plan_date.isoformat()))
    facts = {
        t("col_mode", lang): i18n.mode(r["mode"], lang) + (
            f" · {t('route_unnumbered', lang) if r.route_number == 'unnumbered' else r.route_number}"
            if r.route_number else ""),
        t("col_in_plan", lang): t("in_plan_yes" if r.in_plan else "in_plan_no", lang),
        t("col_status", lang): _status_label(r.status, r.partly_open, lang)
        + (f" · {t('col_since', lang)} {r.since}" if r.since else ""),
        t("col_hunan_status", lang): i18n.status(r.hunan_status if isinstance(r.hunan_status, str) else None, lang),
        t("col_sections_status", lang): i18n.sections_status(r.sections_status, lang) or "—",
        t("last_evidence", lang): r.latest_evidence or "—",
        t("col_provinces", lang): " → ".join(r.provinces if zh else r.provinces_en) or "—",
        t("col_crossings", lang): "；".join(
            f"{t('direction_' + c['direction'], lang)} "
            f"{c['province_zh'] if zh else PROVINCES[c['province']].name_en} "
            f"({mapview.crossing_text(c['lat'], c['lon'], r.precision, lang)})" for c in r.crossings) or "—",
        t("col_counted", lang): t("units_counted", lang, n=int(r.units)) if r.counted else (
            t("units_eligible", lang, n=int(r.units)) if r.corridor else t("units_none", lang)),
        t("col_length_plain", lang): f"{r.length_km:.0f} {t('km', lang)}" if pd.notna(r.length_km) else "—",
        t("col_places", lang): (r.places if zh else r.places_en) or "—",
        t("col_precision", lang): t("precision_" + r.precision, lang),
        t("col_researched", lang): r.researched,
    }
    if r.in_plan:
        facts.update({
            t("col_lead", lang): i18n.department(r.lead_department, lang),
            t("col_participating", lang): "、".join(i18n.department(x, lang) for x in
                                                   r.participating_departments.split("；") if x) or "—",
            t("col_clause", lang): f"{r.plan_clause}：{r.plan_name}",
            t("col_plan_status", lang): t("plan_says_" + r.plan_status, lang),
        })
    if r.upgrade_of:
        facts[t("col_upgrade_of", lang)] = i18n.name(by_id.loc[r.upgrade_of], lang)
    if r.same_as:
        facts[t("col_same_as", lang)] = i18n.name(by_id.loc[r.same_as], lang)
    colon = "：" if zh else ": "
    st.markdown("\n".join(f"- **{md_text(k)}**{colon}{md_text(v)}" for k, v in facts.items()))
    sources = ds.catalog.sources.set_index("id")
    events = history(ds, pid, r.same_as, lang, sources)
    gaps = ds.catalog.gaps[ds.catalog.gaps.project_id.isin([pid, r.same_as])]
    names = ds.section_names(lang)
    gap_lines = [gap_text(g.project_id, g.section, g.milestone, names, lang) for g in gaps.itertuples()]
    if gap_lines:
        st.markdown(f"**{t('gaps', lang)}**\n" + "\n".join(f"- {md_text(x)}" for x in gap_lines))
    ids = sorted((s for s in r.source_ids.split(";") if s in sources.index),
                 key=lambda s: OUTLET_ORDER.index(sources.outlet[s]) if sources.outlet[s] in OUTLET_ORDER else 9)
    with st.expander(f"{t('col_sources', lang)} ({len(ids)})"):
        st.caption(t("outlet_hint", lang))
        st.markdown("\n".join(f"- {source_line(sources.loc[s], lang)}" for s in ids))
    st.markdown(f"**{t('summary', lang)}**\n" + "\n".join(
        f"- {md_text(x)}" for x in research_summary(r, sources.loc[ids], events, gap_lines, lang)))
    with st.expander(t("research_note_en", lang)):
        notes = [(t("col_name_note", lang), r.name_note), (t("col_route_note", lang), r.route_note)]
        notes += [(f"{t('gap_searched', lang)} · {line}", g.note) for line, g in zip(gap_lines, gaps.itertuples())]
        st.markdown("\n\n".join(f"**{md_text(k)}**{colon}{md_text(v)}" for k, v in notes if v))


OUTLET_ORDER = ("official", "original", "repost", "dataset")  # how sources are listed: official ones first


def gap_text(pid: str, section: str, milestone: str, names: dict, lang: str) -> str:
    """A gap in the research: which section, and which milestone no dated source was found for."""
    where = t("section_all", lang) if section == "all" else names.get((pid, section), section)
    what = t("event_" + milestone, lang) if "event_" + milestone in i18n.STRINGS else t("gap_milestone", lang)
    return t("gap_line", lang, section=where, milestone=what)


def research_summary(r, sources: pd.DataFrame, events: pd.DataFrame, gap_lines: list[str], lang: str) -> list[str]:
    """The research on a project in the page's language, from its data: identification, line, sources by kind,
    events, what was not found. The researchers' own notes (English) are folded under it."""
    kinds = sources.outlet.value_counts()
    out = [t(f"summary_identification_{'candidate' if r.identification == 'candidate' else 'confirmed'}", lang),
           t("summary_route", lang, precision=t("precision_" + r.precision, lang)),
           t("summary_sources", lang, n=len(sources), **{k: int(kinds.get(k, 0)) for k in OUTLET_ORDER})]
    if len(events):
        out.append(t("summary_events", lang, n=len(events), first=str(events.date.iloc[0]),
                             last=str(events.date.iloc[-1])))
    if gap_lines:
        out.append(t("summary_gaps", lang, n=len(gap_lines), items=("；" if lang == "zh" else "; ").join(gap_lines)))
    return out


def source_line(src: pd.Series, lang: str) -> str:
    """A source as a cited line: [kind] linked title — publisher, date (at its precision)."""
    published = src.get("published")
    when = f", {published}" if isinstance(published, str) and published else ""
    return (f"**[{md_text(t('outlet_' + src.outlet, lang))}]** {md_link(src.title, src.url)} — "
            f"{md_text(src.publisher)}{md_text(when)}")


def _checked(ids: str, sources: pd.DataFrame, lang: str) -> str:
    """The second sources of an event, by publisher and kind (never raw ids)."""
    names = [f"{sources.publisher.get(i, i)} ({t('outlet_' + sources.outlet[i], lang)})" if i in sources.index else i
             for i in ids.split(";") if i]
    return t("checked_by", lang, ids="；".join(names) if lang == "zh" else "; ".join(names))


def history(ds: Dataset, pid: str, same_as: str, lang: str, sources: pd.DataFrame) -> pd.DataFrame:
    """Every event of the project, oldest first, dated at its precision: shipped, the plan's own statement and
    recorded ones, each with its source cited (kind, title, publisher, date) and linked. A superseded event stays
    listed and says so. Returns the events shown."""
    ev = status.dated(ds.events[ds.events.project_id.isin([pid, same_as] if same_as else [pid])])
    names = ds.section_names(lang)
    gone = set(ds.events.supersedes) - {""}
    rows = pd.DataFrame({
        t("col_date", lang): ev.date,
        t("col_section", lang): [t("section_all", lang) if s == "all" else names.get((p, s), s)
                                 for p, s in zip(ev.project_id, ev.section)],
        t("col_event", lang): [t(f"event_{e}", lang) + (t("event_note_superseded", lang) if i in gone else "")
                               for e, i in zip(ev.event, ev.event_id)],
        t("col_status", lang): ev.status.map(lambda s: i18n.status(s, lang)),
        t("col_source_cited", lang): [cited(s, ti, sources, lang) for s, ti in zip(ev.source_id, ev.source_title)],
        t("col_link", lang): [u if u.startswith(("http://", "https://")) else None for u in ev.source_url],
        t("col_checked", lang): [(_checked(c, sources, lang) if c else t("single_source", lang))
                                 if o == "geodata" else "" for c, o in zip(ev.confirmed_by, ev.origin)],
        t("col_note_original", lang): [n if u.startswith(("http://", "https://")) or not ti else f"{ti}. {n}".strip()
                                       for u, ti, n in zip(ev.source_url, ev.source_title, ev.note)],
        t("recorded_by", lang): ev.recorded_by,
        t("col_recorded_at", lang): [i18n.china_time(x, lang) if o != "geodata" else "" for x, o in
                                     zip(ev.recorded_at, ev.origin)],
    })
    st.markdown(f"**{t('col_history', lang)}**")
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={t("col_link", lang): st.column_config.LinkColumn(),
                                t("col_source_cited", lang): st.column_config.TextColumn(width="large")})
    return ev


def cited(source_id: str, title: str, sources: pd.DataFrame, lang: str) -> str:
    """An event's source as a planner cites it: kind · title — publisher, date (at its precision)."""
    if source_id not in sources.index:
        return title or "—"
    src = sources.loc[source_id]
    published = src.get("published")
    when = ("，" if lang == "zh" else ", ") + published if isinstance(published, str) and published else ""
    return f"{t('outlet_' + src.outlet, lang)} · {src.title} — {src.publisher}{when}"
