"""The progress store: status changes recorded by planners, append-only, with who, when and the source.

Default: a SQLite file; any SQLAlchemy URL works (PostgreSQL for a team running several dashboards).
Reading never writes: a reader opens SQLite with mode=ro and PostgreSQL in read-only transactions, waits
at most TIMEOUT_S for a lock or a statement, and refuses a database that is not a progress store (no
progress_schema marker) or is newer than this code. Creating and migrating are explicit (`init`,
`migrate`, or the first event an editor records). Events are never updated or deleted (the database refuses
it too, by trigger); a correction is a new event that names the event it supersedes. Every write is
validated first and made in one transaction, so a refusal or a crash changes nothing. A row written
outside the app that breaks the rules is reported, naming the store, row and field, and skipped.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from .auth import Throttle
from .catalog import DATE_PRECISIONS, EARLIEST, EVENT_KINDS, EVENT_STATUS, STATUSES, WHOLE_PROJECT, parse_date
from .config import DEFAULT_STORE_PATH as DEFAULT_PATH  # noqa: F401 (kept for importers)
from .config import explicit, not_created, store_url  # noqa: F401 (the UI and the CLI import them from here)
from .errors import StoreError
from .status import dated

_log = logging.getLogger("corridors.store")
TIMEOUT_S = 5.0  # a reader waits at most this long for a lock, a connection or a statement
WRITE_TIMEOUT_S = 15.0  # a writer waits this long for other writers

# Longest value of each stored field, in characters: checked in code, so both backends refuse the same.
LIMITS = {"project_id": 64, "section": 64, "event": 32, "status": 32, "date": 10, "date_precision": 8,
          "source_title": 500, "source_url": 2000, "note": 4000, "recorded_by": 128, "recorded_at": 32,
          "supersedes": 32}
# Fields that may hold line breaks and tabs; no field may hold other control characters (NUL included).
MULTILINE = {"note"}

metadata = sa.MetaData()
events_table = sa.Table(
    "progress_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("project_id", sa.String(64), nullable=False),
    sa.Column("section", sa.String(64), nullable=False),
    sa.Column("event", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("date_precision", sa.String(8), nullable=False),
    sa.Column("source_title", sa.Text, nullable=False),
    sa.Column("source_url", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.String(128), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("supersedes", sa.String(32), nullable=True),
)
version_table = sa.Table("progress_schema", metadata, sa.Column("version", sa.Integer, nullable=False))


def _create_events(conn: sa.Connection) -> None:
    events_table.create(conn)


def _index_and_guard(conn: sa.Connection) -> None:
    """v2: an index for per-project reads, and triggers that make the table append-only."""
    conn.execute(sa.text("CREATE INDEX ix_progress_events_project ON progress_events (project_id)"))
    _append_only(conn, "progress_events", "progress events")


def _append_only(conn: sa.Connection, table: str, what: str) -> None:
    """Triggers that refuse UPDATE and DELETE on a table, whoever writes to the database."""
    if conn.dialect.name == "sqlite":
        for op in ("UPDATE", "DELETE"):
            conn.execute(sa.text(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END"))
    elif conn.dialect.name == "postgresql":
        conn.execute(sa.text(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{what} are append-only'; END $$ LANGUAGE plpgsql"))
        conn.execute(sa.text(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"))


alignments_table = sa.Table(
    "alignments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("project_id", sa.String(64), nullable=False),
    sa.Column("section", sa.String(64), nullable=False),  # a section, or catalog.WHOLE_PROJECT
    sa.Column("kind", sa.String(8), nullable=False),  # 'import' or 'revert'
    sa.Column("geometry", sa.Text, nullable=True),  # WKT, WGS-84, full resolution; NULL for a revert
    sa.Column("datum", sa.String(16), nullable=False),
    sa.Column("crs", sa.Text, nullable=False),
    sa.Column("layer", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("source_title", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.String(128), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("reverts_to", sa.String(32), nullable=True),  # 'a-N' or 'schematic' for a revert
    sa.Column("supersedes", sa.String(32), nullable=True),  # the row that was current for this key before
)


def _alignments(conn: sa.Connection) -> None:
    """v3: versioned alignments beside the events, append-only by trigger like them."""
    alignments_table.create(conn)
    conn.execute(sa.text("CREATE INDEX ix_alignments_project ON alignments (project_id)"))
    _append_only(conn, "alignments", "alignments")


throttle_table = sa.Table(
    "sign_in_throttle", metadata,
    sa.Column("key", sa.String(200), primary_key=True),  # 'name:…' or 'client:…', as auth.sign_in makes them
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.Float, nullable=False),  # Unix time: shared by every process and machine
)


def _sign_in_throttle(conn: sa.Connection) -> None:
    """v4: failed sign-ins, so that every dashboard process on this store throttles the same keys. The only
    table rows are updated and deleted in: it holds no record, only a lock-out clock."""
    throttle_table.create(conn)


MIGRATIONS = (_create_events, _index_and_guard, _alignments, _sign_in_throttle)
LATEST = len(MIGRATIONS)
COLUMNS = [c.name for c in events_table.columns]


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


def existing(url: str | None = None) -> Store | None:
    """The store to read (read-only): None when the default store was never created; a named store that
    does not exist, or any store that cannot be read, raises StoreError naming it."""
    resolved = store_url(url)
    return None if not_created(resolved) and not explicit(url) else Store(resolved, read_only=True)


def label(url: str) -> str:
    """The store as a person recognises it, without a password: a SQLite file's path or the URL."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return url.split("@")[-1] if "@" in url else url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or url
    return parsed.render_as_string(hide_password=True)


