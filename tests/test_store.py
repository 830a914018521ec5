"""The progress store on SQLite and on a real PostgreSQL server: round trips, refusals that change
nothing, corrections, migrations, concurrent writers and a writer killed mid-transaction."""

from __future__ import annotations

import multiprocessing as mp
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from corridors.errors import StoreError
from corridors.store import MIGRATIONS, NewEvent, Store, events_table, version_table


def ev(**kw) -> NewEvent:
    base = dict(project_id="hw_g59_hubei", section="hubei", event="opened", status="completed", date="2025-09-29",
                date_precision="day", source_title="湖北日报：呼北高速湖北段建成通车", source_url="https://example.org/a",
                note="", recorded_by="tester")
    return NewEvent(**{**base, **kw})


def writer(url: str) -> Store:
    """A store an editor writes to: created by its first event."""
    return Store(url, read_only=False)


def append(store: Store, ds, e: NewEvent) -> str:
    return store.append(e, ds.catalog.projects, ds.catalog.sections, ds.events)


def test_round_trip(url, ds):
    store = writer(url)
    assert store.version() == (0, 0)
    new_id = append(store, ds, ev())
    got = store.events()
    assert list(got.event_id) == [new_id] and store.version()[0] == 1
    row = got.iloc[0]
    for field in ("project_id", "section", "event", "status", "date", "source_title", "source_url", "recorded_by"):
        assert row[field] == getattr(ev(), field)
    assert row.recorded_at.endswith("+00:00")
    assert Store(url).events().equals(got)  # a second connection reads the same


def test_recorded_event_changes_the_status_from_its_date(url, ds):
    """G59 at 炉红山 (湘鄂界): Hunan's half opened 2025-09-29 (xd-01); Hubei's half has only a forecast (xa-24), so
    the link is not found (未查到) until an editor records the Hubei half's opening."""
    before = ds.table(date(2025, 10, 1)).set_index("id").status["hw_g59_hubei"]
    store = writer(url)
    append(store, ds, ev())
    merged = ds.with_events(store.events())
    assert before == "not_found"
    assert merged.table(date(2025, 9, 28)).set_index("id").status["hw_g59_hubei"] == "under_construction"
    assert merged.table(date(2025, 9, 29)).set_index("id").status["hw_g59_hubei"] == "completed"


@pytest.mark.parametrize("change,reason", [
    ({"project_id": "nowhere"}, "project 'nowhere' is unknown"),
    ({"status": "finished"}, "status 'finished' is unknown"),
    ({"event": "opened", "status": "planned"}, "puts a section in status 'completed'"),
    ({"date": "1899-12-31"}, "before 1900"),
    ({"date": (date.today() + timedelta(days=1)).isoformat()}, "in the future"),
    ({"source_title": "  "}, "source is empty"),
    ({"section": "mars"}, "section 'mars' is not a section"),
    ({"section": "hunan", "date": "2019-06-01"}, "before construction started"),  # 炉慈 started in 2020 (xa-27)
    ({"recorded_by": ""}, "who recorded it"),
    ({"event": "correction", "status": "completed"}, "must name an event"),
])
def test_refusals_name_the_problem_and_change_nothing(url, ds, change, reason):
    store = writer(url)
    append(store, ds, ev(project_id="zhitong", section="guizhou", event="study", status="planned",
                         date="2015-01-01", note="baseline"))
    before = store.version()
    with pytest.raises(StoreError, match=reason):
        append(store, ds, ev(**change))
    assert store.version() == before


def test_a_note_explains_a_contradiction(url, ds):
    store = writer(url)
    append(store, ds, ev(date="2019-01-01", note="opened to traffic before the formal start ceremony (example)"))
    assert store.version()[0] == 1


def test_correction_supersedes_and_history_keeps_both(url, ds):
    store = writer(url)
    wrong = append(store, ds, ev(date="2023-12-01"))
    fix = append(store, ds, ev(event="correction", date="2023-06-30", supersedes=wrong,
                               note="the opening was on 2023-06-30; 2023-12-01 was the ceremony"))
    events = store.events()
    assert list(events.event_id) == [wrong, fix]
    merged = ds.with_events(events)
    assert merged.table(date(2023, 7, 1)).set_index("id").status["jingli"] == "completed"


