"""Folding: the dataset with the current imported alignments in place of the schematic lines (sections, lines,
lengths, precision and traces follow the versions used), the map's simplified lines, and a project's line
over its versions. Pure: the store's rows come in as frames (corridors.store reads them).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point

from .. import analysis, boundaries, geometry
from ..catalog import WHOLE_PROJECT
from ..geometry import to_metric
from ..store import current_alignments
from .reading import from_metric

DISPLAY_TOLERANCE_M = 20.0  # the map's simplified line (Douglas–Peucker in the metric CRS, topology kept)


def orphans(current: pd.DataFrame, projects: pd.DataFrame, sections: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Split current alignments into those of a project and section the geodata knows, and one line for each
    whose project or section no longer exists."""
    known = set(zip(sections.project_id, sections.section)) | {(p, WHOLE_PROJECT) for p in projects.id}
    keep = [(p, s) in known for p, s in zip(current.project_id, current.section)]
    lost = [f"alignment {i} is for {p}:{s}, which the geodata does not have (not used)"
            for i, p, s, k in zip(current.alignment_id, current.project_id, current.section, keep) if not k]
    return current[pd.Series(keep, index=current.index, dtype=bool)].reset_index(drop=True), lost


def effective(current: pd.DataFrame) -> pd.DataFrame:
    """The current rows whose line applies: a project's whole-line version, and each section version recorded
    after it (a later record wins over what it covers); reverts to the schematic line apply no line."""
    if current.empty:
        return current
    number = current.alignment_id.map(lambda a: int(a[2:]))
    floor = {p: n for p, s, n in zip(current.project_id, current.section, number) if s == WHOLE_PROJECT}
    keep = [(s == WHOLE_PROJECT or n > floor.get(p, 0)) and g is not None
            for p, s, n, g in zip(current.project_id, current.section, number, current.geometry)]
    return current[pd.Series(keep, index=current.index, dtype=bool)]


_TRACERS: dict[int, tuple] = {}


def _tracer(bnd: gpd.GeoDataFrame) -> analysis.Tracer:
    """One Tracer per boundaries frame (datasets folded from the same load share it)."""
    if id(bnd) not in _TRACERS:
        _TRACERS.clear() if len(_TRACERS) > 4 else None
        _TRACERS[id(bnd)] = (bnd, analysis.Tracer(boundaries.provinces(bnd)))
    return _TRACERS[id(bnd)][1]


def _join(parts: list[LineString]) -> LineString | None:
    """Sections' lines in order as one line; a gap between them is bridged by a straight segment."""
    coords: list = []
    for g in parts:
        xy = shapely.get_coordinates(g).tolist()
        coords += xy[1:] if coords and coords[-1] == xy[0] else xy
    return LineString(coords) if len(coords) >= 2 else None


def _cut(line: LineString, schematic: list) -> list:
    """A whole-project line cut into the sections: each junction of the schematic sections is moved to the point
    of the new line nearest to it (in lon/lat), keeping the sections in order."""
    xy = shapely.get_coordinates(line)
    cum = np.r_[0.0, np.cumsum(np.hypot(*np.diff(xy, axis=0).T))]

    def at(d: float) -> np.ndarray:
        k = int(min(max(np.searchsorted(cum, d, side="right") - 1, 0), len(xy) - 2))
        span = cum[k + 1] - cum[k]
        return xy[k] + (xy[k + 1] - xy[k]) * ((d - cum[k]) / span if span else 0.0)

    starts = [g.coords[0] if g is not None else None for g in schematic]
    a, out = 0.0, []
    for k in range(len(schematic)):
        nxt = starts[k + 1] if k + 1 < len(schematic) else None
        b = cum[-1] if nxt is None and k + 1 == len(schematic) else max(a, line.project(Point(nxt)) if nxt else a)
        if b > a:
            inner = xy[np.searchsorted(cum, a, side="right"):np.searchsorted(cum, b, side="left")]
            piece = np.vstack([at(a), inner, at(b)])
            piece = piece[np.r_[True, (np.diff(piece, axis=0) != 0).any(axis=1)]]
            out.append(LineString(piece) if len(piece) >= 2 else None)
        else:
            out.append(None)
        a = b
    return out


