"""The assembled dataset: folding recorded events in touches only their projects yet equals a full rebuild; the
cache of built datasets is keyed by the geodata's contents, and an unreadable entry is rebuilt, never an error."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from corridors import counting, dataset, status

from .conftest import edit_csv


def recorded(*rows: dict) -> pd.DataFrame:
    """Events as the progress store hands them over."""
    base = {"section": "all", "event": "opened", "status": "completed", "date": "2024-05-01",
            "date_precision": "day", "source_id": "", "confirmed_by": "", "source_title": "t",
            "source_url": "https://example.org/t", "note": "", "supersedes": "", "recorded_by": "tester",
            "recorded_at": "", "origin": "store"}
    return pd.DataFrame([{**base, **r} for r in rows], columns=dataset.EVENT_FRAME)


def full(ds: dataset.Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The timelines rebuilt from scratch from every event the dataset holds."""
    c = ds.catalog
    return status.timeline(c.projects, c.sections, ds.events), status.section_timeline(c.sections, ds.events)


def assert_same(a: dataset.Dataset, b: dataset.Dataset) -> None:
    pd.testing.assert_frame_equal(a.timeline, b.timeline)
    pd.testing.assert_frame_equal(a.section_timeline, b.section_timeline)
    for day in (a.plan_date, date(2024, 6, 1), date.today()):
        for d in (counting.DEFAULT, counting.Definition(unit="route", opened="both")):
            pd.testing.assert_frame_equal(a.table(day, d), b.table(day, d))


def _retirable(ds, besides: str) -> pd.Series:
    """A shipped event of another project whose retirement changes that project's timeline."""
    c = ds.catalog
    for e in ds.events[(ds.events.origin == "geodata") & (ds.events.project_id != besides)].itertuples():
        without = ds.events[ds.events.event_id != e.event_id]
        if status.timeline_rows(c.projects, c.sections, without, only={e.project_id}) != {
                k: v for k, v in ds.history.timeline_rows.items() if k == e.project_id or
                c.projects.set_index("id").same_as.get(k) == e.project_id}:
            return ds.events.loc[e.Index]
    raise AssertionError("no shipped event changes a timeline")


def test_folding_events_in_equals_a_full_rebuild(ds):
    projects = ds.catalog.projects
    twin = projects[projects.same_as != ""].iloc[0]  # a line named twice: its twin shares the history
    sectioned = ds.catalog.sections[ds.catalog.sections.role == "line"].iloc[0]
    other = _retirable(ds, twin.same_as)
    extra = recorded(
        {"event_id": "s-1", "project_id": twin.same_as, "date": "2024-03-01"},
        {"event_id": "s-2", "project_id": sectioned.project_id, "section": sectioned.section,
         "event": "construction_start", "status": "under_construction", "date": "2023-01",
         "date_precision": "month"},
        {"event_id": "s-3", "project_id": sectioned.project_id, "section": sectioned.section, "event": "correction",
         "status": "planned", "date": "2023", "date_precision": "year", "supersedes": "s-2"},
        # a correction that retires a shipped event of another project: that project is recomputed too
        {"event_id": "s-4", "project_id": twin.same_as, "event": "correction", "status": "planned",
         "date": "2020-01-01", "supersedes": other.event_id},
    )
    merged = ds.with_events(extra)
    tl, stl = full(merged)
    pd.testing.assert_frame_equal(merged.timeline, tl)
    pd.testing.assert_frame_equal(merged.section_timeline, stl)
    rebuilt = replace(merged, timeline=tl, section_timeline=stl, history=None)
    assert_same(merged, rebuilt)
    t = merged.timeline
    assert ((t.project_id == twin.id) & (t["from"] == date(2020, 1, 1))).any()  # the twin was recomputed
    assert merged.history.timeline_rows[other.project_id] != ds.history.timeline_rows[other.project_id]


def test_events_folded_in_twice_equal_them_folded_in_at_once(ds):
    a = recorded({"event_id": "s-1", "project_id": "hw_g59_hubei", "section": "hubei", "date": "2025-09-29"})
    b = recorded({"event_id": "s-2", "project_id": "hw_g59_hubei", "section": "hubei", "event": "correction",
                  "status": "under_construction", "date": "2025-09-30", "supersedes": "s-1"},
                 {"event_id": "s-3", "project_id": ds.catalog.projects.id.iloc[-1], "date": "2022-02-02"})
    once = ds.with_events(pd.concat([a, b], ignore_index=True))
    twice = ds.with_events(a).with_events(b)
    tl, stl = full(twice)
    pd.testing.assert_frame_equal(twice.timeline, tl)
    pd.testing.assert_frame_equal(twice.section_timeline, stl)
    pd.testing.assert_frame_equal(once.timeline, twice.timeline)
    assert once.count(date.today()) == twice.count(date.today())


def test_a_dataset_made_from_another_ones_fields_is_never_folded_from_stale_rows(ds):
    """Code that builds a Dataset from another one's fields, with other events, gets a full recomputation."""
    pid = ds.catalog.projects.id.iloc[0]
    moved = ds.events.assign(date=["1999-01-01" if p == pid and o == "geodata" else d for p, o, d in
                                   zip(ds.events.project_id, ds.events.origin, ds.events.date)],
                             date_precision=["day" if p == pid and o == "geodata" else x for p, o, x in
                                             zip(ds.events.project_id, ds.events.origin, ds.events.date_precision)])
    by_hand = replace(ds, events=moved)
    merged = by_hand.with_events(recorded({"event_id": "s-1", "project_id": ds.catalog.projects.id.iloc[-1]}))
    tl, stl = full(merged)
    pd.testing.assert_frame_equal(merged.timeline, tl)
    pd.testing.assert_frame_equal(merged.section_timeline, stl)
    assert by_hand.table(date(1999, 1, 2)).set_index("id").latest_evidence[pid] == "1999-01-01"


