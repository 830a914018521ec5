"""Reading an alignment file: its bytes checked as the format its name claims (corridors.formats), a KMZ's or
zipped Shapefile's members checked before GDAL opens them, the chosen layer read with pyogrio/GDAL, its
coordinates brought to WGS-84 longitude/latitude and its line parts merged in file order into one vertex array.

Every refusal is a named check in `checks`; this module only reads and calls them, in the order the import
always has, so the first problem a file has is the one reported.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point

from .. import formats
from ..datum import gcj02_to_wgs84
from ..geometry import METRIC_CRS, to_metric
from . import checks
from .checks import clean

NAME_FIELDS = ("Name", "name", "NAME", "名称")  # a feature's name, shown in messages (first one found)


@dataclass(frozen=True)
class Vertices:
    """A file's chosen layer as one line: xy (WGS-84 lon/lat, n×2), who (the part each vertex came from), owners
    (each part's feature label), names (feature names, untrusted text), notes and warnings found on the way."""

    layer: str
    crs: str
    features: int
    xy: np.ndarray
    who: np.ndarray
    parts: int
    owners: list[str]
    notes: list[str]
    warnings: list[str]
    names: list[str]


def format_of(name: str, path: Path) -> str:
    """The format the shown name's extension claims (else the path's); refused when it is none the import reads."""
    return checks.format_supported(formats.FORMATS.get(Path(name).suffix.lower())
                                   or formats.FORMATS.get(path.suffix.lower()), file=name)


def file_bytes(path: Path, fmt: str, *, name: str) -> bytes:
    """The file's bytes: a regular file of at most checks.MAX_BYTES whose content is the format it claims."""
    with checks.file_readable(file=name):
        info = path.stat()
    checks.regular_file(info.st_mode, file=name)
    checks.file_size(info.st_size, file=name)
    data = path.read_bytes()
    checks.content_matches(data, fmt, file=name)
    return data


def vertices(path: Path, fmt: str, *, name: str, layer: str | None, datum: str | None) -> Vertices:
    """The chosen layer's lines in WGS-84, merged into one vertex array (see Vertices)."""
    src = _source(path, name, fmt, layer)
    layer_name, frame = _layers(src, name, fmt, layer)
    frame, crs_text, notes = _to_wgs84(frame, name, fmt, layer_name, datum)
    xy, who, nparts, owners, more_notes, warnings, names = _merge(frame, name, layer_name)
    return Vertices(layer_name, crs_text, len(frame), xy, who, nparts, owners, notes + more_notes, warnings, names)


def _check_archive(path: Path, name: str) -> list[str]:
    """The member names of a KMZ or zip, after refusing entries that point outside it (absolute paths, '..',
    drive letters, symbolic links), encrypted entries, too many entries, and contents that expand past
    MAX_EXPANDED_BYTES: the declared sizes are checked first, then every member is decompressed in memory
    (nothing extracted) with a running count, so a header that lies is caught too."""
    with checks.archive_opens(file=name):
        zf = zipfile.ZipFile(path)
    with zf:
        infos = zf.infolist()
        checks.archive_entry_count(len(infos), file=name)
        for info in infos:
            checks.archive_entry_inside(info, file=name)
            checks.archive_entry_not_link(info, file=name)
            checks.archive_entry_not_encrypted(info, file=name)
        checks.archive_declared_size(sum(i.file_size for i in infos), file=name)
        total = 0
        with checks.archive_intact(file=name):
            for info in infos:
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        checks.archive_expanded_size(total, file=name)
        return [i.filename for i in infos if not i.is_dir()]


def _source(path: Path, name: str, fmt: str, layer: str | None) -> str:
    """The path GDAL opens: the file itself, or the KML / Shapefile inside a checked archive via /vsizip/."""
    if fmt not in ("KMZ", "zipped Shapefile"):
        return str(path)
    members = _check_archive(path, name)
    if fmt == "KMZ":
        kml = [m for m in members if m.lower().endswith(".kml")]
        checks.kmz_has_kml(kml, file=name)
        main = next((m for m in kml if m.lower() == "doc.kml"), kml[0])  # KMZ: doc.kml, else the first .kml
        with zipfile.ZipFile(path) as zf:
            doc = zf.read(main)  # its size was checked with the archive's
        checks.kmz_document_is_kml(doc, main, file=name)
        return f"/vsizip/{path.resolve()}/{main}"
    shps = [m for m in members if m.lower().endswith(".shp")]
    if layer:
        shps = [m for m in shps if PurePosixPath(m).stem == layer] or shps
    checks.zip_has_shapefile(shps, file=name)
    checks.zip_has_one_shapefile(shps, file=name)
    with zipfile.ZipFile(path) as zf, zf.open(shps[0]) as fh:
        head = fh.read(100)
    checks.shp_is_shapefile(head, shps[0], file=name)
    checks.shapefile_has_prj(shps[0][:-4], members, file=name)
    return f"/vsizip/{path.resolve()}/{shps[0]}"


def _layers(src: str, name: str, fmt: str, layer: str | None) -> tuple[str, gpd.GeoDataFrame]:
    """The chosen layer and its features: --layer when given, else the one layer that holds lines. GDAL must
    have opened the file with the driver its format means (formats.DRIVERS), else nothing is read from it."""
    pyogrio = formats.gdal()  # GDAL restricted for the process: only an import reads files, so loaded here

    with checks.gdal_opens(fmt, file=name):
        found = [(str(n), str(t)) for n, t in pyogrio.list_layers(src)]
        driver = pyogrio.read_info(src, layer=found[0][0])["driver"] if found else formats.DRIVERS[fmt]
    checks.driver_matches(driver, fmt, file=name)
    names = [n for n, _ in found]
    if fmt == "zipped Shapefile":
        layer = names[0] if names else layer
    checks.layer_exists(layer, names, file=name)
    frames: dict[str, gpd.GeoDataFrame] = {}
    for n, gtype in found:
        if (layer is not None and n != layer) or (layer is None and gtype in ("Point", "Polygon", "MultiPoint",
                                                                                "MultiPolygon", "None")):
            continue
        with checks.gdal_reads_layer(file=name, layer=n):
            frames[n] = pyogrio.read_dataframe(src, layer=n)
    with_lines = [n for n, f in frames.items() if _has_lines(f)]
    if layer is not None:
        return layer, frames[layer]
    checks.has_line_layer(with_lines, found, file=name)
    checks.one_line_layer(with_lines, file=name)
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
            n = clean(frame[field].iloc[i])
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
    checks.crs_declared(crs, fmt, file=name, layer=layer)
    if crs is None:
        crs = CRS.from_epsg(4326)
        notes.append(f"{fmt} coordinates are WGS-84 longitude/latitude by the format's definition")
    crs = CRS.from_user_input(crs)
    crs_text = crs.to_string()
    checks.gcj02_is_geographic(crs, datum, file=name, layer=layer)
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
                                                                          list[str], list[str], list[str]]:
    """Every line part of every feature, in file order, joined into one vertex array (WGS-84), each next part
    turned to start at the end nearer the line so far; and per vertex, the feature it came from.

    Refuses empty and degenerate parts, and non-finite coordinates, naming the feature.
    """
    parts, owners, ignored, names = [], [], {}, []
    checks.vertex_count(int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum()), file=name, layer=layer)
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
            checks.part_not_empty(xy, file=name, layer=layer, feature=where)
            checks.part_finite(xy, file=name, layer=layer, feature=where)
            keep = np.r_[True, (np.diff(xy, axis=0) != 0).any(axis=1)]
            xy = xy[keep]
            checks.part_not_degenerate(xy, file=name, layer=layer, feature=where)
            parts.append(xy)
            owners.append(where)
    checks.has_line_parts(len(parts), ignored, file=name, layer=layer)
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
        warning = checks.join_gap(gap, owners[k], owners[k - 1])
        if warning:
            warnings.append(warning)
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
