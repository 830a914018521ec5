"""The analysis below the headline, one view open at a time: open corridors over time against the target, and
the counted corridors by status per mode and per neighbour. Specs are the same in both languages (labels travel
in the data), so a switch updates a drawn chart in place."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from .. import i18n
from ..boundaries import PROVINCES
from ..i18n import t
from ..style import CHART, OUTLOOK, STATUS_COLOURS
from . import data, outlook, state
from .common import Page, md_text, target_of
from .state import widget


def analysis_choice(lang: str) -> str:
    """Which view of the analysis is open (over time, by mode and neighbour, what changed): a segmented
    control bound to the view's "tab"."""
    st.segmented_control(t("analysis", lang), state.TABS, format_func=lambda c: t(f"tab_{c}", lang),
                         label_visibility="collapsed", **widget("tab"))
    return state.view()["tab"]


def over_time(page: Page) -> None:
    """Open corridors over time under the definition, and the outlook on the same axes: those open on the plan's
    date (the baseline) and those opened since, stacked; from the chosen date on, the outlook's median and 80 %
    interval (made only with what was known on that date) up to the picked target's deadline or five years
    ahead; the target (the one picked, else the plan's) at its deadline; the plan's date and the chosen date as
    rules. Under it, a caption says what the fan is and the chance of reaching the target by its deadline.

    A plain Vega-Lite spec (no Altair objects) that is the same on every date: what changes (the series, the
    band, the chosen date) travels in its named datasets, so the browser updates the drawn chart in place
    instead of compiling and drawing a new one. Its words are in both languages, Chinese first (as its y axis),
    so a language switch sends the very same chart and the browser does nothing with it: updating it took about
    60 ms of the browser's main thread, ahead of the map's relabelling (bench: language → map relabelled). One
    view for the count and its outlook: a second chart cost the browser its own layout and paint on every switch.
    """
    ds, d, as_of, version, lang, target = page.ds, page.definition, page.as_of, page.version, page.lang, page.target
    s = data.series(d, date.today(), version)
    parts = (both("chart_existing"), both("chart_new"))
    series = []
    for day, existing, new in zip(s.date, s.existing, s.new):
        for k, n in enumerate((int(existing), int(new))):
            series.append({"date": day.isoformat(), "n": n, "k": k, "part": parts[k],
                           "tip": f"{day.isoformat()} · {parts[k]} · {n}"})
    goal = target_of(ds, target)
    due = target.deadline if target is not None and target.deadline else date(goal.year, 12, 31)
    rows, chance = outlook.fan_rows(as_of, d, outlook.horizon(as_of, due), goal.count, due, version)
    median, interval = both("fan_median"), both("fan_band")
    band = [{"date": r.date.isoformat(), "low": int(r.low), "median": int(r.median), "high": int(r.high),
             "tip": f"{r.date.isoformat()} · {median} {int(r.median)} · {interval} {int(r.low)}–{int(r.high)}"}
            for r in rows.itertuples()]
    name = (target.name_zh if lang == "zh" else target.name_en) if target is not None else t("chart_target", lang)
    names = f"{target.name_zh} · {target.name_en}" if target is not None else both("chart_target")
    marks = [{"kind": "target", "date": due.isoformat(), "n": goal.count, "label": str(goal.count),
              "tip": f"{names}: {goal.count} · {due.isoformat()}"},
             {"kind": "plan", "date": ds.plan_date.isoformat(), "tip": both("chart_plan")},
             {"kind": "as_of", "date": as_of.isoformat()}]
    st.subheader(t("chart_over_time", lang, target=md_text(name)))
    top = max(goal.count, int(s.completed.max()) if len(s) else 0, int(rows.high.max()) if len(rows) else 0) + 2
    st.vega_lite_chart(over_time_spec(top, series, band, marks), width="stretch")
    note = t("fan_hint", lang, date=as_of.isoformat())
    if chance is not None:
        note += " " + t("fan_chance", lang, deadline=due.isoformat(), figure=goal.count, p=round(100 * chance))
    st.caption(note)


def over_time_spec(top: int, series: list[dict], band: list[dict], marks: list[dict]) -> dict:
    """The over-time chart's spec: language- and date-neutral (see over_time); `top` is the y scale's end. The
    count so far as stacked steps, the 80 % interval as a band over them, the median as a dashed step line, the
    target's figure as a dashed rule with a diamond at its deadline; colours from the style book (the band's are
    the snapshot's fan chart's)."""
    def only(kind: str) -> list[dict]:
        return [{"filter": f"datum.kind === '{kind}'"}]

    x = {"field": "date", "type": "temporal"}
    y = {"type": "quantitative", "title": CHART_Y, "scale": {"domain": [0, top]}, "axis": {"tickMinStep": 1}}
    return {
        "height": 280,
        "datasets": {"series": pd.DataFrame(series), "band": pd.DataFrame(band), "marks": pd.DataFrame(marks)},
        "layer": [
            {"data": {"name": "series"}, "mark": {"type": "area", "interpolate": "step-after", "opacity": 0.85},
             "encoding": {"x": {**x, "title": None, "axis": {"format": "%Y"}},
                          "y": {**y, "field": "n", "stack": "zero"},
                          "color": {"field": "part", "type": "nominal", "title": None,
                                    "sort": {"field": "k", "op": "min"},
                                    "scale": {"range": CHART["series"]},
                                    "legend": {"orient": "bottom", "labelLimit": 0}},
                          "order": {"field": "k", "sort": "ascending"},  # the baseline at the bottom
                          "tooltip": {"field": "tip"}}},
            {"data": {"name": "band"}, "mark": {"type": "area", "interpolate": "step-after",
                                                "opacity": OUTLOOK["fan_alpha"], "color": OUTLOOK["fan"]},
             "encoding": {"x": x, "y": {**y, "field": "low"}, "y2": {"field": "high"}, "tooltip": {"field": "tip"}}},
            {"data": {"name": "band"}, "mark": {"type": "line", "interpolate": "step-after", "color": OUTLOOK["fan"],
                                                "strokeDash": [5, 3]},
             "encoding": {"x": x, "y": {**y, "field": "median"}, "tooltip": {"field": "tip"}}},
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


def both(key: str) -> str:
    """A chart's word in both languages, Chinese first: the chart stays the same in either."""
    return f"{t(key, 'zh')} · {t(key, 'en')}"


CHART_Y = both("chart_y")


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
