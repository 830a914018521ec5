"""A project's status on any date, derived from its dated events (shipped milestones plus recorded ones).

Rules, stated once:
- an event counts from the last day its date can mean (an event dated '2019' counts from 2019-12-31), so a
  status is never claimed before the source allows it;
- a section's status is that of its latest event on or before the date; an event for section 'all'
  applies to every section, except that it never takes an open section back to planned or under
  construction; a correction supersedes the event it names;
- a project's status rolls up its line sections: completed when all are completed, under construction when
  any is under construction or open, suspended/cancelled when all are; component sections (a part of the
  works that is not a stretch of the line) are listed but do not set the project's status;
- the plan itself is an event: on its publication day each project has the status its verbs state
  (加快…建设 → under construction; 推进…前期工作 → planned), unless a later-dated event says otherwise.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .catalog import WHOLE_PROJECT, parse_date

ORDER = {"planned": 0, "under_construction": 1, "completed": 2}


def dated(events: pd.DataFrame) -> pd.DataFrame:
    """Events with the first and last day their date can mean, in chronological order."""
    if events.empty:
        return events.assign(first=pd.Series(dtype=object), last=pd.Series(dtype=object))
    spans = [parse_date(d, p) for d, p in zip(events.date, events.date_precision)]
    out = events.assign(first=[a for a, _ in spans], last=[b for _, b in spans])
    out = out.assign(_order=range(len(out)))
    return out.sort_values(["last", "first", "_order"]).drop(columns="_order")


def _active(events: pd.DataFrame) -> pd.DataFrame:
    """Drop events that a later correction supersedes (column 'supersedes' holds the superseded event id)."""
    if "supersedes" not in events.columns or "event_id" not in events.columns:
        return events
    gone = set(events.supersedes.dropna().astype(str)) - {""}
    return events[~events.event_id.astype(str).isin(gone)]


def section_status(events: pd.DataFrame, project_id: str, section: str, as_of: date) -> str | None:
    """The status of one section on a date, or None when no event says anything yet.

    An event for the whole project does not reopen a section that is already open: the plan's
    "加快…建设" of 2016 does not undo the opening of 炎陵—汝城 in 2013.
    """
    e = events[(events.project_id == project_id) & events.section.isin([section, WHOLE_PROJECT])
               & (events["last"] <= as_of)]
    state = None
    for ev_section, status in zip(e.section, e.status):
        if ev_section == WHOLE_PROJECT and state == "completed" and status in ("planned", "under_construction"):
            continue
        state = str(status)
    return state


def roll_up(statuses: list[str]) -> str:
    """One project status from its line sections' statuses."""
    if all(s == "completed" for s in statuses):
        return "completed"
    if all(s == "cancelled" for s in statuses):
        return "cancelled"
    if any(s in ("under_construction", "completed") for s in statuses):
        return "under_construction"
    if all(s in ("suspended", "cancelled") for s in statuses):
        return "suspended"
    return "planned"


def plan_events(projects: pd.DataFrame, plan_date: date) -> pd.DataFrame:
    """The plan's own statement about each project, as an event dated the plan's publication day."""
    return pd.DataFrame({
        "project_id": projects.id, "section": WHOLE_PROJECT, "event": "plan", "status": projects.plan_status,
        "date": plan_date.isoformat(), "date_precision": "day", "source_id": "plan",
        "note": "湘政发〔2016〕21号: " + projects.plan_name,
    })


def _project_status(ev: pd.DataFrame, pid: str, line_sections: list[str], as_of: date) -> dict:
    per = {s: section_status(ev, pid, s, as_of) for s in line_sections}
    known = [v for v in per.values() if v]
    status = roll_up(known) if len(known) == len(per) else (roll_up(known) if known else None)
    opened = [s for s, v in per.items() if v == "completed" and s != WHOLE_PROJECT]
    return {"status": status, "partly_open": status == "under_construction" and bool(opened),
            "sections_open": ";".join(opened)}