def test_a_recorded_event_leaves_other_projects_rows_untouched(ds):
    pid = ds.catalog.projects.id.iloc[0]
    merged = ds.with_events(recorded({"event_id": "s-1", "project_id": pid, "date": "2024-01-02"}))
    for other, rows in ds.history.timeline_rows.items():
        if other != pid and ds.catalog.projects.set_index("id").same_as.get(other) != pid:
            assert merged.history.timeline_rows[other] is rows


def test_a_table_asked_for_again_is_kept_yet_each_caller_gets_its_own_copy(ds):
    day = date(2024, 6, 1)
    first = ds.table(day)
    first["status"] = "changed"
    pd.testing.assert_frame_equal(ds.table(day), ds._table(day, counting.DEFAULT))
    for n in range(dataset.TABLES_KEPT + 3):  # the kept tables stay bounded however many dates are asked for
        ds.table(date(2010 + n, 1, 1))
    assert len(ds._tables) <= dataset.TABLES_KEPT


def test_a_kept_table_is_never_shown_for_a_dataset_with_more_events(ds):
    day = date(2024, 6, 1)
    before = ds.table(day)
    pid = before[(before.status != "completed") & (before.same_as == "")].id.iloc[0]
    merged = ds.with_events(recorded({"event_id": "s-1", "project_id": pid, "date": "2024-05-01"}))
    assert merged.table(day).set_index("id").status[pid] == "completed"
    assert ds.table(day).set_index("id").status[pid] == before.set_index("id").status[pid]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder; the code's version held still (an edit to any module mid-test would change it)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(folder))
    version = dataset.code_version()
    monkeypatch.setattr(dataset, "code_version", lambda: version)
    return folder


def _builds(monkeypatch) -> list:
    """Count the builds from the files (a cache hit makes none)."""
    calls = []
    real = dataset.build

    def counting_build(*args, **kw):
        calls.append(args)
        return real(*args, **kw)
    monkeypatch.setattr(dataset, "build", counting_build)
    return calls


def test_a_second_load_reads_the_cache_and_equals_a_build(cache, geodata_copy, monkeypatch):
    builds = _builds(monkeypatch)
    first = dataset.load(geodata_copy)
    second = dataset.load(geodata_copy)
    assert len(builds) == 1 and len(list(cache.glob("dataset-*.pickle"))) == 1
    assert second.geodata == geodata_copy and second.fingerprint == first.fingerprint
    assert second.history.holds(second)  # read back whole: folding events in stays incremental
    assert_same(second, dataset.load(geodata_copy, cache=False))


def test_the_cache_is_invalidated_when_a_geodata_file_changes(cache, geodata_copy, monkeypatch):
    builds = _builds(monkeypatch)
    before = dataset.load(geodata_copy)
    pid = before.catalog.projects.id.iloc[0]
    edit_csv(geodata_copy / "projects.csv",
             lambda f: f.assign(name_en=[n + " (renamed)" if i == pid else n for i, n in zip(f.id, f.name_en)]))
    after = dataset.load(geodata_copy)
    assert len(builds) == 2 and after.fingerprint != before.fingerprint
    assert after.catalog.projects.set_index("id").name_en[pid].endswith("(renamed)")


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", pickle.dumps({"a": 1}), pickle.dumps("x")[:-3]])
def test_a_corrupt_cache_entry_is_rebuilt_not_an_error(cache, geodata_copy, monkeypatch, garbage):
    dataset.load(geodata_copy)
    (entry,) = cache.glob("dataset-*.pickle")
    entry.write_bytes(garbage)
    builds = _builds(monkeypatch)
    ds = dataset.load(geodata_copy)
    assert len(builds) == 1 and ds.count(date.today())["completed"] > 0
    assert isinstance(pickle.loads(entry.read_bytes()), dataset.Dataset)  # and the entry is whole again


def test_an_entry_for_other_geodata_is_not_taken(cache, geodata_copy, monkeypatch):
    """Even under the right name, a dataset built from other files is not used."""
    dataset.load(geodata_copy)
    (entry,) = cache.glob("dataset-*.pickle")
    stale = dataset.build(geodata_copy)
    entry.write_bytes(pickle.dumps(replace(stale, fingerprint="0" * 64)))
    builds = _builds(monkeypatch)
    assert dataset.load(geodata_copy).fingerprint == stale.fingerprint and len(builds) == 1


def test_an_unwritable_cache_folder_only_costs_a_build(tmp_path, geodata_copy, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(blocker / "cache"))
    assert dataset.load(geodata_copy).count(date.today())["completed"] > 0


def test_a_load_for_another_day_bypasses_the_cache(cache, geodata_copy, monkeypatch):
    dataset.load(geodata_copy)
    builds = _builds(monkeypatch)
    dataset.load(geodata_copy, today=date.today())
    assert len(builds) == 1


def test_an_empty_cache_setting_turns_the_cache_off(tmp_path, geodata_copy, monkeypatch):
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert dataset.cache_dir() is None
    dataset.load(geodata_copy)
    assert not (tmp_path / "xdg").exists()


def test_the_code_version_changes_with_the_code(monkeypatch):
    before = dataset.code_version()
    monkeypatch.setattr(dataset.metadata, "version", lambda dist: "9.9.9")
    assert dataset.code_version() != before
