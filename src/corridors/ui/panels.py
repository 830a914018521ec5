"""Page panels: counting rule, KPIs, map, charts, project table and details. Widgets and calls only."""

from __future__ import annotations

import re
from datetime import date

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from .. import counting, i18n, mapview, status
from ..boundaries import PROVINCES
from ..counting import Definition
from ..dataset import Dataset
from ..i18n import t
from . import data

STATUS_COLOURS = {"completed": "#1a9850", "under_construction": "#fdae61", "planned": "#abd9e9",
                  "suspended": "#bdbdbd", "cancelled": "#636363", "no_evidence": "#e0e0e0"}


def headline(ds: Dataset, d: Definition, as_of: date, version: tuple, lang: str) -> dict:
    """The count against the target under the definition, with the baseline, 2020-12-31 and today beside
    it, the definition spelled out and why it is the default. Display filters never reach this."""
    today = date.today()
    now = data.count(as_of, d, version)
    marks = {"baseline": ds.plan_date, "target_date": date(ds.target.year, 12, 31), "today": today}
    at = {k: data.count(v, d, version) for k, v in marks.items()}
    done, target = now["completed"], ds.target.count
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    with c1:
        st.metric(t("kpi_completed", lang, date=as_of.isoformat()), f"{done} / {target}")
        st.progress(min(done / target, 1.0) if target else 0.0)
    for col, key in ((c2, "baseline"), (c3, "target_date"), (c4, "today")):
        col.metric(t(f"kpi_{key}", lang, date=marks[key].isoformat()), at[key]["completed"],
                   help=t(f"kpi_{key}_help", lang))
    extra = t("kpi_rest", lang, uc=now["by_status"]["under_construction"], planned=now["by_status"]["planned"],
              none=now["by_status"]["no_evidence"], candidates=now["candidates"])
    st.caption(extra)
    st.markdown(f"**{t('definition', lang)}**{'：' if lang == 'zh' else ': '}"
                + md_text(i18n.definition_text(d, lang, as_of=as_of, target=ds.target)))
    if d != counting.DEFAULT:
        st.info(t("definition_changed", lang))
    with st.expander(t("why_default", lang)):
        st.markdown(t("why_default_text", lang))
        reconciliation(ds, version, lang)
    with st.expander(t("which_reach", lang, date=marks["target_date"].isoformat()), expanded=False):
        st.table(which_reach(ds, d, marks, version, lang).set_index(t("col_definition", lang)))
    return now


def which_reach(ds: Dataset, d: Definition, marks: dict, version: tuple, lang: str) -> pd.DataFrame:
    """Definition → baseline, 2020-12-31, today, whether it meets the target by 2020-12-31."""
    rows = []
    seen = []
    for label, v in [("default", counting.DEFAULT), *counting.variants(d)]:
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
            t("col_met", lang): t("yes" if n["target_date"] >= ds.target.count else "no", lang),
        })
    return pd.DataFrame(rows)


def reconciliation(ds: Dataset, version: tuple, lang: str) -> None:
    """Reported running totals beside the product's count under the matching definition."""
    rec = data.reconciliation(version)
    if rec.empty:
        return
    sources = ds.catalog.sources.set_index("id")
    st.dataframe(pd.DataFrame({
        t("col_as_of", lang): rec.as_of,
        t("col_reported", lang): rec.reported,
        t("col_computed", lang): rec.computed,
        t("col_difference", lang): rec.difference,
        t("col_definition", lang): [i18n.definition_short(Definition(**{**x, "modes": tuple(x["modes"])}), lang)
                                    for x in rec.definition],
        t("col_quote", lang): rec.quote,
        t("col_source", lang): [sources.url.get(s, "") for s in rec.source_id],
        t("col_note", lang): rec.note,
    }), hide_index=True, width="stretch", column_config={t("col_source", lang): st.column_config.LinkColumn()})


def map_panel(ds: Dataset, shown: pd.DataFrame, as_of: date, lang: str, leaflet: tuple[str, str],
              selected: str | None) -> str | None:
    """Draw the map; return the project id of a line the user has just clicked, if any."""
    cls = mapview.map_class(*leaflet)
    m = mapview.base_map(data.display_boundaries(), lang, cls, geojson_text=data.boundaries_geojson())
    groups, lookup = mapview.project_layers(shown, data.section_paths(), ds.section_statuses(as_of),
                                            ds.section_names(lang), lang, selected)
    out = st_folium(m, key="map", height=640, use_container_width=True,
                    returned_objects=["last_object_clicked_tooltip"], feature_group_to_add=groups,
                    layer_control=folium.LayerControl(collapsed=True))
    tip = (out or {}).get("last_object_clicked_tooltip")
    if tip and tip != st.session_state.get("_last_map_click"):
        st.session_state["_last_map_click"] = tip
        return lookup.get(tip.strip())
    return None