def field_problems(values: Mapping[str, object], *, stored: bool = False) -> list[tuple[str, str]]:
    """(field, reason) for every value that is too long, holds control characters or, for a stored row
    (stored=True), is not text or breaks a closed set; the same rules on every backend."""
    out = []
    for field, limit in LIMITS.items():
        value = values.get(field)
        if (value is None and field == "supersedes") or (field not in values and not stored):
            continue
        if not isinstance(value, str):
            out.append((field, f"is {type(value).__name__}, not text"))
            continue
        if len(value) > limit:
            out.append((field, f"is {len(value)} characters long (at most {limit})"))
        allowed = "\n\r\t" if field in MULTILINE else ""
        if any((ord(ch) < 32 and ch not in allowed) or ord(ch) == 127 for ch in value):
            out.append((field, "holds a control character"))
        out += [(field, why) for why in _unencodable(value)]
    if not stored or out:
        return out
    if values["event"] not in EVENT_KINDS:
        out.append(("event", f"'{values['event']}' is not an event kind"))
    if values["status"] not in (*STATUSES, ""):
        out.append(("status", f"'{values['status']}' is not a status"))
    try:
        parse_date(values["date"], values["date_precision"])
    except ValueError as exc:
        out.append(("date", str(exc)))
    if values["source_url"] and not values["source_url"].startswith(("http://", "https://")):
        out.append(("source_url", "is not an http(s) address"))
    for field in ("project_id", "section", "source_title", "recorded_by"):
        if not visible(values[field]):
            out.append((field, "is empty" if not values[field].strip() else "holds no visible character"))
    return out


def visible(text: str) -> bool:
    """Whether text holds at least one character a reader can see (a letter, digit, punctuation or symbol):
    white space, zero-width spaces, joiners and other format characters alone do not make a title."""
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in text)


