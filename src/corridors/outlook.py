"""An outlook of the count with honest uncertainty, using only what was known on its as-of date.

Known on a date: status evidence whose date (its last possible day) is on or before it, and opening forecasts
published on or before it (forecasts.py). From these alone, for each corridor that can count under a definition:

- its stage on the date (planned, under construction — which includes one half or part of the line open —, no
  evidence, suspended, cancelled) and the day it entered that stage;
- the durations from each stage to opening learned from corridors that had opened by the date (same modes as the
  definition; all modes pooled when fewer than MIN_SAMPLES; a stated prior, PRIOR_DAYS, when even the pool is
  smaller): the empirical distribution, sampled given the time already spent in the stage (a corridor two years
  into construction draws from the durations longer than two years);
- when an opening forecast is known and MIN_SAMPLES past forecasts can be scored against the openings that followed
  them, the forecast date plus a slip drawn from those scores.

A corridor with no evidence is taken to enter planning on the as-of date; a cancelled one never opens. Monte Carlo
(N samples, seeded per corridor, so that the result does not depend on the order of rows) gives each corridor a
distribution of opening days; a counting unit (counting.units) opens with its first member, and the count on any
later date is a distribution whose median and central interval (level 0.8: the 10th and 90th percentiles) are
reported. Each sample's count never falls with the date, so neither does the median.

The durations come only from corridors that did open (a corridor still waiting is not in them), so they lean
optimistic for long-stalled projects; the back-test (backtest()) measures how well the interval holds.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from . import counting, forecasts, status

N_SAMPLES = 1000
SEED = 20161024  # the plan's date: any fixed seed gives a reproducible outlook
LEVEL = 0.8
MIN_SAMPLES = 5
NEVER = np.iinfo(np.int64).max // 4
# A stated guess, used only when fewer than MIN_SAMPLES openings of any mode are known on the as-of date: days from the
# as-of date to opening, drawn uniformly between these bounds (precision: a guess, not learned from the data).
PRIOR_DAYS = {"under_construction": (180, 5 * 365), "planned": (2 * 365, 12 * 365)}


@dataclass(frozen=True)
class Knowledge:
    """What was known on `as_of`: the status timelines from evidence dated on or before it, and the opening forecasts
    published on or before it."""

    as_of: date
    timeline: pd.DataFrame
    forecasts: pd.DataFrame


def knowledge(ds, as_of: date) -> Knowledge:
    """The facts of a dataset known on `as_of` (see Knowledge); later events and forecasts are dropped first."""
    ev = ds.events
    _, last = status.spans(ev) if len(ev) else ([], [])
    is_forecast = (ev.event == "forecast").to_numpy()
    keep = np.array([d <= as_of for d in last], dtype=bool) | is_forecast
    c = ds.catalog
    own = ds.history is not None and ds.history.holds(ds)  # the timelines are those of these very events
    if keep.all() and own:  # nothing is dated after the as-of date: the dataset's own timelines are the known ones
        timeline, section_timeline = ds.timeline, ds.section_timeline
    else:
        ev = ev[keep]
        timeline = status.timeline(c.projects, c.sections, ev)
        section_timeline = status.section_timeline(c.sections, ev)
    fc = forecasts.known_openings(ev, c.sources, c.sections, section_timeline, as_of)
    return Knowledge(as_of, timeline, fc)


@dataclass(frozen=True)
class Corridor:
    """One corridor's state on the as-of date, as the simulation reads it."""

    id: str
    stage: str  # completed, under_construction, planned, no_evidence, suspended or cancelled
    since: date | None  # the day it entered the stage
    opened: date | None  # for 'completed': the day it opened
    forecast: date | None  # the latest opening forecast known (its last possible day)


def _runs(timeline: pd.DataFrame, column: str) -> dict[str, list[tuple[date, str | None]]]:
    out: dict[str, list[tuple[date, str | None]]] = {}
    for pid, day, st in zip(timeline.project_id.tolist(), timeline["from"].tolist(), timeline[column].tolist()):
        out.setdefault(pid, []).append((day, st if isinstance(st, str) else None))
    return out


def _state(rows: list[tuple[date, str | None]]) -> tuple[str, date | None]:
    """The current status and the day its run began."""
    if not rows or rows[-1][1] is None:
        return "no_evidence", None
    st = rows[-1][1]
    i = len(rows) - 1
    while i > 0 and rows[i - 1][1] == st:
        i -= 1
    return st, rows[i][0]


