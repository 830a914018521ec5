"""Which provinces a line passes through, where it crosses Hunan's border, and the corridor count.

Everything here is computed from geometry: a project is a cross-provincial corridor when its line leaves
Hunan and reaches a province in the chosen scope, not because a table says so.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point

from .boundaries import HUNAN, PROVINCES
from .geometry import METRIC_CRS, to_metric

# A stretch shorter than this inside a province is treated as noise from schematic points placed near a
# border and from boundary simplification (about 0.5 km here), not as a visit.
MIN_STRETCH_KM = 2.0

SCOPES = {
    "pan-prd": "a Pan-PRD member province other than Hunan",
    "neighbours": "any province bordering Hunan",
}


@dataclass(frozen=True)
class Crossing:
    """A point where a line crosses Hunan's border, and the province on the other side."""

    lon: float
    lat: float
    province: str  # adcode on the far side
    direction: str  # "out" (leaving Hunan) or "in" (entering Hunan)
    km: float  # distance along the line from its start


@dataclass(frozen=True)
class Trace:
    """A line's path through provinces: ordered (adcode, start_km, end_km) stretches and Hunan crossings."""

    stretches: tuple[tuple[str, float, float], ...]
    crossings: tuple[Crossing, ...]

    @property
    def provinces(self) -> list[str]:
        return [s[0] for s in self.stretches]

    @property
    def neighbours_entered(self) -> list[str]:
        """Provinces entered directly from Hunan, in order, once each."""
        seen: list[str] = []
        for c in self.crossings:
            if c.province not in seen:
                seen.append(c.province)
        return seen


class Tracer:
    """Holds the provinces projected once into the metric CRS; traces lines through them."""

    def __init__(self, provinces: gpd.GeoDataFrame, min_stretch_km: float = MIN_STRETCH_KM) -> None:
        metric = provinces.to_crs(METRIC_CRS)
        self.codes = list(metric.adcode)
        self.geoms = list(metric.geometry)
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)
        self.min_m = min_stretch_km * 1000.0

    def trace(self, line: LineString | None) -> Trace:
        """The ordered provinces a WGS-84 line passes through and where it crosses Hunan's border."""
        if line is None or line.is_empty:
            return Trace((), ())
        m = to_metric(line)
        intervals: list[tuple[float, float, str]] = []
        for i in self.tree.query(m, predicate="intersects"):
            part = m.intersection(self.geoms[i])
            for piece in getattr(part, "geoms", [part]):
                if piece.geom_type != "LineString" or piece.length == 0:
                    continue
                a = m.project(Point(piece.coords[0]))
                b = m.project(Point(piece.coords[-1]))
                intervals.append((min(a, b), max(a, b), self.codes[i]))
        intervals.sort()
        merged: list[list] = []
        for a, b, code in intervals:
            if b - a < self.min_m:
                continue
            if merged and merged[-1][2] == code:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b, code])
        stretches = tuple((code, a / 1000.0, b / 1000.0) for a, b, code in merged)
        crossings = []
        for (_, b0, c0), (a1, _, c1) in zip(merged, merged[1:], strict=False):
            if HUNAN not in (c0, c1):
                continue
            at = (b0 + a1) / 2.0
            p = _to_wgs84(m.interpolate(at))
            crossings.append(Crossing(round(p.x, 5), round(p.y, 5), c1 if c0 == HUNAN else c0,
                                      "out" if c0 == HUNAN else "in", round(at / 1000.0, 3)))
        return Trace(stretches, tuple(crossings))


@cache
def _from_metric() -> Transformer:
    """The metric CRS → WGS-84 transformer, made once (making one costs more than tracing a line)."""
    return Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def _to_wgs84(p: Point) -> Point:
    x, y = _from_metric().transform(p.x, p.y)
    return Point(x, y)


