"""Forecasts of openings as they were known on a date: what the 断头路 list and the outlook may use.

A forecast event ("预计…通车") never sets a status (status.py); it is known from the day its source was published
(sources.csv `published`, its last possible day; for an event recorded in the progress store, the day it was recorded,
when that is earlier). A forecast whose source gives no publication date cannot be placed in time and is never used.
A forecast is read as one of an opening only when the section (or, for 'all', any line section of the project) was
under construction on the day it was published; one made before construction started forecasts a start, not an
opening.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .catalog import WHOLE_PROJECT, parse_date

COLUMNS = ["project_id", "section", "date", "date_precision", "day", "published", "source_id"]


def _published(value: str) -> date | None:
    """The last day a publication date can mean; None when the source gives none or it cannot be read."""
    value = (value or "").strip()
    precision = {10: "day", 7: "month", 4: "year"}.get(len(value))
    if precision is None:
        return None
    try:
        return parse_date(value, precision)[1]
    except ValueError:
        return None


def publication_days(events: pd.DataFrame, sources: pd.DataFrame) -> list[date | None]:
    """For each event row: the day its fact became known (see module docstring)."""
    by_source = {s: _published(p) for s, p in zip(sources.id.tolist(), sources.published.tolist())}
    recorded = events.recorded_at.tolist() if "recorded_at" in events.columns else [""] * len(events)
    out = []
    for source, rec in zip(events.source_id.tolist(), recorded):
        known = by_source.get(source)
        rec_day = _published(str(rec)[:10]) if rec else None
        out.append(min((d for d in (known, rec_day) if d is not None), default=None))
    return out


def _status_on(section_timeline: pd.DataFrame) -> dict[tuple[str, str], list[tuple[date, str]]]:
    """(project, section) → its status changes in date order (for look-ups on many dates)."""
    out: dict[tuple[str, str], list[tuple[date, str]]] = {}
    for p, s, day, st in zip(section_timeline.project_id.tolist(), section_timeline.section.tolist(),
                             section_timeline["from"].tolist(), section_timeline.status.tolist()):
        out.setdefault((p, s), []).append((day, st))
    return out


def _on(changes: list[tuple[date, str]], day: date) -> str | None:
    st = None
    for d, s in changes:
        if d > day:
            break
        st = s
    return st


def known_openings(events: pd.DataFrame, sources: pd.DataFrame, sections: pd.DataFrame,
                   section_timeline: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Opening forecasts published on or before `as_of`, oldest publication first (COLUMNS; `day` is the last day
    the forecast date can mean)."""
    fc = events[events.event == "forecast"]
    if fc.empty:
        return pd.DataFrame(columns=COLUMNS)
    published = publication_days(fc, sources)
    changes = _status_on(section_timeline)
    lines = sections[sections.role == "line"]
    line_of: dict[str, list[str]] = {}
    for p, s in zip(lines.project_id.tolist(), lines.section.tolist()):
        line_of.setdefault(p, []).append(s)
    rows = []
    for (pid, sec, when, precision, source), pub in zip(
            fc[["project_id", "section", "date", "date_precision", "source_id"]].itertuples(index=False), published):
        if pub is None or pub > as_of:
            continue
        secs = line_of.get(pid, [WHOLE_PROJECT]) if sec == WHOLE_PROJECT else [sec]
        if not any(_on(changes.get((pid, s), []), pub) == "under_construction" for s in secs):
            continue
        rows.append({"project_id": pid, "section": sec, "date": when, "date_precision": precision,
                     "day": parse_date(when, precision)[1], "published": pub, "source_id": source})
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["published", "day"], kind="stable").reset_index(drop=True)


def latest(forecasts: pd.DataFrame, project_id: str, sections: list[str] | None = None) -> dict | None:
    """The most recently published opening forecast for a project (for these sections or the whole project)."""
    f = forecasts[forecasts.project_id == project_id]
    if sections is not None:
        f = f[f.section.isin([*sections, WHOLE_PROJECT])]
    return f.iloc[-1].to_dict() if len(f) else None


__all__ = ["COLUMNS", "known_openings", "latest", "publication_days"]
