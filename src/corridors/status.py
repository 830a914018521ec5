"""A project's status on any date, derived from dated evidence (shipped milestones plus recorded ones).

Rules, stated once:
- only an event with a source other than the plan sets a status: the plan's own wording is kept in the
  history as what the plan says, and a forecast ("expected to open…") is its own kind that never sets one;
- an event counts from the last day its date can mean (an event dated '2019' counts from 2019-12-31), so a
  status is never claimed before the source allows it;
- a section's status only moves forward (planned → under construction → completed), whatever order the
  evidence arrives in; only a suspension, cancellation, resumption or a correction can move it otherwise
  (chronology.step, where every history rule lives);
  an event for section 'all' applies to every section under the same rule; a correction supersedes the
  event it names;
- a project's status rolls up every line section, including those without events: completed only when all
  are completed; under construction when any section is under construction or open; planned when any has
  planning evidence; none (no evidence) otherwise. A section with no evidence is 'not_found' (未查到): it is
  never taken for a status, so a link whose recorded sections are all open and whose other half has no record
  is 'not_found', not 'under construction'. Component sections (works that are not a stretch of the line) are
  listed but do not set the project's status;
- "Hunan's half": the same roll-up over the sections in Hunan only, for the counting rule that counts a
  corridor as soon as Hunan's part reaches the border.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .catalog import WHOLE_PROJECT, parse_date
from .chronology import AFTER_CANCELLATION, NO_STATUS, OPENING, opened_too_early, step
from .chronology import RANK as RANK  # the stages in order, read from here too

HUNAN_ZH = "湖南省"
# What a project's status column can show: an evidence status, or none yet: 'plan_stated' (the plan names it
# and nothing since says more), 'no_record', or 'not_found' (some sections have evidence, but what the
# evidence says cannot be told without the sections that have none: e.g. Hunan's half open, the neighbour's
# half unrecorded).
NOT_FOUND = "not_found"
DISPLAY_STATUSES = ("completed", "under_construction", "planned", "suspended", "cancelled", "plan_stated",
                    NOT_FOUND, "no_record")
# A status that is not completed and has no new evidence for this long is flagged as stale.
STALE_DAYS = 3 * 365


def spans(events: pd.DataFrame) -> tuple[list[date], list[date]]:
    """The first and last day each event's date can mean, parsing each distinct (date, precision) once."""
    memo: dict[tuple[str, str], tuple[date, date]] = {}
    first, last = [], []
    for key in zip(events.date.tolist(), events.date_precision.tolist()):
        span = memo.get(key)
        if span is None:
            span = memo[key] = parse_date(*key)
        first.append(span[0])
        last.append(span[1])
    return first, last


def dated(events: pd.DataFrame) -> pd.DataFrame:
    """Events with the first and last day their date can mean, in chronological order."""
    if events.empty:
        return events.assign(first=pd.Series(dtype=object), last=pd.Series(dtype=object))
    first, last = spans(events)
    out = events.assign(first=first, last=last, _order=range(len(events)))
    return out.sort_values(["last", "first", "_order"]).drop(columns="_order")


def superseded(events: pd.DataFrame) -> set[str]:
    """Ids of the events that a correction supersedes (column 'supersedes' holds the superseded event id)."""
    if "supersedes" not in events.columns or "event_id" not in events.columns:
        return set()
    return set(events.supersedes.dropna().astype(str)) - {""}


def _active(events: pd.DataFrame, gone: set[str] | None = None) -> pd.DataFrame:
    """Drop events that a later correction supersedes; gone: the superseded ids, when known beforehand."""
    if "supersedes" not in events.columns or "event_id" not in events.columns:
        return events
    gone = superseded(events) if gone is None else gone
    return events[~events.event_id.astype(str).isin(gone)]


def evidence(events: pd.DataFrame) -> pd.DataFrame:
    """The events that can set a status: not the plan's own statement, not a forecast, with a status."""
    keep = ~events.event.isin(NO_STATUS) & events.status.fillna("").astype(str).ne("")
    if "source_id" in events.columns:
        keep &= events.source_id.ne("plan")
    return events[keep]


