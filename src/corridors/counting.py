"""What counts towards the plan's 20, stated as an explicit definition, and the count under it.

The plan's target ("到2020年，全省涉及泛珠区域的出省通道增加到20条") is a running total that the plan does not
define. A Definition says what is counted (every corridor, or only the plan's new ones), the unit (each
physical crossing of Hunan's border, or each named route per neighbour), the modes, the provinces (Pan-PRD
members on the other side of the border, a member reached beyond a non-member, or any neighbour), when a
crossing opens (both halves open, or Hunan's half reaching the border) and whether unconfirmed
identifications count. Everything else comes from geometry (the crossings) and evidence (the statuses).

An upgrade of an existing line never adds a corridor, and a line named twice counts once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from .boundaries import HUNAN, PROVINCES
from .catalog import STATUSES

INCLUDE = ("all", "plan")
UNITS = ("crossing", "route")
PROVINCE_RULES = ("pan-prd", "pan-prd-beyond", "neighbours")
OPENED_RULES = ("both", "hunan")
# A unit's status is its most advanced member's; these are shown beside the count.
UNIT_STATUSES = ("completed", "under_construction", "planned", "suspended", "cancelled", "no_evidence")
_RANK = {"completed": 5, "under_construction": 4, "planned": 3, "suspended": 2, "cancelled": 1}


@dataclass(frozen=True)
class Definition:
    """One reading of the plan's "出省通道"; every field is a switch the planner can set."""

    include: str = "all"
    unit: str = "crossing"
    modes: tuple[str, ...] = ("highway",)
    provinces: str = "pan-prd"
    opened: str = "hunan"
    candidates: bool = True

    def __post_init__(self) -> None:
        for field, allowed in (("include", INCLUDE), ("unit", UNITS), ("provinces", PROVINCE_RULES),
                               ("opened", OPENED_RULES)):
            if getattr(self, field) not in allowed:
                raise ValueError(f"unknown {field} '{getattr(self, field)}'; expected one of {', '.join(allowed)}")
        if not self.modes:
            raise ValueError("a definition needs at least one mode")

    @property
    def status_column(self) -> str:
        return "hunan_status" if self.opened == "hunan" else "status"

    def as_dict(self) -> dict:
        return {"include": self.include, "unit": self.unit, "modes": list(self.modes), "provinces": self.provinces,
                "opened": self.opened, "candidates": self.candidates}


# The default reading, chosen from how Hunan reports its own 出省通道 (reported_totals.csv; the page says why):
# expressway crossings of the provincial border, each physical crossing once, every corridor open on the date,
# counted when Hunan's half reaches the border (as Hunan's briefings do: 永安关 was counted in 2012, three years
# before Guangxi's side opened), into a Pan-PRD member because the plan's target is "涉及泛珠区域".
DEFAULT = Definition()


def _in_scope(code: str, path: list[str], rule: str) -> bool:
    """Whether a crossing into province `code` counts, for a line passing through `path` (adcodes)."""
    p = PROVINCES.get(code)
    if p is None:
        return False
    if rule == "neighbours":
        return p.neighbour
    if p.pan_prd:
        return True
    return rule == "pan-prd-beyond" and any(PROVINCES[c].pan_prd for c in path if c != HUNAN and c in PROVINCES)


def eligible(table: pd.DataFrame, d: Definition) -> pd.Series:
    """Rows whose crossings can count under the definition (on any date): mode, inclusion, not a duplicate,
    not an upgrade, identification."""
    keep = table["mode"].isin(d.modes) & (table.same_as == "") & (table.upgrade_of == "")
    if d.include == "plan":
        keep &= table.in_plan
    if not d.candidates:
        keep &= table.identification == "confirmed"
    return keep


