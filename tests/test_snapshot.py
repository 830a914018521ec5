"""The snapshot bundle: every format reads back, the map works offline, the report has one page with the
count, two runs are byte-identical, and bad requests leave nothing behind."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from dataclasses import replace
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
    assert {n.rsplit("-", 3)[0] for n in files} == {"projects", "corridors", "map", "report", "briefing", "manifest",
                                                     "targets", "outlook", "outlook-corridors", "stubs",
                                                     "reckoning"}
    assert all(D in n for n in files)


def test_geojson_and_gpkg_read_back_with_the_same_rows_and_attributes(bundle, ds):
    out, _ = bundle
    # as text: GDAL reads a GeoJSON property that looks like a date (researched) as a date, a GeoPackage
    # text column as text; the files hold the same characters
    gj = pyogrio.read_dataframe(out / f"corridors-{D}.geojson", datetime_as_string=True)
    gp = pyogrio.read_dataframe(out / f"corridors-{D}.gpkg", datetime_as_string=True)
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


def test_targets_outlook_and_stubs_travel_with_the_bundle(bundle, ds):
    """The tables are those of corridors.targets, .outlook and .stubs as of the snapshot's date."""
    from corridors import outlook, stubs, targets

    out, files = bundle
    read = {k: pd.read_csv(out / f"{k}-{D}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
            for k in ("targets", "outlook", "outlook-corridors", "stubs")}
    assessed = targets.assess(ds, AS_OF)
    assert list(read["targets"]["编号"]) == [a["id"] for a in assessed]
    assert list(read["targets"]["达到日期"]) == [a["reached_on"] or "" for a in assessed]
    s = stubs.stubs(ds, AS_OF)
    assert list(zip(read["stubs"]["编号"], read["stubs"]["等待天数"].astype(int))) == list(zip(s.id, s.days_waiting))
    until = date(AS_OF.year + snapshot.OUTLOOK_YEARS, 12, 31)
    summary = outlook.summary(outlook.simulate(ds, AS_OF), until)
    last = read["outlook"].iloc[-1]
    assert last["日期"] == until.isoformat()
    assert (int(last["区间下限(10%)"]), int(last["中位数"]), int(last["区间上限(90%)"])) == (
        summary["low"], summary["median"], summary["high"])
    assert list(read["outlook-corridors"]["编号"]) == [c["id"] for c in summary["corridors"]]
    manifest = json.loads(files[f"manifest-{D}.json"])
    assert manifest["outlook"]["median"] == summary["median"] and manifest["outlook"]["stubs"] == len(s)
    assert files[f"outlook-{D}.png"].startswith(b"\x89PNG")


def test_the_neighbours_reckoning_travels_with_the_bundle(bundle, ds):
    """reckoning-DATE.csv holds the figures published by the snapshot's date, reconciled as corridors.reckoning
    does (Hunan's count and the difference per row)."""
    from corridors import reckoning

    out, _ = bundle
    read = pd.read_csv(out / f"reckoning-{D}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rows = reckoning.reckon(ds, AS_OF)
    assert 0 < len(rows) < len(ds.catalog.neighbour_counts)  # a figure published after 2020 is not listed
    assert list(read["截至"]) == [r["as_of"] for r in rows]
    assert list(read["湖南口径"].astype(int)) == [r["hunan_count"] for r in rows]
    assert list(read["差额"].astype(int)) == [r["difference"] for r in rows]
    assert list(read["说明"]) == [r["explanation_zh"] for r in rows]


def test_a_picked_target_heads_the_bundle(ds):
    """The target the planner picked on the page goes into the headline, the definition line and the outlook's
    chart of the bundle, under its own definition (not always the plan's 20)."""
    from corridors import targets

    row = targets.find(ds, "hw2015")
    d = targets.definition(row)
    files = snapshot.build(ds, snapshot.Request(as_of=AS_OF, definition=d, target="hw2015"))
    manifest = json.loads(files[f"manifest-{D}.json"])
    assert manifest["counts"]["target"] == int(row.figure) != ds.target.count
    assert manifest["target"] == "hw2015"
    assert manifest["counts"]["completed"] == ds.count(AS_OF, d)["completed"]
    assert row.clause in manifest["definition"] and row.document in manifest["definition"]
    plain = json.loads(snapshot.build(ds, snapshot.Request(as_of=AS_OF, definition=d))[f"manifest-{D}.json"])
    assert plain["counts"]["target"] == ds.target.count and row.clause not in plain["definition"]
    assert plain["target"] == targets.DEFAULT_TARGET
    with pytest.raises(SnapshotError, match="unknown target 'rail2016'"):
        snapshot.check(snapshot.Request(as_of=AS_OF, target="rail2016"), ds)


def test_every_export_carries_the_research_cut_off_and_the_workbook_the_outlet_of_each_source(bundle, ds):
    """Per project (projects.csv's researched) in the CSV, workbook and GeoJSON; overall (the earliest of them)
    in the manifest and the workbook's dictionary; the source sheet says official / original / repost."""
    out, _ = bundle
    cutoff = min(ds.catalog.projects.researched)
    manifest = json.loads((out / f"manifest-{D}.json").read_text(encoding="utf-8"))
    assert manifest["research_cutoff"] == cutoff
    researched = dict(zip(ds.catalog.projects.id, ds.catalog.projects.researched))
    frame = pd.read_csv(out / f"projects-{D}.csv", encoding="utf-8-sig", dtype=str)
    assert all(researched[i] == r for i, r in zip(frame["编号"], frame["资料检索截至"]))
    gj = pyogrio.read_dataframe(out / f"corridors-{D}.geojson", datetime_as_string=True)
    assert all(researched[i] == r for i, r in zip(gj["id"], gj["researched"]))
    wb = openpyxl.load_workbook(out / f"projects-{D}.xlsx")
    assert ["资料检索截至（全部项目）", cutoff] in [list(r[:2]) for r in wb["数据字典"].iter_rows(values_only=True)]
    assert f"资料检索截至{cutoff}" in _pdf_text((out / f"report-{D}.pdf").read_bytes())
    sheet = list(wb["资料来源"].iter_rows(values_only=True))
    assert sheet[0][5] == "来源类型"
    outlet = dict(zip(ds.catalog.sources.id, ds.catalog.sources.outlet))
    assert all((r[5] or "") == outlet[r[0]] for r in sheet[1:])


def test_csv_opens_as_utf8_with_bom(bundle):
    out, _ = bundle
    raw = (out / f"projects-{D}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(out / f"projects-{D}.csv", encoding="utf-8-sig")
    assert "中文名称" in frame.columns


def test_report_has_the_count_on_page_one(bundle, ds):
    out, _ = bundle
    counts, _ = expected_counts(ds)
    reader = PdfReader(out / f"report-{D}.pdf")
    assert len(reader.pages) >= 2  # the counted corridors follow the summary page
    text = reader.pages[0].extract_text()
    assert f"{counts['by_status']['completed']} / {ds.target.count}" in text
    assert "湖南" in text  # Chinese text is real text, not missing glyphs


def _pdf_text(data: bytes) -> str:
    """All pages' text with every space and line break removed, so a name wrapped in its cell still matches."""
    import io
    import re

    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_lists_every_counted_corridor_with_its_date_as_sourced(ds, lang):
    import re

    files = snapshot.build(ds, snapshot.Request(as_of=AS_OF, lang=lang, modes=("rail",)))  # a filter: same list
    text = _pdf_text(files[f"report-{D}.pdf"])
    table = ds.table(AS_OF)
    counted = table[table.counted]
    assert int(counted.units.sum()) == ds.count(AS_OF)["completed"]
    listed = snapshot.counted_rows(ds, snapshot.Request(as_of=AS_OF, lang=lang))
    assert sorted(listed.id) == sorted(counted.id)
    for r in counted.itertuples():
        assert re.sub(r"\s+", "", r.name_zh) in text, r.id
        assert re.sub(r"\s+", "", r.name_en) in text, r.id
    opened = [o for o in counted.opened if isinstance(o, str)]
    assert any(len(o) == 4 for o in opened) and any(len(o) == 7 for o in opened)  # the data has both precisions
    for o in opened:
        assert o in text
        if len(o) == 4:  # a year-only date is never printed as a day
            assert f"{o}-12-31" not in text and f"{o}-01-01" not in text
    assert dict(zip(listed.id, listed.opened))["hw_g60_guizhou"] == "2008"


def _words(pdf: bytes, tmp_path) -> list[tuple[int, float, float, float, str]]:
    """(page, page width, xMin, xMax, word) of every word, from pdftotext -bbox."""
    import re

    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftotext", "-bbox", str(path), str(tmp_path / "r.html")], check=True)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    out = []
    for i, page in enumerate(html.split("<page ")[1:], 1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for a, b, w in re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', page):
            out.append((i, width, float(a), float(b), w))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_text_stays_within_the_margins(ds, tmp_path, lang):
    from corridors.figures import MARGIN

    files = snapshot.build(ds, snapshot.Request(as_of=AS_OF, lang=lang))
    words = _words(files[f"report-{D}.pdf"], tmp_path)
    assert {p for p, *_ in words} == set(range(1, len(PdfReader(__import__("io").BytesIO(
        files[f"report-{D}.pdf"])).pages) + 1))
    margin = MARGIN * 72
    outside = [(p, w, round(a, 1), round(b, 1)) for p, width, a, b, w in words
               if a < margin - 0.5 or b > width - margin + 0.5]
    assert not outside


def test_wrap_breaks_between_words_and_between_cjk_characters():
    from corridors.wrapping import tokens, wrap

    assert wrap("abc def ghi", 7, len) == ["abc def", "ghi"]
    assert wrap("abcdefghij", 4, len) == ["abcd", "efgh", "ij"]  # a word longer than a line is split
    assert wrap("湖南省出省通道", 3, len) == ["湖南省", "出省通", "道"]
    lines = wrap("湖南，广东。江西（赣）", 3, len)
    assert "".join(lines) == "湖南，广东。江西（赣）"
    assert not [x for x in lines if x[0] in "，。）"] and not [x for x in lines if x[-1] == "（"]
    assert tokens("Pan-PRD 湖南") == ["Pan-PRD ", "湖", "南"]


def _map(ds, req):
    import matplotlib.pyplot as plt

    from corridors import figures
    from corridors import map as mapview

    rows = snapshot._rows(req, ds)
    display = mapview.display_boundaries(ds.boundaries)
    notes = figures.MapNotes(date=D, source="test", cities=snapshot.city_points(ds))
    ctx = plt.rc_context(figures._rc())
    ctx.__enter__()
    fig = figures.map_figure(display, rows, ds.sections, ds.section_statuses(req.as_of), req.lang, "t",
                             snapshot.legend_modes(req, rows), notes)
    return fig, ctx


def test_png_legend_lists_the_shown_modes_and_the_drawn_dash_patterns(ds):
    import matplotlib.pyplot as plt

    from corridors import figures, i18n

    fig, ctx = _map(ds, snapshot.Request(as_of=AS_OF, modes=("rail",)))
    try:
        ax = fig.axes[0]
        legend = ax.get_legend()
        labels = [t.get_text() for t in legend.get_texts()]
        assert i18n.mode("rail", "zh") in labels and i18n.mode("highway", "zh") not in labels
        handles = dict(zip(labels, legend.legend_handles))
        length = legend.handlelength * legend.prop.get_size_in_points()
        drawn = {tuple(line._dash_pattern[1] or ()) for line in ax.lines}  # private: the dash pattern drawn
        for s in ("completed", "under_construction", "planned"):
            handle = handles[i18n.status(s, "zh")]
            dashes = tuple(handle._dash_pattern[1] or ())
            assert dashes == tuple(figures.line_style(s)["linestyle"][1]) if s != "completed" else not dashes
            assert dashes in drawn  # the legend shows a pattern the map uses
            assert 2 * sum(dashes) <= length  # the pattern repeats within the swatch: it reads as dashed
    finally:
        plt.close(fig)
        ctx.__exit__(None, None, None)


def test_scale_bar_is_a_round_number_of_km_matching_the_axes_extent(ds):
    import math
    import re

    import matplotlib.pyplot as plt
    from pyproj import Geod

    fig, ctx = _map(ds, snapshot.Request(as_of=AS_OF))
    try:
        ax = fig.axes[0]
        label = next(t for t in ax.texts if t.get_gid() == "scale_bar_label").get_text()
        km = float(re.fullmatch(r"(\d+(?:\.\d+)?) km", label).group(1))
        share = sum(p.get_width() for p in ax.patches if p.get_gid() == "scale_bar")
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        y = next(p.get_y() for p in ax.patches if p.get_gid() == "scale_bar")
        lat = y0 + (y1 - y0) * y
        lons = [x0 + (x1 - x0) * k / 100 for k in range(101)]  # the parallel, geodesically, piece by piece
        width_km = sum(Geod(ellps="WGS84").inv(a, lat, b, lat)[2] for a, b in zip(lons, lons[1:])) / 1000
        assert abs(share * width_km - km) / km < 0.02
        assert 0.1 < share < 0.4
        mantissa = km / 10 ** math.floor(math.log10(km))
        assert mantissa in (1, 2, 5)
        texts = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
        assert texts["map_date"] == D and texts["north_arrow"] == "北"
    finally:
        plt.close(fig)
        ctx.__exit__(None, None, None)


def test_html_legend_lists_only_the_shown_modes_and_the_title_box_the_count(ds):
    import re

    from corridors import i18n

    files = snapshot.build(ds, snapshot.Request(as_of=AS_OF, modes=("rail",)))
    page = files[f"map-{D}.html"].decode("utf-8")
    legend = json.loads(re.search(r'"corridors-legend"\);.*?innerHTML = ("(?:[^"\\]|\\.)*");', page, re.S).group(1))
    assert i18n.mode("rail", "zh") in legend and i18n.mode("highway", "zh") not in legend
    box = json.loads(re.search(r'"corridors-title"\);.*?innerHTML = ("(?:[^"\\]|\\.)*");', page, re.S).group(1))
    n = ds.count(AS_OF)["completed"]
    assert f"{n} / {ds.target.count}" in box and D in box and i18n.t("title", "zh") in box
    assert i18n.definition_short(snapshot.Request(as_of=AS_OF).definition, "zh") in box


def test_title_box_escapes_its_text():
    html_text = snapshot.title_box_html("<b>t</b>", D, {"completed": 3, "target": 20}, "a & <script>x</script>", "en")
    assert "<script>" not in html_text and "&lt;script&gt;" in html_text and "&lt;b&gt;t" in html_text
    assert "3 / 20" in html_text


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
        title = page.locator(".corridors-title")
        assert title.is_visible() and D in title.inner_text() and " / 20" in title.inner_text()
        assert page.get_by_text("湖北省", exact=True).is_visible()  # the labels in the bundle's language
        # map chrome: the Leaflet credit as text, no flag; the schematic-map statement and the sources; the counted
        # crossings numbered 1…N
        assert page.locator(".leaflet-attribution-flag").count() == 0
        assert page.locator(".leaflet-control-attribution").get_by_text("Leaflet").count() == 1
        assert "示意图，不作为行政区划及权属界线依据" in page.locator(".corridors-credits").inner_text()
        n = json.loads((out / f"manifest-{D}.json").read_text())["counts"]["completed"]
        numbers = page.locator(".corridors-num").all_inner_texts()
        assert sorted(int(x) for x in numbers) == list(range(1, n + 1))
        assert not errors
        assert all(u.startswith(("file:", "data:")) for u in asked), asked


@pytest.mark.parametrize("argv,message", [
    (["--as-of", "2020-13-45"], "not an ISO date"),
    (["--as-of", "1899-01-01"], "must lie between"),
    (["--as-of", D, "--show", "teleport"], "invalid choice"),
    (["--as-of", D, "--target", "hw2015", "--scope", "pan-prd-beyond"], "not both"),
    (["--as-of", D, "--target", "rail2016"], "cannot be counted"),
    (["--as-of", D, "--target", "nosuch"], "unknown target"),
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
    hostile = replace(ds, catalog=replace(ds.catalog, projects=projects, sources=sources))
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


def test_the_png_and_pdf_maps_name_the_cities_and_say_they_are_schematic(ds, bundle):
    import matplotlib.pyplot as plt

    _, files = bundle
    fig, ctx = _map(ds, snapshot.Request(as_of=AS_OF))
    try:
        labels = {t.get_text() for t in fig.axes[0].texts if t.get_gid() == "city_label"}
    finally:
        plt.close(fig)
        ctx.__exit__(None, None, None)
    hunan_seats = {zh for lon, lat, zh, en in snapshot.city_points(ds)}
    assert {"长沙市", "株洲市", "岳阳市", "怀化市", "郴州市"} <= labels <= hunan_seats
    text = _pdf_text(files[f"report-{D}.pdf"])
    assert "示意图，不作为行政区划及权属界线依据" in text
    hit = ds.reached(snapshot.Request(as_of=AS_OF).definition, AS_OF)
    if hit is not None:  # the report says when the target was reached, as the dashboard does
        assert f"第{ds.target.count}条为" in text and hit.day.isoformat() in text


def test_the_png_map_numbers_the_counted_crossings_as_the_list_does(ds):
    import matplotlib.pyplot as plt

    from corridors import counting, figures
    from corridors import map as mapview

    req = snapshot.Request(as_of=AS_OF)
    rows = snapshot._rows(req, ds)
    numbered = ds.numbered(counting.DEFAULT, AS_OF)
    notes = figures.MapNotes(date=D, source="test", numbers=tuple(
        (m[1], m[0], m[2]) for m in mapview.numbered_markers(rows, numbered, "zh")))
    with plt.rc_context(figures._rc()):
        fig = figures.map_figure(mapview.display_boundaries(ds.boundaries), rows, ds.sections,
                                 ds.section_statuses(AS_OF), "zh", "t", None, notes)
        try:
            shown = sorted(int(t.get_text()) for t in fig.axes[0].texts if t.get_gid() == "crossing_number")
        finally:
            plt.close(fig)
    assert shown == list(range(1, ds.count(AS_OF)["completed"] + 1))
    listed = snapshot.counted_rows(ds, req)
    assert sorted(int(n) for x in listed.numbers for n in x.split("、")) == shown


def test_the_word_briefing_reads_back_with_the_count_the_definition_and_every_counted_corridor(ds, bundle):
    import io

    from docx import Document

    from corridors import i18n

    _, files = bundle
    doc = Document(io.BytesIO(files[f"briefing-{D}.docx"]))
    text = "\n".join(p.text for p in doc.paragraphs)
    req = snapshot.Request(as_of=AS_OF)
    c = ds.count(AS_OF)
    assert i18n.t("map_count", "zh", n=c["completed"], target=ds.target.count) in text
    assert D in doc.paragraphs[0].text and i18n.definition_short(req.definition, "zh") in doc.paragraphs[0].text
    assert i18n.definition_text(req.definition, "zh", as_of=AS_OF, target=ds.target) in text
    (table,) = doc.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    counted = ds.table(AS_OF)
    counted = counted[counted.counted]
    assert sorted(r[1] for r in rows) == sorted(counted.name_zh)
    numbers = sorted(int(n) for r in rows for n in r[0].split("、") if n != "—")
    assert numbers == list(range(1, c["completed"] + 1))
    assert all(r[6] for r in rows)  # each with its sources
    assert len(doc.inline_shapes) == 1  # the map
    assert doc.core_properties.language == "zh-CN"
