"""An uploaded alignment file is read only as the format its name claims.

GDAL picks a driver from a file's content, not its name, and some drivers read other things than the file
they are given: an OGR VRT document opens any file the server can read, runs SQL on it or fetches a URL
(`/vsicurl/`). So an upload is checked twice. First its bytes must be what its extension says (`matches`:
GeoJSON is a JSON object of a GeoJSON type, KML and GPX are XML with the right root element, a GeoPackage is
an SQLite file with the GeoPackage application id, a KMZ or zipped Shapefile is a ZIP whose KML or .shp is
checked in turn); then GDAL must have opened it with the one driver that format means (DRIVERS). And for
the whole process, from the first read on (`gdal()`, which every read goes through), GDAL keeps only the five drivers that read those
formats (every other one, VRT, CSV, SQLite and the network drivers among them, is deregistered) and
`/vsicurl/` (and the cloud handlers built on it) will not fetch any URL. Importing this module does not load
GDAL: commands that only fold stored alignments never need it.
"""

from __future__ import annotations

import json
import xml.parsers.expat
from functools import cache
from pathlib import Path

# extension → format name (what the editor's file claims to be)
FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".kml": "KML", ".kmz": "KMZ", ".gpx": "GPX",
           ".gpkg": "GeoPackage", ".zip": "zipped Shapefile"}
# format → the one GDAL driver that reads it (a KMZ's document is KML; a zipped Shapefile's .shp is a Shapefile)
DRIVERS = {"GeoJSON": "GeoJSON", "KML": "KML", "KMZ": "KML", "GPX": "GPX", "GeoPackage": "GPKG",
           "zipped Shapefile": "ESRI Shapefile"}
# The drivers left registered in the process: the five above (boundaries, rivers and the snapshot's
# GeoPackage use GeoJSON, Shapefile and GPKG too). LIBKML is not among them: the KML driver reads
# Placemarks and nothing a document links to.
KEPT_DRIVERS = frozenset(DRIVERS.values())
# /vsicurl/ (and /vsis3/, /vsigs/, … built on it) opens only the one file name this option holds; no URL
# is this text, so no request is made.
NO_NETWORK = "corridors: no network access for GDAL"
GEOJSON_TYPES = {"FeatureCollection", "Feature", "Point", "MultiPoint", "LineString", "MultiLineString",
                 "Polygon", "MultiPolygon", "GeometryCollection"}
KML_NAMESPACES = {"", "http://www.opengis.net/kml/2.2", "http://earth.google.com/kml/2.0",
                  "http://earth.google.com/kml/2.1", "http://earth.google.com/kml/2.2"}
GPX_NAMESPACES = {"", "http://www.topografix.com/GPX/1/0", "http://www.topografix.com/GPX/1/1"}
SQLITE_MAGIC = b"SQLite format 3\x00"
GPKG_APPLICATION_IDS = {b"GPKG", b"GP10", b"GP11"}  # GeoPackage 1.2+, 1.0, 1.1 (offset 68 of the header)
SHP_MAGIC = b"\x00\x00\x27\x0a"  # the Shapefile's file code 9994, big-endian
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive's end record
XML_ROOTS = {"OGRVRTDataSource": "an OGR VRT document", "VRTDataset": "a GDAL VRT document",
             "kml": "a KML document", "gpx": "a GPX document"}


@cache
def gdal():
    """pyogrio, with the process's GDAL restricted (once, for good): only KEPT_DRIVERS registered, no /vsicurl/.

    GDAL reads GDAL_SKIP only while it registers drivers, so the drivers are registered again after setting
    it (pyogrio's own registration call: GDALAllRegister); any later registration skips them too, as the
    option stays set. Checked afterwards: a driver still there is an error, not a silent weakness."""
    import pyogrio
    from pyogrio._ogr import _register_drivers

    skip = sorted(set(pyogrio.list_drivers()) - KEPT_DRIVERS)
    pyogrio.set_gdal_config_options({
        "GDAL_SKIP": ",".join(skip),  # comma-separated, so names with spaces ('MapInfo File') are skipped too
        "CPL_VSIL_CURL_ALLOWED_FILENAME": NO_NETWORK,
    })
    _register_drivers()
    left = sorted(set(pyogrio.list_drivers()) - KEPT_DRIVERS)
    if left:
        raise RuntimeError(f"GDAL drivers could not be turned off: {', '.join(left)}")
    return pyogrio


def _xml_root(data: bytes) -> str | None:
    """The root element of an XML document as 'namespace local-name' (expat, stopped at the first element;
    no DTD or entity is loaded), or None when the bytes are not well-formed XML up to it."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    found: list[str] = []

    class _Stop(Exception):
        pass

    def start(name, attrs):
        found.append(name)
        raise _Stop

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _Stop:
        return found[0]
    except xml.parsers.expat.ExpatError:
        return None
    return None


def _json_type(data: bytes) -> str | None:
    """The top-level 'type' of a JSON object in UTF-8 (BOM allowed), '' for an object without one, None when
    the bytes are not a JSON object."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(doc, dict):
        return None
    kind = doc.get("type")
    return kind if isinstance(kind, str) else ""


def what_is(data: bytes) -> str:
    """What the bytes are, in words for a refusal ('an OGR VRT document', 'a GeoPackage', …)."""
    if data.startswith(SQLITE_MAGIC):
        return "a GeoPackage" if data[68:72] in GPKG_APPLICATION_IDS else "an SQLite database (not a GeoPackage)"
    if data.startswith(ZIP_MAGICS):
        return "a ZIP archive"
    if data.startswith(SHP_MAGIC):
        return "a Shapefile's .shp"
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        kind = _json_type(data)
        if kind is None:
            return "not valid JSON"
        if kind in GEOJSON_TYPES:
            return "GeoJSON"
        return f"JSON of type '{kind[:40]}' (not GeoJSON)" if kind else "JSON without a GeoJSON 'type'"
    if text.startswith(b"<"):
        root = _xml_root(data)
        if root is None:
            return "not well-formed XML"
        local = root.rsplit(" ", 1)[-1]
        return XML_ROOTS.get(local, f"an XML document with root element <{local[:40]}>")
    return "neither JSON, XML, a GeoPackage nor a ZIP archive"


def matches(data: bytes, fmt: str) -> bool:
    """Whether the bytes are the format (for KMZ and zipped Shapefile: a ZIP; their members are checked with
    matches(member, 'KML') and shp_matches)."""
    if fmt == "GeoJSON":
        return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and _json_type(data) in GEOJSON_TYPES
    if fmt in ("KML", "GPX"):
        root = _xml_root(data) if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else None
        if root is None:
            return False
        ns, _, local = root.rpartition(" ")
        return (local == "kml" and ns in KML_NAMESPACES) if fmt == "KML" else (local == "gpx" and ns in GPX_NAMESPACES)
    if fmt == "GeoPackage":
        return data.startswith(SQLITE_MAGIC) and data[68:72] in GPKG_APPLICATION_IDS
    if fmt in ("KMZ", "zipped Shapefile"):
        return data.startswith(ZIP_MAGICS)
    raise ValueError(fmt)


def shp_matches(head: bytes) -> bool:
    """Whether a .shp member starts with the Shapefile's file code."""
    return head.startswith(SHP_MAGIC)


def format_of(name: str) -> str | None:
    """The format a file name claims, by its extension (None: not one the import reads)."""
    return FORMATS.get(Path(name).suffix.lower())