def corridors(ds, k: Knowledge, d: counting.Definition, ids: list[str]) -> list[Corridor]:
    """Each corridor's stage, since when, and latest known forecast on the as-of date."""
    runs = _runs(k.timeline, d.status_column)
    sec = ds.catalog.sections
    hunan_sections = set(zip(sec.project_id[sec.province_zh == status.HUNAN_ZH],
                             sec.section[sec.province_zh == status.HUNAN_ZH]))
    same = dict(zip(ds.catalog.projects.id, ds.catalog.projects.same_as))
    fc = k.forecasts
    if d.opened == "hunan" and len(fc):
        fc = fc[[s == "all" or (p, s) in hunan_sections for p, s in zip(fc.project_id, fc.section)]]
    latest_fc = dict(zip(fc.project_id, fc["day"])) if len(fc) else {}  # ordered by publication: last wins
    out = []
    for pid in ids:
        rows = runs.get(pid, [])
        st, since = _state(rows)
        opened = since if st == "completed" else None
        fc_day = latest_fc.get(pid) or latest_fc.get(same.get(pid) or "")
        out.append(Corridor(pid, st, since, opened, fc_day if st != "completed" else None))
    return out


@dataclass(frozen=True)
class Learned:
    """Stage → opening durations (days) and forecast slips (days) known on the as-of date, with where they came
    from ('modes', 'pooled' or 'prior')."""

    durations: dict[str, np.ndarray]
    slips: np.ndarray
    basis: dict[str, str]


def _durations(runs: dict[str, list[tuple[date, str | None]]], ids: set[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {"planned": [], "under_construction": []}
    for pid in sorted(ids):
        rows = runs.get(pid, [])
        st, since = _state(rows)
        if st != "completed":
            continue
        opened = next(day for day, s in rows if s == "completed")
        first = next((day for day, s in rows if s is not None), None)
        built = next((day for day, s in rows if s == "under_construction"), None)
        if first is not None and first < opened:
            out["planned"].append((opened - first).days)
        if built is not None and built < opened:
            out["under_construction"].append((opened - built).days)
    return out


def learn(ds, k: Knowledge, d: counting.Definition) -> Learned:
    """Durations from corridors opened by the as-of date (see module docstring) and slips of past forecasts."""
    runs = _runs(k.timeline, d.status_column)
    projects = ds.catalog.projects
    real = projects[(projects.same_as == "") & (projects.upgrade_of == "")]
    mine = _durations(runs, set(real.id[real["mode"].isin(d.modes)]))
    pooled = _durations(runs, set(real.id))
    durations, basis = {}, {}
    for stage in ("planned", "under_construction"):
        if len(mine[stage]) >= MIN_SAMPLES:
            durations[stage], basis[stage] = np.sort(np.array(mine[stage], dtype=np.int64)), "modes"
        elif len(pooled[stage]) >= MIN_SAMPLES:
            durations[stage], basis[stage] = np.sort(np.array(pooled[stage], dtype=np.int64)), "pooled"
        else:
            durations[stage], basis[stage] = np.array([], dtype=np.int64), "prior"
    slips = []
    fc = k.forecasts
    for pid, day, pub in zip(fc.project_id.tolist(), fc["day"].tolist(), fc.published.tolist()):
        st, _ = _state(runs.get(pid, []))
        if st == "completed":
            opened = next(dd for dd, s in runs[pid] if s == "completed")
            if opened > pub:  # scored only against an opening that came after the forecast
                slips.append((opened - day).days)
    return Learned(durations, np.sort(np.array(slips, dtype=np.int64)), basis)


def _rng(seed: int, pid: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(pid.encode("utf-8"))])


def _boot(values: np.ndarray, n: int, seed: int, key: str) -> np.ndarray:
    """N bootstrap copies of the learned values, each sorted (samples × values): each sample of the outlook reads its
    own copy, so that a sample in which construction ran slow runs slow for every corridor (what a handful of
    durations cannot pin down widens the interval instead of hiding)."""
    if not len(values):
        return np.empty((n, 0), dtype=np.int64)
    b = np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))]).choice(values, (n, len(values)))
    b.sort(axis=1)
    return b


