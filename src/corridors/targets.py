"""Official targets on Hunan's border corridors (geodata/targets.csv) checked against the count.

Each target that maps to a counting definition is read under that definition from the count's own series
(Dataset.count_series, which agrees with `corridors count` on every date; the tests check it): the count on its deadline, whether it was met by then, the
first day the count reached the figure and the corridor(s) whose opening made it (the Nth opening), and the gap today.
A target that cannot be mapped is listed with the reason and no figures: it is never given a guessed definition.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from . import counting, plan
from .catalog import parse_date

DEFAULT_TARGET = "plan2020"  # the plan's own 20 by 2020: what the page shows first


def definition(row) -> counting.Definition | None:
    """The counting definition a targets.csv row maps to; None when it cannot be mapped."""
    if row.mappable != "yes":
        return None
    return counting.Definition(include=row.include, unit=row.unit, modes=tuple(row.modes.split(";")),
                               provinces=row.provinces, opened=row.opened, candidates=row.candidates == "yes")


def deadline(row) -> date | None:
    """The last day the deadline can mean ('2020' → 2020-12-31); None when the target gives none."""
    return parse_date(row.deadline, row.deadline_precision)[1] if row.deadline else None


def reached(series: pd.DataFrame, figure: int) -> date | None:
    """The first date on which a count series (Dataset.count_series) reaches the figure."""
    hit = series[series.completed >= figure]
    return hit.date.iloc[0] if len(hit) else None


def opened_on(ds, day: date, d: counting.Definition, table: pd.DataFrame | None = None) -> list[str]:
    """The corridors that can count under the definition and opened on `day` (their status column turned completed
    that day): whose opening moved the count. table: the dataset's table under the definition, when at hand."""
    ids = set(counting.units(ds.table(day, d) if table is None else table, d))
    t = ds.timeline
    last: dict[str, str | None] = {}
    out = set()
    for pid, start, st in zip(t.project_id.tolist(), t["from"].tolist(), t[d.status_column].tolist()):
        if pid not in ids or start > day:
            continue
        if start == day and st == "completed" and last.get(pid) != "completed":
            out.add(pid)
        last[pid] = st
    return sorted(p for p in out if last.get(p) == "completed")


def _at(series: pd.DataFrame, day: date) -> int:
    """The count on a day from a count series (the last change on or before it)."""
    rows = series[series.date <= day]
    return int(rows.completed.iloc[-1]) if len(rows) else 0


def assess_one(ds, row, today: date, series: pd.DataFrame | None = None) -> dict:
    """One target against the count: figures only when it maps to a definition (see module docstring)."""
    d = definition(row)
    due = deadline(row)
    figure = int(row.figure) if str(row.figure).strip() not in ("", "nan", "None") else None
    out = {"id": row.id, "name_zh": row.name_zh, "name_en": row.name_en, "figure": figure,
           "deadline": due.isoformat() if due else None, "deadline_as_given": row.deadline or None,
           "issued": row.issued, "issuer": row.issuer, "document": row.document, "clause": row.clause,
           "source_id": row.source_id, "mappable": d is not None, "mapping_note": row.mapping_note,
           "definition": d.as_dict() if d else None, "reached_on": None, "reached_by": [], "reached_count": None,
           "count_at_deadline": None, "met_by_deadline": None, "count_today": None, "gap_today": None}
    if d is None or figure is None:
        return out
    series = ds.count_series(d, today) if series is None else series
    day = reached(series, figure)
    now = _at(series, today)
    out.update(count_today=now, gap_today=max(figure - now, 0))
    if day is not None:
        out.update(reached_on=day.isoformat(), reached_by=opened_on(ds, day, d, ds.table(today, d)),
                   reached_count=_at(series, day))
    if due is not None and due <= today:
        at = _at(series, due)
        out.update(count_at_deadline=at, met_by_deadline=at >= figure)
    elif due is not None and day is not None:
        out.update(met_by_deadline=True)  # reached before a deadline still to come
    return out


def assess(ds, today: date | None = None) -> list[dict]:
    """Every target in the register, in file order, against the count (see assess_one); one count series per
    definition (Dataset.count_series, the sweep behind the page's chart, which tests check against `corridors
    count`)."""
    today = today or date.today()
    targets = ds.catalog.targets
    if targets is None:
        return []
    series: dict[counting.Definition, pd.DataFrame] = {}
    out = []
    for r in targets.itertuples():
        d = definition(r)
        if d is not None and d not in series:
            series[d] = ds.count_series(d, today)
        out.append(assess_one(ds, r, today, series.get(d)))
    return out


def find(ds, target_id: str):
    """The targets.csv row with this id; KeyError naming the known ids when there is none."""
    t = ds.catalog.targets
    hit = t[t.id == target_id] if t is not None else pd.DataFrame()
    if not len(hit):
        known = ", ".join(t.id) if t is not None else "none"
        raise KeyError(f"unknown target '{target_id}' (known: {known})")
    return next(hit.itertuples())


def headline_ids(ds) -> list[str]:
    """The targets a headline can show: mapped to a definition, with a figure and a deadline (file order)."""
    t = ds.catalog.targets
    return [] if t is None else [r.id for r in t.itertuples() if definition(r) is not None and r.figure
                                 and r.deadline]


def as_headline(ds, target_id: str):
    """The dataset with this target of the register as its headline target (its figure, deadline year and
    clause), so that the count against it, the day it was reached and the definition line follow it; the dataset
    unchanged for none or the plan's own. KeyError for an id the headline cannot show."""
    if not target_id or target_id == DEFAULT_TARGET:
        return ds
    if target_id not in headline_ids(ds):
        raise KeyError(f"target '{target_id}' cannot head a count (mapped targets: {', '.join(headline_ids(ds))})")
    row = find(ds, target_id)
    return replace(ds, target=plan.Target(deadline(row).year, int(row.figure), row.clause))


def document(ds, target_id: str) -> str | None:
    """The document a picked target comes from (for the definition line); None for the plan's own."""
    return None if not target_id or target_id == DEFAULT_TARGET else find(ds, target_id).document


__all__ = ["DEFAULT_TARGET", "as_headline", "assess", "assess_one", "deadline", "definition", "document", "find",
           "headline_ids", "opened_on", "reached"]