def _unencodable(value: str) -> list[str]:
    """Why a text cannot be stored as UTF-8 (a lone surrogate, e.g. from undecodable bytes), if it cannot:
    refused by name here rather than by the driver's UnicodeEncodeError, the same on every backend."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return [f"holds a character that cannot be stored as UTF-8 (U+{ord(value[exc.start]):04X} at "
                f"character {exc.start + 1}, a lone surrogate)"]
    return []


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
    starts = h[h.event == "construction_start"]
    opens = h[h.event.isin(["opened", "completed"])]
    problems = []
    if ev.status == "completed" and len(starts) and last < starts["first"].min():
        problems.append(f"{ev.event} on {ev.date} is before construction started ({starts.date.iloc[0]}); "
                        "add a note saying why")
    if ev.event == "construction_start" and len(opens) and first > opens["last"].max():
        problems.append(f"construction start on {ev.date} is after the opening on {opens.date.iloc[-1]}; "
                        "add a note saying why")
    earlier = h[h["last"] <= last]
    if ev.status in ("planned", "under_construction") and len(earlier) and earlier.status.iloc[-1] == "completed" \
            and ev.event != "resumed":
        problems.append(f"{ev.section} was already completed ({earlier.date.iloc[-1]}); "
                        f"'{ev.status}' after that needs a note saying why")
    if len(earlier) and earlier.status.iloc[-1] == "cancelled" and ev.event not in ("resumed", "cancelled"):
        problems.append(f"{ev.section} was cancelled ({earlier.date.iloc[-1]}); record 'resumed' or add a note")
    return problems


class Store:
    """Append-only event store on any SQLAlchemy database.

    read_only (the default) opens it so that nothing can be written; otherwise the schema is created or
    migrated on the first append (or by init/migrate). A database that is not a progress store, or is
    newer than this code, is refused on open either way.
    """

    def __init__(self, url: str | None = None, *, read_only: bool = True, timeout: float | None = None) -> None:
        self.url = store_url(url)
        self.label = label(self.url)
        self.read_only = read_only
        self.timeout = timeout or (TIMEOUT_S if read_only else WRITE_TIMEOUT_S)
        self.engine = self._engine()
        self.found = self._probe()

    def _fail(self, exc: BaseException, doing: str = "read") -> StoreError:
        """One line naming the store and the cause, for an error from the driver."""
        cause = getattr(exc, "orig", None) or exc
        text = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        if "timeout" in text or "locked" in text:
            text += f" (gave up after {self.timeout:g} s)"
        return StoreError(f"cannot {doing} the progress store {self.label}: {text}")

    def _engine(self) -> sa.Engine:
        try:
            parsed = sa.engine.make_url(self.url)
        except sa.exc.ArgumentError:
            raise StoreError(f"progress store URL '{self.label}' is malformed: expected a SQLite file or a URL "
                             "such as postgresql+psycopg://user@host/db") from None
        backend = parsed.get_backend_name()
        try:
            if backend == "sqlite":
                if not parsed.database or parsed.database == ":memory:":
                    raise StoreError(f"progress store '{self.label}' names no SQLite file")
                self.path = Path(parsed.database)
                engine = sa.create_engine("sqlite://", creator=self._sqlite_connection, poolclass=sa.pool.QueuePool)
                sa.event.listen(engine, "begin", _sqlite_begin)
                return engine
            ms = int(self.timeout * 1000)
            args: dict = {}
            if backend == "postgresql":
                options = f"-c lock_timeout={ms} -c statement_timeout={ms} -c idle_in_transaction_session_timeout={ms * 4}"
                if self.read_only:
                    options += " -c default_transaction_read_only=on"
                args = {"connect_timeout": max(1, round(self.timeout)), "options": options}
            return sa.create_engine(parsed, connect_args=args, pool_pre_ping=True)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise StoreError(f"progress store '{self.label}' cannot be opened: {exc}") from None

    def _sqlite_connection(self) -> sqlite3.Connection:
        """mode=ro for readers (falling back to immutable in a folder nobody can write, where a WAL file could
        not be made anyway); rw for writers, rwc only for the write that creates the store."""
        mode = "ro" if self.read_only else ("rw" if self.path.exists() else "rwc")
        uri = f"file:{quote(str(self.path.resolve()))}?mode={mode}"
        conn = sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        if self.read_only:
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                if os.access(self.path.parent, os.W_OK):
                    raise
                conn.close()
                conn = sqlite3.connect(uri + "&immutable=1", uri=True, timeout=self.timeout, isolation_level=None,
                                       check_same_thread=False)
        return conn

    def _probe(self) -> int | None:
        """The schema version found (None: nothing created yet); refuse what is not ours or is too new."""
        if self.engine.dialect.name == "sqlite" and not self.path.exists():
            if self.read_only:
                raise StoreError(f"progress store {self.label} does not exist (create it with "
                                 f"`corridors --store {self.label} store init`)")
            return None
        try:
            with self.engine.connect() as conn:
                found = self._version(conn)
        except StoreError:
            raise
        except (sa.exc.SQLAlchemyError, sqlite3.Error, OSError) as exc:
            raise self._fail(exc) from None
        if self.read_only and not found:
            raise StoreError(f"progress store {self.label} has no events table yet (create it with "
                             "`corridors store init`)")
        return found

    def _version(self, conn: sa.Connection) -> int | None:
        tables = set(sa.inspect(conn).get_table_names())
        if "progress_schema" not in tables:
            if tables:
                raise StoreError(f"{self.label} is not a corridors progress store (tables "
                                 f"{', '.join(sorted(tables)[:5])}, no progress_schema marker); it was not changed")
            return None
        versions = conn.execute(sa.select(version_table.c.version)).scalars().all()
        if len(versions) != 1 or not isinstance(versions[0], int):
            raise StoreError(f"progress store {self.label}: the progress_schema marker is damaged ({versions!r})")
        if versions[0] > LATEST:
            raise StoreError(f"progress store {self.label} has schema version {versions[0]}, newer than this code "
                             f"understands ({LATEST}): upgrade corridors; the store was not changed")
        return versions[0]

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        """One write transaction, serialised against other writers (SQLite: BEGIN IMMEDIATE; PostgreSQL:
        an advisory lock), so a validation and the insert it allows see the same history."""
        if self.read_only:
            raise StoreError(f"the progress store {self.label} is read-only here: recording needs an editor "
                             "credential")
        with self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_immediate=True)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(48151623)"))
                yield conn

    def _upgrade(self, conn: sa.Connection) -> tuple[int, int]:
        """Inside a write transaction: create the schema or apply missing migrations; (before, after)."""
        current = self._version(conn)
        if current is None:
            version_table.create(conn)
            conn.execute(version_table.insert().values(version=0))
        for step in MIGRATIONS[current or 0:]:
            step(conn)
        if (current or 0) < LATEST:
            conn.execute(version_table.update().values(version=LATEST))
        return current or 0, LATEST

    def _guarded(self, work, doing: str):
        """Run work() turning driver errors into one line naming the store."""
        try:
            return work()
        except StoreError:
            raise
        except (sa.exc.SQLAlchemyError, sqlite3.Error, OSError) as exc:
            raise self._fail(exc, doing) from None
        except UnicodeError as exc:  # text no check above caught (a sign-in key): the drivers raise it raw
            raise StoreError(f"cannot {doing} the progress store {self.label}: text that cannot be stored as "
                             f"UTF-8 ({exc.reason})") from None

    def init(self) -> tuple[int, int]:
        """Create the schema (or bring an older one up to date): (version before, version after)."""
        def work():
            with self._writing() as conn:
                before_after = self._upgrade(conn)
            self._wal()
            return before_after

        before, after = self._guarded(work, "create")
        self.found = after
        return before, after

    def migrate(self) -> tuple[int, int]:
        """Upgrade an existing store to the latest schema: (version before, version after)."""
        if not self.found:
            raise StoreError(f"progress store {self.label} has not been created: run `corridors store init`")
        return self.init()

    def _wal(self) -> None:
        """SQLite: readers never wait for a writer (write-ahead log; set once, it stays with the file)."""
        if self.engine.dialect.name == "sqlite":
            raw = self.engine.raw_connection()  # outside any transaction: the mode cannot change inside one
            try:
                raw.driver_connection.execute("PRAGMA journal_mode=WAL")
            finally:
                raw.close()

    def schema_version(self) -> int:
        def work():
            with self.engine.connect() as conn:
                return self._version(conn) or 0
        return self._guarded(work, "read")

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

    def read_alignments(self, project_id: str | None = None) -> RecordedAlignments:
        """Every stored alignment row (optionally of one project), oldest first; rows that break the rules, and
        reverts naming a version that is not there, are left out and each named in problems. A store created
        before alignments existed (schema < 3) simply has none."""
        if not self.found:
            return RecordedAlignments(_alignment_frame([]))
        q = sa.select(alignments_table).order_by(alignments_table.c.id)
        if project_id:
            q = q.where(alignments_table.c.project_id == project_id)

        def work():
            with self.engine.connect() as conn:
                if (self._version(conn) or 0) < 3:
                    return []
                return [dict(r._mapping) for r in conn.execute(q)]
        good, problems = [], []
        imports: set[tuple[str, str, str]] = set()
        for row in self._guarded(work, "read"):
            bad = alignment_field_problems(row, stored=True)
            key = (row.get("project_id"), row.get("section"))
            if not bad and row["kind"] == "revert" and row["reverts_to"] != SCHEMATIC \
                    and (*key, row["reverts_to"]) not in imports:
                bad = [("reverts_to", f"names {row['reverts_to']}, which is not a readable import of "
                                      f"{key[0]}:{key[1]} before it")]
            if bad:
                problems.append(f"progress store {self.label}, alignments row a-{row['id']}: "
                                + "; ".join(f"field '{f}' {why}" for f, why in bad) + " (row skipped)")
                continue
            if row["kind"] == "import":
                imports.add((*key, f"a-{row['id']}"))
            good.append(row)
        return RecordedAlignments(_alignment_frame(good), tuple(problems))

    def alignments(self, project_id: str | None = None) -> pd.DataFrame:
        """The stored alignment rows that follow the rules (see read_alignments for the ones skipped)."""
        return self.read_alignments(project_id).rows

    def current_alignments(self, project_id: str | None = None) -> pd.DataFrame:
        """The latest version of each (project, section) and the line it makes current (current_alignments)."""
        return current_alignments(self.alignments(project_id))

    def alignments_version(self) -> tuple[int, int]:
        """(number of alignment rows, highest id): changes whenever anyone imports or reverts a line."""
        def work():
            with self.engine.connect() as conn:
                if (self._version(conn) or 0) < 3:
                    return 0, 0
                return conn.execute(sa.select(sa.func.count(), sa.func.max(alignments_table.c.id))).one()
        if not self.found:
            return 0, 0
        n, top = self._guarded(work, "read")
        return int(n), int(top or 0)

    def append_alignment(self, al: NewAlignment, projects: pd.DataFrame, sections: pd.DataFrame,
                         expect_current: str | None = None) -> str:
        """Validate and record one alignment row in one transaction; return its id ('a-N'). Raise StoreError if
        refused. Like the first event, the first alignment creates the store or migrates an older one in the
        same transaction. The geometric checks (alignment.preview) come before: this guards what is stored."""
        if self.read_only:
            raise StoreError(f"the progress store {self.label} is read-only here: recording needs an editor "
                             "credential")
        where = f"alignment for {al.project_id}:{al.section}"
        if self.found is None:  # refuse before anything is created
            problems = validate_alignment(al, projects, sections, _alignment_frame([]), expect_current)
            if problems:
                raise StoreError(f"{where} refused: " + "; ".join(problems))

        def work():
            with self._writing() as conn:
                created = self._version(conn) is None
                self._upgrade(conn)
                q = sa.select(alignments_table).where(alignments_table.c.project_id == al.project_id)
                rows = [dict(r._mapping) for r in conn.execute(q.order_by(alignments_table.c.id))]
                history = _alignment_frame([r for r in rows if not alignment_field_problems(r, stored=True)])
                problems = validate_alignment(al, projects, sections, history, expect_current)
                if problems:
                    raise StoreError(f"{where} refused: " + "; ".join(problems))
                mine = history[history.section == al.section]
                row = asdict(al)
                row["kind"] = al.kind
                row["reverts_to"] = al.reverts_to or None
                row["supersedes"] = mine.alignment_id.iloc[-1] if len(mine) else None
                row["recorded_at"] = datetime.now(UTC).isoformat(timespec="seconds")
                table = alignments_table
                new_id = conn.execute(table.insert().values(**row).returning(table.c.id)).scalar_one()
            if created:
                self._wal()
            return new_id

        new_id = self._guarded(work, "write to")
        self.found = LATEST
        return f"a-{new_id}"


class StoreThrottle(Throttle):
    """auth.Throttle with its state in the store's sign_in_throttle table, so that a name or a client locked
    out by one dashboard process is locked out by all of them. Each call is one short write transaction,
    serialised with the store's other writers. When the store cannot be written (PostgreSQL restarting, a
    store not yet migrated to v4) it falls back to this process's own throttle and logs why: sign-in stays
    throttled, per process, rather than open."""

    def __init__(self, url: str | None = None, *, max_keys: int = 10_000, clock=time.time, **kwargs) -> None:
        super().__init__(max_keys=max_keys, clock=clock, **kwargs)
        self.url = store_url(url)
        self.store: Store | None = None  # opened on first use, and again after a failed open

    def _shared(self, work, fallback):
        try:
            if self.store is None or self.store.found is None:
                self.store = Store(self.url, read_only=False)
            if self.store.found is None:  # a sign-in never creates the store
                raise StoreError(f"the progress store {self.store.label} is not created yet")
            return self.store._guarded(work, "throttle sign-ins in")
        except StoreError as exc:
            _log.warning("%s; sign-ins are throttled by this process alone until it can", exc)
            return fallback()

    def _rows(self, conn: sa.Connection, keys: list[str]) -> dict[str, tuple[int, float]]:
        if (self.store._version(conn) or 0) < 4:
            raise StoreError(f"the progress store {self.store.label} has no sign-in throttle table (schema "
                             f"< 4): run `corridors store migrate`")
        t = throttle_table.c
        found = conn.execute(sa.select(t.key, t.failures, t.locked_until).where(t.key.in_(keys)))
        return {k: (n, until) for k, n, until in found}

    def wait(self, keys: Iterable[str]) -> float:
        keys, now = list(keys), self.clock()

        def work():
            with self.store.engine.connect() as conn:
                rows = self._rows(conn, keys)
            return max([0.0, *(until - now for _, until in rows.values())])

        return self._shared(work, lambda: super(StoreThrottle, self).wait(keys))

    def failure(self, keys: Iterable[str]) -> float:
        keys, now = list(keys), self.clock()

        def work():
            with self.store._writing() as conn:
                rows, longest, t = self._rows(conn, keys), 0.0, throttle_table.c
                for k in keys:
                    n = rows.get(k, (0, now))[0] + 1
                    delay = self.delay(n)
                    longest = max(longest, delay)
                    if k in rows:
                        conn.execute(throttle_table.update().where(t.key == k).values(failures=n,
                                                                                      locked_until=now + delay))
                    else:
                        conn.execute(throttle_table.insert().values(key=k, failures=n, locked_until=now + delay))
                total = conn.execute(sa.select(sa.func.count()).select_from(throttle_table)).scalar_one()
                if total > self.max_keys:  # forget keys whose lock ran out longest ago (a flood of made-up names)
                    conn.execute(throttle_table.delete().where(t.locked_until < now - self.cap))
            return longest

        return self._shared(work, lambda: super(StoreThrottle, self).failure(keys))

    def success(self, keys: Iterable[str]) -> None:
        keys = list(keys)

        def work():
            with self.store._writing() as conn:
                self._rows(conn, keys)
                conn.execute(throttle_table.delete().where(throttle_table.c.key.in_(keys)))

        self._shared(work, lambda: super(StoreThrottle, self).success(keys))
        super().success(keys)

    def clear(self) -> None:
        def work():
            with self.store._writing() as conn:
                self._rows(conn, [])
                conn.execute(throttle_table.delete())

        self._shared(work, lambda: None)
        super().clear()


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Stored rows as the status module reads events."""
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["event_id"] = "s-" + frame["id"].astype(str)
    frame["source_id"] = ""
    frame["supersedes"] = frame["supersedes"].fillna("")
    frame["origin"] = "store"
    return frame.drop(columns="id")


