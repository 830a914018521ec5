"""The neighbours' reckoning: each neighbour's own count (geodata/neighbour_counts.csv) against Hunan's, crossing
by crossing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from corridors import reckoning, stubs
from corridors.catalog import load_catalog, parse_date
from corridors.cli import main
from corridors.errors import DataErrors

from .conftest import edit_csv


@pytest.fixture(scope="module")
def reckoned(ds):
    return reckoning.reckon(ds)


def _row(ds, row_id: str):
    c = ds.catalog.neighbour_counts
    return next(c[c.id == row_id].itertuples())


def cli_count(capsys, day: str, mode: str) -> dict:
    """`corridors count --as-of DAY --scope neighbours --mode MODE --json`: Hunan's own series."""
    assert main(["count", "--as-of", day, "--scope", "neighbours", "--mode", mode, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_every_figure_quotes_its_clause_and_cites_a_source(ds):
    c = ds.catalog.neighbour_counts
    assert len(c) and set(c.source_id) <= set(ds.catalog.sources.id)
    assert all(c.clause.str.len() > 0) and all(c.document.str.len() > 0) and all(c.publisher.str.len() > 0)
    outlets = dict(zip(ds.catalog.sources.id, ds.catalog.sources.outlet))
    assert [outlets[s] for s in c.source_id] == list(c.outlet)


def test_hunans_count_is_corridors_count_for_that_neighbour_mode_and_date(reckoned, capsys):
    for r in reckoned:
        counted = cli_count(capsys, r["as_of_day"], r["mode"])
        assert r["hunan_count"] == counted["by_neighbour"].get(r["neighbour"], {}).get("completed", 0), r["id"]
        assert r["difference"] == r["figure"] - r["hunan_count"]


def test_the_parts_split_hunans_crossings_and_add_up_to_the_figure_when_explained(ds, reckoned):
    for r in reckoned:
        table = ds.table(date.fromisoformat(r["as_of_day"]), reckoning.definition(r["mode"]))
        code = next(k for k, v in _provinces().items() if v == r["neighbour"])
        # Hunan's crossings into that neighbour, from the table's own verdicts (counting.mark), not the module
        mine = {pid for pid, units, counted in zip(table.id, table.crossings, table.counted)
                if counted and any(c["province"] == code for c in units)}
        both, only_h, only_n = set(r["both"]), set(r["only_hunan"]), set(r["only_neighbour"])
        assert both | only_h == mine and not both & only_h and not both & only_n, r["id"]
        assert len(mine) == r["hunan_count"]
        extra = sum(len(roads) - 1 for roads in r["shared"])
        assert r["reading_count"] == len(both) + len(only_n) + extra
        if r["verdict"] in ("agrees", "explained"):
            assert r["reading_count"] == r["figure"] and r["unnamed"] == 0
        if r["verdict"] == "consistent":
            assert r["figure_kind"] == "at_least" and r["reading_count"] >= r["figure"]


def test_hunans_crossings_the_neighbour_cannot_count_are_the_days_dead_ends(ds, reckoned):
    """A crossing only Hunan counts because the neighbour's half was not open is on that day's 断头路 list
    (stubs.py, computed from the sections on its own)."""
    checked = 0
    for r in reckoned:
        day = date.fromisoformat(r["as_of_day"])
        listed = stubs.stubs(ds, day)
        waiting = set(listed.id[(listed.neighbour == r["neighbour"]) & (listed.open_half == "hunan")
                                & (listed["mode"] == r["mode"])])
        assert set(r["waiting"]) == waiting, r["id"]
        other = dict(zip(listed.id, listed.other_stage))
        assert all(r["waiting"][p] == other[p] for p in waiting)  # the stage stubs gives the other half
        checked += len(waiting)
    assert checked  # the Guangxi figure of 2015 leaves two of Hunan's crossings waiting


def test_the_readmes_reckoning_table_is_what_the_data_gives(reckoned):
    """Each row of the README's table (id, figure, Hunan's count, difference, verdict) as reckoning computes it."""
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[0] in {r["id"] for r in reckoned}:
            rows[cells[0]] = cells
    assert set(rows) == {r["id"] for r in reckoned}
    for r in reckoned:
        _, _, figure, hunan, difference, verdict = rows[r["id"]][:6]
        assert (figure.split()[0], int(hunan), int(difference), verdict) == (
            str(r["figure"]), r["hunan_count"], r["difference"], r["verdict"]), r["id"]


def test_a_figure_the_crossings_do_not_add_up_to_is_unexplained(ds):
    row = _row(ds, "gd_2024_02")
    table = ds.table(parse_date(row.as_of, row.as_of_precision)[1], reckoning.definition(row.mode))
    without = row._replace(names=";".join(p for p in row.names.split(";") if not p.startswith("乐广")))
    r = reckoning.reconcile(without, table)
    assert r["verdict"] == "unexplained" and r["unnamed"] == 1 and "无法解释" in r["explanation_zh"]
    assert reckoning.reconcile(row._replace(figure=7), table)["verdict"] == "unexplained"
    lower = reckoning.reconcile(row._replace(figure=7, figure_kind="at_least"), table)
    assert lower["verdict"] == "unexplained"  # 7 or more: the data has only 6 roads' worth
    bound = _row(ds, "gd_2018_12")
    table = ds.table(parse_date(bound.as_of, bound.as_of_precision)[1], reckoning.definition(bound.mode))
    both_open = reckoning.reconcile(bound, table)["reading_count"]
    r = reckoning.reconcile(bound._replace(figure=both_open - 1), table)  # a lower bound the data exceeds
    assert (r["verdict"], r["unnamed"], r["reading_count"]) == ("consistent", 0, both_open)
    r = reckoning.reconcile(bound._replace(figure=both_open + 1), table)
    assert r["verdict"] == "unexplained" and r["unnamed"] == 1


def test_a_snapshot_lists_only_the_figures_published_by_its_date(ds):
    day = date(2016, 1, 1)
    c = ds.catalog.neighbour_counts
    known = [r.id for r in c.itertuples()
             if parse_date(r.published, reckoning.PRECISION[r.published.count("-")])[1] <= day]
    assert 0 < len(known) < len(c)  # the shipped rows straddle the day
    assert [r["id"] for r in reckoning.reckon(ds, day)] == known


def test_cli_json_shape(capsys, reckoned):
    assert main(["reckoning", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(reckoned)
    for r in rows:
        assert {"neighbour", "mode", "figure", "as_of", "source_id", "hunan_count", "both", "only_hunan",
                "difference", "explanation"} <= set(r)
        assert isinstance(r["figure"], int) and isinstance(r["hunan_count"], int)
        assert isinstance(r["both"], list) and isinstance(r["only_hunan"], list)
        assert date.fromisoformat(r["as_of_day"]).isoformat().startswith(r["as_of"]) and r["explanation"]
    assert main(["reckoning"]) == 0
    assert "gd_2024_02" in capsys.readouterr().out


def test_a_named_road_without_a_project_is_refused(geodata_copy):
    edit_csv(geodata_copy / "neighbour_counts.csv",
             lambda f: f.assign(names=[n.replace("yanru", "no_such_road") for n in f.names]))
    with pytest.raises(DataErrors) as err:
        load_catalog(geodata_copy)
    assert "neighbour_counts.csv" in str(err.value) and "no_such_road" in str(err.value)


def test_an_outlet_other_than_the_sources_is_refused(geodata_copy):
    edit_csv(geodata_copy / "neighbour_counts.csv",
             lambda f: f.assign(outlet=["official" if i == "gd_2024_02" else o for i, o in zip(f.id, f.outlet)]))
    with pytest.raises(DataErrors) as err:
        load_catalog(geodata_copy)
    assert "outlet" in str(err.value) and "repost" in str(err.value)


def _provinces():
    from corridors.boundaries import PROVINCES

    return {k: v.name_zh for k, v in PROVINCES.items()}
