"""Every reason an alignment import is refused, warned about or hinted at: one named function each, with the
limits beside their reasons. The one place to change what an import refuses.

A check either raises AlignmentError (a refusal: the message names the file, layer and feature; nothing is
stored) or returns a warning (the editor must confirm it) or a hint (for information), None when there is
none. A library's failure (zipfile, GDAL, the file system) becomes a refusal through a context manager here
(`with checks.archive_opens(file=name): ...`). Reading, previewing and recording only call these; the store
keeps its own refusals of what it is asked to store (corridors.store). Text taken from a file (entry, layer
and feature names) goes through `clean` before it is put in a message: plain text, escaped where shown as HTML.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import prcoords
import shapely
from pyproj import CRS
from shapely.geometry import LineString

from .. import formats
from ..errors import AlignmentError, CorridorsError
from ..geometry import to_metric
from ..store import DATUMS, MAX_STORED_VERTICES

# --- the limits, each with its reason ------------------------------------------------------------------------

MAX_BYTES = 20 * 1024 * 1024  # the file as uploaded
MAX_EXPANDED_BYTES = 60 * 1024 * 1024  # a KMZ's or zip's members once decompressed, all together
MAX_MEMBERS = 1000  # entries in a KMZ or zip
MAX_VERTICES = MAX_STORED_VERTICES  # 200,000, over every line in the chosen layer
END_WARNING_KM = 15.0  # an end farther than this from the section's sourced end place is a warning to confirm
# A line shorter than 0.7× or longer than 2.5× the schematic line through the same sourced places is refused:
# a real route is longer than straight segments between its places (1.0–1.5× here), so outside the band it is
# another line, part of one, or a track that went there and back. Import such a line per section instead.
LENGTH_RATIO = (0.7, 2.5)
REGION_MARGIN_KM = 5.0  # the shipped boundaries are simplified (~0.5 km); a vertex this close outside still counts
JOIN_GAP_WARNING_M = 500.0  # parts merged across a larger gap are joined by a straight segment, with a warning
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


def clean(text: object, limit: int = 80) -> str:
    """A file's text made safe for a one-line message: no control characters, at most `limit` characters."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    s = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


# --- the file, before anything reads it (in this order) ------------------------------------------------------

def datum_known(datum: str | None, *, file: str) -> None:
    """Refuse a declared datum the store does not know (None: undeclared, allowed)."""
    if datum is not None and datum not in DATUMS:
        raise AlignmentError(f"datum '{clean(datum)}' is not one of {', '.join(DATUMS)}", file=file)


def format_supported(fmt: str | None, *, file: str) -> str:
    """The format the file's name claims; refused when its extension is none the import reads."""
    if fmt is None:
        raise AlignmentError("is not a supported file (GeoJSON, KML, KMZ, GPX, GeoPackage or a zipped Shapefile, "
                             f"by its extension: {', '.join(formats.FORMATS)})", file=file)
    return fmt


@contextmanager
def file_readable(*, file: str) -> Iterator[None]:
    """Inside it, an OSError (the file cannot be looked at) is a refusal naming the system's reason."""
    try:
        yield
    except OSError as exc:
        raise AlignmentError(f"cannot be read ({exc.strerror or exc})", file=file) from None


def regular_file(mode: int, *, file: str) -> None:
    """Refuse a folder, FIFO or device (st_mode) before opening it: a FIFO would block the read."""
    if not stat.S_ISREG(mode):
        raise AlignmentError("is not a regular file (a folder, FIFO or device); refused before reading", file=file)


def file_size(size: int, *, file: str) -> None:
    """Refuse a file over MAX_BYTES (on disk, or an upload's bytes)."""
    if size > MAX_BYTES:
        raise AlignmentError(f"is {size / 2**20:.1f} MB (at most {MAX_BYTES / 2**20:.0f} MB)", file=file)


def content_matches(data: bytes, fmt: str, *, file: str) -> None:
    """Refuse bytes that are not the format the name claims (corridors.formats): GDAL would pick a driver by
    content, and some drivers read other files or URLs."""
    if not formats.matches(data, fmt):
        raise AlignmentError(f"is {formats.what_is(data)}, not {fmt} as its name says; refused before reading",
                             file=file)


# --- the section the line is for ----------------------------------------------------------------------------

def project_known(project_id: str, known: set[str], *, file: str) -> None:
    """Refuse a project the catalog does not have."""
    if project_id not in known:
        raise AlignmentError(f"is for project '{clean(project_id)}', which the catalog does not have", file=file)


