"""The count against the plan's 20 under an explicit definition: units, provinces, the Hunan-half rule,
upgrades and duplicates, the series over time, and agreement with the official totals."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import pytest

from corridors import counting
from corridors.catalog import parse_date
from corridors.counting import Definition

HUBEI, JIANGXI, GUANGDONG, GUANGXI = "420000", "360000", "440000", "450000"


def row(pid, crossings, *, mode="highway", status="completed", hunan=None, route="", path=None, in_plan=False,
        same_as="", upgrade_of="", identification="confirmed"):
    return {"id": pid, "mode": mode, "route_number": route, "status": status, "hunan_status": hunan or status,
            "crossings": [{"province": c} for c in crossings], "province_codes": path or ["430000", *crossings],
            "in_plan": in_plan, "same_as": same_as, "upgrade_of": upgrade_of, "identification": identification}


def table(*rows):
    return pd.DataFrame(list(rows))


def completed(t, **kw):
    return counting.count(t, Definition(**kw), 20)["completed"]


def test_each_crossing_counts_once_and_a_route_per_neighbour_counts_once():
    t = table(row("a", [GUANGDONG], route="G4"), row("b", [GUANGDONG], route="G4"), row("c", [GUANGXI], route="G4"))
    assert completed(t) == 3
    assert completed(t, unit="route") == 2


def test_a_line_wiggling_across_one_border_counts_that_border_once():
    assert completed(table(row("a", [GUANGDONG, GUANGDONG, GUANGDONG]))) == 1
    assert completed(table(row("a", [GUANGXI, JIANGXI], path=[GUANGXI, "430000", JIANGXI]))) == 2


def test_upgrades_and_lines_named_twice_never_add_a_corridor():
    t = table(row("old", [GUANGXI], mode="rail"), row("upgrade", [GUANGXI], mode="rail", upgrade_of="old"),
              row("part", [GUANGXI], mode="rail", same_as="old"))
    assert completed(t, modes=("rail",)) == 1


def test_provinces_rule():
    t = table(row("hubei_only", [HUBEI], path=["430000", HUBEI]),
              row("via_hubei", [HUBEI], path=["430000", HUBEI, JIANGXI]),
              row("jiangxi", [JIANGXI]))
    assert completed(t, provinces="pan-prd") == 1
    assert completed(t, provinces="pan-prd-beyond") == 2
    assert completed(t, provinces="neighbours") == 3


def test_hunan_half_rule_counts_a_stub_that_reached_the_border():
    t = table(row("stub", [GUANGXI], status="under_construction", hunan="completed"),
              row("neighbour_first", [GUANGXI], status="under_construction", hunan="under_construction"))
    assert completed(t, opened="hunan") == 1
    assert completed(t, opened="both") == 0


def test_plan_only_and_candidates():
    t = table(row("old", [GUANGDONG]), row("plan", [GUANGDONG], in_plan=True),
              row("guess", [GUANGDONG], in_plan=True, identification="candidate"))
    assert completed(t) == 3 and completed(t, include="plan") == 2 and completed(t, candidates=False) == 2
    assert counting.count(t, Definition(), 20)["candidates"] == 1


def test_modes_and_statuses_are_kept_apart():
    t = table(row("r", [GUANGDONG], mode="rail"), row("h", [GUANGDONG], status="planned"),
              row("n", [GUANGDONG], status="plan_stated"))
    c = counting.count(t, Definition(), 20)
    assert c["completed"] == 0 and c["by_status"]["planned"] == 1 and c["by_status"]["no_evidence"] == 1
    assert completed(t, modes=("rail", "highway")) == 1


def test_a_definition_refuses_unknown_switches():
    with pytest.raises(ValueError, match="unit"):
        Definition(unit="kilometre")
    with pytest.raises(ValueError, match="mode"):
        Definition(modes=())


def test_marked_table_agrees_with_the_count(ds):
    for d in counting.variants(counting.DEFAULT):
        t = ds.table(date(2020, 12, 31), d[1])
        c = counting.count(t, d[1], 20)
        assert set(t.id[t.counted]) == set(c["counted_ids"])
        assert not t.counted[~t.corridor].any()


@pytest.mark.parametrize("label,definition", counting.variants(counting.DEFAULT))
def test_the_series_agrees_with_the_count_on_every_date(ds, label, definition):
    end = date(2026, 1, 1)
    s = ds.count_series(definition, end)
    rng = random.Random(7)
    days = list(s.date) + [s.date.iloc[0] + timedelta(days=rng.randrange((end - s.date.iloc[0]).days))
                           for _ in range(8)]
    for day in days:
        expected = ds.count(day, definition)["completed"]
        got = int(s[s.date <= day].completed.iloc[-1])
        assert got == expected, (label, day)
    assert (s.existing + s.new == s.completed).all()
    assert (s[s.date >= ds.plan_date].existing <= ds.count(ds.plan_date, definition)["completed"]).all()


def test_counts_agree_with_the_officially_reported_totals(ds):
    """Each figure is a quote in reported_totals.csv with its source (e.g. 芷铜 named "湖南第29个高速公路出省通道",
    湖南日报 2023-11-24); the product counts expressway crossings of all six neighbours, per crossing, with Hunan's
    half reaching the border, and must agree within the tolerance the row states."""
    rows = ds.catalog.totals[ds.catalog.totals.reconcile == "yes"]
    assert len(rows) >= 3
    for r in rows.itertuples():
        _, last = parse_date(r.as_of, r.as_of_precision)
        d = Definition(modes=("highway",), provinces="neighbours", unit="crossing", include="all",
                       opened="hunan" if r.stub_rule == "hunan" else "both")
        ours = ds.count(last, d)["completed"]
        assert abs(ours - r.figure) <= int(r.tolerance), (r.id, ours, r.figure)


def test_the_reconciliation_gives_each_official_total_under_both_opening_rules(ds):
    """The page's reconciliation table: the figure under the row's own rule (compared, within its tolerance)
    and under each opening rule, each equal to the count computed directly; counting both halves never gives
    more than counting Hunan's half."""
    rec = ds.reconcile().set_index("id")
    rows = ds.catalog.totals[ds.catalog.totals.reconcile == "yes"]
    assert list(rec.index) == list(rows.id)
    for r in rows.itertuples():
        _, last = parse_date(r.as_of, r.as_of_precision)
        got = {rule: ds.count(last, Definition(modes=("highway",), provinces="neighbours", opened=rule))["completed"]
               for rule in ("hunan", "both")}
        row = rec.loc[r.id]
        assert (row.hunan, row.both) == (got["hunan"], got["both"]), r.id
        assert row.rule == ("hunan" if r.stub_rule == "hunan" else "both")
        assert row.computed == got[row.rule] and row.agrees == (abs(row.computed - r.figure) <= int(r.tolerance))
        assert row.agrees, (r.id, row.computed, r.figure)
        assert row.both <= row.hunan


