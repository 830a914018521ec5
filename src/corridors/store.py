"""The progress store: status changes recorded by planners, append-only, with who, when and the source.

Default: a SQLite file; any SQLAlchemy URL works (PostgreSQL for a team running several dashboards).
The schema is created and migrated on open. Events are never updated or deleted (the database refuses
it too, by trigger); a correction is a new event that names the event it supersedes. Every write is
validated first and made in one transaction, so a refusal or a crash changes nothing.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from .catalog import DATE_PRECISIONS, EARLIEST, EVENT_KINDS, EVENT_STATUS, STATUSES, WHOLE_PROJECT, parse_date
from .errors import StoreError
from .status import dated

DEFAULT_PATH = "corridors-progress.sqlite"

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
    if conn.dialect.name == "sqlite":
        for op in ("UPDATE", "DELETE"):
            conn.execute(sa.text(
                f"CREATE TRIGGER progress_events_no_{op.lower()} BEFORE {op} ON progress_events "
                "BEGIN SELECT RAISE(ABORT, 'progress events are append-only'); END"))
    elif conn.dialect.name == "postgresql":
        conn.execute(sa.text(
            "CREATE FUNCTION progress_events_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'progress events are append-only'; END $$ LANGUAGE plpgsql"))
        conn.execute(sa.text(
            "CREATE TRIGGER progress_events_append_only BEFORE UPDATE OR DELETE ON progress_events "
            "FOR EACH ROW EXECUTE FUNCTION progress_events_append_only()"))


MIGRATIONS = (_create_events, _index_and_guard)


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


def store_url(setting: str | None = None) -> str:
    """The store's SQLAlchemy URL: an explicit setting, $CORRIDORS_STORE_URL, or a SQLite file in the cwd."""
    value = setting or os.environ.get("CORRIDORS_STORE_URL") or DEFAULT_PATH
    return value if "://" in value else f"sqlite:///{Path(value).resolve()}"


def not_created(url: str) -> bool:
    """A SQLite store whose file does not exist yet: reading it must not create it."""
    return url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()


def existing(url: str | None = None) -> Store | None:
    """The store at url (read-only) if there is one to read."""
    url = store_url(url)
    return None if not_created(url) else Store(url, read_only=True)


def validate(ev: NewEvent, projects: pd.DataFrame, sections: pd.DataFrame, history: pd.DataFrame,
             today: date | None = None) -> list[str]:
    """Every reason to refuse an event, as sentences naming the field; empty when it may be recorded.

    history: the project's known events (shipped and recorded), with event_id, as the status module reads them.
    """
    today = today or date.today()
    problems = []
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
    if not ev.source_title.strip():
        problems.append("source is empty: give the title (and address) of what says so")
    if ev.source_url and not ev.source_url.startswith(("http://", "https://")):
        problems.append("source address must start with http:// or https://")
    if not ev.recorded_by.strip():
        problems.append("who recorded it is missing")
    if ev.event == "correction" or ev.supersedes:
        if not ev.supersedes or ev.supersedes not in set(history.get("event_id", pd.Series(dtype=str))):
            problems.append(f"a correction must name an event of {ev.project_id} it supersedes "
                            f"(got '{ev.supersedes or ''}')")
        if not ev.note.strip():
            problems.append("a correction needs a note saying why")
    if problems:
        return problems
    return _contradictions(ev, history)


def _contradictions(ev: NewEvent, history: pd.DataFrame) -> list[str]:
    """A transition that contradicts the recorded history, unless the event's note says why."""
    if ev.note.strip() or history.empty:
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
    """Append-only event store on any SQLAlchemy database."""

    def __init__(self, url: str | None = None, *, read_only: bool = False) -> None:
        self.url = store_url(url)
        self.read_only = read_only
        connect_args = {"timeout": 30} if self.url.startswith("sqlite") else {}
        self.engine = sa.create_engine(self.url, connect_args=connect_args, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_connect)
            sa.event.listen(self.engine, "begin", _sqlite_begin)
        self.migrate()

    @contextmanager
    def _writing(self):
        """One write transaction, serialised against other writers (SQLite: BEGIN IMMEDIATE; PostgreSQL:
        an advisory lock), so a validation and the insert it allows see the same history."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_immediate=True)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(48151623)"))
                yield conn

    def migrate(self) -> int:
        """Create or upgrade the schema to the latest version; return that version."""
        with self._writing() as conn:
            inspector = sa.inspect(conn)
            if not inspector.has_table("progress_schema"):
                version_table.create(conn)
                conn.execute(version_table.insert().values(version=0))
            current = conn.execute(sa.select(version_table.c.version)).scalar_one()
            for step in MIGRATIONS[current:]:
                step(conn)
            if current < len(MIGRATIONS):
                conn.execute(version_table.update().values(version=len(MIGRATIONS)))
            return len(MIGRATIONS)

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(version_table.c.version)).scalar_one()

    def events(self, project_id: str | None = None) -> pd.DataFrame:
        """Every recorded event (optionally of one project), oldest first, as the status module reads them."""
        q = sa.select(events_table).order_by(events_table.c.id)
        if project_id:
            q = q.where(events_table.c.project_id == project_id)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(q)]
        frame = pd.DataFrame(rows, columns=[c.name for c in events_table.columns])
        frame["event_id"] = "s-" + frame["id"].astype(str)
        frame["source_id"] = ""
        frame["supersedes"] = frame["supersedes"].fillna("")
        frame["origin"] = "store"
        return frame.drop(columns="id")

    def version(self) -> tuple[int, int]:
        """(number of events, highest id): changes whenever anyone records an event."""
        with self.engine.connect() as conn:
            n, top = conn.execute(sa.select(sa.func.count(), sa.func.max(events_table.c.id))).one()
        return int(n), int(top or 0)

    def append(self, ev: NewEvent, projects: pd.DataFrame, sections: pd.DataFrame, shipped: pd.DataFrame,
               today: date | None = None) -> str:
        """Validate and record one event in one transaction; return its id ('s-N'). Raise StoreError if refused."""
        if self.read_only:
            raise StoreError("the progress store is read-only here: recording needs an editor credential")
        with self._writing() as conn:
            mine = [dict(r._mapping) for r in conn.execute(
                sa.select(events_table).where(events_table.c.project_id == ev.project_id).order_by(events_table.c.id))]
            recorded = pd.DataFrame(mine, columns=[c.name for c in events_table.columns])
            recorded["event_id"] = "s-" + recorded["id"].astype(str)
            recorded["supersedes"] = recorded["supersedes"].fillna("")
            history = pd.concat([shipped[shipped.project_id == ev.project_id], recorded.drop(columns="id")],
                                ignore_index=True)
            problems = validate(ev, projects, sections, history, today)
            if problems:
                raise StoreError(f"event for {ev.project_id} refused: " + "; ".join(problems))
            row = asdict(ev)
            row["supersedes"] = ev.supersedes or None
            row["recorded_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            new_id = conn.execute(events_table.insert().values(**row).returning(events_table.c.id)).scalar_one()
        return f"s-{new_id}"


def _sqlite_connect(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's begin event below issues BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
