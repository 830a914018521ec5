"""Bad input: every problem names its file, row and field; nothing is half-loaded; the CLI exits non-zero."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from corridors import dataset
from corridors.catalog import load_catalog, parse_date
from corridors.errors import DataErrors

from .conftest import edit_csv


def _set(path, row_index, field, value):
    def fn(frame):
        frame.loc[row_index, field] = value
        return frame
    edit_csv(path, fn)


def _problem(geodata, *, file, row=None, field=None):
    with pytest.raises(DataErrors) as exc:
        dataset.load(geodata)
    hits = [e for e in exc.value.errors if e.file == file and (row is None or e.row == row)
            and (field is None or e.field == field)]
    assert hits, str(exc.value)
    return hits[0]


def test_shipped_catalog_loads(ds):
    named = ds.catalog.projects[ds.catalog.projects.plan_name != ""]
    assert len(named) == len(ds.plan_items) == 23
    assert len(ds.catalog.projects) > len(named)  # plus every corridor already open across the border


def test_unknown_place(geodata_copy):
    _set(geodata_copy / "waypoints.csv", 3, "place_zh", "乌有县")
    e = _problem(geodata_copy, file="waypoints.csv", row=5, field="place_zh")
    assert "乌有县" in str(e)


def test_ambiguous_place(geodata_copy):
    _set(geodata_copy / "waypoints.csv", 3, "place_zh", "岳阳")
    _set(geodata_copy / "waypoints.csv", 3, "county_zh", "")
    e = _problem(geodata_copy, file="waypoints.csv", row=5, field="place_zh")
    assert "ambiguous" in str(e) and "岳阳县" in str(e) and "岳阳市" in str(e)


def test_missing_field(geodata_copy):
    _set(geodata_copy / "projects.csv", 2, "lead_department", "")
    e = _problem(geodata_copy, file="projects.csv", row=4, field="lead_department")
    assert "empty" in str(e)
    _set(geodata_copy / "events.csv", 2, "source_id", "")
    e = _problem(geodata_copy, file="events.csv", row=4, field="source_id")
    assert "required" in str(e)


def test_missing_column(geodata_copy):
    edit_csv(geodata_copy / "events.csv", lambda f: f.drop(columns="source_id"))
    e = _problem(geodata_copy, file="events.csv")
    assert "missing source_id" in str(e)


def test_invalid_mode(geodata_copy):
    _set(geodata_copy / "projects.csv", 0, "mode", "teleport")
    e = _problem(geodata_copy, file="projects.csv", row=2, field="mode")
    assert "teleport" in str(e)


def test_invalid_status(geodata_copy):
    _set(geodata_copy / "events.csv", 1, "status", "finished")
    _problem(geodata_copy, file="events.csv", row=3, field="status")


def test_duplicated_id(geodata_copy):
    edit_csv(geodata_copy / "projects.csv", lambda f: __import__("pandas").concat([f, f.iloc[[0]]]))
    e = _problem(geodata_copy, file="projects.csv", field="id")
    assert "duplicated" in str(e)


def test_coordinate_outside_the_region(geodata_copy):
    _set(geodata_copy / "places.csv", 0, "lon", "12.5")
    e = _problem(geodata_copy, file="places.csv", row=2, field="lon")
    assert "12.5" in str(e)


def test_unknown_source_reference(geodata_copy):
    _set(geodata_copy / "events.csv", 0, "source_id", "no-such-source")
    e = _problem(geodata_copy, file="events.csv", row=2)
    assert "no-such-source" in str(e)


def test_the_plan_is_never_evidence(geodata_copy):
    _set(geodata_copy / "events.csv", 0, "source_id", "plan")
    e = _problem(geodata_copy, file="events.csv", row=2, field="source_id")
    assert "not evidence" in str(e)


def test_a_forecast_sets_no_status(geodata_copy):
    _set(geodata_copy / "events.csv", 0, "event", "forecast")
    _problem(geodata_copy, file="events.csv", row=2, field="status")


def test_an_expressway_needs_a_route_number(geodata_copy):
    def fn(frame):
        frame.loc[frame["mode"].eq("highway") & frame.plan_name.eq(""), "route_number"] = "Highway 1"
        return frame
    edit_csv(geodata_copy / "projects.csv", fn)
    e = _problem(geodata_copy, file="projects.csv", field="route_number")
    assert "unknown route" in str(e)


def test_an_empty_table_is_refused(geodata_copy):
    edit_csv(geodata_copy / "events.csv", lambda f: f.iloc[0:0])
    e = _problem(geodata_copy, file="events.csv")
    assert "no rows" in str(e)


def test_malformed_date(geodata_copy):
    _set(geodata_copy / "events.csv", 0, "date", "2019/09/28")
    _problem(geodata_copy, file="events.csv", row=2, field="date")


def test_all_problems_are_reported_at_once(geodata_copy):
    _set(geodata_copy / "projects.csv", 0, "mode", "teleport")
    _set(geodata_copy / "events.csv", 1, "status", "finished")
    with pytest.raises(DataErrors) as exc:
        load_catalog(geodata_copy)
    assert {e.file for e in exc.value.errors} == {"projects.csv", "events.csv"}


def test_cli_check_exits_non_zero_and_names_the_problem(geodata_copy):
    _set(geodata_copy / "projects.csv", 0, "mode", "teleport")
    run = subprocess.run([sys.executable, "-m", "corridors.cli", "--geodata", str(geodata_copy), "check"],
                         capture_output=True, text=True)
    assert run.returncode != 0
    assert "projects.csv, row 2, field 'mode'" in run.stderr


def test_dates_of_every_precision():
    assert parse_date("2019-09-28", "day") == (date(2019, 9, 28), date(2019, 9, 28))
    assert parse_date("2020-02", "month") == (date(2020, 2, 1), date(2020, 2, 29))
    assert parse_date("2015", "year") == (date(2015, 1, 1), date(2015, 12, 31))
    with pytest.raises(ValueError):
        parse_date("2015-13", "month")
    with pytest.raises(ValueError):
        parse_date("2015-01", "day")


def test_a_stray_quote_that_merges_rows_is_refused(geodata_copy):
    """A quote opened in one row's last field and closed in the next row's last field makes one row of the
    right width out of two: nothing but the line break inside a value shows it."""
    path = geodata_copy / "gaps.csv"
    head, *rows = path.read_text(encoding="utf-8").splitlines()
    plain = [i for i, r in enumerate(rows) if '"' not in r]
    i, j = plain[0], plain[1]
    assert j == i + 1, "the fixture needs two adjacent rows without quotes"
    k = head.split(",").index("note")  # the quote opens in one row's note and closes in the next row's
    a, b = rows[i].split(","), rows[j].split(",")
    rows[i] = ",".join(a[:k] + ['"' + a[k]] + a[k + 1:])
    rows[j] = ",".join(b[:k] + [b[k] + '"'] + b[k + 1:])
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(DataErrors) as exc:
        load_catalog(geodata_copy)
    hits = [e for e in exc.value.errors if e.file == "gaps.csv" and e.field == "note"]
    assert hits and "merged rows" in str(hits[0]) and hits[0].row == i + 2


def test_a_seat_at_longitude_zero_is_refused(geodata_copy):
    """A seat at lon=0.0 used to pass `check` and turn a project into a counted corridor."""
    _set(geodata_copy / "seats.csv", 5, "lon", "0.0")
    e = _problem(geodata_copy, file="seats.csv", row=7, field="lon")
    assert "minimum" in str(e)


def _edit_line(path, index, fn):
    """Rewrite one physical line of a file (0 is the header)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[index] = fn(lines[index])
    path.write_text("\n".join(lines), encoding="utf-8")


