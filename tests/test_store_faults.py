"""Faults injected one at a time into the progress store, on SQLite and on PostgreSQL: reading never writes,
every fault is one line naming the store (exit status 2), bad rows are reported and skipped, limits hold
the same on both backends, and nothing recorded is changed or lost."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from corridors.cli import main
from corridors.errors import StoreError
from corridors.store import LATEST, LIMITS, Store, events_table, version_table

from .test_store import append, ev, writer


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line_error(capsys, *needles: str) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: ") and "Traceback" not in err, err
    for n in needles:
        assert n in err, err
    return err


def _raw_insert(url: str, **values) -> None:
    """A row written outside the app, bypassing every check."""
    row = dict(project_id="jingli", section="hunan", event="opened", status="completed", date="2023-06-30",
               date_precision="day", source_title="outside", source_url="", note="", recorded_by="someone",
               recorded_at="2026-01-01T00:00:00+00:00", supersedes=None)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(events_table.insert().values(**{**row, **values}))
    engine.dispose()


@pytest.fixture
def other_app(tmp_path) -> Path:
    """Another application's SQLite database, in rollback-journal mode."""
    path = tmp_path / "other-app.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO users VALUES (1, 'ada')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("argv", [["count"], ["check"], ["export", "--output", "{tmp}/x.geojson"],
                                  ["snapshot", "--as-of", "2020-12-31", "--out", "{tmp}/bundle"]])
def test_a_read_command_leaves_another_apps_database_byte_identical(other_app, tmp_path, capsys, argv):
    before = _digest(other_app)
    assert main(["--store", str(other_app), *[a.format(tmp=tmp_path) for a in argv]]) == 2
    _one_line_error(capsys, str(other_app), "not a corridors progress store")
    assert _digest(other_app) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other-app.sqlite"]  # no -wal, -shm, no output


def test_store_init_refuses_another_apps_database(other_app, capsys):
    before = _digest(other_app)
    assert main(["--store", str(other_app), "store", "init"]) == 2
    _one_line_error(capsys, "not a corridors progress store")
    assert _digest(other_app) == before


def test_reading_our_store_writes_nothing(tmp_path, ds, capsys):
    path = tmp_path / "progress.sqlite"
    url = f"sqlite:///{path}"
    append(writer(url), ds, ev())
    engine_schema = Store(url).schema_version()
    before = _digest(path)
    for argv in (["count", "--json"], ["check"], ["export", "--output", str(tmp_path / "out" / "x.geojson")]):
        assert main(["--store", str(path), *argv]) in (0, 1)
    capsys.readouterr()
    assert _digest(path) == before and Store(url).schema_version() == engine_schema


def test_a_reader_on_postgresql_cannot_write(url, ds):
    append(writer(url), ds, ev())
    reader = Store(url)
    if reader.engine.dialect.name == "sqlite":
        with pytest.raises(sa.exc.OperationalError, match="readonly"):
            with reader.engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE x (y INTEGER)"))
    else:
        with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
            with reader.engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE x (y INTEGER)"))
    assert reader.version()[0] == 1


def test_a_named_store_that_does_not_exist_is_an_error_until_init(tmp_path, capsys):
    path = tmp_path / "typo.sqlite"
    assert main(["--store", str(path), "count"]) == 2
    _one_line_error(capsys, str(path), "does not exist", "store init")
    assert not path.exists()
    assert main(["--store", str(path), "store", "init"]) == 0
    assert "created the progress store" in capsys.readouterr().out
    assert main(["--store", str(path), "count", "--json"]) == 0
    assert main(["--store", str(path), "store", "init"]) == 0  # a second init changes nothing
    assert "already a progress store" in capsys.readouterr().out


def test_the_default_store_may_be_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CORRIDORS_STORE_URL", raising=False)
    assert main(["count", "--json"]) == 0
    assert list(tmp_path.iterdir()) == []


def test_empty_postgresql_database_needs_init(pg_fresh, capsys):
    """(A SQLite store that was never created is the missing-file case above.)"""
    url = pg_fresh
    assert main(["--store", url, "count"]) == 2
    _one_line_error(capsys, "no events table yet", "store init")
    assert main(["--store", url, "store", "init"]) == 0
    assert main(["--store", url, "count", "--json"]) == 0


