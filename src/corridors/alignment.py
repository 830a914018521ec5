"""Real alignments: a planner's surveyed line (GeoJSON, KML, KMZ, GPX, GeoPackage, zipped Shapefile) read with
pyogrio/GDAL, checked before anything is stored, and folded into the dataset in place of the schematic line.

The order is: preview (read, convert to WGS-84, validate; refusals raise AlignmentError naming the file, layer,
feature and reason; warnings are returned for the editor to confirm), then record (the store keeps every
version, append-only), then fold (the dataset's sections, lines, lengths, precision and traces follow the
current versions). The limits below are the stated rules; every message built from a file's text (feature
names) is plain text: escape it wherever it is shown as HTML.
"""

from __future__ import annotations

import hashlib
import stat
import tempfile
import zipfile
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import prcoords
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Point

from . import analysis, boundaries, formats, geometry, store
from .catalog import WHOLE_PROJECT
from .datum import gcj02_to_wgs84
from .errors import AlignmentError, CorridorsError
from .formats import FORMATS
from .geometry import METRIC_CRS, to_metric

MAX_BYTES = 20 * 1024 * 1024  # the file as uploaded
MAX_EXPANDED_BYTES = 60 * 1024 * 1024  # a KMZ's or zip's members once decompressed, all together
MAX_MEMBERS = 1000  # entries in a KMZ or zip
MAX_VERTICES = store.MAX_STORED_VERTICES  # 200,000, over every line in the chosen layer
END_WARNING_KM = 15.0  # an end farther than this from the section's sourced end place is a warning to confirm
# A line shorter than 0.7× or longer than 2.5× the schematic line through the same sourced places is refused:
# a real route is longer than straight segments between its places (1.0–1.5× here), so outside the band it is
# another line, part of one, or a track that went there and back. Import such a line per section instead.
LENGTH_RATIO = (0.7, 2.5)
REGION_MARGIN_KM = 5.0  # the shipped boundaries are simplified (~0.5 km); a vertex this close outside still counts
JOIN_GAP_WARNING_M = 500.0  # parts merged across a larger gap are joined by a straight segment, with a warning
DISPLAY_TOLERANCE_M = 20.0  # the map's simplified line (Douglas–Peucker in the metric CRS, topology kept)
# The GCJ-02 hint: a line traced on a Chinese web map runs where its places lie on GCJ-02, 500–700 m from where
# they are in Hunan. For each sourced place within GCJ_NEAR_KM of the line, its gain is how much nearer the
# line passes its GCJ-02 position than the place itself, as a share of the distance between the two: +1 when
# the line runs through the GCJ-02 position, −1 when through the place, near 0 for a place the line passes
# far from. The hint shows when at least GCJ_MIN_PLACES places count, their mean gain is at least GCJ_GAIN and
# most gains are positive. `python -m bench.gcj_hint` measures it on the 78 shipped lines with 3 places or more,
# each as it is and put on GCJ-02 with PRCoords: no false alarm on any, and the hint shows for 100% of the
# schematic lines densified to 500 m, 95% of those with 150 m of noise, and about 65% of those with rounded
# corners and a 1.5 km sideways wave, traced or clicked every 3 km. The rule before (a median offset of
# 250–900 m) showed for 96%, 88%, 45% and 44%: a GCJ-02 line runs along its places as often as across them,
# and the distance to a place shows only the part of the offset across the line.
GCJ_NEAR_KM = 5.0
GCJ_MIN_PLACES = 3
GCJ_GAIN = 0.25
# Formats whose coordinates are WGS-84 longitude/latitude by definition (RFC 7946, KML 2.2, GPX 1.1).
WGS84_FORMATS = {"GeoJSON", "KML", "KMZ", "GPX"}
LINE_TYPES = ("LineString", "MultiLineString", "LinearRing")
NAME_FIELDS = ("Name", "name", "NAME", "名称")


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


# --- reading -------------------------------------------------------------------------------------------------

