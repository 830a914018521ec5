"""Real alignments: every format read, each refusal before anything is stored, history and revert, the fold
into the dataset (geometry, length, crossing) and the exports, on SQLite and PostgreSQL.

Fixtures are made here: a project's schematic line, rounded off at its places (corner cutting) and moved
sideways by a smooth wave, written as KML, KMZ, GPX, GeoPackage, zipped Shapefile and GCJ-02 GeoJSON.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import numpy as np
import prcoords
import pytest
import sqlalchemy as sa
from shapely.geometry import LineString, mapping

from corridors import alignments as alignment
from corridors import analysis, boundaries, geometry, snapshot, store
from corridors.catalog import WHOLE_PROJECT
from corridors.cli import main
from corridors.errors import AlignmentError, StoreError

PID = "yuchangxia_changgan"  # 渝长厦 常赣段: Hunan → Jiangxi, two sections, one border crossing
EDITOR = ["--editor", "测试员"]


def surveyed(ds, pid: str = PID, section: str = WHOLE_PROJECT, n: int = 3000, amplitude_m: float = 1500.0,
             wavelength_m: float = 60000.0) -> LineString:
    """A plausible surveyed line for a schematic one: corners rounded (six rounds of Chaikin's corner cutting
    in the metric CRS), n evenly spaced vertices, moved sideways by a wave that is zero at both ends."""
    g = (ds.lines.set_index("project_id").geometry[pid] if section == WHOLE_PROJECT else
         ds.sections.set_index(["project_id", "section"]).geometry[(pid, section)])
    xy = np.asarray(geometry.to_metric(g).coords)
    for _ in range(6):
        q, r = 0.75 * xy[:-1] + 0.25 * xy[1:], 0.25 * xy[:-1] + 0.75 * xy[1:]
        xy = np.vstack([xy[:1], np.column_stack([q, r]).reshape(-1, 2), xy[-1:]])
    m = LineString(xy)
    d = np.linspace(0, m.length, n)
    pts = np.array([m.interpolate(x).coords[0] for x in d])
    t = np.gradient(pts, axis=0)
    t /= np.linalg.norm(t, axis=1)[:, None]
    wave = amplitude_m * np.sin(np.pi * d / m.length) * np.sin(2 * np.pi * d / wavelength_m)
    return alignment.from_metric(LineString(pts + np.column_stack([-t[:, 1], t[:, 0]]) * wave[:, None]))


def coords_text(line: LineString) -> str:
    return " ".join(f"{x:.7f},{y:.7f},0" for x, y in line.coords)


def kml_text(parts: list[LineString], name: str = "常赣铁路 <比选线>") -> str:
    marks = "".join(f"<Placemark><name>{escape(name)} {i + 1}</name><LineString><tessellate>1</tessellate>"
                    f"<coordinates>{coords_text(p)}</coordinates></LineString></Placemark>" for i, p in enumerate(parts))
    return ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            f"<name>survey</name><Folder><name>线位</name>{marks}"
            "<Placemark><name>车站</name><Point><coordinates>113.0,27.8,0</coordinates></Point></Placemark>"
            "</Folder></Document></kml>")


def gpx_text(segments: list[LineString], routes: list[LineString] = ()) -> str:
    segs = "".join("<trkseg>" + "".join(f'<trkpt lat="{y:.7f}" lon="{x:.7f}"/>' for x, y in s.coords) + "</trkseg>"
                   for s in segments)
    rtes = "".join("<rte><name>r</name>" + "".join(f'<rtept lat="{y:.7f}" lon="{x:.7f}"/>' for x, y in r.coords)
                   + "</rte>" for r in routes)
    return ('<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="corridors-test" '
            f'xmlns="http://www.topografix.com/GPX/1/1">{rtes}<trk><name>现场踏勘</name>{segs}</trk></gpx>')


def geojson_text(geom, properties: dict | None = None) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties or {"name": "线"}, "geometry": geom}]}, ensure_ascii=False)


def split(line: LineString, at: float = 0.45) -> tuple[LineString, LineString]:
    xy = list(line.coords)
    k = int(len(xy) * at)
    return LineString(xy[: k + 1]), LineString(xy[k:])


def write_fixture(kind: str, line: LineString, folder: Path) -> Path:
    """The line in one format, the way a planner's tool would hand it over."""
    a, b = split(line)
    if kind == "kml":  # two placemarks, the second drawn backwards, beside a station point
        path = folder / "line.kml"
        path.write_text(kml_text([a, b.reverse()]), encoding="utf-8")
    elif kind == "kmz":
        path = folder / "line.kmz"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("doc.kml", kml_text([line]))
            z.writestr("files/readme.txt", "exported")
    elif kind == "gpx":  # a track of two segments
        path = folder / "track.gpx"
        path.write_text(gpx_text([a, b]), encoding="utf-8")
    elif kind == "gpkg":  # projected: UTM zone 49N
        path = folder / "line.gpkg"
        gpd.GeoDataFrame({"name": ["线位"]}, geometry=[line], crs=4326).to_crs(32649).to_file(
            path, driver="GPKG", layer="alignment")
    elif kind == "shp":  # CGCS2000 geographic, zipped in a folder
        shp = folder / "shp"
        shp.mkdir()
        gpd.GeoDataFrame({"name": ["线位"]}, geometry=[line], crs=4490).to_file(shp / "line.shp")
        path = folder / "line.zip"
        with zipfile.ZipFile(path, "w") as z:
            for f in shp.iterdir():
                z.write(f, f"export/{f.name}")
    else:
        raise ValueError(kind)
    return path