def roll_up(statuses: list[str | None]) -> str | None:
    """One project status from its line sections' statuses (None: a section with no evidence yet).

    A section without evidence never lends the link a status: when every recorded section is open and another
    has no record, the link's status is NOT_FOUND, not 'partly open'."""
    known = [s for s in statuses if s]
    if not known:
        return None
    if len(known) < len(statuses) and all(s == "completed" for s in known):
        return NOT_FOUND
    if len(known) == len(statuses) and all(s == "completed" for s in known):
        return "completed"
    if len(known) == len(statuses) and all(s == "cancelled" for s in known):
        return "cancelled"
    if any(s == "under_construction" for s in known):
        return "under_construction"
    if any(s in ("suspended", "cancelled") for s in known) and not any(s == "completed" for s in known):
        return "suspended"
    if any(s == "completed" for s in known):
        return "under_construction"  # part of the line is open, the rest is not: partly open
    return "planned"


def plan_events(projects: pd.DataFrame, plan_date: date) -> pd.DataFrame:
    """The plan's own statement about each project it names, as an event that sets no status."""
    named = projects[projects.plan_name.fillna("") != ""]
    return pd.DataFrame({
        "project_id": named.id, "section": WHOLE_PROJECT, "event": "plan", "status": "",
        "date": plan_date.isoformat(), "date_precision": "day", "source_id": "plan",
        "note": "湘政发〔2016〕21号: " + named.plan_name + " (" + named.plan_status + ")",
    })


def _line_sections(sections: pd.DataFrame) -> dict[str, tuple[list[str], list[str]]]:
    """Per project: its line sections, and those of them in Hunan (in one pass over the table)."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    lines = sections[sections.role == "line"]
    prov = lines.province_zh.tolist() if "province_zh" in lines.columns else [""] * len(lines)
    for pid, section, province in zip(lines.project_id.tolist(), lines.section.tolist(), prov):
        line, hunan = out.setdefault(pid, ([], []))
        line.append(section)
        if province == HUNAN_ZH:
            hunan.append(section)
    return out


PRECISION_ORDER = {"day": 0, "month": 1, "year": 2}

# One piece of evidence as the sweep reads it: (last, first, section, event, status, date, date_precision).
Evidence = tuple[date, date, str, str, str, str, str]


def histories(events: pd.DataFrame, only: set[str] | None = None) -> dict[str, list[Evidence]]:
    """Per project, the evidence that can set its status, in chronological order (grouped in one pass).

    only: just these projects (a correction elsewhere still retires the event it names).
    """
    gone = superseded(events)
    if only is not None:
        events = events[events.project_id.isin(only)]
    ev = evidence(_active(dated(events), gone))
    out: dict[str, list[Evidence]] = {}
    columns = ("project_id", "last", "first", "section", "event", "status", "date", "date_precision")
    for pid, *rest in zip(*(ev[c].tolist() for c in columns)):
        out.setdefault(pid, []).append(tuple(rest))
    return out


def _sweep(ev: list[Evidence], line: list[str]):
    """Walk one project's evidence in date order; yield (day, its date as sourced, section states) after each
    day's events. The date as sourced keeps its precision ('2019' stays '2019', not 2019-12-31)."""
    state: dict[str, str | None] = dict.fromkeys(line)
    i = 0
    while i < len(ev):
        day = ev[i][0]
        label = None
        while i < len(ev) and ev[i][0] == day:
            _, _, sec, kind, st, when, precision = ev[i]
            for s in (list(state) if sec == WHOLE_PROJECT else [sec]):
                state[s] = step(state.get(s), kind, st)
            label = min(label or (PRECISION_ORDER[precision], when), (PRECISION_ORDER[precision], when))
            i += 1
        yield day, label[1], state