def _clean(text: object, limit: int = 80) -> str:
    """A file's text made safe for a one-line message: no control characters, at most `limit` characters."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    s = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _check_archive(path: Path, name: str) -> list[str]:
    """The member names of a KMZ or zip, after refusing entries that point outside it (absolute paths, '..',
    drive letters, symbolic links), encrypted entries, too many entries, and contents that expand past
    MAX_EXPANDED_BYTES: the declared sizes are checked first, then every member is decompressed in memory
    (nothing extracted) with a running count, so a header that lies is caught too."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise AlignmentError(f"is not a readable zip archive ({exc})", file=name) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise AlignmentError(f"holds {len(infos)} entries (at most {MAX_MEMBERS})", file=name)
        for info in infos:
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise AlignmentError(f"entry '{_clean(info.filename)}' points outside the archive "
                                     "(absolute path, drive or '..'); refused before reading", file=name)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise AlignmentError(f"entry '{_clean(info.filename)}' is a symbolic link; refused before reading",
                                     file=name)
            if info.flag_bits & 0x1:
                raise AlignmentError(f"entry '{_clean(info.filename)}' is encrypted", file=name)
        declared = sum(i.file_size for i in infos)
        if declared > MAX_EXPANDED_BYTES:
            raise AlignmentError(f"expands to {declared / 2**20:.0f} MB (at most {MAX_EXPANDED_BYTES / 2**20:.0f} MB); "
                                 "refused before reading", file=name)
        total = 0
        try:
            for info in infos:
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        if total > MAX_EXPANDED_BYTES:
                            raise AlignmentError(f"expands past {MAX_EXPANDED_BYTES / 2**20:.0f} MB; refused before "
                                                 "reading", file=name)
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
            raise AlignmentError(f"is a damaged zip archive ({exc})", file=name) from None
        return [i.filename for i in infos if not i.is_dir()]


def _source(path: Path, name: str, fmt: str, layer: str | None) -> str:
    """The path GDAL opens: the file itself, or the KML / Shapefile inside a checked archive via /vsizip/."""
    if fmt not in ("KMZ", "zipped Shapefile"):
        return str(path)
    members = _check_archive(path, name)
    if fmt == "KMZ":
        kml = [m for m in members if m.lower().endswith(".kml")]
        if not kml:
            raise AlignmentError("holds no .kml document", file=name)
        main = next((m for m in kml if m.lower() == "doc.kml"), kml[0])  # KMZ: doc.kml, else the first .kml
        with zipfile.ZipFile(path) as zf:
            doc = zf.read(main)  # its size was checked with the archive's
        if not formats.matches(doc, "KML"):
            raise AlignmentError(f"holds '{_clean(main)}', which is {formats.what_is(doc)}, not KML; refused before "
                                 "reading", file=name)
        return f"/vsizip/{path.resolve()}/{main}"
    shps = [m for m in members if m.lower().endswith(".shp")]
    if layer:
        shps = [m for m in shps if PurePosixPath(m).stem == layer] or shps
    if not shps:
        raise AlignmentError("holds no Shapefile (.shp)", file=name)
    if len(shps) > 1:
        raise AlignmentError("holds several Shapefiles (" + ", ".join(_clean(PurePosixPath(m).stem) for m in shps)
                             + "); choose one with --layer", file=name)
    with zipfile.ZipFile(path) as zf, zf.open(shps[0]) as fh:
        head = fh.read(100)
    if not formats.shp_matches(head):
        raise AlignmentError(f"holds '{_clean(shps[0])}', which is {formats.what_is(head)}, not a Shapefile; "
                             "refused before reading", file=name)
    stem = shps[0][:-4]
    if not any(m.lower() == (stem + ".prj").lower() for m in members):
        raise AlignmentError("declares no CRS: the Shapefile has no .prj beside its .shp", file=name)
    return f"/vsizip/{path.resolve()}/{shps[0]}"


