"""A real alignment through the page, in Chromium against `streamlit run`: an editor signs in, uploads a KML
for a project, sees it beside the current line, confirms, and the map's line and the length change; a second
browser session sees the change after a reload; a revert brings the schematic line back."""

from __future__ import annotations

import math
import os
import re

import pytest
import shapely

from corridors import alignments as alignment
from corridors import geometry

from .browser import ARTIFACTS, chromium, streamlit_server
from .test_browser import _frame, _idle, _sign_in, _wait_map

PROJECT = "zhitong"


def wiggled_kml(line: shapely.LineString, amplitude_km: float = 3.0) -> str:
    """The schematic line resampled every ~500 m and moved sideways by a sine of the given amplitude (a
    surveyed line is longer than the straight segments between its places), as KML 2.2."""
    m = geometry.to_metric(line)
    n = max(50, int(m.length / 500))
    pts = []
    for i in range(n + 1):
        d = m.length * i / n
        p, q = m.interpolate(max(d - 1, 0)), m.interpolate(min(d + 1, m.length))
        dx, dy = q.x - p.x, q.y - p.y
        norm = math.hypot(dx, dy) or 1
        off = amplitude_km * 1000 * math.sin(i / 12) * (0 if i in (0, n) else 1)
        pts.append((m.interpolate(d).x - dy / norm * off, m.interpolate(d).y + dx / norm * off))
    wgs = alignment.from_metric(shapely.LineString(pts))
    coords = " ".join(f"{x:.6f},{y:.6f}" for x, y in wgs.coords)
    return ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            f"<Placemark><name>测试线位 &lt;b&gt;</name><LineString><coordinates>{coords}</coordinates>"
            "</LineString></Placemark></Document></kml>")


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "progress.sqlite"
    env = {"CORRIDORS_EDITORS": "王工=correct-horse-battery", "CORRIDORS_STORE_URL": f"sqlite:///{store}"}
    with streamlit_server(env=env) as url, chromium() as browser:
        yield url, browser


def _length_in_dialog(pg) -> float:
    text = pg.get_by_role("dialog").inner_text()
    return float(re.search(r"长度：\s*([\d.]+) 公里", text).group(1))


def _until(pg, probe, timeout_s: int = 60):
    """Poll probe() until it is truthy (a rerun has shown the result)."""
    for _ in range(timeout_s * 2):
        try:
            if probe():
                return
        except Exception:  # noqa: BLE001  (the dialog is being redrawn)
            pass
        pg.wait_for_timeout(500)
    raise AssertionError("the page never showed the expected result")


def _line_points(pg) -> int:
    """Vertices of the map's drawn lines (what changes when a surveyed line replaces a schematic one)."""
    return _frame(pg).evaluate("""() => { let n = 0; window.map.eachLayer(l => {
        if (l.getLatLngs && !l.feature && l.options.interactive === false) n += l.getLatLngs().flat(9).length; });
        return n; }""")


def _sign_in_and_unfold(pg) -> None:
    """From a page with the project's details open: sign in from the sidebar, as an editor does, reopen the
    details and unfold the alignment import."""
    _sign_in(pg)
    pg.get_by_role("button", name="打开详情").click()  # reopen the project's details
    dialog = pg.get_by_role("dialog")
    dialog.wait_for(timeout=30_000)
    dialog.get_by_text("实测线位：导入、历史、恢复").click()