def test_a_foreign_postgresql_database_is_refused_and_unchanged(url, capsys):
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoices (id INTEGER)"))
    for argv in (["count"], ["store", "init"]):
        assert main(["--store", url, *argv]) == 2
        _one_line_error(capsys, "not a corridors progress store", "invoices")
    assert sa.inspect(engine).get_table_names() == ["invoices"]
    engine.dispose()


def test_a_newer_store_is_refused(url, ds, capsys):
    store = writer(url)
    append(store, ds, ev())
    with store.engine.begin() as conn:
        conn.execute(version_table.update().values(version=LATEST + 1))
    for argv in (["count"], ["store", "migrate"]):
        assert main(["--store", url, *argv]) == 2
        _one_line_error(capsys, "newer than this code", f"version {LATEST + 1}")
    with pytest.raises(StoreError, match="newer"):
        append(Store(url, read_only=False), ds, ev(date="2025-09-30"))
    assert store.version()[0] == 1  # nothing written


@pytest.mark.parametrize("setting,needle", [
    ("post gres://::", "malformed"),
    ("postgresql+psycopg://nobody@127.0.0.1:1/db", "Connection refused"),
    ("nosuchdriver://x/y", "cannot be opened"),
    ("sqlite:///:memory:", "names no SQLite file"),
])
def test_a_bad_store_url_is_one_line(setting, needle, capsys):
    started = time.monotonic()
    assert main(["--store", setting, "count"]) == 2
    _one_line_error(capsys, needle)
    assert time.monotonic() - started < 10


def test_a_password_in_the_url_is_never_shown(capsys):
    assert main(["--store", "postgresql+psycopg://me:s3cret-pw@127.0.0.1:1/db", "count"]) == 2
    err = _one_line_error(capsys, "me:***@127.0.0.1")
    assert "s3cret-pw" not in err


def test_a_corrupt_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "progress.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    before = _digest(path)
    assert main(["--store", str(path), "count"]) == 2
    _one_line_error(capsys, str(path), "file is not a database")
    assert _digest(path) == before


@pytest.mark.parametrize("values,field", [
    ({"date": "2020-13-45"}, "date"),
    ({"date_precision": "decade"}, "date"),
    ({"status": "finished"}, "status"),
    ({"event": "teleported"}, "event"),
    ({"source_url": "javascript:alert(1)"}, "source_url"),
    ({"note": "x" * (LIMITS["note"] + 1)}, "note"),
    ({"source_title": "   "}, "source_title"),
])
def test_a_bad_row_written_outside_the_app_is_reported_and_skipped(url, ds, capsys, values, field):
    store = writer(url)
    good = append(store, ds, ev())
    _raw_insert(url, **values)
    rec = Store(url).read()
    assert list(rec.events.event_id) == [good]
    assert len(rec.problems) == 1 and "row s-2" in rec.problems[0] and f"field '{field}'" in rec.problems[0]
    assert main(["--store", url, "count", "--json"]) == 0
    captured = capsys.readouterr()
    assert "warning:" in captured.err and "row s-2" in captured.err and "Traceback" not in captured.err
    assert main(["--store", url, "check"]) == 1
    assert "row s-2" in capsys.readouterr().out
    assert append(store, ds, ev(project_id="zhitong", section="hunan", date="2023-11-24")) == "s-3"  # still writable


def test_events_for_projects_no_longer_in_the_geodata_are_listed(url, ds, capsys):
    store = writer(url)
    append(store, ds, ev())
    _raw_insert(url, project_id="renamed_line", section="all")
    _raw_insert(url, project_id="jingli", section="no_such_section")
    assert main(["--store", url, "check"]) == 1
    out = capsys.readouterr().out
    assert "project 'renamed_line', which is not in the geodata" in out
    assert "section 'no_such_section', which jingli does not have" in out