def over_time(ds: Dataset, d: Definition, as_of: date, version: tuple, lang: str) -> None:
    """Open corridors over time under the definition: those open on the plan's date (the baseline) and those
    opened since, stacked; the target at the end of its year; the chosen date as a rule.

    Plain Vega-Lite specs (no Altair objects): a rerun stays cheap.
    """
    s = data.series(d, date.today(), version)
    values = []
    for day, existing, new in zip(s.date, s.existing, s.new):
        values.append({"date": day.isoformat(), "n": int(existing), "part": t("chart_existing", lang)})
        values.append({"date": day.isoformat(), "n": int(new), "part": t("chart_new", lang)})
    top = max(ds.target.count, int(s.completed.max())) + 2
    target = {"date": f"{ds.target.year}-12-31", "n": ds.target.count, "label": t("chart_target", lang)}
    fmt = "%Y" if lang == "zh" else "%Y"
    spec = {
        "height": 260,
        "layer": [
            {"data": {"values": values}, "mark": {"type": "area", "interpolate": "step-after", "opacity": 0.85},
             "encoding": {"x": {"field": "date", "type": "temporal", "title": None, "axis": {"format": fmt}},
                          "y": {"field": "n", "type": "quantitative", "title": t("chart_y", lang), "stack": "zero",
                                "scale": {"domain": [0, top]}, "axis": {"tickMinStep": 1}},
                          "color": {"field": "part", "type": "nominal", "title": None,
                                    "sort": [t("chart_existing", lang), t("chart_new", lang)],
                                    "scale": {"range": ["#9ecae1", "#2171b5"]}, "legend": {"orient": "bottom"}},
                          "order": {"field": "part", "sort": "descending"},
                          "tooltip": [{"field": "date", "type": "temporal", "format": "%Y-%m-%d"},
                                      {"field": "part"}, {"field": "n", "type": "quantitative"}]}},
            {"data": {"values": [{"y": ds.target.count}]}, "mark": {"type": "rule", "strokeDash": [4, 4],
                                                                     "color": "#d7301f"},
             "encoding": {"y": {"field": "y", "type": "quantitative"}}},
            {"data": {"values": [target]}, "mark": {"type": "point", "shape": "diamond", "size": 160,
                                                     "filled": True, "color": "#d7301f"},
             "encoding": {"x": {"field": "date", "type": "temporal"}, "y": {"field": "n", "type": "quantitative"},
                          "tooltip": [{"field": "label"}, {"field": "n"}]}},
            {"data": {"values": [target]}, "mark": {"type": "text", "dy": -14, "color": "#d7301f"},
             "encoding": {"x": {"field": "date", "type": "temporal"}, "y": {"field": "n", "type": "quantitative"},
                          "text": {"field": "label"}}},
            {"data": {"values": [{"date": ds.plan_date.isoformat(), "label": t("chart_plan", lang)}]},
             "mark": {"type": "rule", "color": "#888", "strokeDash": [2, 2]},
             "encoding": {"x": {"field": "date", "type": "temporal"}, "tooltip": [{"field": "label"}]}},
            {"data": {"values": [{"date": as_of.isoformat()}]}, "mark": {"type": "rule", "color": "#555"},
             "encoding": {"x": {"field": "date", "type": "temporal"}}},
        ],
    }
    st.subheader(t("chart_over_time", lang))
    st.vega_lite_chart(spec, width="stretch")


