"""A preview: what an import would record, built by reading a file (`reading`) and checking the line against
the section it is for (`checks`), before anything is stored. Refusals raise AlignmentError; warnings are
returned for the editor to confirm, hints and notes for information. with_preview shows the dataset as it
would be if the preview were recorded.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, Point

from .. import analysis, boundaries
from ..catalog import WHOLE_PROJECT
from ..formats import FORMATS
from ..geometry import METRIC_CRS, to_metric
from . import checks, reading
from .checks import clean
from .folding import DISPLAY_TOLERANCE_M, fold
from .reading import from_metric


@dataclass(frozen=True)
class Preview:
    """What an import would record, shown to the editor before confirming.

    line: the new line (WGS-84, full resolution, in the catalog's direction); display_line: the simplified line
    for the map (WGS-84 coordinates, simplified by DISPLAY_TOLERANCE_M in the metric CRS); warnings must be
    confirmed before recording; hints and notes are for information. names: feature names from the file
    (untrusted text: escape when shown).
    """

    project_id: str
    section: str
    file_name: str
    sha256: str
    format: str
    layer: str
    crs: str
    datum: str
    line: LineString
    display_line: LineString
    length_km: float
    schematic_km: float
    vertices: int
    display_vertices: int
    features: int
    parts: int
    warnings: tuple[str, ...]
    hints: tuple[str, ...]
    notes: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def target(self) -> str:
        return self.project_id if self.section == WHOLE_PROJECT else f"{self.project_id}:{self.section}"

    @property
    def length_ratio(self) -> float:
        return self.length_km / self.schematic_km


def parse_target(text: str) -> tuple[str, str]:
    """'PROJECT' or 'PROJECT:SECTION' → (project, section); a whole project is catalog.WHOLE_PROJECT."""
    project, _, section = text.partition(":")
    return project.strip(), (section.strip() or WHOLE_PROJECT)


_REGIONS: dict[tuple, tuple] = {}


def _region(bnd: gpd.GeoDataFrame, codes: tuple[str, ...]):
    """Hunan, its neighbours and the provinces the schematic line passes through, unioned in the metric CRS."""
    key = (id(bnd), codes)
    if key not in _REGIONS:
        prov = boundaries.provinces(bnd)
        shape = shapely.union_all(prov[prov.adcode.isin(codes)].to_crs(METRIC_CRS).geometry.to_numpy())
        shapely.prepare(shape)
        _REGIONS.clear() if len(_REGIONS) > 16 else None
        _REGIONS[key] = (bnd, shape)
    return _REGIONS[key][1]


def section_places(ds, project_id: str, section: str) -> pd.DataFrame:
    """The sourced places a section runs through (a section starts at the previous section's last place)."""
    w = ds.waypoints[ds.waypoints.project_id == project_id].sort_values("seq")
    if section == WHOLE_PROJECT:
        return w
    mine = w[w.section == section]
    before = w[w.seq < mine.seq.min()] if len(mine) else w.iloc[:0]
    return pd.concat([before.tail(1), mine])


def _schematic(ds, project_id: str, section: str, name: str) -> LineString:
    """The schematic line the import replaces, after checking the project and section exist and have one."""
    checks.project_known(project_id, set(ds.catalog.projects.id), file=name)
    if section == WHOLE_PROJECT:
        g = ds.lines.set_index("project_id").geometry.get(project_id)
    else:
        s = ds.sections[(ds.sections.project_id == project_id) & (ds.sections.section == section)]
        checks.section_known(project_id, section, list(ds.sections.section[ds.sections.project_id == project_id]),
                             file=name)
        g = s.geometry.iloc[0]
    checks.schematic_exists(g, project_id, section, file=name)
    return g


def preview(ds, project_id: str, section: str, path: Path, *, datum: str | None = None, layer: str | None = None,
            file_name: str | None = None) -> Preview:
    """Read and check an alignment file for a project (section WHOLE_PROJECT) or one of its sections.

    datum: how the file's longitude/latitude are meant when its format cannot say ('wgs84', 'gcj02',
    'cgcs2000'; None: undeclared, taken as WGS-84 and checked for a GCJ-02 look). Raises AlignmentError for
    every refusal (nothing is stored by a preview anyway); returns warnings the editor must confirm.
    ds: the dataset with schematic lines (dataset.load(), without alignments folded in).
    """
    path = Path(path)
    name = clean(file_name or path.name, 255)
    checks.datum_known(datum, file=name)
    fmt = reading.format_of(name, path)
    data = reading.file_bytes(path, fmt, name=name)
    schematic = _schematic(ds, project_id, section, name)
    digest = hashlib.sha256(data).hexdigest()
    got = reading.vertices(path, fmt, name=name, layer=layer, datum=datum)
    xy, notes, warnings = got.xy, list(got.notes), list(got.warnings)
    line = LineString(xy)
    m = to_metric(line)
    mxy = shapely.get_coordinates(m)
    trace = ds.traces.get(project_id) or analysis.Trace((), ())
    codes = tuple(sorted({boundaries.HUNAN, *boundaries.NEIGHBOURS, *trace.provinces}))
    checks.inside_region(_region(ds.boundaries, codes), xy, mxy, got.owners, got.who, file=name, layer=got.layer)
    checks.not_self_crossing(m, xy, got.owners, got.who, file=name, layer=got.layer)
    s_xy = shapely.get_coordinates(schematic)
    s0, s1 = to_metric(Point(s_xy[0])), to_metric(Point(s_xy[-1]))
    a, b = Point(mxy[0]), Point(mxy[-1])
    if s0.distance(b) + s1.distance(a) < s0.distance(a) + s1.distance(b):
        line, m, a, b = line.reverse(), m.reverse(), b, a
        notes.append("reversed to run in the catalog's direction")
    places = section_places(ds, project_id, section)
    start_name = places.resolved_zh.iloc[0] if len(places) else "start"
    end_name = places.resolved_zh.iloc[-1] if len(places) else "end"
    for label, p, s in (("starts", a, s0), ("ends", b, s1)):
        warning = checks.end_near_place(label, p.distance(s) / 1000, start_name if label == "starts" else end_name)
        if warning:
            warnings.append(warning)
    length = m.length / 1000
    schematic_km = to_metric(schematic).length / 1000
    checks.length_plausible(length, schematic_km, file=name, layer=got.layer)
    hints = []
    if datum is None:
        hint = checks.gcj02_hint(places, m)
        if hint:
            hints.append(hint)
    display = from_metric(shapely.simplify(m, DISPLAY_TOLERANCE_M, preserve_topology=True))
    return Preview(project_id, section, name, digest, fmt, clean(got.layer, 500), got.crs, datum or "wgs84",
                   line, display, length, schematic_km, len(xy), int(shapely.get_num_coordinates(display)),
                   got.features, got.parts, tuple(warnings), tuple(hints), tuple(notes), tuple(got.names))


def preview_bytes(ds, project_id: str, section: str, data: bytes, file_name: str, **options) -> Preview:
    """preview() for an upload: the bytes are written to a private temporary folder under a fixed name with the
    upload's extension (the upload's own name is only shown), read, and removed."""
    checks.file_size(len(data), file=clean(file_name, 255))
    suffix = Path(file_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="corridors-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix if suffix in FORMATS else '.bin'}"
        path.write_bytes(data)
        return preview(ds, project_id, section, path, file_name=file_name, **options)


def with_preview(ds, current: pd.DataFrame, p: Preview):
    """The dataset as it would be if the previewed line were recorded now (for showing the change before the
    editor confirms): the current alignments plus the preview as the latest version of its key."""
    top = max([int(a[2:]) for a in current.alignment_id] or [0]) + 1
    row = {"alignment_id": f"a-{top}", "project_id": p.project_id, "section": p.section, "kind": "import",
           "geometry": p.line, "version": "preview", "line_source": "preview"}
    rest = current[~((current.project_id == p.project_id) & (current.section == p.section))]
    return fold(ds, pd.concat([rest, pd.DataFrame([row])], ignore_index=True))