def run(*argv: str) -> int:
    return main([str(a) for a in argv])


def store_is_empty(url: str) -> bool:
    """Nothing recorded: the store was not created, or holds no alignment rows."""
    path = url.removeprefix("sqlite:///")
    return (url.startswith("sqlite:///") and not Path(path).exists()) or store.Store(url).alignments_version() == (0, 0)


def exported(url: str, tmp_path: Path, pid: str = PID) -> dict:
    out = tmp_path / "export.geojson"
    assert run("--store", url, "export", "--output", out) == 0
    feats = json.loads(out.read_text(encoding="utf-8"))["features"]
    return next(f for f in feats if f["properties"]["id"] == pid)


def max_offset_m(a: LineString, b: LineString) -> float:
    """The Hausdorff distance between two WGS-84 lines, in metres in the metric CRS."""
    return geometry.to_metric(a).hausdorff_distance(geometry.to_metric(b))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'progress.sqlite'}"


@pytest.fixture(scope="module")
def tracer(ds) -> analysis.Tracer:
    return analysis.Tracer(boundaries.provinces(ds.boundaries))


@pytest.mark.parametrize("kind", ["kml", "kmz", "gpx", "gpkg", "shp"])
def test_each_format_replaces_the_line_in_the_export(kind, ds, tmp_path, sqlite_url, tracer):
    line = surveyed(ds)
    path = write_fixture(kind, line, tmp_path)
    assert run("--store", sqlite_url, "alignment", "import", PID, path, "--source", "设计院 2024 线位", *EDITOR) == 0
    feat = exported(sqlite_url, tmp_path)
    got = LineString(feat["geometry"]["coordinates"])
    assert max_offset_m(got, line) < 1.0  # full resolution, WGS-84, in the catalog's direction
    assert len(got.coords) == len(line.coords)
    assert got.coords[0] == pytest.approx(line.coords[0], abs=1e-6)
    assert feat["properties"]["length_km"] == round(geometry.length_km(line), 1)
    assert feat["properties"]["length_km"] != ds.lines.set_index("project_id").length_km[PID]
    expected = tracer.trace(line).crossings
    schematic = ds.traces[PID].crossings
    assert [(c["lon"], c["lat"]) for c in feat["properties"]["crossings"]] == [(c.lon, c.lat) for c in expected]
    assert max_offset_m(LineString([(c.lon, c.lat) for c in expected] * 2),
                        LineString([(c.lon, c.lat) for c in schematic] * 2)) > 100  # the crossing moved
    assert feat["properties"]["precision"] == "surveyed"


