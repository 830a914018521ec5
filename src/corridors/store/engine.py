"""The store's engine: its URL and label, the SQL tables (derived from schema), creation and migrations, and
the connection rules every part of the store shares.

Reading never writes: a reader opens SQLite with mode=ro and PostgreSQL in read-only transactions, waits at
most TIMEOUT_S for a lock or a statement, and refuses a database that is not a progress store (no
progress_schema marker) or is newer than this code. Creating and migrating are explicit (`init`, `migrate`,
or the first row an editor records), each in one write transaction serialised against other writers.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from ..config import store_url
from ..errors import StoreError
from .schema import ALIGNMENTS, EVENTS, THROTTLE, Column, stored

TIMEOUT_S = 5.0  # a reader waits at most this long for a lock, a connection or a statement
WRITE_TIMEOUT_S = 15.0  # a writer waits this long for other writers


def _sql(column: Column, **kwargs) -> sa.Column:
    """The SQL column of a declared one."""
    kind = {"varchar": lambda: sa.String(column.length), "text": lambda: sa.Text, "integer": lambda: sa.Integer,
            "float": lambda: sa.Float}[column.sql]()
    return sa.Column(column.name, kind, nullable=column.nullable, **kwargs)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


metadata = sa.MetaData()
events_table = sa.Table("progress_events", metadata, _id(), *(_sql(c) for c in stored(EVENTS)))
version_table = sa.Table("progress_schema", metadata, sa.Column("version", sa.Integer, nullable=False))
alignments_table = sa.Table("alignments", metadata, _id(), *(_sql(c) for c in ALIGNMENTS))
throttle_table = sa.Table("sign_in_throttle", metadata, _sql(THROTTLE[0], primary_key=True),
                          *(_sql(c) for c in THROTTLE[1:]))


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


def _alignments(conn: sa.Connection) -> None:
    """v3: versioned alignments beside the events, append-only by trigger like them."""
    alignments_table.create(conn)
    conn.execute(sa.text("CREATE INDEX ix_alignments_project ON alignments (project_id)"))
    _append_only(conn, "alignments", "alignments")


def _sign_in_throttle(conn: sa.Connection) -> None:
    """v4: failed sign-ins, so that every dashboard process on this store throttles the same keys. The only
    table rows are updated and deleted in: it holds no record, only a lock-out clock."""
    throttle_table.create(conn)


MIGRATIONS = (_create_events, _index_and_guard, _alignments, _sign_in_throttle)
LATEST = len(MIGRATIONS)


def label(url: str) -> str:
    """The store as a person recognises it, without a password: a SQLite file's path or the URL."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return url.split("@")[-1] if "@" in url else url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or url
    return parsed.render_as_string(hide_password=True)


def _sqlite_begin(conn: sa.Connection) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Engine:
    """A database that is (or will become) a progress store, opened read-only unless told otherwise: the
    connection, schema version and write-transaction rules the event, alignment and throttle parts share.

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
