"""The register of official targets (geodata/targets.csv) and each target against the count."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from corridors import targets
from corridors.catalog import load_catalog
from corridors.cli import main
from corridors.errors import DataErrors

from .conftest import edit_csv


@pytest.fixture(scope="module")
def assessed(ds):
    return targets.assess(ds)


def cli_count(capsys, day: date, d: dict) -> int:
    """`corridors count --as-of DAY --json` under a target's definition."""
    argv = ["count", "--as-of", day.isoformat(), "--json", "--scope", d["provinces"], "--include", d["include"],
            "--unit", d["unit"], "--opened", d["opened"], "--candidates", "yes" if d["candidates"] else "no"]
    for m in d["modes"]:
        argv += ["--mode", m]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)["completed"]


def test_every_target_cites_a_source_and_quotes_a_clause(ds):
    t = ds.catalog.targets
    sources = set(ds.catalog.sources.id)
    assert len(t) and set(t.source_id) <= sources
    assert all(t.clause.str.len() > 0) and all(t.mapping_note.str.len() > 0)
    assert targets.DEFAULT_TARGET in set(t.id)


def test_the_plans_target_is_the_plans_own_figure_and_clause(ds):
    row = targets.find(ds, targets.DEFAULT_TARGET)
    assert int(row.figure) == ds.target.count and int(row.deadline) == ds.target.year
    assert row.clause in (ds.geodata / "plan" / "hunan-pprd-2016.txt").read_text(encoding="utf-8")


def test_each_reached_on_is_the_day_corridors_count_first_reaches_the_figure(assessed, capsys):
    checked = 0
    for a in assessed:
        if a["reached_on"] is None:
            continue
        day = date.fromisoformat(a["reached_on"])
        before, on = cli_count(capsys, day - timedelta(days=1), a["definition"]), cli_count(capsys, day,
                                                                                                a["definition"])
        assert before < a["figure"] <= on, a["id"]
        assert on == a["reached_count"]
        checked += 1
    assert checked >= 3  # plan2020, hw2015, hw2020 and hw2025 are reached in the shipped data


def test_the_corridor_that_reached_it_is_counted_that_day_and_not_the_day_before(ds, assessed):
    for a in assessed:
        if a["reached_on"] is None:
            continue
        d = targets.definition(targets.find(ds, a["id"]))
        day = date.fromisoformat(a["reached_on"])
        assert a["reached_by"]
        for pid in a["reached_by"]:
            assert pid in ds.count(day, d)["counted_ids"]
            assert pid not in ds.count(day - timedelta(days=1), d)["counted_ids"]


def test_met_by_deadline_and_the_gap_follow_the_count(ds, assessed, capsys):
    for a in assessed:
        if not a["mappable"]:
            assert a["reached_on"] is None and a["count_today"] is None and a["definition"] is None
            continue
        due = date.fromisoformat(a["deadline"])
        if due <= date.today():
            at = cli_count(capsys, due, a["definition"])
            assert a["count_at_deadline"] == at and a["met_by_deadline"] == (at >= a["figure"])
            assert a["met_by_deadline"] == (a["reached_on"] is not None and a["reached_on"] <= a["deadline"])
        assert a["gap_today"] == max(a["figure"] - cli_count(capsys, date.today(), a["definition"]), 0)


def test_a_target_missing_a_switch_is_refused(geodata_copy):
    edit_csv(geodata_copy / "targets.csv",
             lambda f: f.assign(unit=["" if i == "hw2015" else u for i, u in zip(f.id, f.unit)]))
    with pytest.raises(DataErrors) as err:
        load_catalog(geodata_copy)
    assert "targets.csv" in str(err.value) and "'unit'" in str(err.value)


def test_an_unmapped_target_with_a_switch_is_refused(geodata_copy):
    edit_csv(geodata_copy / "targets.csv",
             lambda f: f.assign(modes=["rail" if i == "rail2016" else m for i, m in zip(f.id, f.modes)]))
    with pytest.raises(DataErrors) as err:
        load_catalog(geodata_copy)
    assert "states no switch" in str(err.value)


def test_a_target_naming_an_unknown_reported_total_is_refused(geodata_copy):
    edit_csv(geodata_copy / "targets.csv",
             lambda f: f.assign(reported_total_id=["t99" if i == "hw2015" else r
                                                   for i, r in zip(f.id, f.reported_total_id)]))
    with pytest.raises(DataErrors) as err:
        load_catalog(geodata_copy)
    assert "reported_total_id" in str(err.value) and "t99" in str(err.value)


def test_the_reported_total_a_target_names_quotes_the_same_statement(ds):
    totals = ds.catalog.totals.set_index("id")
    linked = 0
    for r in ds.catalog.targets.itertuples():
        if r.reported_total_id:
            assert totals.source_id[r.reported_total_id] in {r.source_id, *r.confirmed_by.split(";")}, r.id
            linked += 1
    assert linked
