"""Rows written into the progress store behind the app's back that break a rule the app enforces when it
records (corrections, event kinds, timestamps, text) are reported by row and rule and skipped, on SQLite and
on PostgreSQL: the count, the statuses and the events read are those of the same store without the row.
Text that cannot be stored, and titles of nothing visible, are refused when recording."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from corridors.cli import main
from corridors.errors import StoreError
from corridors.store import NewAlignment, Store, _frame, events_table

from .test_store import append, ev, writer

# 芷铜高速 (湘黔界, into Guizhou, a Pan-PRD member): Hunan's half opened 2023-11-24 (geodata/events.csv, hw-18),
# so it counts today under the default definition; a row that cancels it would drop the count by one.
PID = "zhitong"


def _shipped(ds, project: str, section: str, event: str) -> str:
    """The id of a shipped milestone (dataset.shipped_events gives every one a stable 'g-…' id)."""
    e = ds.events
    return e.event_id[(e.project_id == project) & (e.section == section) & (e.event == event)].iloc[0]


def _raw(url: str, **values) -> None:
    """A row written outside the app, bypassing every check; the defaults follow every rule."""
    row = dict(project_id=PID, section="hunan", event="correction", status="cancelled", date="2024-01-01",
               date_precision="day", source_title="outside", source_url="", note="written by a script",
               recorded_by="someone", recorded_at="2026-01-01T00:00:00+00:00", supersedes=None)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(events_table.insert().values(**{**row, **values}))
    engine.dispose()


def _all_rows(url: str) -> list[dict]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(events_table).order_by(events_table.c.id))]
    engine.dispose()
    return rows


def _count(url: str, capsys) -> tuple[dict, str]:
    assert main(["--store", url, "count", "--json"]) == 0
    out = capsys.readouterr()
    return json.loads(out.out), out.err


# Each case: the bad rows (as functions of the dataset, in order), the rule the report names, and whether the
# unscreened rows would have changed today's count (so that the test can fail: it does on the code before).
CASES = {
    "second live correction": (lambda ds, first, opened: [dict(supersedes=opened)],
                               "is already corrected by s-1: at most one live correction per event", True),
    "correction of another project's event": (
        lambda ds, first, opened: [dict(supersedes=_shipped(ds, "jingli", "hunan", "opened"))],
        "an event of jingli:hunan, not of zhitong:hunan", True),
    "correction of another section's event": (
        lambda ds, first, opened: [dict(supersedes=_shipped(ds, PID, "guizhou", "opened"))],
        "an event of zhitong:guizhou, not of zhitong:hunan", True),
    "correction of nothing": (lambda ds, first, opened: [dict(supersedes="g-0000000000")],
                              "names g-0000000000, which is not an earlier event", True),
    "correction of a later row": (lambda ds, first, opened: [dict(supersedes="s-9")],
                                  "names s-9, which is not an earlier event (no cycles", True),
    "cycle of two rows": (lambda ds, first, opened: [dict(supersedes="s-3"), dict(supersedes="s-2")],
                          "closes a cycle (s-2 → s-3 → s-2)", False),  # each hides the other
    "correction naming nothing": (lambda ds, first, opened: [dict(supersedes=None)],
                                  "a correction names the event it supersedes", True),
    "correction without a note": (lambda ds, first, opened: [dict(supersedes=first, note=" ", status="completed",
                                                          date="2023-11-24")],
                                  "field 'note' is empty: a correction says why", False),
    "event and status disagree": (lambda ds, first, opened: [dict(event="suspended", status="cancelled")],
                                  "is 'cancelled', but event 'suspended' puts a section in 'suspended'", True),
    "forecast with a status": (lambda ds, first, opened: [dict(event="forecast", status="completed")],
                               "a forecast sets no status", False),
    "event without a status": (lambda ds, first, opened: [dict(event="opened", status="")],
                               "is empty, but event 'opened' sets one", False),
    "the plan's own statement": (lambda ds, first, opened: [dict(event="plan", status="")],
                                 "'plan' is the plan's own statement", False),
    "timestamp not a time": (lambda ds, first, opened: [dict(event="suspended", status="suspended",
                                                     recorded_at="yesterday")],
                             "'yesterday' is not an ISO date and time", True),
    "timestamp without a zone": (lambda ds, first, opened: [dict(event="suspended", status="suspended",
                                                         recorded_at="2026-01-01T00:00:00")],
                                 "has no time zone", True),
    "timestamp in the future": (lambda ds, first, opened: [dict(event="suspended", status="suspended",
                                                        recorded_at="2099-01-01T00:00:00+00:00")],
                                "'2099-01-01T00:00:00+00:00' is in the future", True),
    "event dated after it was recorded": (lambda ds, first, opened: [dict(event="suspended", status="suspended",
                                                                  date="2026-03-01")],
                                          "2026-03-01 is after the row was recorded", True),
    "date before 1900": (lambda ds, first, opened: [dict(event="study", status="planned", date="1899-12-31")],
                         "1899-12-31 is before 1900", False),
    "title of zero-width spaces": (lambda ds, first, opened: [dict(event="suspended", status="suspended",
                                                           source_title="\u200b\u200b")],
                                   "field 'source_title' holds no visible character", True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_row_breaking_a_rule_is_reported_and_changes_nothing(url, ds, capsys, case):
    make, rule, would_change = CASES[case]
    store = writer(url)
    opened = _shipped(ds, PID, "hunan", "opened")
    first = append(store, ds, ev(project_id=PID, section="hunan", event="correction", status="completed",
                                 date="2023-11-24", supersedes=opened, note="the opening ceremony was at 10:00"))
    assert first == "s-1"
    before_events = Store(url).read(shipped=ds.events).events
    before_count, _ = _count(url, capsys)
    before_table = ds.with_events(before_events).table(date.today())
    rows = make(ds, first, opened)
    for values in rows:
        _raw(url, **values)
    bad_ids = [f"s-{i}" for i in range(2, 2 + len(rows))]

    rec = Store(url).read(shipped=ds.events)
    assert rec.events.equals(before_events)
    assert len(rec.problems) == len(rows), rec.problems
    for bad_id in bad_ids:
        line = next(p for p in rec.problems if f"row {bad_id}:" in p)
        assert rule in " ".join(rec.problems) and line.endswith("(row skipped)"), rec.problems

    after_count, err = _count(url, capsys)
    assert after_count == before_count
    assert all(f"row {b}:" in err for b in bad_ids) and rule in err and "Traceback" not in err
    after = ds.with_events(rec.events).table(date.today())
    assert after.drop(columns="crossings").equals(before_table.drop(columns="crossings"))
    assert main(["--store", url, "check"]) == 1
    out = capsys.readouterr().out
    assert all(f"row {b}:" in out for b in bad_ids) and rule in out

    # the same rows taken as they are (the code before this rule was checked) would change today's count
    unscreened = ds.with_events(_frame(_all_rows(url))).count(date.today())["completed"]
    assert (unscreened != before_count["completed"]) == would_change

    # the store stays writable, and the app holds its rules against what readers see
    assert append(store, ds, ev(project_id=PID, section="guizhou", event="study", status="planned",
                                date="2014-01-01", note="a study before construction (example)")) == \
        f"s-{2 + len(rows)}"


def test_an_app_correction_names_an_event_of_its_own_section(url, ds):
    store = writer(url)
    other = _shipped(ds, PID, "guizhou", "opened")
    with pytest.raises(StoreError, match=f"{other} is an event of section 'guizhou', not 'hunan'"):
        append(store, ds, ev(project_id=PID, section="hunan", event="correction", status="completed",
                             date="2023-11-24", supersedes=other, note="wrong section"))
    with pytest.raises(StoreError, match="must name an event of zhitong"):
        append(store, ds, ev(project_id=PID, section="hunan", event="correction", status="completed",
                             date="2023-11-24", supersedes=_shipped(ds, "jingli", "hunan", "opened"), note="x"))
    assert store.version() == (0, 0)


def test_a_row_retired_by_a_correction_is_no_longer_reported_but_a_cycle_is(url, ds):
    """An operator retires a row written outside the app by correcting it (test_store_faults); rows that name
    each other cannot pass for that."""
    store = writer(url)
    append(store, ds, ev(project_id=PID, section="guizhou", event="study", status="planned", date="2014-01-01",
                         note="example"))
    _raw(url, supersedes="s-3")  # s-2: names a later row
    (only,) = Store(url).read(shipped=ds.events).problems
    assert "row s-2:" in only and "which is not an earlier event" in only
    _raw(url, supersedes="s-2")  # s-3: names s-2, which names s-3
    problems = Store(url).read(shipped=ds.events).problems
    assert len(problems) == 2 and all("closes a cycle" in p for p in problems)
    fix = append(store, ds, ev(project_id=PID, section="hunan", event="correction", status="completed",
                               date="2023-11-24", supersedes="s-2", note="retire the script's row"))
    rec = Store(url).read(shipped=ds.events)
    assert fix == "s-4" and len(rec.problems) == 1 and "row s-3" in rec.problems[0]
    assert list(rec.events.event_id) == ["s-1", "s-4"]


@pytest.mark.parametrize("field", ["note", "source_title", "source_url", "recorded_by"])
def test_unencodable_text_is_refused_by_name_when_recording(url, ds, field):
    """A lone surrogate (what undecodable bytes become in Python) cannot be stored as UTF-8: one sentence
    naming the field, the same on both backends, and nothing is written or created."""
    text = {"source_url": "https://example.org/\udcff"}.get(field, "bad \udcff byte")
    store = writer(url)
    with pytest.raises(StoreError, match=f"{field} holds a character that cannot be stored as UTF-8 "
                                         r"\(U\+DCFF at character \d+, a lone surrogate\)"):
        append(store, ds, ev(**{field: text}))
    assert store.version() == (0, 0)
    append(store, ds, ev())
    with pytest.raises(StoreError, match="cannot be stored as UTF-8"):
        append(store, ds, ev(**{field: text}))
    assert store.version()[0] == 1


def test_unencodable_alignment_text_is_refused_by_name(url, ds):
    store = writer(url)
    line = NewAlignment(PID, "hunan", source_title="survey \udcff", recorded_by="tester",
                        geometry="LINESTRING (109.5 27.4, 109.2 27.6)", file_name="a.geojson", sha256="0" * 64)
    with pytest.raises(StoreError, match="source_title holds a character that cannot be stored as UTF-8"):
        store.append_alignment(line, ds.catalog.projects, ds.catalog.sections)
    assert store.alignments_version() == (0, 0)


@pytest.mark.parametrize("title", ["\u200b\u200b", " \u3000 ", "\u2060\ufeff"])
def test_a_title_must_hold_a_visible_character(url, ds, title):
    store = writer(url)
    with pytest.raises(StoreError, match="source is empty"):
        append(store, ds, ev(source_title=title))
    line = NewAlignment(PID, "hunan", source_title=title, recorded_by="tester",
                        geometry="LINESTRING (109.5 27.4, 109.2 27.6)", file_name="a.geojson", sha256="0" * 64)
    with pytest.raises(StoreError, match="source_title (holds no visible character|is empty)"):
        store.append_alignment(line, ds.catalog.projects, ds.catalog.sections)
    assert store.version() == (0, 0) and store.alignments_version() == (0, 0)


def test_a_sign_in_name_that_cannot_be_stored_is_throttled_by_this_process(url, caplog):
    """The shared throttle writes the name into the store: a lone surrogate there was a raw UnicodeEncodeError
    out of the sign-in; now it is one line in the log and this process's own throttle counts the failure."""
    from corridors.store import StoreThrottle

    Store(url, read_only=False).init()
    th = StoreThrottle(url, free=0, base=7.0)
    with caplog.at_level("WARNING", logger="corridors.store"):
        assert th.failure(["name:bad \udcff"]) == 7.0
    assert any("cannot be stored as UTF-8" in r.getMessage() for r in caplog.records)
    assert th.wait(["name:bad \udcff"]) > 0
