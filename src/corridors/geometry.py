"""A project's ordered waypoints → LineString (WGS-84); lengths in km; the precision of the result."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from .errors import GeometryError

# Equidistant conic for South-Central China: distances along meridians are true, and with standard
# parallels at 21°N and 33°N the scale error along parallels stays under about 0.8 % from 18°N to 35°N.
METRIC_CRS = "+proj=eqdc +lat_0=0 +lon_0=112 +lat_1=21 +lat_2=33 +ellps=WGS84 +units=m +no_defs"


@cache
def _to_metric() -> Transformer:
    """WGS-84 → the metric CRS, made on first use (a command that only reads a cached dataset needs none)."""
    return Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


# How a line was made, best first. Shown to users so a schematic line is never taken for a survey.
PRECISIONS = ("surveyed", "towns", "county_seats", "prefectures", "endpoints", "none")
SEAT_KINDS = ("county_seat", "prefecture_seat")


def feature_collection_text(features: list[dict]) -> str:
    """Deterministic GeoJSON text for shipped files: one feature per line, so a rebuild diffs line by line."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def round_coordinates(obj, decimals: int):
    """Round every float in a GeoJSON-like structure (stable, compact text output)."""
    if isinstance(obj, float):
        return round(obj, decimals)
    if isinstance(obj, (list, tuple)):
        return [round_coordinates(x, decimals) for x in obj]
    if isinstance(obj, dict):
        return {k: round_coordinates(v, decimals) for k, v in obj.items()}
    return obj


def line_from_points(points: Sequence[tuple[float, float]], *, name: str = "") -> LineString:
    """Join lon/lat points in order; repeated consecutive points are dropped; at least two must remain."""
    kept: list[tuple[float, float]] = []
    for p in points:
        if not kept or (p[0], p[1]) != kept[-1]:
            kept.append((float(p[0]), float(p[1])))
    if len(kept) < 2:
        raise GeometryError(f"{name or 'line'}: needs at least two distinct points, got {len(kept)}")
    return LineString(kept)


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    """Project a WGS-84 geometry into the metric CRS used for lengths and distances."""
    return shapely.transform(geom, lambda xy: np.column_stack(_to_metric().transform(xy[:, 0], xy[:, 1])))


def length_km(geom: BaseGeometry | None) -> float | None:
    """Length in kilometres in the metric CRS; None for a missing geometry."""
    if geom is None or geom.is_empty:
        return None
    return to_metric(geom).length / 1000.0


# Precision labels from finest to coarsest; a line takes its coarsest ingredient's.
PRECISIONS = ("surveyed", "towns", "county_seats", "approximate", "prefectures", "endpoints", "none")


def point_precision(kind: str, approx: str = "", precision: str = "") -> str:
    """How well one waypoint places the line: a town/station/port/border point; a county seat; an approximate
    point (matched by name only, or standing for somewhere in a county); a point standing for a prefecture."""
    if approx == "prefecture":
        return "prefectures"
    if approx == "county" or precision == "approximate":
        return "approximate"
    return "county_seats" if kind in SEAT_KINDS else "towns"


def line_precision(place_kinds: Sequence[str], approx: Sequence[str] = (), precisions: Sequence[str] = (), *,
                   surveyed: bool = False) -> str:
    """Label a line by its coarsest ingredient: one approximate point makes the line approximate, one county
    seat among towns makes it 'through county seats'; a line of two points is 'two ends only'."""
    if surveyed:
        return "surveyed"
    if not place_kinds:
        return "none"
    if len(place_kinds) == 2:
        return "endpoints"
    approx = list(approx) or [""] * len(place_kinds)
    precisions = list(precisions) or [""] * len(place_kinds)
    ranks = [PRECISIONS.index(point_precision(k, a, p)) for k, a, p in zip(place_kinds, approx, precisions)]
    return PRECISIONS[max(ranks)]


def project_lines(projects: pd.DataFrame, resolved: pd.DataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """One row per project: its whole line, its section lines, precision and length (None without a route).

    A section's line starts where the previous section ended, so the sections join up into the whole line.
    """
    rows, section_rows = [], []
    columns = ("project_id", "seq", "section", "lon", "lat", "kind", "approx", "precision", "resolved_zh",
               "resolved_en")
    by_project: dict[str, list[tuple]] = {}  # grouped in one pass, then each project's points in seq order
    for w in zip(*(resolved[c].tolist() for c in columns)) if len(resolved) else ():
        by_project.setdefault(w[0], []).append(w)
    for pid in projects.id.tolist():
        pts = sorted(by_project.get(pid, []), key=lambda w: w[1])
        if len(pts) < 2:
            rows.append({"project_id": pid, "geometry": None, "precision": "none", "length_km": None,
                         "places": "", "places_en": ""})
            continue
        line = line_from_points([(w[3], w[4]) for w in pts], name=pid)
        by_section: dict[str, list[tuple]] = {}  # in order of first appearance, as a groupby would
        for w in pts:
            by_section.setdefault(w[2], []).append(w)
        prev = None
        for section, g in by_section.items():
            coords = ([prev] if prev is not None else []) + [(w[3], w[4]) for w in g]
            prev = coords[-1]
            seg = line_from_points(coords, name=f"{pid}/{section}") if len(coords) >= 2 else None
            section_rows.append({"project_id": pid, "section": section, "geometry": seg,
                                 "length_km": length_km(seg),
                                 "precision": line_precision([w[5] for w in g], [w[6] for w in g], [w[7] for w in g])
                                 if len(g) > 1 else point_precision(g[0][5], g[0][6], g[0][7])})
        precision = line_precision([w[5] for w in pts], [w[6] for w in pts], [w[7] for w in pts])
        rows.append({"project_id": pid, "geometry": line, "precision": precision,
                     "length_km": round(length_km(line), 1), "places": " → ".join(w[8] for w in pts),
                     "places_en": " → ".join(w[9] for w in pts)})
    lines = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
    sections = gpd.GeoDataFrame(pd.DataFrame(section_rows, columns=["project_id", "section", "geometry", "length_km",
                                                                       "precision"]),
                                geometry="geometry", crs="EPSG:4326")
    return lines, sections