def timeline_rows(projects: pd.DataFrame, sections: pd.DataFrame, events: pd.DataFrame,
                  only: set[str] | None = None) -> dict[str, list[dict]]:
    """The timeline's rows per project (every project, in project order; none without evidence); only: just
    the projects whose history involves these ids (their own or the line they are the same as)."""
    same = projects.same_as.tolist() if "same_as" in projects.columns else [""] * len(projects)
    sources = {pid: same_as or pid for pid, same_as in zip(projects.id.tolist(), same)}
    if only is not None:
        sources = {pid: src for pid, src in sources.items() if pid in only or src in only}
    hist = histories(events, {i for pair in sources.items() for i in pair} if only is not None else None)
    secs = _line_sections(sections)
    out: dict[str, list[dict]] = {}
    for pid, source in sources.items():
        # A project that is the same physical line as another shares that line's sections and history.
        line, hunan = secs.get(source, ([WHOLE_PROJECT], []))
        hunan = hunan or line
        parts = [hist[i] for i in dict.fromkeys([source, pid]) if i in hist]
        out[pid] = []  # a project without evidence has no rows
        if not parts:
            continue
        mine = sorted(parts[0] + parts[1], key=lambda e: (e[0], e[1])) if len(parts) > 1 else parts[0]
        rows, last = [], None
        for day, label, state in _sweep(mine, line):
            opened = [s for s in line if state.get(s) == "completed" and s != WHOLE_PROJECT]
            now = (roll_up([state.get(s) for s in line]), roll_up([state.get(s) for s in hunan]), ";".join(opened))
            if now != last:
                rows.append({"project_id": pid, "from": day, "since": label, "status": now[0],
                             "hunan_status": now[1],
                             "partly_open": now[0] == "under_construction" and bool(opened),
                             "sections_open": now[2]})
                last = now
        out[pid] = rows
    return out


TIMELINE_COLUMNS = ["project_id", "from", "since", "status", "hunan_status", "partly_open", "sections_open"]
SECTION_TIMELINE_COLUMNS = ["project_id", "section", "from", "status"]


def frame(rows: dict[str, list[dict]], columns: list[str]) -> pd.DataFrame:
    """Rows kept per project (timeline_rows, section_rows) as one table, in the dict's order."""
    return pd.DataFrame([r for rs in rows.values() for r in rs], columns=columns)


