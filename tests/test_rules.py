"""`corridors check`: each rule a schema cannot state is fed one bad row and must refuse it, naming the file,
row and field; the shipped data passes every rule."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from corridors import dataset, rules

from .conftest import edit_csv


def _check(geodata):
    return rules.check(dataset.load(geodata))


def _hits(errors, file, field=None, text=""):
    return [e for e in errors if e.file == file and (field is None or e.field == field) and text in str(e)]


def _append(path, rows):
    edit_csv(path, lambda f: pd.concat([f, pd.DataFrame(rows)], ignore_index=True).fillna(""))


def test_the_shipped_data_passes_every_rule(ds):
    assert rules.check(ds) == []


@pytest.mark.parametrize("sid", ["zz-99", "z26-99"])  # both shapes sources.csv uses ("hw-05", "x26-01")
def test_a_cited_id_must_be_a_source(geodata_copy, sid):
    def fn(f):
        f.loc[0, "route_note"] += f" ({sid})"
        return f
    edit_csv(geodata_copy / "projects.csv", fn)
    (e,) = _hits(_check(geodata_copy), "projects.csv", "route_note")
    assert e.row == 2 and e.value == sid


def test_one_address_is_one_source_id(geodata_copy):
    src = pd.read_csv(geodata_copy / "sources.csv", dtype=str, keep_default_na=False)
    copy = {**src.iloc[5].to_dict(), "id": "zz-01"}
    _append(geodata_copy / "sources.csv", [copy])
    (e,) = _hits(rules.check(dataset.load(geodata_copy)), "sources.csv", "url")
    assert e.row == len(src) + 2 and e.value == "zz-01" and src.id[5] in str(e)


def test_an_event_cannot_postdate_the_page_that_reports_it(geodata_copy):
    src = pd.read_csv(geodata_copy / "sources.csv", dtype=str, keep_default_na=False).set_index("id")
    ev = pd.read_csv(geodata_copy / "events.csv", dtype=str, keep_default_na=False)
    i = next(i for i, s in enumerate(ev.source_id) if len(src.published.get(s, "")) == 10 and ev.event[i] != "forecast")
    year = int(src.published[ev.source_id[i]][:4]) + 1

    def fn(f):
        f.loc[i, ["date", "date_precision"]] = [str(year), "year"]
        return f
    edit_csv(geodata_copy / "events.csv", fn)
    hits = _hits(_check(geodata_copy), "events.csv", "date", "after its source was published")
    assert [h.row for h in hits] == [i + 2]


def test_a_status_that_steps_back_is_refused(geodata_copy):
    _append(geodata_copy / "events.csv", [
        {"project_id": "hw_g4_hubei", "section": "hunan", "event": "approved", "status": "planned", "date": "2010",
         "date_precision": "year", "source_id": "xa-01", "note": "an approval years after the opening"}])
    rows = len(pd.read_csv(geodata_copy / "events.csv"))
    hits = _hits(_check(geodata_copy), "events.csv", "event", "back to 'planned'")
    assert [h.row for h in hits] == [rows + 1]


def test_a_whole_marked_open_before_one_of_its_halves_is_refused(geodata_copy):
    _append(geodata_copy / "events.csv", [
        {"project_id": "hw_g0422_hubei", "section": "all", "event": "opened", "status": "completed",
         "date": "2012-12-23", "date_precision": "day", "source_id": "xa-01", "note": "stub counted as open"}])
    hits = _hits(_check(geodata_copy), "events.csv", "date", "while its section 'hubei' opened only")
    assert len(hits) == 1


def test_an_outdated_place_name_is_refused(geodata_copy):
    def fn(f):
        f.loc[f.place_zh == "监利市", "place_zh"] = "监利县"
        return f
    edit_csv(geodata_copy / "waypoints.csv", fn)
    hits = _hits(_check(geodata_copy), "waypoints.csv", "place_zh", "监利市")
    assert hits and all(h.value == "监利县" for h in hits)


def test_a_place_outside_its_stated_province_is_refused(geodata_copy):
    """A Hunan town moved to Guangzhou's coordinates used to turn a project into a counted corridor."""
    def fn(f):
        f.loc[f.name_zh == "张坊镇", ["lon", "lat"]] = ["113.2644", "23.1291"]
        return f
    edit_csv(geodata_copy / "places.csv", fn)
    hits = _hits(_check(geodata_copy), "waypoints.csv", "province_zh", "outside 湖南省")
    assert hits and "张坊镇" in str(hits[0])