def _longer_than(boot: np.ndarray, elapsed: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Per sample, one value of its copy drawn among those above `elapsed`, and whether there was any."""
    n, m = boot.shape
    k = (boot > elapsed).sum(axis=1)
    idx = np.minimum(m - k + np.floor(rng.random(n) * k).astype(np.int64), m - 1)
    return boot[np.arange(n), idx], k > 0


def _draw(c: Corridor, boots: dict[str, np.ndarray], as_of: int, n: int,
          rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """N opening days (ordinals) for one unopened corridor, and the method used."""
    if c.stage == "cancelled":
        return np.full(n, NEVER, dtype=np.int64), "cancelled"
    if c.forecast is not None and boots["slips"].shape[1] >= MIN_SAMPLES:
        fday = c.forecast.toordinal()
        slip, ok = _longer_than(boots["slips"], as_of - fday, rng)
        if ok.mean() >= 0.5:  # the forecast is still in the range its predecessors slipped by
            restart = as_of + np.maximum(boots["slips"][np.arange(n), rng.integers(0, boots["slips"].shape[1], n)], 1)
            return np.where(ok, fday + slip, restart), "forecast"
    stage = "under_construction" if c.stage == "under_construction" else "planned"
    boot = boots[stage]
    if boot.shape[1] == 0:
        lo, hi = PRIOR_DAYS[stage]
        return as_of + rng.integers(lo, hi + 1, n), "prior"
    start = c.since.toordinal() if c.stage in ("under_construction", "planned") and c.since else as_of
    value, ok = _longer_than(boot, as_of - start, rng)
    # longer in this stage than every corridor that opened: its stage starts again from the as-of date
    again = as_of + np.maximum(boot[np.arange(n), rng.integers(0, boot.shape[1], n)], 1)
    return np.where(ok, start + value, again), "empirical" if ok.mean() >= 0.5 else "restarted"


@dataclass(frozen=True)
class Simulation:
    """Sampled opening days (ordinals; NEVER for none) per corridor and per counting unit."""

    as_of: date
    definition: counting.Definition
    corridors: list[Corridor]
    days: np.ndarray  # corridors × samples
    methods: list[str]
    unit_days: np.ndarray  # units × samples
    learned: Learned
    forecasts_known: int = 0

    def count(self, day: date) -> np.ndarray:
        """The count on `day` in each sample."""
        return (self.unit_days <= day.toordinal()).sum(axis=0)


def simulate_from(ds, k: Knowledge, d: counting.Definition, n: int = N_SAMPLES, seed: int = SEED) -> Simulation:
    """The Monte Carlo behind an outlook, from the knowledge of one date."""
    as_of = k.as_of.toordinal()
    # A corridor's units come from its geometry and catalog row, never from the date: today's table (the one a
    # session most likely holds already) gives them for any as-of date.
    per = counting.units(ds.table(date.today(), d), d)
    ids = sorted(per)
    cs = corridors(ds, k, d, ids)
    learned = learn(ds, k, d)
    boots = {stage: _boot(v, n, seed, stage) for stage, v in learned.durations.items()}
    boots["slips"] = _boot(learned.slips, n, seed, "slips")
    days = np.empty((len(ids), n), dtype=np.int64)
    methods = []
    for i, c in enumerate(cs):
        if c.stage == "completed":
            days[i] = c.opened.toordinal() if c.opened else as_of
            methods.append("open")
            continue
        days[i], m = _draw(c, boots, as_of, n, _rng(seed, c.id))
        days[i] = np.maximum(days[i], as_of + 1)  # nothing unopened on the as-of date opens on or before it
        methods.append(m)
    members: dict[tuple, list[int]] = {}
    for i, pid in enumerate(ids):
        for key in per[pid]:
            members.setdefault(key, []).append(i)
    unit_days = (np.stack([days[m].min(axis=0) for m in members.values()]) if members
                 else np.empty((0, n), dtype=np.int64))
    return Simulation(k.as_of, d, cs, days, methods, unit_days, learned, len(k.forecasts))


def simulate(ds, as_of: date, d: counting.Definition = counting.DEFAULT, n: int = N_SAMPLES,
             seed: int = SEED) -> Simulation:
    """The Monte Carlo from what was known on `as_of` (knowledge())."""
    return simulate_from(ds, knowledge(ds, as_of), d, n, seed)


def _quantiles(x: np.ndarray, level: float) -> tuple[int, int, int]:
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    q = np.quantile(x, [lo, 0.5, hi], method="inverted_cdf")
    return int(q[0]), int(q[1]), int(q[2])


def summary(sim: Simulation, until: date, level: float = LEVEL, names: dict[str, str] | None = None) -> dict:
    """The count on `until` (median and central interval) and each unopened corridor's chance of opening by then
    and median opening day, ranked by that chance (what closes a gap)."""
    counts = sim.count(until)
    low, median, high = _quantiles(counts, level)
    rows = []
    u = until.toordinal()
    for c, d, m in zip(sim.corridors, sim.days, sim.methods):
        if c.stage == "completed":
            continue
        p = float((d <= u).mean())
        mid = int(np.quantile(d, 0.5, method="inverted_cdf"))
        rows.append({"id": c.id, "name_zh": (names or {}).get(c.id), "stage": c.stage,
                     "since": c.since.isoformat() if c.since else None,
                     "forecast": c.forecast.isoformat() if c.forecast else None, "method": m,
                     "p_open_by_until": round(p, 3),
                     "expected_open": date.fromordinal(mid).isoformat() if mid < NEVER else None})
    rows.sort(key=lambda r: (-r["p_open_by_until"], r["id"]))
    return {"as_of": sim.as_of.isoformat(), "until": until.isoformat(), "median": median, "low": low, "high": high,
            "level": level, "open_on_as_of": int(sim.count(sim.as_of)[0]) if counts.size else 0,
            "samples": int(counts.size), "definition": sim.definition.as_dict(),
            "learned": {"basis": sim.learned.basis,
                        "durations": {k: int(len(v)) for k, v in sim.learned.durations.items()},
                        "forecast_slips": int(len(sim.learned.slips)), "forecasts_known": sim.forecasts_known},
            "corridors": rows}


def p_reach(sim: Simulation, day: date, figure: int) -> float:
    """The share of samples in which the count reaches `figure` by `day`."""
    return float((sim.count(day) >= figure).mean())


def month_ends(start: date, until: date) -> list[date]:
    """start, then every month's last day after it up to `until` (the fan's points, on the page and in the
    snapshot's chart)."""
    out, y, m = [start], start.year, start.month
    while True:
        last = date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)
        if last > until:
            return out
        if last > start:
            out.append(last)
        y, m = y + m // 12, m % 12 + 1