def in_scope(adcode: str, scope: str) -> bool:
    """Whether a province other than Hunan counts for the chosen scope."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope '{scope}'; expected one of {sorted(SCOPES)}")
    p = PROVINCES.get(adcode)
    if p is None or adcode == HUNAN:
        return False
    return p.pan_prd if scope == "pan-prd" else p.neighbour


def is_corridor(trace: Trace, scope: str = "pan-prd") -> bool:
    """Leaves Hunan (crosses its border) and reaches at least one province in scope beyond it."""
    return bool(trace.crossings) and any(in_scope(c, scope) for c in trace.provinces)


STATUS_ORDER = ("completed", "under_construction", "planned", "suspended", "cancelled")
TRANSPORT_MODES = ("rail", "highway", "waterway")


def _names(codes: list[str], lang: str = "zh") -> list[str]:
    return [PROVINCES[c].name_zh if lang == "zh" else PROVINCES[c].name_en for c in codes]


def _rows(frame: pd.DataFrame, columns: list[str]) -> list:
    """The frame's rows as named tuples of plain Python values, reading each column once (itertuples reads
    Arrow-backed text one element at a time)."""
    Row = namedtuple("Row", columns, rename=True)
    return [Row._make(v) for v in zip(*(frame[c].tolist() for c in columns))] if len(frame) else []


def project_table(projects: pd.DataFrame, lines: gpd.GeoDataFrame, traces: dict[str, Trace],
                  statuses: pd.DataFrame, scope: str = "pan-prd") -> pd.DataFrame:
    """One row per project: status on the chosen date, path through provinces, corridor verdicts.

    A project that is the same physical line as another (same_as) shows that line's path but is not
    counted, so a line named twice in the plan counts once.
    """
    geo = {r.project_id: r for r in _rows(lines, ["project_id", "geometry", "length_km", "precision", "places",
                                                  "places_en"])}
    st = statuses.set_index("project_id").to_dict("index")
    rows = []
    for p in _rows(projects, list(projects.columns)):
        # A project that is part of another line (same_as) is drawn as its own stretch when it has one.
        drawn_as = p.id if geo[p.id].geometry is not None or not p.same_as else p.same_as
        tr = traces.get(drawn_as, Trace((), ()))
        crosses = bool(tr.crossings)
        verdicts = {s: is_corridor(tr, s) for s in SCOPES}
        g, now = geo[drawn_as], st[p.id]
        rows.append({
            "id": p.id, "name_zh": p.name_zh, "name_en": p.name_en, "mode": p.mode,
            "route_number": p.route_number, "in_plan": bool(p.plan_name), "upgrade_of": p.upgrade_of,
            "identification": p.identification,
            "status": now["status"], "status_since": now["status_since"], "hunan_status": now["hunan_status"],
            "partly_open": bool(now["partly_open"]), "sections_open": now["sections_open"],
            "plan_status": p.plan_status,
            "researched": p.researched,
            "province_codes": tr.provinces,
            "provinces": _names(tr.provinces), "provinces_en": _names(tr.provinces, "en"),
            "neighbours_entered": _names(tr.neighbours_entered),
            "neighbours_entered_en": _names(tr.neighbours_entered, "en"),
            "crossings": [c.__dict__ | {"province_zh": PROVINCES[c.province].name_zh} for c in tr.crossings],
            "crosses_border": crosses,
            "pan_prd_corridor": verdicts["pan-prd"], "neighbour_corridor": verdicts["neighbours"],
            "corridor": verdicts[scope],
            "counted": verdicts[scope] and not p.same_as,
            "same_as": p.same_as, "drawn_as": drawn_as, "route_known": p.route_known == "yes",
            "length_km": g.length_km if g.geometry is not None else None,
            "precision": g.precision, "places": g.places, "places_en": g.places_en,
            "lead_department": p.lead_department, "participating_departments": p.participating_departments,
            "plan_clause": p.plan_clause, "plan_name": p.plan_name, "name_note": p.name_note,
            "route_note": p.route_note, "source_ids": p.source_ids,
        })
    return pd.DataFrame(rows)


def filter_projects(table: pd.DataFrame, *, modes: list[str] | None = None, statuses: list[str] | None = None,
                    neighbours: list[str] | None = None, departments: list[str] | None = None,
                    query: str = "") -> pd.DataFrame:
    """The rows matching every given filter; an empty or None filter lets everything through.

    neighbours are full Chinese province names; a project matches when it enters any of them.
    query matches ids, names in either language, places and plan wording, case-insensitively.
    """
    keep = pd.Series(True, index=table.index)
    if modes:
        keep &= table["mode"].isin(modes)
    if statuses:
        keep &= table.status.isin(statuses)
    if neighbours:
        keep &= table.neighbours_entered.map(lambda ns: any(n in ns for n in neighbours))
    if departments:
        keep &= table.lead_department.isin(departments)
    q = query.strip().lower()
    if q:
        text = (table.id + " " + table.name_zh + " " + table.name_en + " " + table.places.fillna("") + " "
                + table.plan_name).str.lower()
        keep &= text.str.contains(q, regex=False)
    return table[keep]


def status_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Projects whose status differs between two project tables (e.g. two dates), in the later table's order."""
    b = before.set_index("id").status
    rows = [{"id": r.id, "name_zh": r.name_zh, "name_en": r.name_en, "mode": r.mode,
             "before": b.get(r.id), "after": r.status}
            for r in after.itertuples() if b.get(r.id) != r.status]
    return pd.DataFrame(rows, columns=["id", "name_zh", "name_en", "mode", "before", "after"])
