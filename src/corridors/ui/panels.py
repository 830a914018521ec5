"""The headline and its explanations: the count against the target beside the title, its notes and progress
bar; then the baseline, the target's deadline and today, the definition spelled out, why it is the default,
which definitions reach the target, every official target, the 断头路. Widgets and calls only."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from .. import counting, i18n
from .. import targets as targets_module
from ..catalog import research_cutoff
from ..counting import Definition
from ..dataset import Dataset
from ..i18n import t
from ..style import PROGRESS
from . import data
from .common import Page, md_text, on_demand, target_of


def figure_of(ds: Dataset, target: data.Headline | None) -> int:
    """The headline's figure: the picked target's, or the plan's."""
    return target.figure if target is not None else ds.target.count


def headline_metric(page: Page) -> dict:
    """The count against the target (the one picked, else the plan's) on the chosen date, beside the title, and a
    bar that says "exceeded" when it is (what it counts is beside it: headline_caption). Display filters never
    reach it. Returns the count with the picked target's figure as its target."""
    ds, d, as_of, version, lang, target = page.ds, page.definition, page.as_of, page.version, page.lang, page.target
    now = {**data.count(as_of, d, version), "target": figure_of(ds, target)}
    done, figure = now["completed"], now["target"]
    st.metric(t("kpi_completed", lang, date=as_of.isoformat()), f"{done} / {figure}",
              help=t("kpi_completed_help", lang))
    st.html(progress_bar_html(done, figure, lang))
    return now


def headline_caption(page: Page, now: dict) -> None:
    """Beside the count: the definition in a few words, when the target was reached and by which corridor, how
    many are unconfirmed (i18n.headline_notes)."""
    st.caption("  \n".join(md_text(x) for x in headline_notes(page, now)))


def headline_notes(page: Page, now: dict) -> list[str]:
    """The lines under the headline (i18n.headline_notes) for this date and definition, against now's target."""
    ds, d, as_of, version, lang = page.ds, page.definition, page.as_of, page.version, page.lang
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


def headline(page: Page, now: dict) -> None:
    """Beside the count: the baseline, the target's deadline and today, the definition spelled out, why it is the
    default, which definitions reach the target, every official target against the count, and the 断头路."""
    ds, d, as_of, version, lang, target = page.ds, page.definition, page.as_of, page.version, page.lang, page.target
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
            reconciliation(page)
    reach = on_demand(t("which_reach", lang, date=marks["target_date"].isoformat()), "which_reach", lang)
    if reach.open:
        with reach:
            st.table(which_reach(page, marks, goal.count).set_index(t("col_definition", lang)))
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


def which_reach(page: Page, marks: dict, figure: int | None = None) -> pd.DataFrame:
    """Definition → baseline, the target's deadline, today, whether it meets the target (figure, else the
    plan's) by its deadline."""
    ds, d, version, lang = page.ds, page.definition, page.version, page.lang
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


def reconciliation(page: Page) -> None:
    """Reported running totals beside the product's count under the matching definition."""
    ds, version, lang = page.ds, page.version, page.lang
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
