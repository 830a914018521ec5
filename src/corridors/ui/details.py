"""A project's details in a dialog over the page: its facts, notes, history with each source cited, gaps in the
research and sources; for editors, the record form and the alignment import. Widgets and calls only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import i18n, status
from .. import map as mapview
from ..boundaries import PROVINCES
from ..dataset import Dataset
from ..i18n import t
from .common import Page, md_link, md_text, status_label


def details_dialog(page: Page, pid: str) -> None:
    """The project's details in a dialog over the page: where the viewer is looking, whether the pick came
    from the map, the table or the chooser. Closing it keeps the project picked (highlighted, in the URL)."""
    from . import alignments, progress

    ds, table, lang, editor, store = page.ds, page.table, page.lang, page.editor, page.store

    def body() -> None:
        details(page, pid)
        progress.timeline_chart(ds, pid, table.set_index("id").same_as[pid], lang)
        if store is not None and (editor or progress.session_lost(editor)):
            with progress.store_fault_banner(lang):  # the store failing mid-session: a banner, not a traceback
                progress.record_form(page, pid)  # editor None: kept, saved after signing in
                if editor:
                    alignments.panel(page, pid)

    st.dialog(t("details", lang), width="large", on_dismiss=_details_closed)(body)()


def _details_closed() -> None:
    """on_dismiss of the dialog: the project stays picked (highlighted, in the link); 打开详情 opens it again.
    The last map click and table pick are kept: the map still reports its last click, which is not a new one."""
    st.session_state["_details_open"] = False


def details(page: Page, pid: str) -> None:
    """The chosen project's facts, notes, history and sources."""
    ds, table, lang = page.ds, page.table, page.lang
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
        t("col_status", lang): status_label(r.status, r.partly_open, lang)
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