def test_gcj02_file_lands_within_10_m_and_an_undeclared_one_gets_a_hint(ds, tmp_path, sqlite_url):
    """The schematic line densified (it runs through its places), then put on GCJ-02 as a web map would."""
    wgs = LineString(geometry.to_metric(ds.lines.set_index("project_id").geometry[PID]).segmentize(500).coords)
    wgs = alignment.from_metric(wgs)
    gcj = LineString([(c.lon, c.lat) for c in (prcoords.wgs_gcj(prcoords.Coords(y, x)) for x, y in wgs.coords)])
    assert max_offset_m(gcj, wgs) > 300  # the fixture really is offset as GCJ-02 is
    path = tmp_path / "gcj.geojson"
    path.write_text(geojson_text(mapping(gcj)), encoding="utf-8")
    undeclared = alignment.preview(ds, PID, WHOLE_PROJECT, path)
    assert len(undeclared.hints) == 1 and "gcj02" in undeclared.hints[0]
    declared = alignment.preview(ds, PID, WHOLE_PROJECT, path, datum="gcj02")
    assert declared.hints == () and max_offset_m(declared.line, wgs) <= 10.0
    assert alignment.preview(ds, PID, WHOLE_PROJECT, write_fixture("kml", surveyed(ds), tmp_path)).hints == ()
    assert run("--store", sqlite_url, "alignment", "import", PID, path, "--source", "描自高德", "--datum", "gcj02",
               *EDITOR) == 0
    got = LineString(exported(sqlite_url, tmp_path)["geometry"]["coordinates"])
    assert max_offset_m(got, wgs) <= 10.0
    assert store.Store(sqlite_url).alignments().datum.tolist() == ["gcj02"]


def on_gcj02(line: LineString) -> LineString:
    """The line as traced on a Chinese web map: every vertex moved by the real GCJ-02 offset (PRCoords)."""
    return LineString([(c.lon, c.lat) for c in (prcoords.wgs_gcj(prcoords.Coords(y, x)) for x, y in line.coords)])


def densified(line: LineString, step_m: float = 500.0) -> LineString:
    return alignment.from_metric(LineString(geometry.to_metric(line).segmentize(step_m).coords))


def test_the_gcj02_hint_shows_for_every_line_put_on_gcj02_and_for_none_as_it_is(ds):
    """Every shipped schematic line with enough places, densified (it runs through its places): on GCJ-02 it
    gets the hint, as it is it does not. The rule before missed three lines of this kind (zhitong among
    them): a GCJ-02 line running along the offset passes its places closer than 250 m."""
    checked = []
    for pid, g in ds.lines.set_index("project_id").geometry.items():
        places = alignment._places(ds, pid, WHOLE_PROJECT)
        if g is None or g.is_empty or len(places) < alignment.GCJ_MIN_PLACES:
            continue
        line = densified(g)
        assert alignment._gcj_hint(places, geometry.to_metric(on_gcj02(line))) is not None, pid
        assert alignment._gcj_hint(places, geometry.to_metric(line)) is None, pid
        checked.append(pid)
    assert "zhitong" in checked and len(checked) == sum(
        len(alignment._places(ds, p, WHOLE_PROJECT)) >= alignment.GCJ_MIN_PLACES
        for p, g in ds.lines.set_index("project_id").geometry.items() if g is not None and not g.is_empty)