def units(table: pd.DataFrame, d: Definition) -> dict[str, list[tuple]]:
    """Per eligible project: the units it contributes (a crossing, or a route per neighbour)."""
    out: dict[str, list[tuple]] = {}
    ok = eligible(table, d)
    columns = (table.id, table["mode"], table.route_number, table.crossings, table.province_codes, ok)
    for pid, mode, route, crossings, path, keep in zip(*(c.tolist() for c in columns), strict=True):
        if not keep:
            continue
        keys = []
        for c in crossings:
            if _in_scope(c["province"], path, d.provinces):
                # A schematic line that wiggles across one border counts that border once.
                keys.append((pid, c["province"]) if d.unit == "crossing" else (mode, route or pid, c["province"]))
        if keys:
            out[pid] = list(dict.fromkeys(keys))
    return out


def _unit_status(statuses: list[str | None]) -> str:
    best = max(statuses, key=lambda s: _RANK.get(s or "", 0))
    return best if best in _RANK else "no_evidence"


def count(table: pd.DataFrame, d: Definition, target: int) -> dict:
    """The count on the table's date: units by status, by mode and by neighbour entered, against the target.

    A unit's status is its most advanced project's (for the route unit, several lines may share a route).
    """
    per = units(table, d)
    ids = table.id.tolist()
    status = dict(zip(ids, table[d.status_column].tolist()))
    mode = dict(zip(ids, table["mode"].tolist()))
    cand = dict(zip(ids, (table.identification == "candidate").tolist()))
    members: dict[tuple, list[str]] = {}
    for pid, keys in per.items():
        for k in keys:
            members.setdefault(k, []).append(pid)
    empty = dict.fromkeys(UNIT_STATUSES, 0)
    by_status, by_mode, by_neighbour = dict(empty), {m: dict(empty) for m in d.modes}, {}
    candidates = 0
    counted: set[str] = set()
    for key, pids in members.items():
        st = _unit_status([status.get(p) for p in pids])
        by_status[st] += 1
        by_mode[mode[pids[0]]][st] += 1
        code = key[-1]
        name = PROVINCES[code].name_zh
        by_neighbour.setdefault(name, dict(empty))[st] += 1
        if st == "completed":
            done = [p for p in pids if status.get(p) == "completed"]
            counted.update(done)
            candidates += all(cand[p] for p in done)
    return {"target": target, "total": len(members), "completed": by_status["completed"], "by_status": by_status,
            "by_mode": by_mode, "by_neighbour": dict(sorted(by_neighbour.items())), "candidates": candidates,
            "counted_ids": sorted(counted), "definition": d.as_dict(),
            "completed_share": by_status["completed"] / target if target else None}


def mark(table: pd.DataFrame, d: Definition) -> pd.DataFrame:
    """The table with this definition's verdicts: corridor (can count), units (how many), counted (counts on
    the table's date). The same rule as count(), so exports agree with the headline."""
    per = units(table, d)
    done = set(count(table, d, 0)["counted_ids"])
    return table.assign(corridor=table.id.isin(per), units=table.id.map(lambda p: len(per.get(p, []))),
                        counted=table.id.isin(done))


def _sweep(timeline: pd.DataFrame, per: dict[str, list[tuple]], status_column: str):
    """Walk the timeline of the projects in `per` in date order: for each of its rows yield (day, project, whether
    the project opened on it, completed units after it, the units that opened on it, the units that closed on
    it). A unit is open while any of its projects is."""
    t = timeline[timeline.project_id.isin(list(per))].sort_values("from", kind="stable")
    open_members: dict[tuple, int] = {}
    done: dict[str, bool] = {}
    total = 0
    for pid, day, st in zip(t.project_id, t["from"], t[status_column]):
        now = st == "completed"
        opened = now and not done.get(pid, False)
        up, down = [], []
        if now != done.get(pid, False):
            done[pid] = now
            for k in per[pid]:
                before = open_members.get(k, 0)
                open_members[k] = before + (1 if now else -1)
                if before == 0 and now:
                    up.append(k)
                elif before == 1 and not now:
                    down.append(k)
            total += len(up) - len(down)
        yield day, pid, opened, total, up, down


