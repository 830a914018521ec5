"""The outlook: only what was known on its as-of date, a count that never falls with the horizon, and a
back-test on the shipped data whose figures are computed, not hoped for."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corridors import counting, forecasts, outlook, status
from corridors.catalog import MODES

ALL = counting.Definition(modes=MODES, provinces="neighbours")
N = 200  # samples per outlook in the property tests (the CLI uses outlook.N_SAMPLES)
FAST = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def summary(ds, as_of, until, d=ALL, n=N):
    return outlook.summary(outlook.simulate(ds, as_of, d, n=n), until)


def future_facts(ds, as_of: date) -> pd.Series:
    """Events not known on as_of: evidence dated after it, forecasts published after it (or never dated)."""
    ev = ds.events
    _, last = status.spans(ev)
    published = forecasts.publication_days(ev, ds.catalog.sources)
    is_fc = (ev.event == "forecast").tolist()
    return pd.Series([(p is None or p > as_of) if f else (day > as_of) for f, day, p in zip(is_fc, last, published)],
                     index=ev.index)


as_of_dates = st.dates(min_value=date(2008, 1, 1), max_value=date(2024, 12, 31))


@FAST
@given(as_of=as_of_dates, seed=st.integers(0, 2**32 - 1))
def test_shuffling_the_events_changes_nothing(ds, as_of, seed):
    until = as_of + timedelta(days=3 * 365)
    shuffled = replace(ds, events=ds.events.sample(frac=1, random_state=seed % 2**32))
    assert summary(shuffled, as_of, until) == summary(ds, as_of, until)


@FAST
@given(as_of=as_of_dates, seed=st.integers(0, 2**32 - 1), share=st.floats(0, 1))
@example(as_of=date(2008, 1, 1), seed=0, share=1.0)  # every later fact gone: nothing is left dated after as-of
def test_facts_dated_after_the_as_of_date_change_nothing(ds, as_of, seed, share):
    """Removing any of them (all, or a random share) leaves the outlook as it was."""
    until = as_of + timedelta(days=3 * 365)
    later = future_facts(ds, as_of)
    assert later.any()  # the shipped history runs past every date drawn here
    rng = np.random.default_rng(seed)
    drop = later & (rng.random(len(later)) < share)
    fewer = replace(ds, events=ds.events[~drop.to_numpy()])
    assert summary(fewer, as_of, until) == summary(ds, as_of, until)


@FAST
@given(as_of=as_of_dates, days=st.lists(st.integers(1, 20 * 365), min_size=2, max_size=6))
def test_the_median_count_never_falls_as_the_horizon_grows(ds, as_of, days):
    sim = outlook.simulate(ds, as_of, ALL, n=N)
    rows = [outlook.summary(sim, as_of + timedelta(days=d)) for d in sorted(days)]
    for a, b in zip(rows, rows[1:]):
        assert a["median"] <= b["median"] and a["low"] <= b["low"] and a["high"] <= b["high"]
        for ca, cb in zip(sorted(a["corridors"], key=lambda c: c["id"]), sorted(b["corridors"], key=lambda c: c["id"])):
            assert ca["p_open_by_until"] <= cb["p_open_by_until"]


@pytest.mark.parametrize("as_of", [date(2012, 12, 31), date(2018, 6, 30), date.today()])
def test_what_is_open_on_the_as_of_date_is_the_count(ds, as_of):
    for d in (counting.DEFAULT, ALL):
        s = summary(ds, as_of, as_of + timedelta(days=1000), d)
        assert s["open_on_as_of"] == ds.count(as_of, d)["completed"]
        assert s["low"] <= s["median"] <= s["high"] and s["low"] >= s["open_on_as_of"]
        for c in s["corridors"]:
            assert 0 <= c["p_open_by_until"] <= 1
            assert c["expected_open"] is None or c["expected_open"] > as_of.isoformat()


def test_an_outlook_is_reproducible_and_a_cancelled_corridor_never_opens(ds):
    as_of = date(2019, 12, 31)
    sim = outlook.simulate(ds, as_of, ALL, n=N)
    assert outlook.summary(sim, date(2030, 1, 1)) == summary(ds, as_of, date(2030, 1, 1))
    for c, days in zip(sim.corridors, sim.days):
        if c.stage == "cancelled":
            assert (days == outlook.NEVER).all()


def test_the_chance_of_reaching_a_figure_is_the_share_of_samples(ds):
    sim = outlook.simulate(ds, date(2016, 12, 31), counting.DEFAULT, n=N)
    counts = sim.count(date(2020, 12, 31))
    assert outlook.p_reach(sim, date(2020, 12, 31), 20) == pytest.approx((counts >= 20).mean())


def test_backtest_on_the_shipped_data(ds):
    """From every year-end 2012–2023, three years ahead (to today at the latest). Each row's verdict is checked
    against `corridors count`'s figure for its end date, and coverage and width are what the rows give. The
    README quotes the printed figures (run with -s to see them)."""
    b = outlook.backtest(ds)
    assert [r["start"][:4] for r in b["years"]] == [str(y) for y in range(2012, 2024)]
    for r in b["years"]:
        actual = ds.count(date.fromisoformat(r["until"]))["completed"]
        assert r["actual"] == actual and r["held"] == (r["low"] <= actual <= r["high"])
        assert r["width"] == r["high"] - r["low"]
        print(f"{r['start']} → {r['until']}: open {r['open_on_start']}, 80% {r['low']}–{r['high']} "
              f"(median {r['median']}), actual {actual}, {'held' if r['held'] else 'MISSED'}")
    assert b["coverage"] == sum(r["held"] for r in b["years"]) / len(b["years"])
    assert b["median_width"] == float(np.median([r["width"] for r in b["years"]]))
    print(f"coverage {b['coverage']:.2f} ({b['held']}/{b['runs']}), median width {b['median_width']}")
    # The aim is 70–90 % for an 80 % interval. The shipped data gives 10 of 12 (0.83) with seed outlook.SEED: this
    # bound fails if a change to the model or the data moves the coverage out of the aim, which is the point.
    assert 0.7 <= b["coverage"] <= 0.9


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), st.integers(min_value=0, max_value=3000))
def test_the_fans_points_are_the_start_and_every_month_end_after_it(start, days):
    """outlook.month_ends: the page's and the snapshot's fan points, counted against a day-by-day walk."""
    until = start + timedelta(days=days)
    points = outlook.month_ends(start, until)
    walk = [start + timedelta(days=i) for i in range(1, days + 1)]
    assert points == [start, *(d for d in walk if (d + timedelta(days=1)).day == 1)]