def test_a_whole_line_traced_on_gcj02_gets_the_hint_through_the_upload(ds):
    """zhitong (the README's example) traced on a GCJ-02 map and uploaded as GeoJSON: the hint shows and says
    how to fix it; declared gcj02, or uploaded as it really is, there is none."""
    line = densified(ds.lines.set_index("project_id").geometry["zhitong"])
    gcj = geojson_text(mapping(on_gcj02(line))).encode()
    hinted = alignment.preview_bytes(ds, "zhitong", WHOLE_PROJECT, gcj, "traced.geojson")
    assert len(hinted.hints) == 1 and "GCJ-02" in hinted.hints[0] and "declaring datum gcj02" in hinted.hints[0]
    assert alignment.preview_bytes(ds, "zhitong", WHOLE_PROJECT, gcj, "traced.geojson", datum="gcj02").hints == ()
    plain = geojson_text(mapping(line)).encode()
    assert alignment.preview_bytes(ds, "zhitong", WHOLE_PROJECT, plain, "traced.geojson").hints == ()


def bad_geojson(tmp_path: Path, geom: dict, name: str = "bad.geojson") -> Path:
    path = tmp_path / name
    path.write_text(geojson_text(geom, {"name": "坏线"}), encoding="utf-8")
    return path


def looped(line: LineString) -> LineString:
    """The line with a 1 km loop in its middle, as a track that circled a site would have."""
    m = geometry.to_metric(line)
    xy = list(m.coords)
    k = len(xy) // 2
    cx, cy = xy[k]
    circle = [(cx + 1000 * np.sin(a), cy - 1000 + 1000 * np.cos(a)) for a in np.linspace(0, 2 * np.pi, 40)]
    return alignment.from_metric(LineString(xy[:k] + circle + xy[k + 1:]))


REFUSALS = {
    "no line": (lambda ds, tp: bad_geojson(tp, {"type": "MultiPoint", "coordinates": [[113, 27.8], [113.5, 27.9]]}),
                ["bad.geojson", "holds no line geometry (layers: bad (MultiPoint))"]),
    "empty line": (lambda ds, tp: bad_geojson(tp, {"type": "MultiLineString", "coordinates": [[]]}),
                   ["bad.geojson", "layer 'bad'", "feature 1 ('坏线')", "empty line"]),
    "degenerate": (lambda ds, tp: bad_geojson(tp, {"type": "LineString", "coordinates": [[113, 27.8], [113, 27.8]]}),
                   ["bad.geojson", "layer 'bad'", "feature 1 ('坏线')", "degenerate"]),
    "outside": (lambda ds, tp: bad_geojson(tp, mapping(LineString([(x + 8, y) for x, y in surveyed(ds).coords]))),
                ["feature 1 ('坏线')", "km outside Hunan"]),
    "self-intersection": (lambda ds, tp: bad_geojson(tp, mapping(looped(surveyed(ds)))),
                          ["feature 1 ('坏线')", "crosses itself"]),
    "too short": (lambda ds, tp: bad_geojson(tp, mapping(split(surveyed(ds), 0.25)[0])),
                  ["layer 'bad'", "× the schematic line", "outside 0.7–2.5×"]),
    "too many vertices": (lambda ds, tp: bad_geojson(tp, mapping(surveyed(ds, n=alignment.MAX_VERTICES + 1))),
                          ["layer 'bad'", f"{alignment.MAX_VERTICES + 1} vertices (at most 200000)"]),
    "too many bytes": (lambda ds, tp: (tp / "big.geojson").write_text(
        geojson_text(mapping(surveyed(ds)), {"description": "x" * alignment.MAX_BYTES})) and tp / "big.geojson",
                       ["big.geojson", "MB (at most 20 MB)"]),
    "unsupported": (lambda ds, tp: (tp / "line.dxf").write_text("0\nEOF\n") and tp / "line.dxf",
                    ["line.dxf", "is not a supported file"]),
    "several layers": (lambda ds, tp: (tp / "two.gpx").write_text(gpx_text([surveyed(ds)], [surveyed(ds)]))
                       and tp / "two.gpx", ["two.gpx", "several layers with lines (routes, tracks)", "--layer"]),
    "shapefile without .prj": (lambda ds, tp: _zip_without_prj(ds, tp), ["line.zip", "declares no CRS"]),
}