def section_known(project_id: str, section: str, sections: list[str], *, file: str) -> None:
    """Refuse a section its project does not have (sections: the project's, listed in the message)."""
    if section not in sections:
        known = ", ".join(sections)
        raise AlignmentError(f"is for section '{clean(section)}', which {project_id} does not have "
                             f"(sections: {known or 'none'})", file=file)


def schematic_exists(g: LineString | None, project_id: str, section: str, *, file: str) -> None:
    """Refuse a section with no schematic line to replace: the import is measured against it."""
    if g is None or g.is_empty:
        raise AlignmentError(f"{project_id}:{section} has no schematic line to replace (fewer than two sourced "
                             "places): add its places to the catalog first", file=file)


# --- a KMZ or zipped Shapefile, before GDAL opens it --------------------------------------------------------

@contextmanager
def archive_opens(*, file: str) -> Iterator[None]:
    """Inside it, a file zipfile cannot open is a refusal."""
    try:
        yield
    except (zipfile.BadZipFile, OSError) as exc:
        raise AlignmentError(f"is not a readable zip archive ({exc})", file=file) from None


def archive_entry_count(count: int, *, file: str) -> None:
    """Refuse an archive of more than MAX_MEMBERS entries."""
    if count > MAX_MEMBERS:
        raise AlignmentError(f"holds {count} entries (at most {MAX_MEMBERS})", file=file)


def archive_entry_inside(info: zipfile.ZipInfo, *, file: str) -> None:
    """Refuse an entry that points outside the archive: an absolute path, a drive letter or '..'."""
    parts = PurePosixPath(info.filename.replace("\\", "/")).parts
    if info.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
        raise AlignmentError(f"entry '{clean(info.filename)}' points outside the archive "
                             "(absolute path, drive or '..'); refused before reading", file=file)


def archive_entry_not_link(info: zipfile.ZipInfo, *, file: str) -> None:
    """Refuse an entry that is a symbolic link (its Unix mode in the high bits of external_attr)."""
    if stat.S_ISLNK(info.external_attr >> 16):
        raise AlignmentError(f"entry '{clean(info.filename)}' is a symbolic link; refused before reading", file=file)


def archive_entry_not_encrypted(info: zipfile.ZipInfo, *, file: str) -> None:
    """Refuse an encrypted entry (general-purpose flag bit 0)."""
    if info.flag_bits & 0x1:
        raise AlignmentError(f"entry '{clean(info.filename)}' is encrypted", file=file)


def archive_declared_size(total: int, *, file: str) -> None:
    """Refuse an archive whose entries declare more than MAX_EXPANDED_BYTES in all."""
    if total > MAX_EXPANDED_BYTES:
        raise AlignmentError(f"expands to {total / 2**20:.0f} MB (at most {MAX_EXPANDED_BYTES / 2**20:.0f} MB); "
                             "refused before reading", file=file)


def archive_expanded_size(total: int, *, file: str) -> None:
    """Refuse an archive once more than MAX_EXPANDED_BYTES have been decompressed (a header that lies)."""
    if total > MAX_EXPANDED_BYTES:
        raise AlignmentError(f"expands past {MAX_EXPANDED_BYTES / 2**20:.0f} MB; refused before reading", file=file)


@contextmanager
def archive_intact(*, file: str) -> Iterator[None]:
    """Inside it, an entry that cannot be decompressed is a refusal."""
    try:
        yield
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise AlignmentError(f"is a damaged zip archive ({exc})", file=file) from None


def kmz_has_kml(kml: list[str], *, file: str) -> None:
    """Refuse a KMZ without a .kml document."""
    if not kml:
        raise AlignmentError("holds no .kml document", file=file)


def kmz_document_is_kml(doc: bytes, member: str, *, file: str) -> None:
    """Refuse a KMZ whose document is not KML (checked as an uploaded .kml is)."""
    if not formats.matches(doc, "KML"):
        raise AlignmentError(f"holds '{clean(member)}', which is {formats.what_is(doc)}, not KML; refused before "
                             "reading", file=file)


def zip_has_shapefile(shps: list[str], *, file: str) -> None:
    """Refuse a zip without a .shp."""
    if not shps:
        raise AlignmentError("holds no Shapefile (.shp)", file=file)


def zip_has_one_shapefile(shps: list[str], *, file: str) -> None:
    """Refuse a zip of several Shapefiles when --layer does not choose one."""
    if len(shps) > 1:
        raise AlignmentError("holds several Shapefiles (" + ", ".join(clean(PurePosixPath(m).stem) for m in shps)
                             + "); choose one with --layer", file=file)


def shp_is_shapefile(head: bytes, member: str, *, file: str) -> None:
    """Refuse a .shp that does not start with the Shapefile's file code."""
    if not formats.shp_matches(head):
        raise AlignmentError(f"holds '{clean(member)}', which is {formats.what_is(head)}, not a Shapefile; "
                             "refused before reading", file=file)