def timeline(projects: pd.DataFrame, sections: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Each project's status from each date on where it may change (the last day of each event's date).

    Statuses change only on event dates, so this table answers any as-of question by a look-up.
    """
    ev = _active(dated(events))
    rows = []
    for p in projects.itertuples():
        # A project that is the same physical line as another shares that line's sections and history.
        source = getattr(p, "same_as", "") or p.id
        line_sections = list(sections[(sections.project_id == source) & (sections.role == "line")].section) or [
            WHOLE_PROJECT]
        mine = ev[ev.project_id.isin([source, p.id])].assign(project_id=source)
        last = None
        for day in sorted(set(mine["last"])):
            state = _project_status(mine, source, line_sections, day)
            if state != last:
                rows.append({"project_id": p.id, "from": day, **state})
                last = state
    return pd.DataFrame(rows, columns=["project_id", "from", "status", "partly_open", "sections_open"])


def last_evidence(events: pd.DataFrame, as_of: date) -> pd.Series:
    """Per project, the date of the latest event on or before the date: how fresh its status is."""
    ev = dated(events)
    ev = ev[ev["last"] <= as_of]
    return ev.groupby("project_id")["last"].max()


def section_timeline(sections: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Each line section's status from each date on where it may change (for drawing sections)."""
    ev = _active(dated(events))
    rows = []
    for sec in sections[sections.role == "line"].itertuples():
        mine = ev[(ev.project_id == sec.project_id) & ev.section.isin([sec.section, WHOLE_PROJECT])]
        last = None
        for day in sorted(set(mine["last"])):
            state = section_status(mine, sec.project_id, sec.section, day)
            if state != last:
                rows.append({"project_id": sec.project_id, "section": sec.section, "from": day, "status": state})
                last = state
    return pd.DataFrame(rows, columns=["project_id", "section", "from", "status"])


def sections_on(section_timeline_: pd.DataFrame, as_of: date) -> dict[tuple[str, str], str]:
    """(project, section) → status on a date, for sections that have one."""
    t = section_timeline_[section_timeline_["from"] <= as_of]
    latest = t.groupby(["project_id", "section"]).tail(1)
    return {(p, s): st for p, s, st in zip(latest.project_id, latest.section, latest.status)}


def status_on(timeline_: pd.DataFrame, project_ids: list[str], as_of: date) -> pd.DataFrame:
    """Per project: its status on a date (None before its first event)."""
    t = timeline_[timeline_["from"] <= as_of]
    latest = t.drop_duplicates("project_id", keep="last").set_index("project_id")  # rows are in date order
    out = pd.DataFrame({"project_id": project_ids})
    for c in ("status", "partly_open", "sections_open"):
        out[c] = out.project_id.map(latest[c]) if len(latest) else None
    out["status_since"] = out.project_id.map(latest["from"]) if len(latest) else None
    out["partly_open"] = out.partly_open.fillna(False).astype(bool)
    out["sections_open"] = out.sections_open.fillna("")
    return out


def history_problems(events: pd.DataFrame) -> list[str]:
    """Contradictions in a history: a section completed before it started, or work after cancellation,
    unless the later event's note says why."""
    problems = []
    ev = _active(dated(events))
    for (pid, section), g in ev.groupby(["project_id", "section"]):
        start = g[g.event == "construction_start"]
        done = g[g.event.isin(["opened", "completed"])]
        if len(start) and len(done):
            first_start, first_done = start["first"].min(), done["last"].min()
            if first_done < first_start:
                row = done[done["last"] == first_done].iloc[0]
                if not str(row.get("note", "")).strip():
                    problems.append(f"{pid}/{section}: opened or completed on {row.date} before construction "
                                    f"started ({start.date.iloc[0]}) and no note says why")
    return problems


def completed_series(timeline_: pd.DataFrame, project_ids: list[str], start: date, end: date) -> pd.DataFrame:
    """How many of the given projects are completed, from start to end: one row per date the number changes."""
    t = timeline_[timeline_.project_id.isin(project_ids)].sort_values("from", kind="stable")
    current: dict[str, str | None] = {}
    counts: dict[date, int] = {}
    for pid, day, st in zip(t.project_id, t["from"], t.status):
        current[pid] = st
        counts[max(day, start)] = sum(v == "completed" for v in current.values())
    rows = sorted((d, n) for d, n in counts.items() if d <= end)
    if not rows or rows[0][0] > start:
        rows.insert(0, (start, 0))
    rows.append((end, rows[-1][1]))
    return pd.DataFrame(rows, columns=["date", "completed"]).drop_duplicates("date", keep="last")