def _sqlite_begin(conn: sa.Connection) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# --- alignments: versioned real lines beside the events ---------------------------------------------------

ALIGNMENT_KINDS = ("import", "revert")
DATUMS = ("wgs84", "gcj02", "cgcs2000")  # the datum a file was declared in; stored geometry is always WGS-84
SCHEMATIC = "schematic"  # what a revert names to go back to the line drawn through the sourced places
MAX_STORED_VERTICES = 200_000  # the store refuses a longer line whoever writes it (alignment.MAX_VERTICES)
ALIGNMENT_LIMITS = {"project_id": 64, "section": 64, "kind": 8, "datum": 16, "crs": 4000, "layer": 500,
                    "file_name": 255, "sha256": 64, "source_title": 500, "note": 4000, "recorded_by": 128,
                    "recorded_at": 32, "reverts_to": 32, "supersedes": 32}
ALIGNMENT_MULTILINE = {"note", "crs"}
ALIGNMENT_NULLABLE = {"reverts_to", "supersedes", "geometry"}
ALIGNMENT_COLUMNS = ["alignment_id", "project_id", "section", "kind", "geometry", "datum", "crs", "layer",
                     "file_name", "sha256", "source_title", "note", "recorded_by", "recorded_at", "reverts_to",
                     "supersedes", "origin"]