def _first_cell(line: str, value: str) -> str:
    return value + line[line.index(","):]


# Each breaks (or only bends) one file; the quick check must never let through what frictionless refuses.
EDITS = {
    "valid as shipped": ("projects.csv", None),
    "unknown enum value": ("projects.csv", lambda f: f.assign(mode=["ship", *f["mode"][1:]])),
    "id against its pattern": ("projects.csv", lambda f: f.assign(id=["Bad-Id", *f.id[1:]])),
    "required value missing": ("events.csv", lambda f: f.assign(source_id=["", *f.source_id[1:]])),
    "duplicated primary key": ("sources.csv", lambda f: pd.concat([f, f.iloc[[4]]], ignore_index=True)),
    "dangling foreign key": ("waypoints.csv", lambda f: f.assign(project_id=[*f.project_id[:-1], "nowhere"])),
    "not an integer": ("waypoints.csv", lambda f: f.assign(seq=["x", *f.seq[1:]])),
    "a fraction for an integer": ("waypoints.csv", lambda f: f.assign(seq=["1.5", *f.seq[1:]])),
    "an integer with spaces": ("waypoints.csv", lambda f: f.assign(seq=[f" {f.seq[0]} ", *f.seq[1:]])),
    "an integer with a sign": ("waypoints.csv", lambda f: f.assign(seq=[f"+{f.seq[0]}", *f.seq[1:]])),
    "the same key once cast": ("waypoints.csv", lambda f: f.assign(seq=[f.seq[0], "0" + f.seq[0], *f.seq[2:]])),
    "not a number": ("seats.csv", lambda f: f.assign(lon=["abc", *f.lon[1:]])),
    "below the minimum": ("seats.csv", lambda f: f.assign(lon=["0.0", *f.lon[1:]])),
    "above the maximum": ("places.csv", lambda f: f.assign(lat=["99.5", *f.lat[1:]])),
    "an empty integer that may be empty": ("reported_totals.csv",
                                           lambda f: f.assign(tolerance=["", *f.tolerance[1:]])),
}
LINE_EDITS = {
    "an extra cell": ("gaps.csv", 3, lambda line: line + ",extra"),
    "a missing cell": ("gaps.csv", 3, lambda line: line[:line.rindex(",")]),
    "a blank row": ("gaps.csv", 3, lambda line: ",,," + "\n" + line),
    "an empty line": ("sections.csv", 5, lambda line: "\n" + line),
    "a byte-order mark": ("projects.csv", 0, lambda line: "\ufeff" + line),
    "a value in quotes that need none": ("sections.csv", 2, lambda line: _first_cell(line, '"' + line.split(",")[0]
                                                                                      + '"')),
}