def breakdown(counts: dict, lang: str) -> None:
    """Stacked bars of counted corridors by status: per mode, and per neighbour entered."""
    order = [i18n.status(s, lang) for s in STATUS_COLOURS]
    colour = {"field": "status", "type": "nominal", "title": None, "sort": order,
              "scale": {"domain": order, "range": list(STATUS_COLOURS.values())}, "legend": {"orient": "bottom"}}
    c1, c2 = st.columns(2)
    for col, title, groups, label in (
            (c1, "by_mode", counts["by_mode"], lambda g: i18n.mode(g, lang)),
            (c2, "by_neighbour", counts["by_neighbour"],
             lambda g: g if lang == "zh" else PROVINCES_BY_ZH[g].name_en)):
        values = [{"group": label(g), "status": i18n.status(s, lang), "n": n}
                  for g, by in groups.items() for s, n in by.items() if n]
        with col:
            st.subheader(t(title, lang))
            if not values:
                st.caption(t("none_match", lang))
                continue
            st.vega_lite_chart({
                "height": {"step": 28}, "data": {"values": values}, "mark": "bar",
                "encoding": {"y": {"field": "group", "type": "nominal", "title": None},
                             "x": {"aggregate": "sum", "field": "n", "type": "quantitative", "title": None,
                                   "axis": {"tickMinStep": 1, "format": "d"}},
                             "color": colour,
                             "tooltip": [{"field": "group"}, {"field": "status"}, {"field": "n"}]}},
                width="stretch")


PROVINCES_BY_ZH = {p.name_zh: p for p in PROVINCES.values()}


def project_table(shown: pd.DataFrame, lang: str) -> None:
    """The sortable table; choosing a row opens its details (handled at the top of the next run)."""
    st.subheader(t("projects", lang))
    if shown.empty:
        st.info(t("none_match", lang))
    zh = lang == "zh"
    view = pd.DataFrame({
        t("col_name", lang): shown.name_zh if zh else shown.name_en,
        t("col_name_other", lang): shown.name_en if zh else shown.name_zh,
        t("col_mode", lang): shown["mode"].map(lambda m: i18n.mode(m, lang)),
        t("col_status", lang): [_status_label(s, p, lang) for s, p in zip(shown.status, shown.partly_open)],
        t("col_since", lang): shown.status_since,
        t("col_provinces", lang): (shown.provinces if zh else shown.provinces_en).map(" → ".join),
        t("col_neighbours", lang): (shown.neighbours_entered if zh else shown.neighbours_entered_en).map("、".join),
        t("col_corridor", lang): shown.corridor,
        t("col_counted", lang): shown.counted,
        t("col_length", lang): shown.length_km,
        t("col_precision", lang): shown.precision.map(lambda p: t(f"precision_{p}", lang)),
        t("col_lead", lang): shown.lead_department,
        t("col_id", lang): shown.id,
    })
    st.session_state["_table_ids"] = list(shown.id)
    st.dataframe(view, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                 key="table", column_config={
                     t("col_length", lang): st.column_config.NumberColumn(format="%.0f"),
                     t("col_corridor", lang): st.column_config.CheckboxColumn(),
                     t("col_counted", lang): st.column_config.CheckboxColumn()})


def _status_label(s: str | None, partly: bool, lang: str) -> str:
    label = i18n.status(s, lang)
    return f"{label}（{t('partly_open', lang)}）" if partly and lang == "zh" else (
        f"{label} ({t('partly_open', lang)})" if partly else label)


