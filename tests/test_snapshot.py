"""The snapshot bundle: every format reads back, the map works offline, the report has one page with the
count, two runs are byte-identical, and bad requests leave nothing behind."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from datetime import date

import openpyxl
import pandas as pd
import pyogrio
import pytest
from pypdf import PdfReader

from corridors import analysis, snapshot
from corridors.errors import SnapshotError

from .browser import chromium

AS_OF = date(2020, 12, 31)
D = AS_OF.isoformat()


@pytest.fixture(scope="module")
def bundle(ds, tmp_path_factory):
    out = tmp_path_factory.mktemp("snap") / "bundle"
    files = snapshot.build(ds, snapshot.Request(as_of=AS_OF, compare=date(2018, 12, 31)))
    snapshot.write(files, out)
    return out, files


def expected_counts(ds, as_of=AS_OF, modes=()):
    """The headline under the default definition (display filters never change it) and the listed rows."""
    rows = analysis.filter_projects(ds.table(as_of), modes=list(modes))
    return ds.count(as_of), rows


def test_file_names_carry_the_date(bundle):
    out, files = bundle
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    assert {n.rsplit("-", 3)[0] for n in files} == {"projects", "corridors", "map", "report", "manifest"}
    assert all(D in n for n in files)


def test_geojson_and_gpkg_read_back_with_the_same_rows_and_attributes(bundle, ds):
    out, _ = bundle
    gj = pyogrio.read_dataframe(out / f"corridors-{D}.geojson")
    gp = pyogrio.read_dataframe(out / f"corridors-{D}.gpkg")
    _, rows = expected_counts(ds)
    assert len(gj) == len(gp) == len(rows)
    cols = [c for c in gj.columns if c != "geometry"]
    assert sorted(cols) == sorted(c for c in gp.columns if c != "geometry")
    a = gj[cols].sort_values("id").reset_index(drop=True)
    b = gp[cols].sort_values("id").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert gj.geometry.isna().sum() == gp.geometry.isna().sum()  # null where no route is known
    assert gj.crs.to_epsg() == 4326 and gp.crs.to_epsg() == 4326
    raw = json.loads((out / f"corridors-{D}.geojson").read_text(encoding="utf-8"))
    assert "crs" not in raw  # RFC 7946: WGS-84 lon/lat, no crs member


def test_xlsx_has_data_dictionary_and_sources_in_chinese(bundle, ds):
    out, _ = bundle
    wb = openpyxl.load_workbook(out / f"projects-{D}.xlsx")
    assert wb.sheetnames == ["数据", "数据字典", "资料来源"]
    data = wb["数据"]
    header = [c.value for c in data[1]]
    assert header[:3] == ["编号", "中文名称", "英文名称"]
    _, rows = expected_counts(ds)
    assert data.max_row - 1 == len(rows)
    urls = [r[2] for r in wb["资料来源"].iter_rows(min_row=2, values_only=True)]
    assert urls and all(u.startswith(("http", "geodata/")) for u in urls)


def test_csv_opens_as_utf8_with_bom(bundle):
    out, _ = bundle
    raw = (out / f"projects-{D}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(out / f"projects-{D}.csv", encoding="utf-8-sig")
    assert "中文名称" in frame.columns


def test_report_is_one_page_with_the_count(bundle, ds):
    out, _ = bundle
    counts, _ = expected_counts(ds)
    reader = PdfReader(out / f"report-{D}.pdf")
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert f"{counts['by_status']['completed']} / {ds.target.count}" in text
    assert "湖南" in text  # Chinese text is real text, not missing glyphs


def test_manifest_lists_checksums_counts_and_data_version(bundle, ds):
    out, files = bundle
    manifest = json.loads((out / f"manifest-{D}.json").read_text(encoding="utf-8"))
    counts, _ = expected_counts(ds)
    assert manifest["counts"]["by_status"] == counts["by_status"]
    assert manifest["data_version"] == ds.fingerprint and manifest["as_of"] == D
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert len(manifest["files"]) == len(files) - 1


def test_two_runs_are_byte_identical_apart_from_the_creation_time(ds, bundle):
    _, first = bundle
    again = snapshot.build(ds, snapshot.Request(as_of=AS_OF, compare=date(2018, 12, 31)))
    for name in first:
        if name.startswith("manifest"):
            a, b = json.loads(first[name]), json.loads(again[name])
            a.pop("created_at"), b.pop("created_at")
            assert a == b
        else:
            assert first[name] == again[name], name


def test_map_html_draws_offline(bundle):
    out, _ = bundle
    with chromium() as browser:
        context = browser.new_context(offline=True)
        page = context.new_page()
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((out / f"map-{D}.html").as_uri())
        page.locator("path.leaflet-interactive").first.wait_for(timeout=30_000)
        assert page.locator("path.leaflet-interactive").count() > 10
        assert not errors
        assert all(u.startswith(("file:", "data:")) for u in asked), asked


@pytest.mark.parametrize("argv,message", [
    (["--as-of", "2020-13-45"], "not an ISO date"),
    (["--as-of", "1899-01-01"], "must lie between"),
    (["--as-of", D, "--show", "teleport"], "invalid choice"),
])
def test_bad_requests_are_refused_and_leave_nothing(tmp_path, argv, message):
    out = tmp_path / "bundle"
    run = subprocess.run([sys.executable, "-m", "corridors.cli", "snapshot", *argv, "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode != 0 and message in run.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unwritable_output_leaves_no_partial_bundle(tmp_path, ds):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(SnapshotError, match="is a file, not a folder"):
        snapshot.write({"x.csv": b"1"}, blocker / "bundle")
    files = snapshot.build(ds, snapshot.Request(as_of=AS_OF))
    out = tmp_path / "bundle"
    out.mkdir()
    (out / f"map-{D}.png").mkdir()  # a folder where a file must go: the move fails half-way
    with pytest.raises(SnapshotError, match="is a folder where a file must go; nothing was changed"):
        snapshot.write(files, out)
    assert [p.name for p in out.iterdir()] == [f"map-{D}.png"]  # what was there before, nothing else
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "bundle"]  # no staging folder left


def test_english_bundle(ds):
    files = snapshot.build(ds, snapshot.Request(as_of=AS_OF, lang="en", modes=("rail",)))
    frame = pd.read_csv(__import__("io").BytesIO(files[f"projects-{D}.csv"]), encoding="utf-8-sig")
    assert frame.columns[1] == "Name in Chinese" and set(frame["Transport mode"]) == {"Railway"}
    manifest = json.loads(files[f"manifest-{D}.json"])
    assert manifest["counts"]["completed"] == ds.count(AS_OF)["completed"]  # display filter, same headline


def test_exported_counted_agrees_with_the_cli_count(ds, tmp_path, capsys):
    from corridors.cli import main
    from corridors.counting import Definition

    out = tmp_path / "x.geojson"
    argv = ["--as-of", D, "--scope", "neighbours", "--mode", "pipeline", "--mode", "power"]
    assert main(["export", "--output", str(out), *argv]) == 0
    feats = json.loads(out.read_text(encoding="utf-8"))["features"]
    counted = sum(f["properties"]["units"] for f in feats if f["properties"]["counted"])
    capsys.readouterr()
    assert main(["count", "--json", *argv]) == 0
    assert counted == json.loads(capsys.readouterr().out)["completed"]
    assert counted == ds.count(AS_OF, Definition(provinces="neighbours", modes=("pipeline", "power")))["completed"]
    props = {f["properties"]["id"]: f["properties"] for f in feats}
    assert props["jiaoliu_huailiu"]["upgrade_of"] == "rl_jiaoliu_guangxi" and props["jiaoliu_huailiu"]["in_plan"]
    assert props["rl_jiaoliu_guangxi"]["opened"] and not props["rl_jiaoliu_guangxi"]["in_plan"]


def test_a_failed_rewrite_keeps_the_previous_bundle(tmp_path, ds, monkeypatch):
    """The same date written again into a folder that holds the first bundle and a file of the planner's own;
    the swap fails half-way: every old file is back, byte for byte, and nothing else is left."""
    out = tmp_path / "bundle"
    files = snapshot.build(ds, snapshot.Request(as_of=AS_OF))
    snapshot.write(files, out)
    (out / "notes.txt").write_text("mine")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = {name: data + b"\n" if name.endswith(".json") else data[::-1] for name, data in files.items()}
    real_rename, calls = os.rename, []

    def failing_rename(src, dst):
        calls.append(dst)
        if len(calls) == 9:  # after four files were swapped in
            raise OSError(28, "No space left on device")
        return real_rename(src, dst)

    monkeypatch.setattr(snapshot.os, "rename", failing_rename)
    with pytest.raises(SnapshotError, match="No space left on device; nothing was changed"):
        snapshot.write(again, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle"]
    monkeypatch.undo()
    assert snapshot.write(again, out) and (out / f"manifest-{D}.json").read_bytes() == again[f"manifest-{D}.json"]
    assert (out / "notes.txt").read_text() == "mine"


def test_written_files_get_the_umasks_mode(tmp_path, ds):
    from corridors.cli import main
    from corridors.files import write_atomic

    old = os.umask(0o022)
    try:
        snapshot.write({"a.csv": b"1"}, tmp_path / "bundle")
        assert stat.S_IMODE((tmp_path / "bundle").stat().st_mode) == 0o755
        assert stat.S_IMODE((tmp_path / "bundle" / "a.csv").stat().st_mode) == 0o644
        snapshot.write({"a.csv": b"2"}, tmp_path / "bundle")
        assert stat.S_IMODE((tmp_path / "bundle" / "a.csv").stat().st_mode) == 0o644
        out = tmp_path / "x.geojson"
        assert main(["export", "--output", str(out), "--as-of", D]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        out.chmod(0o640)
        write_atomic(out, "again")
        assert stat.S_IMODE(out.stat().st_mode) == 0o640  # a replaced file keeps its mode
    finally:
        os.umask(old)


HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd"]


def test_formulas_in_fields_are_neutralised_in_csv_and_xlsx(ds):
    """Text a source or a planner typed, starting with = + - @ or tab, is shown as typed, never run."""
    projects = ds.catalog.projects.copy()
    projects.loc[projects.index[:5], "name_en"] = HOSTILE
    sources = ds.catalog.sources.copy()
    sources.loc[sources.index[0], "title"] = "=cmd|' /C calc'!A0"
    hostile = type(ds)(**{**ds.__dict__, "catalog": type(ds.catalog)(**{**ds.catalog.__dict__, "projects": projects,
                                                                         "sources": sources})})
    files = snapshot.build(hostile, snapshot.Request(as_of=AS_OF, lang="en"))
    frame = pd.read_csv(__import__("io").BytesIO(files[f"projects-{D}.csv"]), encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    names = set(frame["Name in English"])
    assert {"'" + h for h in HOSTILE} <= names and not names & set(HOSTILE)
    wb = openpyxl.load_workbook(__import__("io").BytesIO(files[f"projects-{D}.xlsx"]))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {"'" + h for h in HOSTILE} <= texts and "'=cmd|' /C calc'!A0" in texts
    assert snapshot.neutralise(-3.5) == -3.5 and snapshot.neutralise("2016-10-24") == "2016-10-24"