def _frictionless_only(geodata):
    import corridors.catalog as catalog

    real = catalog.plainly_valid
    catalog.plainly_valid = lambda *a: False
    try:
        return [str(e) for e in catalog.schema_errors(geodata)]
    finally:
        catalog.plainly_valid = real


@pytest.mark.parametrize("name", [*EDITS, *LINE_EDITS])
def test_the_quick_check_finds_what_frictionless_finds(geodata_copy, name):
    """schema_errors skips frictionless's cell-by-cell validation when the quick check proves the tables
    plainly valid; with it or without it the answer is the same."""
    from corridors.catalog import schema_errors

    if name in EDITS:
        file, fn = EDITS[name]
        if fn:
            edit_csv(geodata_copy / file, fn)
    else:
        file, index, fn = LINE_EDITS[name]
        _edit_line(geodata_copy / file, index, fn)
    quick = [str(e) for e in schema_errors(geodata_copy)]
    assert quick == _frictionless_only(geodata_copy)
    if name in REFUSED:
        assert quick


REFUSED = {"unknown enum value", "id against its pattern", "required value missing", "duplicated primary key",
           "dangling foreign key", "not an integer", "a fraction for an integer", "the same key once cast",
           "not a number", "below the minimum", "above the maximum", "an extra cell", "a missing cell"}


def test_the_shipped_tables_pass_the_quick_check():
    """Otherwise every load pays for frictionless's cell-by-cell validation."""
    import frictionless

    from corridors.catalog import PACKAGE, plainly_valid
    from corridors.config import geodata_dir

    assert plainly_valid(frictionless.Package(str(geodata_dir() / PACKAGE)), geodata_dir())


def test_a_research_cut_off_after_today_or_not_a_date_is_refused(geodata_copy):
    def fn(f):
        f.loc[0, "researched"] = "2999-01-01"
        f.loc[1, "researched"] = "2026-02-30"
        return f
    edit_csv(geodata_copy / "projects.csv", fn)
    with pytest.raises(DataErrors) as exc:
        load_catalog(geodata_copy)
    hits = sorted((e.row, e.value) for e in exc.value.errors if e.file == "projects.csv" and e.field == "researched")
    assert hits == [(2, "2999-01-01"), (3, "2026-02-30")]
