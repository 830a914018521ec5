"""Events: what planners record (NewEvent), the rules a row obeys when recorded (validate) and when read back
(screen), and the event half of the store (EventStore: read, version, append).

Events are never updated or deleted (the database refuses it too, by trigger); a correction is a new event
that names the event it supersedes. Every write is validated first and made in one transaction, so a refusal
or a crash changes nothing. A row written outside the app that breaks the rules is reported, naming the
store, row and field, and skipped. The history rules (an opening before construction started, a step back)
are chronology's; a note saying why lets an event pass them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from ..catalog import DATE_PRECISIONS, EARLIEST, EVENT_KINDS, EVENT_STATUS, STATUSES, WHOLE_PROJECT, parse_date
from ..chronology import (
    BEFORE_OPENING,
    START,
    follows_cancellation,
    moves_back,
    opened_too_early,
    started_after_opening,
)
from ..errors import StoreError
from ..status import dated
from .engine import LATEST, Engine, events_table
from .fields import blank_problems, closed_set_problems, text_problems, visible
from .schema import COLUMNS, EVENTS


@dataclass(frozen=True)
class NewEvent:
    """What a planner records."""

    project_id: str
    section: str
    event: str
    status: str
    date: str
    date_precision: str
    source_title: str
    source_url: str = ""
    note: str = ""
    recorded_by: str = ""
    supersedes: str | None = None


@dataclass(frozen=True)
class Recorded:
    """What a read found: the events that follow the rules, and one line per row skipped (naming the store,
    the row and the field)."""

    events: pd.DataFrame
    problems: tuple[str, ...] = ()


def field_problems(values: Mapping[str, object], *, stored: bool = False) -> list[tuple[str, str]]:
    """(field, reason) for every value that is too long, holds control characters or, for a stored row
    (stored=True), is not text or breaks a closed set; the same rules on every backend."""
    out = text_problems(values, EVENTS, stored=stored)
    if not stored or out:
        return out
    out += closed_set_problems(values, EVENTS)
    try:
        parse_date(values["date"], values["date_precision"])
    except ValueError as exc:
        out.append(("date", str(exc)))
    if values["source_url"] and not values["source_url"].startswith(("http://", "https://")):
        out.append(("source_url", "is not an http(s) address"))
    return out + blank_problems(values, EVENTS)


# How far ahead of this machine's clock another server's recorded_at may run (clocks of a team's servers
# drift), and how far ahead of recorded_at's UTC day an event's date may be (the editor's own calendar day:
# validate refuses dates after the recording server's local today, which runs up to 14 h ahead of UTC).
CLOCK_SKEW = timedelta(days=1)
LOCAL_AHEAD = timedelta(hours=14)


def screen(rows: list[dict], shipped: pd.DataFrame | None = None,
           now: datetime | None = None) -> tuple[list[dict], list[tuple[dict, list[tuple[str, str]]]]]:
    """Split stored rows (oldest first, as read) into those that follow every rule an event obeys when the
    app records it, and (row, [(field, why)]) for each that does not, so that a row written outside the app
    changes no status: its fields (field_problems); its event kind and status agree; its date is after 1900
    and not after it was recorded; recorded_at is a time with a zone, not in the future; a correction names
    what it supersedes and says why; what a row supersedes is an earlier event of the same project and
    section (a shipped event, 'g-…', or an earlier row of the store, so there are no cycles), or an earlier
    row of the store that is itself skipped (an operator retires a bad row by correcting it); and no event
    is superseded twice (at most one live correction per event: a second one corrects the first).

    shipped: the shipped events (event_id, project_id, section); without them a shipped id is taken as
    naming an existing event, as its project and section cannot be checked.
    """
    now = now or datetime.now(UTC)
    known = ({} if shipped is None else  # rows of the store itself ('s-N') count only as read here
             {i: key for i, key in zip(shipped.event_id, zip(shipped.project_id, shipped.section))
              if not str(i).startswith("s-")})
    good_at: dict[str, tuple[str, str]] = {}  # s-N of each row kept so far → (project, section)
    skipped_ids: set[str] = set()
    corrected_by: dict[str, str] = {}  # event id → the kept row that supersedes it
    good, bad = [], []
    cycles = _cycles(rows)
    for row in rows:
        rid = f"s-{row['id']}"
        problems = field_problems(row, stored=True) or _row_rules(row, now)
        target = row.get("supersedes") or ""
        if not problems and rid in cycles:
            problems.append(("supersedes", f"closes a cycle ({cycles[rid]}): no event may supersede itself"))
        elif not problems and target:
            owner = good_at.get(target) or known.get(target)
            if target in corrected_by:
                problems.append(("supersedes", f"{target} is already corrected by {corrected_by[target]}: "
                                               "at most one live correction per event"))
            elif owner is None and target not in skipped_ids and not (shipped is None and target.startswith("g-")):
                problems.append(("supersedes", f"names {target}, which is not an earlier event"
                                               + (" (no cycles: a row supersedes only rows before it)"
                                                  if _store_id(target) >= row["id"] else "")))
            elif owner is not None and owner != (row["project_id"], row["section"]):
                problems.append(("supersedes", f"names {target}, an event of {owner[0]}:{owner[1]}, not of "
                                               f"{row['project_id']}:{row['section']}"))
        if problems:
            bad.append((row, problems))
            skipped_ids.add(rid)
            continue
        good_at[rid] = (row["project_id"], row["section"])
        if target:
            corrected_by[target] = rid
        good.append(row)
    return good, bad


def _cycles(rows: list[dict]) -> dict[str, str]:
    """Each row whose chain of supersedes leads back to itself → the chain ('s-3 → s-4 → s-3'). Only rows
    written outside the app can form one (the app names earlier rows only), and every row in it is skipped:
    otherwise the last of them would look like an operator retiring the first."""
    names = {f"s-{r['id']}": r.get("supersedes") or "" for r in rows}
    out = {}
    for start in names:
        chain, at = [start], names[start]
        while at in names and at not in chain:
            chain.append(at)
            at = names[at]
        if at == start:
            out[start] = " → ".join([*chain, start])
    return out


def _store_id(event_id: str) -> int:
    """N of a store id 's-N' (-1 for anything else)."""
    return int(event_id[2:]) if event_id.startswith("s-") and event_id[2:].isdigit() else -1


def _row_rules(row: Mapping, now: datetime) -> list[tuple[str, str]]:
    """The rules of one stored row beyond its fields' formats (see screen)."""
    out = []
    event, status_ = row["event"], row["status"]
    if event == "plan":
        out.append(("event", "'plan' is the plan's own statement, which is shipped, not recorded"))
    elif event == "forecast" and status_:
        out.append(("status", f"is '{status_}', but a forecast sets no status"))
    elif event != "forecast" and not status_:
        out.append(("status", f"is empty, but event '{event}' sets one"))
    elif EVENT_STATUS.get(event) and status_ != EVENT_STATUS[event]:
        out.append(("status", f"is '{status_}', but event '{event}' puts a section in '{EVENT_STATUS[event]}'"))
    if event == "correction" and not row.get("supersedes"):
        out.append(("supersedes", "is empty: a correction names the event it supersedes"))
    if row.get("supersedes") and not visible(row["note"]):
        out.append(("note", "is empty: a correction says why"))
    try:
        at = datetime.fromisoformat(row["recorded_at"])
    except ValueError:
        return [*out, ("recorded_at", f"'{row['recorded_at']}' is not an ISO date and time")]
    if at.tzinfo is None:
        return [*out, ("recorded_at", f"'{row['recorded_at']}' has no time zone")]
    if at > now + CLOCK_SKEW:
        out.append(("recorded_at", f"'{row['recorded_at']}' is in the future"))
    first, _ = parse_date(row["date"], row["date_precision"])
    if first < EARLIEST:
        out.append(("date", f"{row['date']} is before {EARLIEST.year}"))
    elif first > (at.astimezone(UTC) + LOCAL_AHEAD).date():
        out.append(("date", f"{row['date']} is after the row was recorded ({row['recorded_at']})"))
    return out