def _zip_without_prj(ds, tp: Path) -> Path:
    path = write_fixture("shp", surveyed(ds), tp)
    out = tp / "noprj" / "line.zip"
    out.parent.mkdir()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if not info.filename.endswith(".prj"):
                dst.writestr(info.filename, src.read(info))
    return out


@pytest.mark.parametrize("case", list(REFUSALS))
def test_every_refusal_names_the_file_and_stores_nothing(case, ds, tmp_path, sqlite_url, capsys):
    make, expected = REFUSALS[case]
    path = make(ds, tmp_path)
    assert run("--store", sqlite_url, "alignment", "import", PID, path, "--source", "s", *EDITOR) == 2
    err = " ".join(capsys.readouterr().err.split())
    for text in expected:
        assert text in err
    assert "nothing was stored" in err
    assert store_is_empty(sqlite_url)
    with pytest.raises(AlignmentError):
        alignment.preview(ds, PID, WHOLE_PROJECT, path)


def kmz_with(tmp_path: Path, members: dict[str, bytes], name: str = "evil.kmz") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


@pytest.mark.parametrize("member", ["../doc.kml", "/etc/doc.kml", "sub/../../doc.kml", "C:/doc.kml"])
def test_a_kmz_with_paths_outside_itself_is_refused_before_reading(member, ds, tmp_path, sqlite_url, capsys):
    path = kmz_with(tmp_path, {member: kml_text([surveyed(ds)]).encode()})
    assert run("--store", sqlite_url, "alignment", "import", PID, path, "--source", "s", *EDITOR) == 2
    err = capsys.readouterr().err
    assert "evil.kmz" in err and "points outside the archive" in err and store_is_empty(sqlite_url)
    assert not (tmp_path.parent / "doc.kml").exists()


def test_a_kmz_that_expands_too_far_is_refused_before_reading(ds, tmp_path, sqlite_url, capsys):
    path = kmz_with(tmp_path, {"doc.kml": kml_text([surveyed(ds)]).encode(),
                               "pad.bin": b"\0" * (alignment.MAX_EXPANDED_BYTES + 1)})
    assert path.stat().st_size < alignment.MAX_BYTES  # small on disk: only the expansion gives it away
    assert run("--store", sqlite_url, "alignment", "import", PID, path, "--source", "s", *EDITOR) == 2
    err = capsys.readouterr().err
    assert "evil.kmz" in err and "expands to 60 MB (at most 60 MB)" in err and store_is_empty(sqlite_url)


def test_a_header_that_lies_about_the_size_is_caught(ds, tmp_path):
    """The declared size says 10 bytes; decompressing finds more (the CRC no longer matches)."""
    path = kmz_with(tmp_path, {"doc.kml": kml_text([surveyed(ds)]).encode()})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.infolist()[0]
    real = info.file_size.to_bytes(4, "little")
    for at in (i for i in range(len(data) - 3) if data[i:i + 4] == real):
        data[at:at + 4] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(AlignmentError, match="damaged zip archive"):
        alignment.preview(ds, PID, WHOLE_PROJECT, path)