def test_store_refuses_updates_and_deletes(url, ds):
    store = writer(url)
    append(store, ds, ev())
    for sql in ("UPDATE progress_events SET status = 'planned'", "DELETE FROM progress_events"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(sa.text(sql))
    assert store.events().status.tolist() == ["completed"]


def test_read_only_store_refuses_writes(url, ds):
    writer(url).init()
    with pytest.raises(StoreError, match="read-only"):
        append(Store(url, read_only=True), ds, ev())


def test_old_schema_is_read_as_is_and_migrated_only_when_asked(url, ds):
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        version_table.create(conn)
        conn.execute(version_table.insert().values(version=1))
        MIGRATIONS[0](conn)
        conn.execute(events_table.insert().values(
            project_id="jingli", section="hunan", event="study", status="planned", date="2015", date_precision="year",
            source_title="old", source_url="", note="", recorded_by="v1", recorded_at="2020-01-01T00:00:00+00:00"))
    engine.dispose()
    reader = Store(url)
    assert reader.events().recorded_by.tolist() == ["v1"] and reader.schema_version() == 1  # reading changed nothing
    store = writer(url)
    assert store.migrate() == (1, len(MIGRATIONS))
    assert store.schema_version() == len(MIGRATIONS)
    assert store.events().recorded_by.tolist() == ["v1"]  # nothing lost
    indexes = {i["name"] for i in sa.inspect(store.engine).get_indexes("progress_events")}
    assert "ix_progress_events_project" in indexes


def _writer(url: str, tag: str, n: int, start_at: float) -> None:
    from corridors import dataset

    ds = dataset.load()
    store = writer(url)
    while time.time() < start_at:
        time.sleep(0.005)
    for i in range(n):
        store.append(NewEvent("changyuejiu", "all", "study", "planned", "2020-01-01", "day", "test source",
                              "", f"{tag}-{i}", tag), ds.catalog.projects, ds.catalog.sections, ds.events)


def test_two_processes_writing_at_once_lose_nothing(url):
    writer(url).init()  # create the schema first
    ctx = mp.get_context("spawn")
    start_at = time.time() + 8
    procs = [ctx.Process(target=_writer, args=(url, tag, 200, start_at)) for tag in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
        assert p.exitcode == 0
    events = Store(url).events()
    assert len(events) == 400 and events.event_id.is_unique
    assert sorted(events.note) == sorted([f"{t}-{i}" for t in "ab" for i in range(200)])


def _corrector(url: str, tag: str, start_at: float, results) -> None:
    from corridors import dataset

    ds = dataset.load()
    store = writer(url)
    while time.time() < start_at:
        time.sleep(0.002)
    try:
        results.put((tag, append(store, ds, ev(event="correction", date="2025-09-28", supersedes="s-1",
                                               note=f"correction by {tag}"))))
    except StoreError as exc:
        results.put((tag, str(exc)))


def test_two_processes_correcting_one_event_at_once_store_one_correction(url, ds):
    """At most one live correction per event holds across dashboard processes: the check and the insert run
    in one transaction serialised by the store, so of two processes correcting s-1 at the same instant one
    is refused and told which correction to correct instead."""
    append(writer(url), ds, ev())
    ctx = mp.get_context("spawn")
    results, start_at = ctx.Queue(), time.time() + 8
    procs = [ctx.Process(target=_corrector, args=(url, tag, start_at, results)) for tag in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
        assert p.exitcode == 0
    outcomes = dict(results.get(timeout=5) for _ in procs)
    stored = [o for o in outcomes.values() if o.startswith("s-")]
    assert len(stored) == 1
    refused = next(o for o in outcomes.values() if not o.startswith("s-"))
    assert f"s-1 is already corrected by {stored[0]}" in refused
    events = Store(url).events()
    assert (events.supersedes == "s-1").sum() == 1


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    import sqlalchemy as sa
    from corridors.store import Store, events_table
    store = Store(sys.argv[1], read_only=False)
    with store._writing() as conn:
        for i in range(50):
            conn.execute(events_table.insert().values(
                project_id="jingli", section="hunan", event="study", status="planned", date="2016",
                date_precision="year", source_title="half", source_url="", note=str(i), recorded_by="killed",
                recorded_at="2026-01-01T00:00:00+00:00"))
        print("inserted", flush=True)
        time.sleep(120)
""")


def test_writer_killed_mid_transaction_leaves_the_store_consistent(url, ds):
    store = writer(url)
    append(store, ds, ev())
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, url], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "inserted"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    after = writer(url)
    assert after.events().recorded_by.tolist() == ["tester"]  # none of the 50 uncommitted rows
    if after.engine.dialect.name == "sqlite":
        with after.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    append(after, ds, ev(project_id="zhitong", section="hunan", date="2023-11-24", event="opened"))
    assert after.version()[0] == 2


def _throttle_scenario(make):
    """The same sign-in scenario as test_auth's, through throttles made by make(clock)."""
    from corridors import auth

    now = [1_000_000.0]
    th = make(lambda: now[0])
    users = {"王工": "right"}
    for _ in range(3):
        assert auth.sign_in("王工", "wrong", users, "10.0.0.1", th) == (None, 0.0)
    assert auth.sign_in("王工", "wrong", users, "10.0.0.1", th) == (None, 2.0)
    assert auth.sign_in("王工", "right", users, "10.0.0.2", th)[0] is None
    now[0] += 2.0
    assert auth.sign_in("王工", "wrong", users, "10.0.0.1", th) == (None, 4.0)
    now[0] += 4.0
    assert auth.sign_in("王工", "right", users, "10.0.0.3", th) == ("王工", 0.0)
    assert th.wait(["name:王工"]) == 0.0


def test_sign_in_throttle_is_shared_through_the_store(url):
    """Two throttles on one store (two dashboard processes) lock out the same name: the state is in the store,
    so a failure counted by one is waited for by the other."""
    from corridors.store import StoreThrottle

    Store(url, read_only=False).init()
    _throttle_scenario(lambda clock: StoreThrottle(url, clock=clock, free=3, base=2.0, cap=60.0))
    now = 2_000_000.0
    one = StoreThrottle(url, clock=lambda: now, free=0, base=30.0)
    other = StoreThrottle(url, clock=lambda: now)
    assert other.wait(["name:李工"]) == 0.0
    assert one.failure(["name:李工"]) == 30.0
    assert other.wait(["name:李工"]) == 30.0  # seen by the other process's throttle
    other.success(["name:李工"])
    assert one.wait(["name:李工"]) == 0.0


def test_sign_in_throttle_is_shared_with_another_process(url):
    """A failure counted in a separate Python process locks the name here too."""
    from corridors.store import StoreThrottle

    Store(url, read_only=False).init()
    code = ("from corridors.store import StoreThrottle; import sys; "
            "print(StoreThrottle(sys.argv[1], free=0, base=120.0).failure(['name:赵工']))")
    out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    assert float(out.stdout) == 120.0
    assert 100 < StoreThrottle(url).wait(["name:赵工"]) <= 120.0


def test_sign_in_throttle_falls_back_to_this_process_when_the_store_cannot_hold_it(tmp_path, caplog):
    """A store not migrated to schema 4 (or unreachable) still throttles, per process, and the log says why."""
    from corridors.store import StoreThrottle

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    s = Store(url, read_only=False)
    with s._writing() as conn:  # a v3 store, as an older version of corridors left it
        for step in MIGRATIONS[:3]:
            step(conn)
        version_table.create(conn)
        conn.execute(version_table.insert().values(version=3))
    with caplog.at_level("WARNING", logger="corridors.store"):
        _throttle_scenario(lambda clock: StoreThrottle(url, clock=clock, free=3, base=2.0, cap=60.0))
    assert any("corridors store migrate" in r.getMessage() for r in caplog.records)
    gone = StoreThrottle(f"sqlite:///{tmp_path / 'missing' / 'x.sqlite'}", free=0, base=5.0)
    assert gone.failure(["client:x"]) == 5.0 and gone.wait(["client:x"]) > 0