@dataclass(frozen=True)
class NewAlignment:
    """What an editor records: an imported line (geometry as WKT, WGS-84, with where it came from), or a
    revert (reverts_to: an earlier version 'a-N' of the same project and section, or SCHEMATIC)."""

    project_id: str
    section: str  # a section of the project, or catalog.WHOLE_PROJECT
    source_title: str
    recorded_by: str
    geometry: str | None = None
    datum: str = "wgs84"
    crs: str = ""
    layer: str = ""
    file_name: str = ""
    sha256: str = ""
    note: str = ""
    reverts_to: str | None = None

    @property
    def kind(self) -> str:
        return "revert" if self.reverts_to else "import"


@dataclass(frozen=True)
class RecordedAlignments:
    """Stored alignment rows that follow the rules (oldest first), and one line per row skipped."""

    rows: pd.DataFrame
    problems: tuple[str, ...] = ()


def alignment_field_problems(values: Mapping[str, object], *, stored: bool = False) -> list[tuple[str, str]]:
    """(field, reason) for every alignment value that is too long, holds control characters, breaks a closed
    set or, for an import, is not a line the store can keep; the same rules on every backend and on read."""
    out = []
    for field, limit in ALIGNMENT_LIMITS.items():
        value = values.get(field)
        if value is None and (field in ALIGNMENT_NULLABLE or (field == "recorded_at" and not stored)):
            continue
        if not isinstance(value, str):
            out.append((field, f"is {type(value).__name__}, not text"))
            continue
        if len(value) > limit:
            out.append((field, f"is {len(value)} characters long (at most {limit})"))
        allowed = "\n\r\t" if field in ALIGNMENT_MULTILINE else ""
        if any((ord(ch) < 32 and ch not in allowed) or ord(ch) == 127 for ch in value):
            out.append((field, "holds a control character"))
        out += [(field, why) for why in _unencodable(value)]
    if isinstance(values.get("geometry"), str):
        out += [("geometry", why) for why in _unencodable(values["geometry"])]
    if out:
        return out
    for field in ("project_id", "section", "source_title", "recorded_by"):
        if not visible(values[field]):
            out.append((field, "is empty" if not values[field].strip() else "holds no visible character"))
    if values["kind"] not in ALIGNMENT_KINDS:
        out.append(("kind", f"'{values['kind']}' is not one of {', '.join(ALIGNMENT_KINDS)}"))
    if values["datum"] not in DATUMS:
        out.append(("datum", f"'{values['datum']}' is not one of {', '.join(DATUMS)}"))
    reverts_to = values.get("reverts_to")
    if values["kind"] == "revert":
        if not reverts_to or not (reverts_to == SCHEMATIC or _is_alignment_id(reverts_to)):
            out.append(("reverts_to", f"a revert names an earlier version (a-N) or '{SCHEMATIC}' "
                                      f"(got '{reverts_to or ''}')"))
        if values.get("geometry") is not None:
            out.append(("geometry", "a revert carries no geometry: it names the version it goes back to"))
        return out
    if reverts_to:
        out.append(("reverts_to", "only a revert names a version to go back to"))
    if not visible(values["file_name"]):
        out.append(("file_name", "is empty"))
    sha = values["sha256"]
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        out.append(("sha256", "is not a SHA-256 in lower-case hex"))
    wkt = values.get("geometry")
    if not isinstance(wkt, str) or not wkt.strip():
        out.append(("geometry", "is missing: an import carries its line"))
        return out
    try:
        geom = shapely.from_wkt(wkt)
    except shapely.errors.GEOSException as exc:
        out.append(("geometry", f"is not WKT ({str(exc).splitlines()[0]})"))
        return out
    if geom is None or geom.geom_type != "LineString" or geom.is_empty:
        out.append(("geometry", f"is a {'nothing' if geom is None else geom.geom_type}, not a LineString"))
        return out
    xy = shapely.get_coordinates(geom)
    if len(xy) > MAX_STORED_VERTICES:
        out.append(("geometry", f"has {len(xy)} vertices (at most {MAX_STORED_VERTICES})"))
    elif len(xy) < 2 or not np.isfinite(xy).all() or not ((-180 <= xy[:, 0]) & (xy[:, 0] <= 180)
                                                          & (-90 <= xy[:, 1]) & (xy[:, 1] <= 90)).all():
        out.append(("geometry", "is not a line of at least two WGS-84 longitude/latitude points"))
    return out