def fan(sim: Simulation, days: list[date], level: float = LEVEL) -> pd.DataFrame:
    """The count's median and interval on each of `days` (for a fan chart)."""
    rows = [(d, *_quantiles(sim.count(d), level)) for d in days]
    return pd.DataFrame(rows, columns=["date", "low", "median", "high"])


def backtest(ds, d: counting.Definition = counting.DEFAULT, years: range = range(2012, 2024), horizon: int = 3,
             level: float = LEVEL, n: int = N_SAMPLES, seed: int = SEED, today: date | None = None) -> dict:
    """From each year-end, project `horizon` years ahead (to today at the latest) with what was known then, and
    compare with the count the data now gives for that day: how often the interval held it, and its width."""
    today = today or date.today()
    rows = []
    for y in years:
        as_of = date(y, 12, 31)
        until = min(date(y + horizon, 12, 31), today)
        if until <= as_of:
            continue
        s = summary(simulate(ds, as_of, d, n, seed), until, level)
        actual = ds.count(until, d)["completed"]
        rows.append({"start": as_of.isoformat(), "until": until.isoformat(), "open_on_start": s["open_on_as_of"],
                     "low": s["low"], "median": s["median"], "high": s["high"], "actual": actual,
                     "held": s["low"] <= actual <= s["high"], "width": s["high"] - s["low"]})
    held = sum(r["held"] for r in rows)
    return {"level": level, "horizon_years": horizon, "definition": d.as_dict(), "years": rows,
            "coverage": held / len(rows) if rows else None, "held": held, "runs": len(rows),
            "median_width": float(np.median([r["width"] for r in rows])) if rows else None}


__all__ = ["Corridor", "Knowledge", "LEVEL", "Learned", "MIN_SAMPLES", "N_SAMPLES", "PRIOR_DAYS", "SEED",
           "Simulation", "backtest", "corridors", "fan", "knowledge", "learn", "month_ends", "p_reach", "simulate",
           "simulate_from", "summary"]