def table_selection() -> str | None:
    """The project chosen in the table on the previous run, if the choice is new."""
    sel = st.session_state.get("table")
    rows = list(getattr(getattr(sel, "selection", None), "rows", []) or (sel or {}).get("selection", {}).get("rows", [])
                ) if sel else []
    ids = st.session_state.get("_table_ids", [])
    picked = ids[rows[0]] if rows and rows[0] < len(ids) else None
    if picked and picked != st.session_state.get("_last_table_pick"):
        st.session_state["_last_table_pick"] = picked
        return picked
    return None


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_text(text: str) -> str:
    """Escape Markdown (and HTML) in text that comes from data."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def md_link(title: str, url: str) -> str:
    safe_url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{md_text(title)}]({safe_url})" if url.startswith(("http://", "https://")) else md_text(title)


def details(ds: Dataset, table: pd.DataFrame, shown: pd.DataFrame, lang: str) -> str | None:
    """The chosen project's facts, notes, history and sources; returns its id."""
    st.subheader(t("details", lang))
    ordered = list(shown.id) + [i for i in table.id if i not in set(shown.id)]
    by_id = table.set_index("id")
    st.selectbox(t("choose_project", lang), [None, *ordered], key="project", placeholder=t("details_hint", lang),
                 format_func=lambda i: t("details_hint", lang) if i is None else i18n.name(by_id.loc[i], lang))
    pid = st.session_state.get("project")
    if not pid or pid not in by_id.index:
        return None
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
        t("col_mode", lang): i18n.mode(r["mode"], lang) + (f" · {r.route_number}" if r.route_number else ""),
        t("col_in_plan", lang): t("in_plan_yes" if r.in_plan else "in_plan_no", lang),
        t("col_status", lang): _status_label(r.status, r.partly_open, lang)
        + (f" · {t('col_since', lang)} {r.since}" if r.since else ""),
        t("col_hunan_status", lang): i18n.status(r.hunan_status if isinstance(r.hunan_status, str) else None, lang),
        t("last_evidence", lang): r.latest_evidence or "—",
        t("col_provinces", lang): " → ".join(r.provinces if zh else r.provinces_en) or "—",
        t("col_crossings", lang): "；".join(
            f"{t('direction_' + c['direction'], lang)} "
            f"{c['province_zh'] if zh else PROVINCES[c['province']].name_en} ({c['lat']:.2f}°N, {c['lon']:.2f}°E)"
            for c in r.crossings) or "—",
        t("col_counted", lang): t("units_counted", lang, n=int(r.units)) if r.counted else (
            t("units_eligible", lang, n=int(r.units)) if r.corridor else t("units_none", lang)),
        t("col_length", lang): f"{r.length_km:.0f} {t('km', lang)}" if pd.notna(r.length_km) else "—",
        t("col_places", lang): (r.places if zh else r.places_en) or "—",
        t("col_precision", lang): t("precision_" + r.precision, lang),
    }
    if r.in_plan:
        facts.update({
            t("col_lead", lang): r.lead_department,
            t("col_participating", lang): r.participating_departments.replace("；", "、") or "—",
            t("col_clause", lang): f"{r.plan_clause}：{r.plan_name}",
            t("col_plan_status", lang): t("plan_says_" + r.plan_status, lang),
        })
    if r.upgrade_of:
        facts[t("col_upgrade_of", lang)] = i18n.name(by_id.loc[r.upgrade_of], lang)
    if r.same_as:
        facts[t("col_same_as", lang)] = i18n.name(by_id.loc[r.same_as], lang)
    colon = "：" if zh else ": "
    st.markdown("\n".join(f"- **{md_text(k)}**{colon}{md_text(v)}" for k, v in facts.items()))
    with st.expander(t("col_name_note", lang) + " · " + t("col_route_note", lang)):
        st.markdown(md_text(r.name_note) + "\n\n" + md_text(r.route_note))
    history(ds, pid, r.same_as, lang)
    gaps = ds.catalog.gaps[ds.catalog.gaps.project_id.isin([pid, r.same_as])]
    if len(gaps):
        st.markdown(f"**{t('gaps', lang)}**\n" + "\n".join(
            f"- {md_text(t('event_' + g.milestone, lang) if 'event_' + g.milestone in i18n.STRINGS else g.milestone)}"
            f"{colon}{md_text(g.note)}" for g in gaps.itertuples()))
    sources = ds.catalog.sources.set_index("id")
    ids = [s for s in r.source_ids.split(";") if s in sources.index]
    with st.expander(f"{t('col_sources', lang)} ({len(ids)})"):
        st.markdown("\n".join(f"- {md_link(sources.loc[s, 'title'], sources.loc[s, 'url'])} "
                              f"{md_text(sources.loc[s, 'publisher'])}" for s in ids))
    return pid


def history(ds: Dataset, pid: str, same_as: str, lang: str) -> None:
    """Every event of the project, oldest first: shipped, the plan's own statement and recorded ones.
    A superseded event stays listed and says so."""
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
        t("col_source", lang): [u if u.startswith(("http://", "https://")) else None for u in ev.source_url],
        t("col_checked", lang): [(t("checked_by", lang, ids=c.replace(";", ", ")) if c else t("single_source", lang))
                                 if o == "geodata" else "" for c, o in zip(ev.confirmed_by, ev.origin)],
        t("col_note", lang): [n if u.startswith(("http://", "https://")) or not ti else f"{ti}. {n}".strip()
                              for u, ti, n in zip(ev.source_url, ev.source_title, ev.note)],
        t("recorded_by", lang): ev.recorded_by,
        t("col_id", lang): ev.event_id,
    })
    st.markdown(f"**{t('col_history', lang)}**")
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={t("col_source", lang): st.column_config.LinkColumn()})