def series(timeline: pd.DataFrame, table: pd.DataFrame, d: Definition, start: date, end: date,
           only: set[str] | None = None) -> pd.DataFrame:
    """Completed units from start to end, one row per date the number changes (one sweep of the timeline).

    only: restrict to these projects (e.g. the plan's own, to stack them on the baseline).
    """
    per = units(table, d)
    if only is not None:
        per = {p: k for p, k in per.items() if p in only}
    counts: dict[date, int] = {start: 0}
    for day, _, _, total, _, _ in _sweep(timeline, per, d.status_column):
        if day <= end:
            counts[max(day, start)] = total
    rows = sorted(counts.items())
    rows.append((end, rows[-1][1]))
    return pd.DataFrame(rows, columns=["date", "completed"]).drop_duplicates("date", keep="last")


@dataclass(frozen=True)
class Reached:
    """When the count under a definition first reached the target: the day, the project whose opening made
    the count reach it (the target-th corridor), and the other projects that opened the same day (so a tie
    is said, not hidden)."""

    day: date
    project_id: str
    same_day: tuple[str, ...] = ()


def reached(timeline: pd.DataFrame, table: pd.DataFrame, d: Definition, target: int, end: date) -> Reached | None:
    """The first day on or before `end` the completed units under `d` reached `target`, and which project's
    opening did it (None when the count had not reached it by `end`, or there is no target)."""
    if target <= 0:
        return None
    per = units(table, d)
    rows = [row[:4] for row in _sweep(timeline, per, d.status_column) if row[0] <= end]
    last = 0
    for day, pid, _, total in rows:
        if total >= target > last:
            others = tuple(dict.fromkeys(p for dd, p, opened, _ in rows if dd == day and opened and p != pid))
            return Reached(day, pid, others)
        last = total
    return None


@dataclass(frozen=True)
class Numbered:
    """One unit open on a date, numbered in the order the units opened (1 = the first): the project whose
    opening opened it, the day, and the province on the other side of the border."""

    number: int
    project_id: str
    day: date
    province: str
    key: tuple = ()  # the unit (see units())


def numbered(timeline: pd.DataFrame, table: pd.DataFrame, d: Definition, end: date) -> list[Numbered]:
    """The units open on `end` under `d`, numbered 1…N in the order they opened (ties in the timeline's order):
    the numbers the map puts on the counted crossings and the snapshot's list of counted corridors uses, so
    that number N is the N-th corridor opened and the target-th is the one that reached the target. N equals
    count()'s completed on the same table."""
    per = units(table, d)
    since: dict[tuple, tuple[int, date, str]] = {}
    step = 0
    for day, pid, _, _, up, down in _sweep(timeline, per, d.status_column):
        if day > end:
            break
        for k in down:
            since.pop(k, None)
        for k in up:
            since[k] = (step, day, pid)
            step += 1
    ordered = sorted(since.items(), key=lambda kv: kv[1][0])
    return [Numbered(n, pid, day, key[-1], key) for n, (key, (_, day, pid)) in enumerate(ordered, 1)]


def variants(d: Definition) -> list[tuple[str, Definition]]:
    """The definitions the page compares: the chosen one and one switch changed at a time."""
    out = [("chosen", d)]
    flips = [("include", "plan" if d.include == "all" else "all"),
             ("unit", "route" if d.unit == "crossing" else "crossing"),
             ("provinces", "neighbours" if d.provinces != "neighbours" else "pan-prd"),
             ("opened", "hunan" if d.opened == "both" else "both"),
             ("modes", ("rail", "highway", "waterway") if d.modes == ("highway",) else ("highway",)),
             ("modes", ("rail", "highway", "waterway", "pipeline", "power"))]
    for field, value in flips:
        v = replace(d, **{field: value})
        if v not in [x for _, x in out]:
            out.append((field, v))
    return out


__all__ = ["DEFAULT", "Definition", "INCLUDE", "OPENED_RULES", "PROVINCE_RULES", "Numbered", "Reached", "STATUSES",
           "UNITS", "count", "eligible", "mark", "numbered", "reached", "series", "units", "variants"]