def test_a_reader_does_not_wait_behind_a_writer(url, ds, capsys):
    """A writer holds its transaction open; a reader answers at once (SQLite WAL) or gives up within the
    stated timeout with one line (a PostgreSQL lock that blocks reads)."""
    store = writer(url)
    append(store, ds, ev())
    hold = textwrap.dedent(f"""
        import time, sqlalchemy as sa
        from corridors.store import Store, events_table
        store = Store({url!r}, read_only=False)
        with store._writing() as conn:
            conn.execute(events_table.insert().values(
                project_id="jingli", section="hunan", event="study", status="planned", date="2016",
                date_precision="year", source_title="held", source_url="", note="", recorded_by="holder",
                recorded_at="2026-01-01T00:00:00+00:00"))
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("LOCK TABLE progress_events IN ACCESS EXCLUSIVE MODE"))
            print("holding", flush=True)
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "holding"
        started = time.monotonic()
        rc = main(["--store", url, "count", "--json"])
        waited = time.monotonic() - started
    finally:
        proc.kill()
        proc.wait()
    if url.startswith("sqlite"):
        assert rc == 0 and waited < 5
    else:
        assert rc == 2 and 4 < waited < 12
        _one_line_error(capsys, "timeout", "gave up after 5 s")
    assert Store(url).events().recorded_by.tolist() == ["tester"]


@pytest.mark.parametrize("change,reason", [
    ({"note": "x" * (LIMITS["note"] + 1)}, "note is 4001 characters long (at most 4000)"),
    ({"recorded_by": "r" * 129}, "recorded_by is 129 characters long (at most 128)"),
    ({"source_title": "t" * 501}, "source_title is 501 characters long"),
    ({"source_url": "https://example.org/" + "a" * 2000}, "source_url is 2020 characters long"),
    ({"note": "a\x00b"}, "note holds a control character"),
    ({"source_title": "line\nbreak"}, "source_title holds a control character"),
    ({"source_url": "javascript:alert(1)"}, "must start with http:// or https://"),
])
def test_limits_are_the_same_on_both_backends(url, ds, change, reason):
    store = writer(url)
    append(store, ds, ev())
    with pytest.raises(StoreError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        append(store, ds, ev(**change))
    assert store.version()[0] == 1


def test_an_event_is_corrected_at_most_once(url, ds):
    store = writer(url)
    wrong = append(store, ds, ev(date="2023-12-01"))
    fix = append(store, ds, ev(event="correction", date="2023-06-30", supersedes=wrong, note="the real date"))
    with pytest.raises(StoreError, match=f"{wrong} is already corrected by {fix}: correct {fix} instead"):
        append(store, ds, ev(event="correction", date="2023-07-01", supersedes=wrong, note="another date"))
    again = append(store, ds, ev(event="correction", date="2023-07-01", supersedes=fix, note="fix of the fix"))
    assert store.events().event_id.tolist() == [wrong, fix, again]


def test_migrate_is_explicit_and_init_brings_nothing_else(url, ds, capsys):
    assert main(["--store", url, "store", "migrate"]) == 2
    _one_line_error(capsys, "has not been created", "store init")
    assert main(["--store", url, "store", "init"]) == 0
    assert main(["--store", url, "store", "migrate"]) == 0
    assert "already at version" in capsys.readouterr().out
    assert Store(url).schema_version() == LATEST


def test_an_operator_retires_a_bad_row_by_correcting_it(url, ds):
    """A row written outside the app with an impossible date is reported; a correction that names it takes
    its place, after which nothing is reported and the store holds both rows (append-only)."""
    store = writer(url)
    append(store, ds, ev())
    _raw_insert(url, date="2023-13-45")
    assert any("row s-2" in p for p in Store(url).read().problems)
    fix = ev(event="correction", status="completed", date="2025-09-30", supersedes="s-2",
             note="the row written by the import script had month 13; the source says 2025-09-30")
    assert append(store, ds, fix) == "s-3"
    rec = Store(url).read()
    assert rec.problems == () and "s-3" in set(rec.events.event_id)
    with pytest.raises(StoreError, match="already corrected"):
        append(store, ds, ev(event="correction", status="completed", date="2025-09-30", supersedes="s-2",
                             note="again"))
    with pytest.raises(StoreError, match="skipped row"):
        append(store, ds, ev(event="correction", status="completed", supersedes="s-99", note="nothing there"))