def _layers(src: str, name: str, fmt: str, layer: str | None) -> tuple[str, gpd.GeoDataFrame]:
    """The chosen layer and its features: --layer when given, else the one layer that holds lines. GDAL must
    have opened the file with the driver its format means (formats.DRIVERS), else nothing is read from it."""
    pyogrio = formats.gdal()  # GDAL restricted for the process: only an import reads files, so loaded here

    try:
        found = [(str(n), str(t)) for n, t in pyogrio.list_layers(src)]
        driver = pyogrio.read_info(src, layer=found[0][0])["driver"] if found else formats.DRIVERS[fmt]
    except Exception as exc:  # GDAL's own errors: the file is not what its name says, or damaged
        raise AlignmentError(f"GDAL cannot read it as {fmt} ({_clean(exc, 200)})", file=name) from None
    if driver != formats.DRIVERS[fmt]:
        raise AlignmentError(f"was opened by GDAL's {_clean(driver)} driver, not {formats.DRIVERS[fmt]} as {fmt} "
                             "needs; refused before reading", file=name)
    names = [n for n, _ in found]
    if fmt == "zipped Shapefile":
        layer = names[0] if names else layer
    if layer is not None and layer not in names:
        raise AlignmentError(f"has no layer '{_clean(layer)}' (layers: {', '.join(map(_clean, names))})", file=name)
    frames: dict[str, gpd.GeoDataFrame] = {}
    for n, gtype in found:
        if (layer is not None and n != layer) or (layer is None and gtype in ("Point", "Polygon", "MultiPoint",
                                                                                "MultiPolygon", "None")):
            continue
        try:
            frames[n] = pyogrio.read_dataframe(src, layer=n)
        except Exception as exc:
            raise AlignmentError(f"GDAL cannot read the layer ({_clean(exc, 200)})", file=name, layer=n) from None
    with_lines = [n for n, f in frames.items() if _has_lines(f)]
    if layer is not None:
        return layer, frames[layer]
    if not with_lines:
        kinds = ", ".join(f"{_clean(n)} ({t})" for n, t in found) or "none"
        raise AlignmentError(f"holds no line geometry (layers: {kinds})", file=name)
    if len(with_lines) > 1:
        raise AlignmentError("has several layers with lines (" + ", ".join(map(_clean, with_lines))
                             + "); choose one with --layer", file=name)
    return with_lines[0], frames[with_lines[0]]


def _has_lines(frame: gpd.GeoDataFrame) -> bool:
    return any(g is not None and _line_parts(g) for g in frame.geometry)


def _line_parts(g) -> list:
    """The line parts of a geometry, in order (collections searched in order; points and polygons ignored)."""
    if g is None:
        return []
    if g.geom_type in ("LineString", "LinearRing"):
        return [g]
    if g.geom_type in ("MultiLineString", "GeometryCollection"):
        return [p for sub in g.geoms for p in _line_parts(sub)]
    return []


def _feature_label(i: int, frame: gpd.GeoDataFrame) -> str:
    """'3' or "3 ('名称')": the feature's position in its layer (from 1) and its name, cleaned."""
    for field in NAME_FIELDS:
        if field in frame.columns:
            n = _clean(frame[field].iloc[i])
            if n:
                return f"{i + 1} ('{n}')"
    return str(i + 1)


def _to_wgs84(frame: gpd.GeoDataFrame, name: str, fmt: str, layer: str,
              datum: str | None) -> tuple[gpd.GeoDataFrame, str, list[str]]:
    """The features in WGS-84 lon/lat: from the file's CRS (GeoJSON/KML/GPX are WGS-84 by definition), then
    from GCJ-02 when the caller declares it. CGCS2000 is treated as WGS-84 (they differ by centimetres to a
    few decimetres here, far below what a corridor map shows)."""
    notes = []
    crs = frame.crs
    if crs is None:
        if fmt not in WGS84_FORMATS:
            raise AlignmentError("declares no CRS", file=name, layer=layer)
        crs = CRS.from_epsg(4326)
        notes.append(f"{fmt} coordinates are WGS-84 longitude/latitude by the format's definition")
    crs = CRS.from_user_input(crs)
    crs_text = crs.to_string()
    if datum == "gcj02" and not crs.is_geographic:
        raise AlignmentError(f"is declared GCJ-02 but its CRS is projected ({_clean(crs.name)}); GCJ-02 coordinates "
                             "are longitude/latitude", file=name, layer=layer)
    epsg = crs.to_epsg()
    if epsg != 4326:
        if "2000" in crs.name and "CGCS" in crs.name.upper():
            notes.append(f"the file's CRS {crs.name} (CGCS2000) is treated as WGS-84 (they differ by under a metre)")
        frame = frame.set_crs(crs, allow_override=True).to_crs(4326)
        notes.append(f"transformed from {crs.name} to WGS-84")
    if datum == "gcj02":
        frame = frame.set_geometry([None if g is None else gcj02_to_wgs84(g) for g in frame.geometry], crs=4326)
        notes.append("converted from GCJ-02 to WGS-84 (PRCoords, about 1 cm)")
    elif datum == "cgcs2000":
        notes.append("declared CGCS2000: treated as WGS-84 (they differ by under a metre)")
    return frame, crs_text, notes