def test_an_end_far_from_its_place_is_a_warning_to_confirm(ds, tmp_path, sqlite_url, capsys):
    line = surveyed(ds)
    m = geometry.to_metric(line)
    cut = alignment.from_metric(LineString([m.interpolate(d).coords[0] for d in np.linspace(0, m.length - 25000, 800)]))
    path = bad_geojson(tmp_path, mapping(cut), "short_end.geojson")
    p = alignment.preview(ds, PID, WHOLE_PROJECT, path)
    assert len(p.warnings) == 1 and "ends 2" in p.warnings[0] and "more than 15 km" in p.warnings[0]
    with pytest.raises(AlignmentError, match="needs the editor's confirmation"):
        alignment.record(store.Store(sqlite_url, read_only=False), ds, p, source="s", recorded_by="r")
    assert run("--store", sqlite_url, "alignment", "import", PID, path, "--source", "s", *EDITOR) == 2
    out = capsys.readouterr()
    assert "warning: the line ends" in out.out and "--yes" in out.err and store_is_empty(sqlite_url)
    assert run("--store", sqlite_url, "alignment", "import", PID, path, "--source", "s", "--yes", *EDITOR) == 0
    assert "confirmed: the line ends" in store.Store(sqlite_url).alignments().note.iloc[0]


def test_the_layer_option_picks_one_of_several(ds, tmp_path):
    line = surveyed(ds)
    path = tmp_path / "two.gpx"
    path.write_text(gpx_text([line], [LineString(list(line.coords)[::10])]), encoding="utf-8")
    p = alignment.preview(ds, PID, WHOLE_PROJECT, path, layer="tracks")
    assert p.layer == "tracks" and p.vertices == len(line.coords)
    with pytest.raises(AlignmentError, match="no layer 'nope'"):
        alignment.preview(ds, PID, WHOLE_PROJECT, path, layer="nope")


def test_a_multipart_kml_is_merged_in_order_and_turned_to_the_catalogs_direction(ds, tmp_path):
    line = surveyed(ds)
    a, b = split(line)
    path = tmp_path / "back.kml"
    path.write_text(kml_text([b.reverse(), a.reverse()]), encoding="utf-8")  # all of it drawn end to start
    p = alignment.preview(ds, PID, WHOLE_PROJECT, path)
    assert p.parts == 2 and "reversed to run in the catalog's direction" in p.notes
    assert max_offset_m(p.line, line) < 1.0 and p.line.coords[0] == pytest.approx(line.coords[0], abs=1e-6)
    assert p.names == ("常赣铁路 <比选线> 1", "常赣铁路 <比选线> 2")  # raw text: the UI escapes it


def test_the_display_line_is_simplified_within_its_tolerance(ds, tmp_path):
    line = surveyed(ds, n=20000)
    p = alignment.preview(ds, PID, WHOLE_PROJECT, bad_geojson(tmp_path, mapping(line), "dense.geojson"))
    assert p.display_vertices < p.vertices / 10
    assert max_offset_m(p.display_line, p.line) <= alignment.DISPLAY_TOLERANCE_M + 0.01
    assert p.display_line.coords[0] == pytest.approx(p.line.coords[0]) and p.display_line.is_simple