def fold(ds, current: pd.DataFrame):
    """The dataset with the current alignments (store.current_alignments) in place of the schematic lines.

    For every project an alignment touches (and any folded before), the schematic lines are rebuilt from the
    waypoints as dataset.load builds them, then replaced: a whole-project line is cut into the sections at the
    schematic junctions; a section's line replaces that section and the project line joins the sections. The
    sections, lines, lengths and traces are recomputed; precision is 'surveyed' where the line is imported
    (a project line only when every section is), with alignment_id and alignment_source columns beside it.
    Unknown projects and sections are ignored (see orphans). The fingerprint covers the versions used.
    """
    current, _ = orphans(current, ds.catalog.projects, ds.catalog.sections)
    applied = effective(current)
    before = set(ds.lines.project_id[ds.lines["alignment_id"] != ""]) if "alignment_id" in ds.lines else set()
    touched = before | set(applied.project_id)
    lines, sections = ds.lines.copy(), ds.sections.copy()
    for frame in (lines, sections):
        if "alignment_id" not in frame:
            frame["alignment_id"], frame["alignment_source"] = "", ""
    if not touched:
        return replace(ds, lines=lines, sections=sections)
    projects = ds.catalog.projects[ds.catalog.projects.id.isin(touched)]
    fresh_lines, fresh_sections = geometry.project_lines(projects, ds.waypoints[ds.waypoints.project_id.isin(touched)])
    tracer = _tracer(ds.boundaries)
    traces = dict(ds.traces)
    line_geoms, sec_geoms = list(lines.geometry), list(sections.geometry)
    by_pid = {pid: g for pid, g in applied.groupby("project_id", sort=False)}
    for pid in projects.id:
        li = int(np.flatnonzero((lines.project_id == pid).to_numpy())[0])
        si = np.flatnonzero((sections.project_id == pid).to_numpy())
        base_line = fresh_lines[fresh_lines.project_id == pid].iloc[0]
        base = fresh_sections[fresh_sections.project_id == pid].reset_index(drop=True)
        geoms, precision = list(base.geometry), list(base.precision)
        ids, srcs = [""] * len(base), [""] * len(base)
        rows = by_pid.get(pid, applied.iloc[:0])
        whole = rows[rows.section == WHOLE_PROJECT]
        if len(whole):
            w = whole.iloc[0]
            geoms = _cut(w.geometry, geoms)
            precision, ids, srcs = ["surveyed"] * len(base), [w.version] * len(base), [w.line_source] * len(base)
        overrides = rows[rows.section != WHOLE_PROJECT]
        order = list(base.section)
        for r in overrides.itertuples():
            k = order.index(r.section)
            geoms[k], precision[k], ids[k], srcs[k] = r.geometry, "surveyed", r.version, r.line_source
        if len(whole) and overrides.empty:
            new_line = whole.iloc[0].geometry
        elif len(rows):
            new_line = _join([g for g in geoms if g is not None])
        else:
            new_line = base_line.geometry
        surveyed = len(rows) and all(p == "surveyed" for p, g in zip(precision, geoms) if g is not None)
        for j, k in enumerate(si):
            sec_geoms[k] = geoms[j]
            sections.iat[k, sections.columns.get_loc("length_km")] = geometry.length_km(geoms[j])
            sections.iat[k, sections.columns.get_loc("precision")] = precision[j]
            sections.iat[k, sections.columns.get_loc("alignment_id")] = ids[j]
            sections.iat[k, sections.columns.get_loc("alignment_source")] = srcs[j]
        line_geoms[li] = new_line
        km = geometry.length_km(new_line)
        lines.iat[li, lines.columns.get_loc("length_km")] = None if km is None else round(km, 1)
        lines.iat[li, lines.columns.get_loc("precision")] = "surveyed" if surveyed else base_line.precision
        lines.iat[li, lines.columns.get_loc("alignment_id")] = ";".join(dict.fromkeys(i for i in ids if i))
        lines.iat[li, lines.columns.get_loc("alignment_source")] = " | ".join(dict.fromkeys(s for s in srcs if s))
        traces[pid] = tracer.trace(new_line)
    lines = lines.set_geometry(gpd.GeoSeries(line_geoms, index=lines.index, crs="EPSG:4326"))
    sections = sections.set_geometry(gpd.GeoSeries(sec_geoms, index=sections.index, crs="EPSG:4326"))
    used = ";".join(f"{p}:{s}={v}" for p, s, v in sorted(zip(applied.project_id, applied.section, applied.version)))
    fp = hashlib.sha256(ds.fingerprint.encode() + b"\0alignments\0" + used.encode()).hexdigest()
    return replace(ds, lines=lines, sections=sections, traces=traces, fingerprint=fp)


def display_sections(sections: gpd.GeoDataFrame, tolerance_m: float = DISPLAY_TOLERANCE_M) -> gpd.GeoDataFrame:
    """The sections for the map: imported (surveyed) lines simplified by tolerance_m in the metric CRS with
    topology kept (Douglas–Peucker; a section's ends stay put, so sections still meet); others as they are.
    Exports keep the full lines."""
    surveyed = (sections.precision == "surveyed").to_numpy()
    if not surveyed.any():
        return sections
    geoms = list(sections.geometry)
    for k in np.flatnonzero(surveyed):
        if geoms[k] is not None:
            geoms[k] = from_metric(shapely.simplify(to_metric(geoms[k]), tolerance_m, preserve_topology=True))
    return sections.set_geometry(gpd.GeoSeries(geoms, index=sections.index, crs="EPSG:4326"))


def history(ds, rows: pd.DataFrame, project_id: str, scope: str = "pan-prd") -> pd.DataFrame:
    """A project's line over its versions, oldest first, starting with the schematic line: each stored row
    (who, when, source, file, hash, datum) and what the project's line was after it (length, precision,
    provinces in order, border crossings, corridor verdicts), so a change in verdict or length can be shown.

    rows: the store's alignment rows (Store.alignments); ds: the dataset with schematic lines.
    """
    mine = rows[rows.project_id == project_id].reset_index(drop=True)
    out = []
    for k in range(-1, len(mine)):
        state = fold(ds, current_alignments(mine.iloc[: k + 1]))
        line = state.lines[state.lines.project_id == project_id].iloc[0]
        tr = state.traces.get(project_id, analysis.Trace((), ()))
        r = mine.iloc[k] if k >= 0 else None
        g = None if r is None else r.geometry
        out.append({
            "alignment_id": "" if r is None else r.alignment_id, "section": "" if r is None else r.section,
            "kind": "schematic" if r is None else r.kind, "reverts_to": "" if r is None else r.reverts_to,
            "recorded_by": "" if r is None else r.recorded_by, "recorded_at": "" if r is None else r.recorded_at,
            "source_title": "" if r is None else r.source_title, "file_name": "" if r is None else r.file_name,
            "sha256": "" if r is None else r.sha256, "datum": "" if r is None else r.datum,
            "vertices": 0 if g is None else int(shapely.get_num_coordinates(g)),
            "length_km": line.length_km, "precision": line.precision, "provinces": tr.provinces,
            "crossings": [c.__dict__ for c in tr.crossings],
            "corridor": analysis.is_corridor(tr, scope),
        })
    return pd.DataFrame(out)