def _merge(frame: gpd.GeoDataFrame, name: str, layer: str) -> tuple[np.ndarray, np.ndarray, int, list[str],
                                                                          list[str], list[str]]:
    """Every line part of every feature, in file order, joined into one vertex array (WGS-84), each next part
    turned to start at the end nearer the line so far; and per vertex, the feature it came from.

    Refuses empty and degenerate parts, and non-finite coordinates, naming the feature.
    """
    parts, owners, ignored, names = [], [], {}, []
    total = int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum())
    if total > MAX_VERTICES:
        raise AlignmentError(f"has {total} vertices (at most {MAX_VERTICES})", file=name, layer=layer)
    for i, g in enumerate(frame.geometry):
        lines = _line_parts(g)
        if g is not None and not lines:
            ignored[g.geom_type] = ignored.get(g.geom_type, 0) + 1
            continue
        label = _feature_label(i, frame)
        if lines and "'" in label:
            names.append(label.split("'", 1)[1].rsplit("'", 1)[0])
        for k, part in enumerate(lines):
            where = label + (f", part {k + 1}" if len(lines) > 1 else "")
            xy = shapely.get_coordinates(part)  # 2-D: heights are dropped
            if not len(xy):
                raise AlignmentError("is an empty line", file=name, layer=layer, feature=where)
            if not np.isfinite(xy).all():
                raise AlignmentError("has a coordinate that is not a number", file=name, layer=layer, feature=where)
            keep = np.r_[True, (np.diff(xy, axis=0) != 0).any(axis=1)]
            xy = xy[keep]
            if len(xy) < 2:
                raise AlignmentError("is degenerate: fewer than two distinct points", file=name, layer=layer,
                                     feature=where)
            parts.append(xy)
            owners.append(where)
    if not parts:
        found = ", ".join(f"{t} ×{n}" for t, n in ignored.items()) or "no geometry"
        raise AlignmentError(f"holds no line geometry ({found})", file=name, layer=layer)
    notes = [f"ignored {n} {t} feature(s)" for t, n in ignored.items()]
    warnings = []
    chain, who = [parts[0]], [np.full(len(parts[0]), 0)]
    if len(parts) > 1:  # the first part runs towards the second
        ends = [(a, b) for a in (0, -1) for b in (0, -1)]
        a, _ = min(ends, key=lambda e: _metres(parts[0][e[0]], parts[1][e[1]]))
        if a == 0:
            chain[0] = parts[0][::-1]
    for k in range(1, len(parts)):
        end = chain[-1][-1]
        xy = parts[k] if _metres(end, parts[k][0]) <= _metres(end, parts[k][-1]) else parts[k][::-1]
        gap = _metres(end, xy[0])
        if gap > JOIN_GAP_WARNING_M:
            warnings.append(f"feature {owners[k]} starts {gap / 1000:.1f} km from where feature {owners[k - 1]} "
                            "ends: joined by a straight segment")
        if gap == 0:
            xy = xy[1:]
        chain.append(xy)
        who.append(np.full(len(xy), k))
    if len(parts) > 1:
        notes.append(f"merged {len(parts)} line parts in file order")
    return np.vstack(chain), np.concatenate(who), len(parts), owners, notes, warnings, names


def _metres(a, b) -> float:
    """Distance in metres between two lon/lat points, in the metric CRS."""
    return float(shapely.distance(to_metric(Point(a)), to_metric(Point(b))))


@cache
def _from_metric() -> Transformer:
    return Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def from_metric(geom):
    """A metric-CRS geometry back to WGS-84 lon/lat."""
    return shapely.transform(geom, lambda xy: np.column_stack(_from_metric().transform(xy[:, 0], xy[:, 1])))


# --- checking against the section ----------------------------------------------------------------------------

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


def _places(ds, project_id: str, section: str) -> pd.DataFrame:
    """The sourced places a section runs through (a section starts at the previous section's last place)."""
    w = ds.waypoints[ds.waypoints.project_id == project_id].sort_values("seq")
    if section == WHOLE_PROJECT:
        return w
    mine = w[w.section == section]
    before = w[w.seq < mine.seq.min()] if len(mine) else w.iloc[:0]
    return pd.concat([before.tail(1), mine])