def test_section_import_revert_and_history(url, ds, tmp_path, tracer):
    """On SQLite and PostgreSQL: a section's line, a whole line, a revert to the first, a revert to the schematic."""
    progress = store.Store(url, read_only=False)
    hunan = surveyed(ds, section="hunan", n=800, amplitude_m=800, wavelength_m=20000)
    p1 = alignment.preview(ds, PID, "hunan", bad_geojson(tmp_path, mapping(hunan), "hunan.geojson"))
    a1 = alignment.record(progress, ds, p1, source="踏勘 GPS", recorded_by="王工", expect_current="")
    folded = ds.with_alignments(progress.current_alignments())
    sec = folded.sections.set_index(["project_id", "section"])
    assert sec.precision[(PID, "hunan")] == "surveyed" and sec.alignment_id[(PID, "hunan")] == a1
    assert sec.precision[(PID, "jiangxi")] == ds.sections.set_index(["project_id", "section"]).precision[(PID,
                                                                                                           "jiangxi")]
    line = folded.lines.set_index("project_id")
    assert line.precision[PID] != "surveyed"  # only one of its two sections is surveyed
    jiangxi = ds.sections.set_index(["project_id", "section"]).geometry[(PID, "jiangxi")]
    assert hunan.coords[-1] == pytest.approx(jiangxi.coords[0], abs=1e-12)  # the fixture ends where jiangxi starts
    joined = LineString(list(hunan.coords) + list(jiangxi.coords)[1:])
    assert line.geometry[PID].equals_exact(joined, 1e-7)
    assert line.length_km[PID] == round(geometry.length_km(joined), 1)
    expected = tracer.trace(joined)
    assert folded.traces[PID].crossings == expected.crossings and folded.traces[PID].provinces == expected.provinces

    with pytest.raises(StoreError, match=f"changed since the preview: its latest version is {a1}"):
        alignment.record(progress, ds, p1, source="踏勘 GPS", recorded_by="李工", expect_current="")  # seen before a1
    whole = surveyed(ds)
    p2 = alignment.preview(ds, PID, WHOLE_PROJECT, write_fixture("kml", whole, tmp_path))
    a2 = alignment.record(progress, ds, p2, source="设计院", recorded_by="王工", expect_current="")
    folded = ds.with_alignments(progress.current_alignments())
    assert folded.lines.set_index("project_id").precision[PID] == "surveyed"
    assert max_offset_m(folded.lines.set_index("project_id").geometry[PID], whole) < 1.0
    cut = folded.sections[folded.sections.project_id == PID]
    assert sum(cut.length_km) == pytest.approx(geometry.length_km(whole), rel=1e-6)  # the sections tile the line

    a3 = alignment.revert(progress, ds, PID, WHOLE_PROJECT, "schematic", source="比选未定", recorded_by="李工")
    back = ds.with_alignments(progress.current_alignments())
    assert back.lines.set_index("project_id").geometry[PID].equals(ds.lines.set_index("project_id").geometry[PID])
    assert back.traces[PID] == ds.traces[PID]
    assert (back.table(date.today()).set_index("id").length_km[PID]
            == ds.table(date.today()).set_index("id").length_km[PID])
    a4 = alignment.revert(progress, ds, PID, WHOLE_PROJECT, a2, source="定线", recorded_by="李工")
    again = ds.with_alignments(progress.current_alignments())
    assert max_offset_m(again.lines.set_index("project_id").geometry[PID], whole) < 1.0
    with pytest.raises(StoreError, match="is not an imported version"):
        alignment.revert(progress, ds, PID, WHOLE_PROJECT, a1, source="x", recorded_by="李工")  # a1 is a section's

    rows = store.Store(url).alignments(PID)
    assert rows.alignment_id.tolist() == [a1, a2, a3, a4]
    assert rows.supersedes.tolist() == ["", "", a2, a3] and rows.reverts_to.tolist() == ["", "", "schematic", a2]
    assert rows.sha256.iloc[1] == p2.sha256 and rows.file_name.iloc[1] == "line.kml"
    h = alignment.history(ds, rows, PID)
    assert h.kind.tolist() == ["schematic", "import", "import", "revert", "revert"]
    assert h.length_km.tolist() == [ds.lines.set_index("project_id").length_km[PID],
                                    round(geometry.length_km(joined), 1), round(geometry.length_km(whole), 1),
                                    ds.lines.set_index("project_id").length_km[PID],
                                    round(geometry.length_km(whole), 1)]
    assert h.crossings.iloc[2] == [c.__dict__ for c in tracer.trace(whole).crossings]