def test_one_crossing_listed_twice_is_refused(geodata_copy):
    for name in ("projects", "waypoints", "sections", "events"):
        key = "id" if name == "projects" else "project_id"

        def fn(f, key=key):
            twin = f[f[key] == "hw_g4_guangdong"].copy()
            twin[key] = "hw_g4_guangdong_again"
            return pd.concat([f, twin], ignore_index=True)
        edit_csv(geodata_copy / f"{name}.csv", fn)
    hits = _hits(_check(geodata_copy), "projects.csv", "id", "duplicate crossing")
    rows = len(pd.read_csv(geodata_copy / "projects.csv"))
    assert hits and "hw_g4_guangdong" in str(hits[0]) and hits[0].row == rows + 1


def test_an_opening_before_its_start_is_refused(geodata_copy):
    _append(geodata_copy / "events.csv", [
        {"project_id": "hw_g59_hubei", "section": "hunan", "event": "opened", "status": "completed",
         "date": "2019-06-01", "date_precision": "day", "source_id": "xa-01", "note": ""}])
    rows = len(pd.read_csv(geodata_copy / "events.csv"))
    hits = _hits(_check(geodata_copy), "events.csv", "date", "before construction started")
    assert [h.row for h in hits] == [rows + 1]


def test_cli_check_exits_non_zero_naming_file_row_and_field(geodata_copy):
    def fn(f):
        f.loc[0, "route_note"] += " (zz-99)"
        return f
    edit_csv(geodata_copy / "projects.csv", fn)
    run = subprocess.run([sys.executable, "-m", "corridors.cli", "--geodata", str(geodata_copy), "check"],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "projects.csv, row 2, field 'route_note'" in run.stdout


# --- both halves: a crossing counted once Hunan's half is open has, for its other half, an opening or a gap row ---

HALF = ("hw_g4_guangdong", "guangdong")  # a Pan-PRD crossing whose halves each have an opening event


def _section_row(geodata, pid, section):
    s = pd.read_csv(geodata / "sections.csv", dtype=str, keep_default_na=False)
    return int(s.index[(s.project_id == pid) & (s.section == section)][0]) + 2


def _drop_half(geodata, forecast: bool = False):
    """Remove every record of the Guangdong half (optionally leaving a forecast of its opening)."""
    pid, sec = HALF
    ev = pd.read_csv(geodata / "events.csv", dtype=str, keep_default_na=False)
    source = ev.source_id[(ev.project_id == pid) & (ev.section == sec)].iloc[0]  # a page that exists
    edit_csv(geodata / "events.csv", lambda f: f[~((f.project_id == pid) & f.section.isin([sec, "all"]))])
    edit_csv(geodata / "gaps.csv", lambda f: f[f.project_id != pid])
    if forecast:
        _append(geodata / "events.csv", [{"project_id": pid, "section": sec, "event": "forecast", "status": "",
                                          "date": "2002", "date_precision": "year", "source_id": source,
                                          "note": "expected to open"}])


@pytest.mark.parametrize("forecast", [False, True], ids=["nothing", "only a forecast"])
def test_a_counted_crossing_whose_other_half_has_no_opening_and_no_gap_row_is_refused(geodata_copy, forecast):
    _drop_half(geodata_copy, forecast)
    errors = rules.unrecorded_halves(dataset.load(geodata_copy))
    assert [(e.file, e.row, e.field, e.value) for e in errors] == [
        ("sections.csv", _section_row(geodata_copy, *HALF), "section", HALF[1])]
    assert "no opening event and no gaps.csv row" in str(errors[0])


def test_a_gap_row_for_the_missing_half_must_name_the_queries_tried(geodata_copy):
    _drop_half(geodata_copy)
    row = {"project_id": HALF[0], "section": HALF[1], "milestone": "opened", "note": "opening not found"}
    _append(geodata_copy / "gaps.csv", [{**row, "queries": ""}])
    gaps = len(pd.read_csv(geodata_copy / "gaps.csv"))
    errors = rules.unrecorded_halves(dataset.load(geodata_copy))
    assert [(e.file, e.row, e.field) for e in errors] == [("gaps.csv", gaps + 1, "queries")]
    edit_csv(geodata_copy / "gaps.csv", lambda f: f.assign(
        queries=[q or "京港澳 湘粤界 通车 (pages)" if p == HALF[0] else q for p, q in zip(f.project_id, f.queries)]))
    assert rules.unrecorded_halves(dataset.load(geodata_copy)) == []


def test_an_opening_of_the_half_satisfies_the_rule_and_the_shipped_data_has_one_or_a_gap_for_every_half(ds):
    assert rules.unrecorded_halves(ds) == []
    ev = ds.events[ds.events.event.isin(["opened", "completed"])]
    assert ((ev.project_id == HALF[0]) & (ev.section == HALF[1])).any()  # the fixture's premise