def orphans(events: pd.DataFrame, projects: pd.DataFrame, sections: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Split recorded events into those of a project and section the geodata knows, and one line per event
    whose project or section no longer exists (its history would otherwise vanish without a word)."""
    known = set(projects.id)
    valid = set(zip(sections.project_id, sections.section))
    bad = []
    keep = []
    for r in events.itertuples():
        if r.project_id not in known:
            bad.append(f"event {r.event_id} ({r.date}, {r.event}) is for project '{r.project_id}', "
                       "which is not in the geodata")
        elif r.section != WHOLE_PROJECT and (r.project_id, r.section) not in valid:
            bad.append(f"event {r.event_id} ({r.date}, {r.event}) is for section '{r.section}', "
                       f"which {r.project_id} does not have")
        else:
            keep.append(True)
            continue
        keep.append(False)
    return events[pd.Series(keep, index=events.index, dtype=bool)].reset_index(drop=True), bad


def validate(ev: NewEvent, projects: pd.DataFrame, sections: pd.DataFrame, history: pd.DataFrame,
             today: date | None = None, skipped: frozenset[str] = frozenset()) -> list[str]:
    """Every reason to refuse an event, as sentences naming the field; empty when it may be recorded.

    history: the project's known events (shipped and recorded), with event_id, as the status module reads them.
    """
    today = today or date.today()
    problems = [f"{field} {reason}" for field, reason in field_problems(asdict(ev))]
    if problems:
        return problems
    if ev.project_id not in set(projects.id):
        return [f"project '{ev.project_id}' is unknown"]
    known_sections = set(sections[sections.project_id == ev.project_id].section) | {WHOLE_PROJECT}
    if ev.section not in known_sections:
        problems.append(f"section '{ev.section}' is not a section of {ev.project_id} "
                        f"(choose one of {', '.join(sorted(known_sections))})")
    if ev.event not in EVENT_KINDS or ev.event == "plan":
        problems.append(f"event '{ev.event}' is unknown")
    if ev.event == "forecast":
        if ev.status:
            problems.append("a forecast sets no status: leave status empty (it is not an opening)")
    elif ev.status not in STATUSES:
        problems.append(f"status '{ev.status}' is unknown (one of {', '.join(STATUSES)})")
    elif EVENT_STATUS.get(ev.event) and ev.status != EVENT_STATUS[ev.event]:
        problems.append(f"event '{ev.event}' puts a section in status '{EVENT_STATUS[ev.event]}', not '{ev.status}'")
    if ev.date_precision not in DATE_PRECISIONS:
        problems.append(f"date precision '{ev.date_precision}' is unknown")
    else:
        try:
            first, _ = parse_date(ev.date, ev.date_precision)
            if first < EARLIEST:
                problems.append(f"date {ev.date} is before {EARLIEST.year}")
            if first > today:
                problems.append(f"date {ev.date} is in the future")
        except ValueError as exc:
            problems.append(f"date: {exc}")
    if not visible(ev.source_title):
        problems.append("source is empty: give the title (and address) of what says so"
                        + (" (it holds no visible character)" if ev.source_title.strip() else ""))
    if ev.source_url and not ev.source_url.startswith(("http://", "https://")):
        problems.append("source address must start with http:// or https://")
    if not visible(ev.recorded_by):
        problems.append("who recorded it is missing")
    if ev.event == "correction" or ev.supersedes:
        # skipped: rows written outside the app that break the rules; an operator retires one by correcting it
        ids = history.get("event_id", pd.Series(dtype=str))
        if not ev.supersedes or ev.supersedes not in set(ids) | skipped:
            problems.append(f"a correction must name an event of {ev.project_id} it supersedes, or a skipped "
                            f"row of the store (got '{ev.supersedes or ''}')")
        elif ev.supersedes not in skipped:
            section = history.section[ids == ev.supersedes].iloc[0]
            if section != ev.section:
                problems.append(f"{ev.supersedes} is an event of section '{section}', not '{ev.section}': a "
                                "correction supersedes an event of its own section")
        if not visible(ev.note):
            problems.append("a correction needs a note saying why")
        already = history[history.supersedes == ev.supersedes] if ev.supersedes and "supersedes" in history else []
        if len(already):  # at most one live correction per event: a second one corrects the first
            problems.append(f"{ev.supersedes} is already corrected by {already.event_id.iloc[-1]}: "
                            f"correct {already.event_id.iloc[-1]} instead")
    if problems:
        return problems
    return _contradictions(ev, history)


def _contradictions(ev: NewEvent, history: pd.DataFrame) -> list[str]:
    """A transition that contradicts the recorded history, unless the event's note says why."""
    if visible(ev.note) or history.empty:
        return []
    gone = set(history.supersedes.dropna()) - {""}
    relevant = history[~history.event_id.isin(gone)]
    if ev.section != WHOLE_PROJECT:
        relevant = relevant[relevant.section.isin([ev.section, WHOLE_PROJECT])]
    h = dated(relevant)
    first, last = parse_date(ev.date, ev.date_precision)
    problems = []
    if ev.status == "completed":
        problems += [f"{ev.event} on {ev.date} is before {what} ({when}); add a note saying why"
                     for what, when in opened_too_early(last, h, BEFORE_OPENING[:1])]
    opened = started_after_opening(first, h) if ev.event == START else None
    if opened:
        problems.append(f"construction start on {ev.date} is after the opening on {opened}; add a note saying why")
    earlier = h[h["last"] <= last]
    if len(earlier) and earlier.status.iloc[-1] == "completed" and moves_back("completed", ev.event, ev.status):
        problems.append(f"{ev.section} was already completed ({earlier.date.iloc[-1]}); "
                        f"'{ev.status}' after that needs a note saying why")
    if len(earlier) and earlier.status.iloc[-1] == "cancelled" and not follows_cancellation(ev.event):
        problems.append(f"{ev.section} was cancelled ({earlier.date.iloc[-1]}); record 'resumed' or add a note")
    return problems


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Stored rows as the status module reads events."""
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["event_id"] = "s-" + frame["id"].astype(str)
    frame["source_id"] = ""
    frame["supersedes"] = frame["supersedes"].fillna("")
    frame["origin"] = "store"
    return frame.drop(columns="id")


class EventStore(Engine):
    """The events of a progress store (see Engine for opening, creating and migrating it)."""

    def read(self, project_id: str | None = None, shipped: pd.DataFrame | None = None) -> Recorded:
        """Every recorded event (optionally of one project), oldest first, as the status module reads them;
        rows that break a rule (screen) are left out and each named in problems, unless a correction retired
        it. shipped: the shipped events, against which corrections are checked (see screen). The whole
        store is screened even for one project: whether a row is skipped depends on the rows before it."""
        if not self.found:
            return Recorded(_frame([]))
        q = sa.select(events_table).order_by(events_table.c.id)

        def work():
            with self.engine.connect() as conn:
                return [dict(r._mapping) for r in conn.execute(q)]
        good, bad_rows = screen(self._guarded(work, "read"), shipped)
        retired = {r["supersedes"] for r in good if r.get("supersedes")}  # corrected by an operator
        problems = [f"progress store {self.label}, row s-{row['id']}: "
                    + "; ".join(f"field '{f}' {why}" for f, why in bad) + " (row skipped)"
                    for row, bad in bad_rows if f"s-{row['id']}" not in retired
                    and (not project_id or row.get("project_id") == project_id)]
        if project_id:
            good = [r for r in good if r["project_id"] == project_id]
        return Recorded(_frame(good), tuple(problems))

    def events(self, project_id: str | None = None, shipped: pd.DataFrame | None = None) -> pd.DataFrame:
        """The recorded events that follow the rules (see read for the ones skipped)."""
        return self.read(project_id, shipped).events

    def version(self) -> tuple[int, int]:
        """(number of events, highest id): changes whenever anyone records an event."""
        if not self.found:
            return 0, 0

        def work():
            with self.engine.connect() as conn:
                return conn.execute(sa.select(sa.func.count(), sa.func.max(events_table.c.id))).one()
        n, top = self._guarded(work, "read")
        return int(n), int(top or 0)

    def append(self, ev: NewEvent, projects: pd.DataFrame, sections: pd.DataFrame, shipped: pd.DataFrame,
               today: date | None = None) -> str:
        """Validate and record one event in one transaction; return its id ('s-N'). Raise StoreError if refused.
        The first event creates the store (or migrates an older one) in the same transaction."""
        if self.read_only:
            raise StoreError(f"the progress store {self.label} is read-only here: recording needs an editor "
                             "credential")
        # the store's own rows come from the store, read inside the write transaction, not from the caller's view
        mine = shipped[(shipped.project_id == ev.project_id) & ~shipped.event_id.astype(str).str.startswith("s-")]
        if self.found is None:  # refuse before anything is created
            problems = validate(ev, projects, sections, mine, today)
            if problems:
                raise StoreError(f"event for {ev.project_id} refused: " + "; ".join(problems))

        def work():
            with self._writing() as conn:
                created = self._version(conn) is None
                self._upgrade(conn)
                rows = [dict(r._mapping) for r in conn.execute(sa.select(events_table).order_by(events_table.c.id))]
                good, bad = screen(rows, shipped)  # the history every reader sees
                skipped = frozenset(f"s-{r['id']}" for r, _ in bad)
                recorded = _frame([r for r in good if r["project_id"] == ev.project_id])
                problems = validate(ev, projects, sections, pd.concat([mine, recorded], ignore_index=True), today,
                                    skipped)
                if problems:
                    raise StoreError(f"event for {ev.project_id} refused: " + "; ".join(problems))
                row = asdict(ev)
                row["supersedes"] = ev.supersedes or None
                row["recorded_at"] = datetime.now(UTC).isoformat(timespec="seconds")
                new_id = conn.execute(events_table.insert().values(**row).returning(events_table.c.id)).scalar_one()
            if created:
                self._wal()
            return new_id

        new_id = self._guarded(work, "write to")
        self.found = LATEST
        return f"s-{new_id}"