def test_a_vrt_named_kml_is_refused_through_the_page(editor_server, tmp_path):
    """The dashboard's own uploader: an OGR VRT document named survey.kml, whose layers read a canary CSV on
    the server and a URL on a loopback listener, is refused in the dialog with what it really is; the canary
    keeps its access time and the listener counts no request."""
    from .test_uploads import SECRET, Listener

    canary = tmp_path / "secret.csv"
    canary.write_text(f'name,WKT\n{SECRET},"LINESTRING (109.4 27.4, 109.2 27.7)"\n', encoding="utf-8")
    st = canary.stat()
    os.utime(canary, ns=(st.st_mtime_ns - 3600 * 10**9, st.st_mtime_ns))
    atime = canary.stat().st_atime_ns
    url, browser = editor_server
    with Listener() as listener:
        vrt = tmp_path / "survey.kml"
        vrt.write_text(
            f'<OGRVRTDataSource><OGRVRTLayer name="a"><SrcDataSource>{canary}</SrcDataSource><SrcLayer>secret'
            '</SrcLayer><GeometryField encoding="WKT" field="WKT"/></OGRVRTLayer><OGRVRTLayer name="b">'
            f"<SrcDataSource>/vsicurl/http://127.0.0.1:{listener.port}/secret.csv</SrcDataSource><SrcLayer>"
            'secret</SrcLayer><GeometryField encoding="WKT" field="WKT"/></OGRVRTLayer></OGRVRTDataSource>',
            encoding="utf-8")
        pg = browser.new_page(viewport={"width": 1440, "height": 1000})
        pg.goto(f"{url}/?project={PROJECT}")
        _wait_map(pg)
        pg.get_by_role("dialog").wait_for(timeout=60_000)
        _sign_in_and_unfold(pg)
        dialog = pg.get_by_role("dialog")
        dialog.locator('input[type="file"]').set_input_files(str(vrt))
        refusal = dialog.get_by_text(re.compile("survey.kml: is an OGR VRT document, not KML as its name says"))
        refusal.wait_for(timeout=60_000)
        text = dialog.inner_text()
        pg.close()
        assert listener.requests == []
    assert SECRET not in text and "refused before reading" in text
    assert canary.stat().st_atime_ns == atime


def test_import_a_kml_through_the_page_and_revert(editor_server, ds, tmp_path):
    url, browser = editor_server
    kml = tmp_path / "zhitong-survey.kml"
    kml.write_text(wiggled_kml(ds.lines.set_index("project_id").geometry[PROJECT]), encoding="utf-8")
    pg = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(f"{url}/?project={PROJECT}")
    _wait_map(pg)
    points_before = _line_points(pg)
    dialog = pg.get_by_role("dialog")
    dialog.wait_for(timeout=60_000)
    length_before = _length_in_dialog(pg)
    _sign_in_and_unfold(pg)
    dialog.locator('input[type="file"]').set_input_files(str(kml))
    dialog.get_by_text(re.compile("长度.*→")).wait_for(timeout=60_000)
    assert "测试线位 <b>" in dialog.inner_text()  # the file's own text is shown as text, never as markup
    dialog.get_by_role("textbox", name=re.compile("来源")).fill("测试：合成的实测线位")
    dialog.get_by_role("textbox", name=re.compile("来源")).press("Enter")
    _idle(pg)  # the source's rerun is over: the confirmation and the import button read it
    ok = dialog.get_by_text("已核对以上提示，确认导入")
    if ok.count():
        ok.click()
    pg.screenshot(path=str(ARTIFACTS / "11-alignment-preview.png"))
    maps = [f for f in pg.frames if f.locator(".leaflet-control-attribution").count()]
    assert len(maps) >= 2  # the page's map and the preview beside the current line
    assert all(f.locator(".leaflet-attribution-flag").count() == 0 for f in maps)  # Leaflet credited in text only
    dialog.get_by_role("button", name="确认导入").click()
    _until(pg, lambda: _length_in_dialog(pg) != length_before)
    _wait_map(pg)
    _until(pg, lambda: _line_points(pg) > points_before)  # the map draws the imported line
    length_after = _length_in_dialog(pg)
    assert length_after > length_before  # recomputed from the new line
    assert "实测线位" in pg.get_by_role("dialog").inner_text()
    pg.screenshot(path=str(ARTIFACTS / "12-alignment-imported.png"))

    other = browser.new_page(viewport={"width": 1440, "height": 1000})  # another planner, another session
    other.goto(f"{url}/?project={PROJECT}")
    _wait_map(other)
    other.get_by_role("dialog").wait_for(timeout=60_000)
    assert _length_in_dialog(other) == length_after
    other.close()

    dialog = pg.get_by_role("dialog")
    if not dialog.get_by_role("textbox", name="原因（必填）").is_visible():
        dialog.get_by_text("实测线位：导入、历史、恢复").click()
    dialog.get_by_role("textbox", name="原因（必填）").fill("测试：恢复示意线")
    dialog.get_by_role("textbox", name="原因（必填）").press("Enter")
    _idle(pg)
    dialog.get_by_role("button", name="恢复", exact=True).click()
    _until(pg, lambda: _length_in_dialog(pg) == length_before)
    _until(pg, lambda: _line_points(pg) == points_before)
    assert _length_in_dialog(pg) == length_before
    assert not errors, errors
    pg.close()


def test_the_upload_limit_matches_the_import_check():
    import tomllib

    from .browser import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == alignment.MAX_BYTES
    assert config["server"]["enableXsrfProtection"] is True