def _schematic(ds, project_id: str, section: str, name: str) -> LineString:
    if project_id not in set(ds.catalog.projects.id):
        raise AlignmentError(f"is for project '{_clean(project_id)}', which the catalog does not have", file=name)
    if section == WHOLE_PROJECT:
        g = ds.lines.set_index("project_id").geometry.get(project_id)
    else:
        s = ds.sections[(ds.sections.project_id == project_id) & (ds.sections.section == section)]
        if s.empty:
            known = ", ".join(ds.sections.section[ds.sections.project_id == project_id])
            raise AlignmentError(f"is for section '{_clean(section)}', which {project_id} does not have "
                                 f"(sections: {known or 'none'})", file=name)
        g = s.geometry.iloc[0]
    if g is None or g.is_empty:
        raise AlignmentError(f"{project_id}:{section} has no schematic line to replace (fewer than two sourced "
                             "places): add its places to the catalog first", file=name)
    return g


def _first_self_intersection(m: LineString) -> int | None:
    """The index of the first segment that crosses or overlaps a non-adjacent one (None: the line is simple)."""
    if m.is_simple:
        return None
    xy = shapely.get_coordinates(m)
    segs = shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1))
    tree = shapely.STRtree(segs)
    a, b = tree.query(segs, predicate="intersects")
    far = np.abs(a - b) > 1
    near = (b == a + 1)
    overlap = near & (shapely.length(shapely.intersection(segs[a], segs[b])) > 0)
    hits = a[far | overlap]
    return int(hits.min()) if len(hits) else 0


def _gcj_hint(places: pd.DataFrame, m: LineString) -> str | None:
    """A hint when the line fits its places better as if they were on GCJ-02 (see GCJ_GAIN); m is metric."""
    if len(places) < GCJ_MIN_PLACES:
        return None
    lon, lat = places.lon.to_numpy(float), places.lat.to_numpy(float)
    shifted = [prcoords.wgs_gcj(prcoords.Coords(float(b), float(a))) for a, b in zip(lon, lat)]
    pts = shapely.get_parts(to_metric(shapely.multipoints(np.column_stack([lon, lat]))))
    gpts = shapely.get_parts(to_metric(shapely.multipoints(np.array([(c.lon, c.lat) for c in shifted]))))
    d0, d1 = shapely.distance(pts, m), shapely.distance(gpts, m)
    offset = shapely.distance(pts, gpts)
    near = (np.minimum(d0, d1) <= GCJ_NEAR_KM * 1000) & (offset > 0)
    if near.sum() < GCJ_MIN_PLACES:
        return None
    gain = (d0[near] - d1[near]) / offset[near]
    if gain.mean() >= GCJ_GAIN and (gain > 0).mean() > 0.5:
        nearer, apart = float(np.mean(d0[near] - d1[near])), float(np.mean(offset[near]))
        return (f"the line runs on average {nearer:.0f} m nearer to where {int(near.sum())} of its sourced places "
                f"lie on GCJ-02 (the datum of Chinese web maps such as Amap; {apart:.0f} m from them here) than to "
                "the places themselves: if it was traced on such a map, import it again declaring datum gcj02")
    return None