def shapefile_has_prj(stem: str, members: list[str], *, file: str) -> None:
    """Refuse a Shapefile without its .prj: its coordinates could be in any CRS."""
    if not any(m.lower() == (stem + ".prj").lower() for m in members):
        raise AlignmentError("declares no CRS: the Shapefile has no .prj beside its .shp", file=file)


# --- layers, as GDAL opens them -----------------------------------------------------------------------------

@contextmanager
def gdal_opens(fmt: str, *, file: str) -> Iterator[None]:
    """Inside it, GDAL's own error (the file is not what its name says, or damaged) is a refusal."""
    try:
        yield
    except Exception as exc:
        raise AlignmentError(f"GDAL cannot read it as {fmt} ({clean(exc, 200)})", file=file) from None


def driver_matches(driver: str, fmt: str, *, file: str) -> None:
    """Refuse a file GDAL opened with another driver than the one its format means (formats.DRIVERS)."""
    if driver != formats.DRIVERS[fmt]:
        raise AlignmentError(f"was opened by GDAL's {clean(driver)} driver, not {formats.DRIVERS[fmt]} as {fmt} "
                             "needs; refused before reading", file=file)


def layer_exists(layer: str | None, names: list[str], *, file: str) -> None:
    """Refuse a --layer the file does not have (None: not chosen)."""
    if layer is not None and layer not in names:
        raise AlignmentError(f"has no layer '{clean(layer)}' (layers: {', '.join(map(clean, names))})", file=file)


@contextmanager
def gdal_reads_layer(*, file: str, layer: str) -> Iterator[None]:
    """Inside it, GDAL's failure to read a layer's features is a refusal naming the layer."""
    try:
        yield
    except Exception as exc:
        raise AlignmentError(f"GDAL cannot read the layer ({clean(exc, 200)})", file=file, layer=layer) from None


def has_line_layer(with_lines: list[str], found: list[tuple[str, str]], *, file: str) -> None:
    """Refuse a file none of whose layers holds a line (found: every layer and its geometry type)."""
    if not with_lines:
        kinds = ", ".join(f"{clean(n)} ({t})" for n, t in found) or "none"
        raise AlignmentError(f"holds no line geometry (layers: {kinds})", file=file)


def one_line_layer(with_lines: list[str], *, file: str) -> None:
    """Refuse a file of several layers with lines when --layer does not choose one."""
    if len(with_lines) > 1:
        raise AlignmentError("has several layers with lines (" + ", ".join(map(clean, with_lines))
                             + "); choose one with --layer", file=file)


# --- coordinates ------------------------------------------------------------------------------------------------

def crs_declared(crs: object, fmt: str, *, file: str, layer: str) -> None:
    """Refuse a file without a CRS, unless its format is WGS-84 by definition (WGS84_FORMATS)."""
    if crs is None and fmt not in WGS84_FORMATS:
        raise AlignmentError("declares no CRS", file=file, layer=layer)


def gcj02_is_geographic(crs: CRS, datum: str | None, *, file: str, layer: str) -> None:
    """Refuse a file declared GCJ-02 whose CRS is projected: GCJ-02 is an offset of longitude/latitude."""
    if datum == "gcj02" and not crs.is_geographic:
        raise AlignmentError(f"is declared GCJ-02 but its CRS is projected ({clean(crs.name)}); GCJ-02 coordinates "
                             "are longitude/latitude", file=file, layer=layer)


def vertex_count(total: int, *, file: str, layer: str) -> None:
    """Refuse a layer of more than MAX_VERTICES vertices over all its lines (the store refuses them too)."""
    if total > MAX_VERTICES:
        raise AlignmentError(f"has {total} vertices (at most {MAX_VERTICES})", file=file, layer=layer)


def part_not_empty(xy: np.ndarray, *, file: str, layer: str, feature: str) -> None:
    """Refuse a line part without coordinates."""
    if not len(xy):
        raise AlignmentError("is an empty line", file=file, layer=layer, feature=feature)


def part_finite(xy: np.ndarray, *, file: str, layer: str, feature: str) -> None:
    """Refuse a line part with a NaN or infinite coordinate."""
    if not np.isfinite(xy).all():
        raise AlignmentError("has a coordinate that is not a number", file=file, layer=layer, feature=feature)


def part_not_degenerate(xy: np.ndarray, *, file: str, layer: str, feature: str) -> None:
    """Refuse a line part of fewer than two distinct points (xy: repeated points already dropped)."""
    if len(xy) < 2:
        raise AlignmentError("is degenerate: fewer than two distinct points", file=file, layer=layer,
                             feature=feature)