def timeline(projects: pd.DataFrame, sections: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Each project's status, and Hunan's half's, from each date on where either may change.

    Statuses change only on event dates, so this table answers any as-of question by a look-up.
    """
    return frame(timeline_rows(projects, sections, events), TIMELINE_COLUMNS)


def last_evidence(events: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Per project, the latest evidence (not the plan, not a forecast) on or before the date: its last day
    ('last') and its date as sourced, at its precision ('date')."""
    return latest_evidence(evidence(dated(events)), as_of)


def latest_evidence(dated_evidence: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """last_evidence from events already passed through evidence(dated(...)), which a dataset does once."""
    ev = dated_evidence[dated_evidence["last"] <= as_of]
    return ev.drop_duplicates("project_id", keep="last").set_index("project_id")[["last", "date"]]


def section_rows(sections: pd.DataFrame, events: pd.DataFrame,
                 only: set[str] | None = None) -> dict[str, list[dict]]:
    """The section timeline's rows per project with line sections, in section-table order; only: just these
    projects."""
    lines = _line_sections(sections)
    if only is not None:
        lines = {pid: v for pid, v in lines.items() if pid in only}
    hist = histories(events, set(lines) if only is not None else None)
    out: dict[str, list[dict]] = {}
    for pid, (line, _) in lines.items():
        out[pid] = []
        if pid not in hist:
            continue
        rows, last = [], {}
        for day, _, state in _sweep(hist[pid], line):
            for s in line:
                if state.get(s) != last.get(s) and state.get(s) is not None:
                    rows.append({"project_id": pid, "section": s, "from": day, "status": state[s]})
                    last[s] = state[s]
        out[pid] = rows
    return out


def section_timeline(sections: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Each line section's status from each date on where it may change (for drawing sections)."""
    return frame(section_rows(sections, events), SECTION_TIMELINE_COLUMNS)


def sections_on(section_timeline_: pd.DataFrame, as_of: date) -> dict[tuple[str, str], str]:
    """(project, section) → status on a date, for sections that have one."""
    t = section_timeline_[section_timeline_["from"] <= as_of]
    latest = t.groupby(["project_id", "section"]).tail(1)
    return {(p, s): st for p, s, st in zip(latest.project_id, latest.section, latest.status)}


def status_on(timeline_: pd.DataFrame, project_ids: list[str], as_of: date) -> pd.DataFrame:
    """Per project: its status and Hunan's half's on a date (None before its first evidence)."""
    t = timeline_[timeline_["from"] <= as_of]
    latest = t.drop_duplicates("project_id", keep="last").set_index("project_id")  # rows are in date order
    out = pd.DataFrame({"project_id": project_ids})
    for c in ("status", "hunan_status", "partly_open", "sections_open", "since"):
        out[c] = out.project_id.map(latest[c]).astype(object) if len(latest) else None
    out["status_since"] = out.project_id.map(latest["from"]).astype(object) if len(latest) else None
    for c in ("status", "hunan_status", "status_since", "since"):
        out[c] = pd.Series([v if isinstance(v, (str, date)) else None for v in out[c]], index=out.index,
                           dtype=object)
    out["partly_open"] = out.partly_open.fillna(False).astype(bool)
    out["sections_open"] = out.sections_open.fillna("")
    return out


def history_problems(events: pd.DataFrame, sections: pd.DataFrame | None = None) -> list[str]:
    """Contradictions in a history, unless the later event's note says why:
    a section (or the whole project) opened before construction started on it or on the whole project,
    an opening dated before an approval of the same section, or work after a cancellation."""
    problems = []
    ev = evidence(_active(dated(events)))
    for pid, g in ev.groupby("project_id"):
        secs = set(g.section) - {WHOLE_PROJECT}
        if sections is not None:
            secs |= set(sections[(sections.project_id == pid) & (sections.role == "line")].section)
        for sec in sorted(secs) or [WHOLE_PROJECT]:
            mine = g[g.section.isin([sec, WHOLE_PROJECT])]
            done = mine[mine.event.isin(OPENING)]
            if done.empty:
                continue
            first_done = done.iloc[done["last"].map(lambda d: d.toordinal()).argmin()]
            if str(first_done.get("note", "")).strip():
                continue
            for what, when in opened_too_early(first_done["last"], mine):
                problems.append(f"{pid}/{sec}: opened on {first_done.date} before {what} "
                                f"({when}) and no note says why")
        cancelled = g[g.event == "cancelled"]
        if len(cancelled):
            after = g[(g["first"] > cancelled["last"].min()) & ~g.event.isin(AFTER_CANCELLATION)]
            for r in after.itertuples():
                if not str(getattr(r, "note", "")).strip():
                    problems.append(f"{pid}/{r.section}: {r.event} on {r.date} after its cancellation and no note "
                                    f"says why")
    return problems


def count_series(timeline_: pd.DataFrame, weights: dict[str, int], column: str, start: date,
                 end: date) -> pd.DataFrame:
    """Sum of the weights of projects completed (in the given status column) from start to end.

    One row per date the sum changes, swept once through the timeline (no per-date recomputation).
    """
    t = timeline_[timeline_.project_id.isin(list(weights))].sort_values("from", kind="stable")
    done: dict[str, bool] = {}
    total = 0
    counts: dict[date, int] = {start: 0}
    for pid, day, st in zip(t.project_id, t["from"], t[column]):
        now = st == "completed"
        if now != done.get(pid, False):
            total += weights[pid] if now else -weights[pid]
            done[pid] = now
        if day <= end:
            counts[max(day, start)] = total
    rows = sorted(counts.items())
    rows.append((end, rows[-1][1]))
    return pd.DataFrame(rows, columns=["date", "completed"]).drop_duplicates("date", keep="last")