def _is_alignment_id(value: str) -> bool:
    return value.startswith("a-") and value[2:].isdigit()


def validate_alignment(al: NewAlignment, projects: pd.DataFrame, sections: pd.DataFrame, history: pd.DataFrame,
                       expect_current: str | None = None) -> list[str]:
    """Every reason to refuse an alignment row, as sentences naming the field; empty when it may be recorded.

    history: the stored rows of the same project (RecordedAlignments.rows); expect_current: the version the
    editor saw as current for this project and section ('' for none), so that a change recorded by someone
    else in between is not overwritten unseen.
    """
    values = {**asdict(al), "kind": al.kind}
    problems = [f"{field} {reason}" for field, reason in alignment_field_problems(values)]
    if problems:
        return problems
    if al.project_id not in set(projects.id):
        return [f"project '{al.project_id}' is unknown"]
    known_sections = set(sections[sections.project_id == al.project_id].section) | {WHOLE_PROJECT}
    if al.section not in known_sections:
        return [f"section '{al.section}' is not a section of {al.project_id} "
                f"(choose one of {', '.join(sorted(known_sections))})"]
    mine = history[(history.project_id == al.project_id) & (history.section == al.section)]
    if al.kind == "revert" and al.reverts_to != SCHEMATIC:
        imports = set(mine.alignment_id[mine.kind == "import"])
        if al.reverts_to not in imports:
            problems.append(f"{al.reverts_to} is not an imported version of {al.project_id}:{al.section} "
                            f"(versions: {', '.join(sorted(imports, key=_id_number)) or 'none'}; or '{SCHEMATIC}')")
    if expect_current is not None:
        now = mine.alignment_id.iloc[-1] if len(mine) else ""
        if now != expect_current:
            problems.append(f"{al.project_id}:{al.section} changed since the preview: its latest version is "
                            f"{now or 'the schematic line'}, not {expect_current or 'the schematic line'}; "
                            "look again before recording")
    return problems