def has_line_parts(count: int, ignored: dict[str, int], *, file: str, layer: str) -> None:
    """Refuse a layer with no line part (ignored: the other geometry types found, and how many)."""
    if not count:
        found = ", ".join(f"{t} ×{n}" for t, n in ignored.items()) or "no geometry"
        raise AlignmentError(f"holds no line geometry ({found})", file=file, layer=layer)


def join_gap(gap_m: float, owner: str, previous: str) -> str | None:
    """A warning when two parts merged in file order are more than JOIN_GAP_WARNING_M apart (metres)."""
    if gap_m > JOIN_GAP_WARNING_M:
        return (f"feature {owner} starts {gap_m / 1000:.1f} km from where feature {previous} ends: joined by a "
                "straight segment")
    return None


# --- the line against its section ---------------------------------------------------------------------------

def inside_region(region: shapely.Geometry, xy: np.ndarray, mxy: np.ndarray, owners: list[str], who: np.ndarray,
                  *, file: str, layer: str) -> None:
    """Refuse a line with a vertex more than REGION_MARGIN_KM outside the region (Hunan, its neighbours and the
    provinces the schematic line crosses; metric CRS): a wrong CRS puts a line far away. xy: lon/lat, mxy: the
    same vertices in the metric CRS; who: each vertex's part, owners: each part's feature label."""
    inside = shapely.contains_xy(region, mxy[:, 0], mxy[:, 1])
    if inside.all():
        return
    far = np.flatnonzero(~inside)
    dist = shapely.distance(region, shapely.points(mxy[far]))
    bad = far[dist > REGION_MARGIN_KM * 1000]
    if len(bad):
        i = int(bad[0])
        raise AlignmentError(f"vertex {i + 1} at {xy[i, 0]:.5f}, {xy[i, 1]:.5f} lies "
                             f"{float(dist[dist > REGION_MARGIN_KM * 1000][0]) / 1000:.0f} km outside Hunan, its "
                             f"neighbours and the provinces the line is sourced to cross ({len(bad)} such vertices;"
                             " is the CRS right?)", file=file, layer=layer, feature=owners[who[i]])


def first_self_intersection(m: LineString) -> int | None:
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


def not_self_crossing(m: LineString, xy: np.ndarray, owners: list[str], who: np.ndarray, *, file: str,
                      layer: str) -> None:
    """Refuse a line that crosses itself (m: metric): loops, or a track that went back and forth."""
    seg = first_self_intersection(m)
    if seg is not None:
        at = xy[seg]
        raise AlignmentError(f"crosses itself (segment {seg + 1}, near {at[0]:.5f}, {at[1]:.5f}); a line with "
                             "loops or a track that went back and forth is not an alignment", file=file,
                             layer=layer, feature=owners[who[seg]])


def end_near_place(label: str, km: float, place: str) -> str | None:
    """A warning when the line's start ('starts') or end ('ends') lies more than END_WARNING_KM from the
    section's sourced first or last place (km: the distance; place: its name)."""
    if km > END_WARNING_KM:
        return (f"the line {label} {km:.1f} km from {clean(place)}, the section's sourced "
                f"{'first' if label == 'starts' else 'last'} place (more than {END_WARNING_KM:g} km): "
                "confirm it is this line")
    return None


def length_plausible(length_km: float, schematic_km: float, *, file: str, layer: str) -> None:
    """Refuse a line whose length is outside LENGTH_RATIO times the schematic line's (see the reason there)."""
    ratio = length_km / schematic_km
    if not LENGTH_RATIO[0] <= ratio <= LENGTH_RATIO[1]:
        raise AlignmentError(f"is {length_km:.1f} km long, {ratio:.2f}× the schematic line ({schematic_km:.1f} km); "
                             f"a line outside {LENGTH_RATIO[0]:g}–{LENGTH_RATIO[1]:g}× is not this route or not all of "
                             "it (import it per section)", file=file, layer=layer)


def gcj02_hint(places: pd.DataFrame, m: LineString) -> str | None:
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


# --- recording ----------------------------------------------------------------------------------------------

def warnings_confirmed(warnings: tuple[str, ...], confirm: bool, *, file: str, layer: str) -> None:
    """Refuse to record a preview with warnings the editor has not confirmed."""
    if warnings and not confirm:
        raise AlignmentError("needs the editor's confirmation: " + "; ".join(warnings), file=file, layer=layer)


def needs_editor(name: str | None) -> str:
    """The recorder's name, or an error saying how to give it."""
    if not name or not name.strip():
        raise CorridorsError("who records it is missing: give --editor NAME or set $CORRIDORS_EDITOR")
    return name.strip()