def preview(ds, project_id: str, section: str, path: Path, *, datum: str | None = None, layer: str | None = None,
            file_name: str | None = None) -> Preview:
    """Read and check an alignment file for a project (section WHOLE_PROJECT) or one of its sections.

    datum: how the file's longitude/latitude are meant when its format cannot say ('wgs84', 'gcj02',
    'cgcs2000'; None: undeclared, taken as WGS-84 and checked for a GCJ-02 look). Raises AlignmentError for
    every refusal (nothing is stored by a preview anyway); returns warnings the editor must confirm.
    ds: the dataset with schematic lines (dataset.load(), without alignments folded in).
    """
    path = Path(path)
    name = _clean(file_name or path.name, 255)
    if datum is not None and datum not in store.DATUMS:
        raise AlignmentError(f"datum '{_clean(datum)}' is not one of {', '.join(store.DATUMS)}", file=name)
    fmt = FORMATS.get(Path(name).suffix.lower()) or FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise AlignmentError("is not a supported file (GeoJSON, KML, KMZ, GPX, GeoPackage or a zipped Shapefile, "
                             f"by its extension: {', '.join(FORMATS)})", file=name)
    try:
        info = path.stat()
    except OSError as exc:
        raise AlignmentError(f"cannot be read ({exc.strerror or exc})", file=name) from None
    if not stat.S_ISREG(info.st_mode):
        raise AlignmentError("is not a regular file (a folder, FIFO or device); refused before reading", file=name)
    size = info.st_size
    if size > MAX_BYTES:
        raise AlignmentError(f"is {size / 2**20:.1f} MB (at most {MAX_BYTES / 2**20:.0f} MB)", file=name)
    data = path.read_bytes()
    if not formats.matches(data, fmt):
        raise AlignmentError(f"is {formats.what_is(data)}, not {fmt} as its name says; refused before reading",
                             file=name)
    schematic = _schematic(ds, project_id, section, name)
    digest = hashlib.sha256(data).hexdigest()
    src = _source(path, name, fmt, layer)
    layer_name, frame = _layers(src, name, fmt, layer)
    frame, crs_text, notes = _to_wgs84(frame, name, fmt, layer_name, datum)
    xy, who, nparts, owners, more_notes, warnings, names = _merge(frame, name, layer_name)
    notes += more_notes
    line = LineString(xy)
    m = to_metric(line)
    mxy = shapely.get_coordinates(m)
    trace = ds.traces.get(project_id) or analysis.Trace((), ())
    codes = tuple(sorted({boundaries.HUNAN, *boundaries.NEIGHBOURS, *trace.provinces}))
    region = _region(ds.boundaries, codes)
    inside = shapely.contains_xy(region, mxy[:, 0], mxy[:, 1])
    if not inside.all():
        far = np.flatnonzero(~inside)
        dist = shapely.distance(region, shapely.points(mxy[far]))
        bad = far[dist > REGION_MARGIN_KM * 1000]
        if len(bad):
            i = int(bad[0])
            raise AlignmentError(f"vertex {i + 1} at {xy[i, 0]:.5f}, {xy[i, 1]:.5f} lies "
                                 f"{float(dist[dist > REGION_MARGIN_KM * 1000][0]) / 1000:.0f} km outside Hunan, its "
                                 f"neighbours and the provinces the line is sourced to cross ({len(bad)} such vertices;"
                                 " is the CRS right?)", file=name, layer=layer_name, feature=owners[who[i]])
    seg = _first_self_intersection(m)
    if seg is not None:
        at = xy[seg]
        raise AlignmentError(f"crosses itself (segment {seg + 1}, near {at[0]:.5f}, {at[1]:.5f}); a line with "
                             "loops or a track that went back and forth is not an alignment", file=name,
                             layer=layer_name, feature=owners[who[seg]])
    s_xy = shapely.get_coordinates(schematic)
    s0, s1 = to_metric(Point(s_xy[0])), to_metric(Point(s_xy[-1]))
    a, b = Point(mxy[0]), Point(mxy[-1])
    if s0.distance(b) + s1.distance(a) < s0.distance(a) + s1.distance(b):
        line, m, a, b = line.reverse(), m.reverse(), b, a
        notes.append("reversed to run in the catalog's direction")
    places = _places(ds, project_id, section)
    start_name = places.resolved_zh.iloc[0] if len(places) else "start"
    end_name = places.resolved_zh.iloc[-1] if len(places) else "end"
    for label, p, s in (("starts", a, s0), ("ends", b, s1)):
        km = p.distance(s) / 1000
        if km > END_WARNING_KM:
            place = _clean(start_name if label == "starts" else end_name)
            warnings.append(f"the line {label} {km:.1f} km from {place}, the section's sourced "
                            f"{'first' if label == 'starts' else 'last'} place (more than {END_WARNING_KM:g} km): "
                            "confirm it is this line")
    length = m.length / 1000
    schematic_km = to_metric(schematic).length / 1000
    ratio = length / schematic_km
    if not LENGTH_RATIO[0] <= ratio <= LENGTH_RATIO[1]:
        raise AlignmentError(f"is {length:.1f} km long, {ratio:.2f}× the schematic line ({schematic_km:.1f} km); "
                             f"a line outside {LENGTH_RATIO[0]:g}–{LENGTH_RATIO[1]:g}× is not this route or not all of "
                             "it (import it per section)", file=name, layer=layer_name)
    hints = []
    if datum is None:
        hint = _gcj_hint(places, m)
        if hint:
            hints.append(hint)
    display = from_metric(shapely.simplify(m, DISPLAY_TOLERANCE_M, preserve_topology=True))
    return Preview(project_id, section, name, digest, fmt, _clean(layer_name, 500), crs_text, datum or "wgs84",
                   line, display, length, schematic_km, len(xy), int(shapely.get_num_coordinates(display)),
                   len(frame), nparts, tuple(warnings), tuple(hints), tuple(notes), tuple(names))


