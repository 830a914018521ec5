"""The outlook and the neighbours' reckoning on the page.

Under the over-time chart, the fan: the count so far and, from the chosen date on, the outlook's median and 80 %
interval (corridors.outlook, made with what was known on that date), up to the picked target's deadline (or five
years ahead), with the target's figure marked. Beside the other tables behind the count, the neighbours' own counts
reconciled with Hunan's (corridors.reckoning), opened on demand. Both read the modules' results; nothing is
recomputed here.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from .. import outlook, reckoning
from ..counting import Definition
from ..i18n import t
from ..snapshot import OUTLOOK_YEARS
from ..style import CHART, OUTLOOK
from . import data
from .panels import CHART_Y, md_text, on_demand, target_of


def horizon(as_of: date, deadline: date) -> date:
    """How far the fan looks: the target's deadline, and at least to the end of the fifth year after the date
    (as the snapshot's chart does)."""
    return max(deadline, date(as_of.year + OUTLOOK_YEARS, 12, 31))


@st.cache_data(show_spinner=False, max_entries=32)
def fan_rows(as_of: date, definition: Definition, until: date, figure: int, deadline: date,
             version: tuple = ("", 0, 0, 0, 0)) -> tuple[pd.DataFrame, float | None]:
    """The outlook's median and interval at each month's end from as_of to until (outlook.fan), and the chance of
    reaching the figure by the deadline when the deadline is still ahead of as_of (outlook.p_reach)."""
    sim = outlook.simulate(data.load(version), as_of, definition)
    chance = outlook.p_reach(sim, deadline, figure) if deadline > as_of else None
    return outlook.fan(sim, outlook.month_ends(as_of, until)), chance


def fan(ds, d: Definition, as_of: date, version: tuple, lang: str, target: data.Headline | None = None) -> None:
    """The fan chart for the picked target (else the plan's), under the over-time chart."""
    goal = target_of(ds, target)
    deadline = target.deadline if target is not None and target.deadline else date(goal.year, 12, 31)
    until = horizon(as_of, deadline)
    rows, chance = fan_rows(as_of, d, until, goal.count, deadline, version)
    s = data.series(d, as_of, version)
    history = [{"date": day.isoformat(), "n": int(n), "tip": f"{day.isoformat()} · {int(n)}"}
               for day, n in zip(s.date, s.completed)]
    band = [{"date": r.date.isoformat(), "low": int(r.low), "median": int(r.median), "high": int(r.high),
             "tip": f"{r.date.isoformat()} · {t('fan_median', lang)} {int(r.median)} · {t('fan_band', lang)} "
                    f"{int(r.low)}–{int(r.high)}"} for r in rows.itertuples()]
    name = (target.name_zh if lang == "zh" else target.name_en) if target is not None else t("chart_target", lang)
    label = f"{goal.count}"
    marks = [{"kind": "target", "date": deadline.isoformat(), "n": goal.count, "label": label,
              "tip": f"{name}: {goal.count} · {deadline.isoformat()}"},
             {"kind": "as_of", "date": as_of.isoformat()}]
    st.subheader(t("fan_title", lang, target=md_text(name)))
    top = max(goal.count, int(rows.high.max()) if len(rows) else 0, int(s.completed.max()) if len(s) else 0) + 2
    st.vega_lite_chart(fan_spec(top, history, band, marks), width="stretch")
    note = t("fan_hint", lang, date=as_of.isoformat())
    if chance is not None:
        note += " " + t("fan_chance", lang, deadline=deadline.isoformat(), figure=goal.count,
                        p=round(100 * chance))
    st.caption(note)


def fan_spec(top: int, history: list[dict], band: list[dict], marks: list[dict]) -> dict:
    """The fan's spec: language- and date-neutral like the over-time chart's (what changes travels in its named
    datasets): the count so far as a step line, the 80 % interval as a band, the median as a dashed step line,
    the target's figure as a dashed rule with a diamond at its deadline, and the as-of date as a rule; colours
    from the style book (the snapshot's fan chart's, the over-time chart's target and date)."""
    def only(kind: str) -> list[dict]:
        return [{"filter": f"datum.kind === '{kind}'"}]

    x = {"field": "date", "type": "temporal", "title": None, "axis": {"format": "%Y"}}
    y = {"type": "quantitative", "title": CHART_Y, "scale": {"domain": [0, top]}, "axis": {"tickMinStep": 1}}
    return {
        "height": 240,
        "datasets": {"history": pd.DataFrame(history), "band": pd.DataFrame(band), "marks": pd.DataFrame(marks)},
        "layer": [
            {"data": {"name": "band"}, "mark": {"type": "area", "interpolate": "step-after",
                                                "opacity": OUTLOOK["fan_alpha"], "color": OUTLOOK["fan"]},
             "encoding": {"x": x, "y": {**y, "field": "low"}, "y2": {"field": "high"}, "tooltip": {"field": "tip"}}},
            {"data": {"name": "band"}, "mark": {"type": "line", "interpolate": "step-after", "color": OUTLOOK["fan"],
                                                "strokeDash": [5, 3]},
             "encoding": {"x": x, "y": {**y, "field": "median"}, "tooltip": {"field": "tip"}}},
            {"data": {"name": "history"}, "mark": {"type": "line", "interpolate": "step-after",
                                                   "color": OUTLOOK["history"], "strokeWidth": 2},
             "encoding": {"x": x, "y": {**y, "field": "n"}, "tooltip": {"field": "tip"}}},
            {"data": {"name": "marks"}, "transform": only("target"),
             "mark": {"type": "rule", "strokeDash": [4, 4], "color": CHART["target"]},
             "encoding": {"y": {"field": "n", "type": "quantitative"}}},
            {"data": {"name": "marks"}, "transform": only("target"),
             "mark": {"type": "point", "shape": "diamond", "size": 160, "filled": True, "color": CHART["target"]},
             "encoding": {"x": x, "y": {"field": "n", "type": "quantitative"}, "tooltip": {"field": "tip"}}},
            {"data": {"name": "marks"}, "transform": only("target"),
             "mark": {"type": "text", "dy": -14, "color": CHART["target"]},
             "encoding": {"x": x, "y": {"field": "n", "type": "quantitative"}, "text": {"field": "label"}}},
            {"data": {"name": "marks"}, "transform": only("as_of"), "mark": {"type": "rule", "color": CHART["as_of"]},
             "encoding": {"x": x}},
        ],
    }


@st.cache_data(show_spinner=False, max_entries=4)
def reckoned(version: tuple = ("", 0, 0, 0, 0)) -> list[dict]:
    """Every neighbour's own count reconciled (reckoning.reckon, as `corridors reckoning` gives it)."""
    return reckoning.reckon(data.load(version))


def reckoning_table(ds, version: tuple, lang: str) -> None:
    """The neighbours' reckoning, opened on demand: one row per published figure, Chinese first."""
    box = on_demand(t("reck_table", lang), "reckoning", lang)
    if not box.open:
        return
    with box:
        st.caption(t("reck_hint", lang))
        rows = reckoned(version)
        if not rows:
            st.caption(t("reck_none", lang))
            return
        frame = reckoning.table(rows, lang, sources=ds.catalog.sources)
        st.table(frame.set_index(frame.columns[0]))
