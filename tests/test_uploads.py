"""An upload is read only as the format its name claims: disguised files (an OGR VRT document named .geojson,
.kml or .gpx whose source is a local file, an SQL query on an SQLite database, or a /vsicurl/ URL; a GeoPackage
named .geojson; a KMZ or zip whose member is something else) are refused with the file named and what it
really is, before GDAL opens anything they point to: the canary files they name keep their access time and
their content never shows, and the loopback HTTP listener they point to counts no request. The process-wide
GDAL settings are checked on their own too (drivers gone, /vsicurl/ blocked)."""

from __future__ import annotations

import http.server
import json
import os
import sqlite3
import threading
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from pyogrio.errors import DataSourceError
from shapely.geometry import LineString

from corridors import alignments as alignment
from corridors import formats
from corridors.catalog import WHOLE_PROJECT
from corridors.errors import AlignmentError

from .test_alignment import PID, geojson_text, gpx_text, kml_text, surveyed

SECRET = "CANARY-7f3a"  # what a canary file holds; it must never come back in a message or a preview


class Listener:
    """An HTTP server on 127.0.0.1 that counts every request it receives (and answers 404)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def _count(self):
                seen.append(f"{self.command} {self.path}")
                self.send_response(404)
                self.end_headers()

            do_GET = do_HEAD = do_POST = _count

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    with Listener() as srv:
        yield srv


@pytest.fixture
def canaries(tmp_path) -> dict[str, Path]:
    """Files an attacker would point at: a CSV, a GeoPackage and an SQLite database (like the progress
    store), each holding SECRET, with an access time set well before its modification time, so that any
    read of it moves the access time (the disk is mounted relatime)."""
    folder = tmp_path / "private"
    folder.mkdir()
    csv = folder / "secret.csv"
    csv.write_text(f'name,WKT\n{SECRET},"LINESTRING (112 28, 113 29)"\n', encoding="utf-8")
    gpkg = folder / "secret.gpkg"
    gpd.GeoDataFrame({"name": [SECRET]}, geometry=[LineString([(112, 28), (113, 29)])], crs=4326).to_file(
        gpkg, layer="secret", driver="GPKG")
    db = folder / "progress.sqlite"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE events (note TEXT, wkt TEXT)")
        c.execute("INSERT INTO events VALUES (?, 'LINESTRING (112 28, 113 29)')", (SECRET,))
    c.close()
    for p in (csv, gpkg, db):
        st = p.stat()
        os.utime(p, ns=(st.st_mtime_ns - 3600 * 10**9, st.st_mtime_ns))
    return {"csv": csv, "gpkg": gpkg, "sqlite": db}


def atimes(files: dict[str, Path]) -> dict[str, int]:
    return {k: p.stat().st_atime_ns for k, p in files.items()}


def vrt(source: str, canaries: dict[str, Path], port: int) -> str:
    """An OGR VRT document whose one layer reads the source: a local CSV, an SQL query on an SQLite file, a
    GeoPackage, or a CSV fetched over HTTP from the loopback listener."""
    if source == "local file":
        body = (f"<SrcDataSource>{canaries['csv']}</SrcDataSource><SrcLayer>secret</SrcLayer>"
                '<GeometryField encoding="WKT" field="WKT"/>')
    elif source == "sql":
        body = (f"<SrcDataSource>{canaries['sqlite']}</SrcDataSource>"
                "<SrcSQL>SELECT note AS name, wkt FROM events</SrcSQL>"
                '<GeometryField encoding="WKT" field="wkt"/>')
    elif source == "geopackage":
        body = f"<SrcDataSource>{canaries['gpkg']}</SrcDataSource><SrcLayer>secret</SrcLayer>"
    elif source == "vsicurl":
        body = (f"<SrcDataSource>/vsicurl/http://127.0.0.1:{port}/secret.csv</SrcDataSource>"
                '<SrcLayer>secret</SrcLayer><GeometryField encoding="WKT" field="WKT"/>')
    else:
        raise ValueError(source)
    return f'<OGRVRTDataSource><OGRVRTLayer name="survey">{body}</OGRVRTLayer></OGRVRTDataSource>'


def refused(ds, data: bytes, name: str) -> str:
    with pytest.raises(AlignmentError) as err:
        alignment.preview_bytes(ds, PID, WHOLE_PROJECT, data, name)
    return str(err.value)


@pytest.mark.parametrize("source", ["local file", "sql", "geopackage", "vsicurl"])
@pytest.mark.parametrize("claimed", ["geojson", "kml", "gpx"])
def test_a_vrt_in_disguise_is_refused_before_it_opens_anything(claimed, source, ds, canaries, listener):
    before = atimes(canaries)
    msg = refused(ds, vrt(source, canaries, listener.port).encode(), f"survey.{claimed}")
    assert listener.requests == []
    assert atimes(canaries) == before
    assert SECRET not in msg
    claims = formats.FORMATS[f".{claimed}"]
    assert msg.startswith(f"survey.{claimed}: is an OGR VRT document, not {claims} as its name says")
    assert msg.endswith("refused before reading; nothing was stored")
    canaries["csv"].read_bytes()  # the check can fail: a read on this disk does move the access time
    assert canaries["csv"].stat().st_atime_ns != before["csv"]


@pytest.mark.parametrize("member", ["doc.kml", "export/line.shp"])
def test_a_vrt_inside_an_archive_is_refused(member, ds, canaries, listener, tmp_path):
    name = "survey.kmz" if member.endswith(".kml") else "survey.zip"
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(member, vrt("vsicurl", canaries, listener.port))
        if member.endswith(".shp"):
            z.writestr("export/line.prj", 'GEOGCS["WGS 84"]')
    msg = refused(ds, path.read_bytes(), name)
    assert listener.requests == []
    assert msg.startswith(f"{name}: holds '{member}', which is an OGR VRT document, not ")


def test_a_geopackage_named_geojson_is_refused(ds, tmp_path, canaries):
    """A GeoPackage that would preview fine under its own name is refused under a GeoJSON name."""
    path = tmp_path / "survey.gpkg"
    gpd.GeoDataFrame({"name": ["线位"]}, geometry=[surveyed(ds)], crs=4326).to_file(path, layer="line",
                                                                                    driver="GPKG")
    data = path.read_bytes()
    assert alignment.preview_bytes(ds, PID, WHOLE_PROJECT, data, "survey.gpkg").format == "GeoPackage"
    msg = refused(ds, data, "survey.geojson")
    assert msg.startswith("survey.geojson: is a GeoPackage, not GeoJSON as its name says; refused before reading")
    sqlite = refused(ds, canaries["sqlite"].read_bytes(), "survey.gpkg")
    assert sqlite.startswith("survey.gpkg: is an SQLite database (not a GeoPackage), not GeoPackage")


def test_other_formats_in_disguise_are_named_for_what_they_are(ds):
    line = surveyed(ds)
    cases = {
        "survey.kml": (geojson_text({"type": "LineString", "coordinates": list(line.coords)}).encode(), "GeoJSON"),
        "survey.gpx": (kml_text([line]).encode(), "a KML document"),
        "survey.geojson": (gpx_text([line]).encode(), "a GPX document"),
        "topo.geojson": (json.dumps({"type": "Topology", "objects": {}}).encode(),
                         "JSON of type 'Topology' (not GeoJSON)"),
        "survey.kmz": (kml_text([line]).encode(), "a KML document"),
    }
    for name, (data, what) in cases.items():
        claims = formats.FORMATS[Path(name).suffix]
        assert refused(ds, data, name).startswith(f"{name}: is {what}, not {claims} as its name says"), name


def test_the_real_formats_still_read(ds):
    """The checks pass what they should: a GeoJSON with a byte-order mark and leading blank lines, a KML and a
    GPX (their previews are the same line)."""
    line = surveyed(ds)
    gj = b"\xef\xbb\xbf\n  " + geojson_text({"type": "LineString", "coordinates": list(line.coords)}).encode()
    previews = [alignment.preview_bytes(ds, PID, WHOLE_PROJECT, data, name) for name, data in
                (("a.geojson", gj), ("a.kml", kml_text([line]).encode()), ("a.gpx", gpx_text([line]).encode()))]
    assert [p.format for p in previews] == ["GeoJSON", "KML", "GPX"]
    assert all(p.vertices == len(line.coords) for p in previews)


def test_gdal_is_restricted_for_the_whole_process(tmp_path, listener, canaries):
    """After the first read only the five drivers are registered, and /vsicurl/ fetches nothing, even when
    asked directly (not only through a VRT)."""
    pyogrio = formats.gdal()
    assert set(pyogrio.list_drivers()) == formats.KEPT_DRIVERS
    for url in (f"/vsicurl/http://127.0.0.1:{listener.port}/a.geojson",
                f"/vsicurl/http://127.0.0.1:{listener.port}/{formats.NO_NETWORK}"):
        with pytest.raises(DataSourceError):
            pyogrio.read_info(url)
    assert listener.requests == []
    path = tmp_path / "plain.vrt"
    path.write_text(vrt("local file", canaries, listener.port), encoding="utf-8")
    with pytest.raises(Exception, match="not recognized"):
        pyogrio.list_layers(path)
    with pytest.raises(DataSourceError):
        pyogrio.list_layers(f"CSV:{canaries['csv']}")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_the_cli_reads_only_a_regular_file(kind, tmp_path, capsys):
    """`alignment import` of a FIFO or a folder named .kml is one line and exit 2, and the FIFO is never
    opened: a helper thread that unblocks any reader (by opening and closing the FIFO's other end) finds
    none."""
    from corridors.cli import main

    path = tmp_path / "survey.kml"
    opened = []
    stop = threading.Event()
    if kind == "fifo":
        os.mkfifo(path)

        def writer():
            while not stop.is_set():
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))  # succeeds only while a reader waits
                    opened.append(True)
                except OSError:
                    pass
                stop.wait(0.05)

        threading.Thread(target=writer, daemon=True).start()
    else:
        path.mkdir()
    try:
        code = main(["--store", f"sqlite:///{tmp_path / 'p.sqlite'}", "alignment", "import", PID, str(path),
                     "--source", "s", "--editor", "测试员"])
    finally:
        stop.set()
    err = capsys.readouterr().err
    assert code == 2 and opened == []
    assert err == ("error: survey.kml: is not a regular file (a folder, FIFO or device); refused before reading; "
                   "nothing was stored\n")
    assert not (tmp_path / "p.sqlite").exists()


def test_a_geopackage_cannot_reach_out_through_sql(ds, tmp_path, canaries, listener):
    """A real GeoPackage (it passes the checks) whose line layer is a view calling OGR's SQL functions
    (ogr_geocode, pointed at the loopback listener), or a VirtualOGR table over a canary: GDAL refuses to open
    the first (unless ALLOW_OGR_SQL_FUNCTIONS_FROM_TRIGGER_AND_VIEW=YES, which nothing here sets) and has no
    VirtualOGR module for a GeoPackage, so nothing is requested or read, and the refusal names the file. These
    are GDAL's own defaults, the same on main; the test guards them."""
    import pyogrio

    path = tmp_path / "survey.gpkg"
    gpd.GeoDataFrame({"name": ["线位"]}, geometry=[surveyed(ds)], crs=4326).to_file(path, layer="line",
                                                                                    driver="GPKG")
    with sqlite3.connect(path) as c:
        c.execute("CREATE VIEW line_v AS SELECT fid, geom, ogr_geocode('长沙') AS place FROM line")
        c.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                  "VALUES ('line_v', 'features', 'line_v', 4326)")
        c.execute("INSERT INTO gpkg_geometry_columns VALUES ('line_v', 'geom', 'LINESTRING', 4326, 0, 0)")
    c.close()
    virtual = tmp_path / "virtual.gpkg"
    gpd.GeoDataFrame({"name": ["线位"]}, geometry=[surveyed(ds)], crs=4326).to_file(virtual, layer="line",
                                                                                    driver="GPKG")
    with sqlite3.connect(virtual) as c:  # a virtual table the sqlite3 module cannot create, written as schema
        c.execute("PRAGMA writable_schema=ON")
        c.execute("INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES "
                  "('table', 'vt', 'vt', 0, ?)", (f"CREATE VIRTUAL TABLE vt USING VirtualOGR('{canaries['gpkg']}')",))
    c.close()
    with sqlite3.connect(virtual) as c:
        c.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                  "VALUES ('vt', 'features', 'vt', 4326)")
        c.execute("INSERT INTO gpkg_geometry_columns VALUES ('vt', 'GEOMETRY', 'GEOMETRY', 4326, 0, 0)")
    c.close()
    geocode = {"OGR_GEOCODE_SERVICE": "OSM_NOMINATIM", "OGR_GEOCODE_EMAIL": "test@example.invalid",
               "OGR_GEOCODE_QUERY_TEMPLATE": f"http://127.0.0.1:{listener.port}/search?q=%s"}
    before = atimes(canaries)
    pyogrio.set_gdal_config_options(geocode)
    try:
        msg = refused(ds, path.read_bytes(), "survey.gpkg")
        with pytest.raises(AlignmentError) as err:
            alignment.preview_bytes(ds, PID, WHOLE_PROJECT, virtual.read_bytes(), "virtual.gpkg", layer="vt")
    finally:
        pyogrio.set_gdal_config_options({k: None for k in geocode})
    assert listener.requests == [] and atimes(canaries) == before
    assert msg.startswith("survey.gpkg: GDAL cannot read it as GeoPackage (A trigger and/or view calls a OGR "
                          "extension SQL function")
    assert str(err.value).startswith("virtual.gpkg, layer 'vt': GDAL cannot read the layer")
    assert "no such module: VirtualOGR" in str(err.value) and SECRET not in str(err.value)