def test_alignments_are_append_only_and_come_with_a_migration(url, ds):
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        store.version_table.create(conn)
        conn.execute(store.version_table.insert().values(version=2))
        store.MIGRATIONS[0](conn)
        store.MIGRATIONS[1](conn)
    engine.dispose()
    old = store.Store(url)
    assert old.schema_version() == 2 and old.alignments().empty and old.alignments_version() == (0, 0)
    assert run("--store", url, "store", "migrate") == 0
    progress = store.Store(url, read_only=False)
    assert progress.schema_version() == store.LATEST
    a1 = alignment.revert(progress, ds, PID, WHOLE_PROJECT, "schematic", source="s", recorded_by="r")
    assert a1 == "a-1"
    for sql in ("UPDATE alignments SET source_title = 'x'", "DELETE FROM alignments"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with progress.engine.begin() as conn:
                conn.execute(sa.text(sql))
    assert progress.alignments().source_title.tolist() == ["s"]


def test_the_store_refuses_what_the_preview_did_not_make(sqlite_url, ds):
    progress = store.Store(sqlite_url, read_only=False)
    good = dict(project_id=PID, section=WHOLE_PROJECT, source_title="s", recorded_by="r", datum="wgs84",
                geometry="LINESTRING (113 27.8, 114 27.9)", file_name="f.kml", sha256="0" * 64)
    for change, reason in (({"project_id": "nope"}, "project 'nope' is unknown"),
                           ({"section": "guangxi"}, "section 'guangxi' is not a section"),
                           ({"datum": "bd09"}, "datum 'bd09' is not one of"),
                           ({"geometry": "POINT (113 27.8)"}, "not a LineString"),
                           ({"geometry": "LINESTRING (113"}, "is not WKT"),
                           ({"sha256": "abc"}, "is not a SHA-256"),
                           ({"source_title": " "}, "source_title is empty"),
                           ({"recorded_by": "r\0"}, "control character")):
        with pytest.raises(StoreError, match=reason):
            progress.append_alignment(store.NewAlignment(**{**good, **change}), ds.catalog.projects,
                                      ds.catalog.sections)
    assert store_is_empty(sqlite_url)


def test_count_export_and_snapshot_follow_the_store(ds, tmp_path, sqlite_url, capsys):
    line = surveyed(ds, section="hunan", n=600, amplitude_m=600, wavelength_m=15000)
    path = bad_geojson(tmp_path, mapping(line), "hunan.geojson")
    assert run("--store", sqlite_url, "alignment", "import", f"{PID}:hunan", path, "--source", "s", *EDITOR) == 0
    capsys.readouterr()
    folded = ds.with_alignments(store.Store(sqlite_url).current_alignments())
    assert run("--store", sqlite_url, "count", "--json") == 0
    assert json.loads(capsys.readouterr().out)["completed"] == folded.count(date.today())["completed"]
    feat = exported(sqlite_url, tmp_path)
    assert feat["properties"]["length_km"] == folded.lines.set_index("project_id").length_km[PID]
    assert feat["properties"]["length_km"] != ds.lines.set_index("project_id").length_km[PID]
    mine = next(f for f in snapshot.features(folded, date.today()) if f["properties"]["id"] == PID)
    assert mine["geometry"] == feat["geometry"]
    assert run("--store", sqlite_url, "alignment", "list") == 0
    listed = capsys.readouterr().out
    assert f"a-1    * {PID}:hunan" in listed and "hunan.geojson (wgs84, 600 vertices" in listed


def test_the_cli_needs_an_editor_and_a_source(ds, tmp_path, sqlite_url, capsys, monkeypatch):
    monkeypatch.delenv("CORRIDORS_EDITOR", raising=False)
    path = write_fixture("kml", surveyed(ds), tmp_path)
    assert run("--store", sqlite_url, "alignment", "import", PID, path, "--source", "s") == 2
    assert "--editor NAME or set $CORRIDORS_EDITOR" in capsys.readouterr().err
    assert run("--store", sqlite_url, "alignment", "import", PID, path, *EDITOR) == 2
    assert "needs --source TEXT" in capsys.readouterr().err
    monkeypatch.setenv("CORRIDORS_EDITOR", "环境变量里的人")
    assert run("--store", sqlite_url, "alignment", "import", PID, path, "--source", "s") == 0
    assert store.Store(sqlite_url).alignments().recorded_by.tolist() == ["环境变量里的人"]