def preview_bytes(ds, project_id: str, section: str, data: bytes, file_name: str, **options) -> Preview:
    """preview() for an upload: the bytes are written to a private temporary folder under a fixed name with the
    upload's extension (the upload's own name is only shown), read, and removed."""
    if len(data) > MAX_BYTES:
        raise AlignmentError(f"is {len(data) / 2**20:.1f} MB (at most {MAX_BYTES / 2**20:.0f} MB)",
                             file=_clean(file_name, 255))
    suffix = Path(file_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="corridors-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix if suffix in FORMATS else '.bin'}"
        path.write_bytes(data)
        return preview(ds, project_id, section, path, file_name=file_name, **options)


# --- recording -----------------------------------------------------------------------------------------------

def record(progress: store.Store, ds, p: Preview, *, source: str, recorded_by: str, confirm: bool = False,
           expect_current: str | None = None) -> str:
    """Store a previewed alignment as the new version of its project or section; return its id ('a-N').

    A preview with warnings is refused unless confirm=True; the confirmed warnings are kept in the row's note.
    expect_current: the version the editor saw as current ('' for the schematic line), to refuse a change
    recorded by someone else in between.
    """
    if p.warnings and not confirm:
        raise AlignmentError("needs the editor's confirmation: " + "; ".join(p.warnings), file=p.file_name,
                             layer=p.layer)
    note = "; ".join([*(f"confirmed: {w}" for w in p.warnings), *p.hints, *p.notes])
    al = store.NewAlignment(p.project_id, p.section, source_title=source.strip(), recorded_by=recorded_by.strip(),
                            geometry=shapely.to_wkt(p.line, rounding_precision=7), datum=p.datum, crs=p.crs[:4000],
                            layer=p.layer, file_name=p.file_name, sha256=p.sha256,
                            note=note if len(note) <= 4000 else note[:3999] + "…")
    return progress.append_alignment(al, ds.catalog.projects, ds.catalog.sections, expect_current)


def revert(progress: store.Store, ds, project_id: str, section: str, to: str, *, source: str, recorded_by: str,
           expect_current: str | None = None) -> str:
    """Record a new version that goes back to an earlier one ('a-N') or to the schematic line ('schematic')."""
    al = store.NewAlignment(project_id, section, source_title=source.strip(), recorded_by=recorded_by.strip(),
                            reverts_to=to.strip())
    return progress.append_alignment(al, ds.catalog.projects, ds.catalog.sections, expect_current)


# --- folding into the dataset --------------------------------------------------------------------------------

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


def with_preview(ds, current: pd.DataFrame, p: Preview):
    """The dataset as it would be if the previewed line were recorded now (for showing the change before the
    editor confirms): the current alignments plus the preview as the latest version of its key."""
    top = max([int(a[2:]) for a in current.alignment_id] or [0]) + 1
    row = {"alignment_id": f"a-{top}", "project_id": p.project_id, "section": p.section, "kind": "import",
           "geometry": p.line, "version": "preview", "line_source": "preview"}
    rest = current[~((current.project_id == p.project_id) & (current.section == p.section))]
    return fold(ds, pd.concat([rest, pd.DataFrame([row])], ignore_index=True))


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
        state = fold(ds, store.current_alignments(mine.iloc[: k + 1]))
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


def needs_editor(name: str | None) -> str:
    """The recorder's name, or an error saying how to give it."""
    if not name or not name.strip():
        raise CorridorsError("who records it is missing: give --editor NAME or set $CORRIDORS_EDITOR")
    return name.strip()