def test_the_running_total_includes_corridors_open_before_the_plan(ds):
    base = ds.count(ds.plan_date)
    later = ds.count(date(2020, 12, 31))
    assert base["completed"] > 0, "a running total starts from the corridors already open in 2016"
    plan_only = ds.count(date(2020, 12, 31), Definition(include="plan"))["completed"]
    assert plan_only < later["completed"]


@pytest.mark.parametrize("label,definition", counting.variants(counting.DEFAULT))
def test_the_day_the_target_was_reached_is_the_first_day_the_count_reaches_it(ds, label, definition):
    """reached() against count() on that day and the day before; its corridor opens on that day."""
    end = date(2026, 1, 1)
    hit = ds.reached(definition, end)
    target = ds.target.count
    if hit is None:
        assert ds.count(end, definition)["completed"] < target, label
        return
    before = hit.day - timedelta(days=1)
    assert ds.count(hit.day, definition)["completed"] >= target > ds.count(before, definition)["completed"], label
    on, off = ds.table(hit.day, definition).set_index("id"), ds.table(before, definition).set_index("id")
    assert on.counted[hit.project_id] and not off.counted[hit.project_id], label
    assert ds.reached(definition, before) is None


@pytest.mark.parametrize("label,definition", counting.variants(counting.DEFAULT))
def test_the_counted_corridors_are_numbered_one_to_n_in_the_order_they_opened(ds, label, definition):
    end = date(2026, 1, 1)
    units = ds.numbered(definition, end)
    assert [u.number for u in units] == list(range(1, ds.count(end, definition)["completed"] + 1)), label
    assert [u.day for u in units] == sorted(u.day for u in units)
    counted = set(ds.table(end, definition).query("counted").id)
    assert {u.project_id for u in units} <= counted
    hit = ds.reached(definition, end)
    if hit is not None:  # nothing closed again in the data: the target-th number is the corridor that reached it
        assert units[ds.target.count - 1].project_id == hit.project_id


def test_a_tie_on_the_day_the_target_is_reached_is_reported():
    t = table(row("a", [GUANGDONG]), row("b", [GUANGXI]), row("c", [JIANGXI]))
    tl = pd.DataFrame({"project_id": ["a", "b", "c"], "from": [date(2001, 1, 1), date(2005, 5, 5), date(2005, 5, 5)],
                       "status": ["completed"] * 3, "hunan_status": ["completed"] * 3})
    hit = counting.reached(tl, t, Definition(), 2, date(2010, 1, 1))
    assert hit.day == date(2005, 5, 5) and hit.project_id == "b" and hit.same_day == ("c",)
    assert counting.reached(tl, t, Definition(), 4, date(2010, 1, 1)) is None
    assert counting.reached(tl, t, Definition(), 2, date(2005, 5, 4)) is None
    assert [(u.number, u.project_id) for u in counting.numbered(tl, t, Definition(), date(2010, 1, 1))] == [
        (1, "a"), (2, "b"), (3, "c")]