def _id_number(alignment_id: str) -> int:
    return int(alignment_id[2:])


def _alignment_frame(rows: list[dict]) -> pd.DataFrame:
    """Stored alignment rows as a frame: ids 'a-N', geometry as shapely lines (None for a revert)."""
    frame = pd.DataFrame(rows, columns=[c.name for c in alignments_table.columns])
    frame["alignment_id"] = "a-" + frame["id"].astype(str)
    wkt = np.array([v if isinstance(v, str) else None for v in frame["geometry"].tolist()], dtype=object)
    frame["geometry"] = pd.Series(list(shapely.from_wkt(wkt)) if len(frame) else [], index=frame.index, dtype=object)
    for c in ("reverts_to", "supersedes"):
        frame[c] = frame[c].fillna("")
    frame["origin"] = "store"
    return frame[ALIGNMENT_COLUMNS].reset_index(drop=True)


def current_alignments(rows: pd.DataFrame) -> pd.DataFrame:
    """The latest row of each (project, section), with the geometry it makes current: its own line for an
    import, the named version's line for a revert to it, None for a revert to the schematic line.

    version: the id whose line is current ('a-N'), or SCHEMATIC; line_source: that import's source.
    """
    columns = [*ALIGNMENT_COLUMNS, "version", "line_source"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    by_id = dict(zip(rows.alignment_id, rows.geometry))
    source_of = dict(zip(rows.alignment_id, rows.source_title))
    latest = rows.groupby(["project_id", "section"], sort=False).tail(1).copy()
    latest["version"] = [SCHEMATIC if k == "revert" and r == SCHEMATIC else (r if k == "revert" else i)
                         for i, k, r in zip(latest.alignment_id, latest.kind, latest.reverts_to)]
    latest["geometry"] = [by_id.get(v) for v in latest.version]
    latest["line_source"] = [source_of.get(v, "") for v in latest.version]
    return latest.sort_values("alignment_id", key=lambda s: s.map(_id_number))[columns].reset_index(drop=True)
