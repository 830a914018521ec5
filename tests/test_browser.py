"""The dashboard in a real browser against a real `streamlit run`: the map draws offline, a filter
changes map and KPIs together, and clicking a line opens its details. Screenshots go to artifacts/."""

from __future__ import annotations

import re

import pytest

from .browser import ARTIFACTS, chromium, streamlit_server

MAP = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url, chromium() as browser:
        yield url, browser


@pytest.fixture(scope="module")
def page(server):
    url, browser = server
    pg = browser.new_page(viewport={"width": 1600, "height": 2400})
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    external: list[str] = []
    pg.on("request", lambda r: external.append(r.url) if not r.url.startswith((url, "data:", "blob:",
                                                                                 "about:")) else None)
    pg.goto(url)
    pg.locator(MAP).wait_for(state="visible", timeout=90_000)
    pg.frame_locator(MAP).locator("path.leaflet-interactive").first.wait_for(timeout=90_000)
    pg.wait_for_timeout(1500)
    yield pg, errors, external
    pg.close()


def _map_frame(pg):
    return next(f for f in pg.frames if "streamlit_folium" in f.url)


def _lines(pg) -> int:
    return pg.frame_locator(MAP).locator("path.leaflet-interactive").count()


def _kpis(pg) -> list[str]:
    return pg.locator('[data-testid="stMetricValue"]').all_inner_texts()


def _settle(pg, before, probe, timeout=30_000):
    """Wait until probe() differs from before (a rerun has finished)."""
    step = 250
    for _ in range(timeout // step):
        pg.wait_for_timeout(step)
        now = probe()
        if now != before:
            return now
    raise AssertionError(f"nothing changed after {timeout} ms (still {before!r})")


def test_map_draws_offline_with_no_external_requests(page, ds):
    pg, errors, external = page
    box = pg.locator(MAP).bounding_box()
    assert box and box["height"] > 300  # a 0 px iframe means Leaflet never loaded
    assert _lines(pg) > 20
    assert not errors, errors
    assert not external, external  # no CDN, no tiles unless the user turns them on
    pg.screenshot(path=str(ARTIFACTS / "01-dashboard.png"))


def test_mode_filter_changes_map_and_kpis_together(page):
    pg, errors, _ = page
    lines_before, kpis_before = _lines(pg), _kpis(pg)
    for tag in ("铁路", "高速公路"):
        pg.get_by_role("button", name=f"Remove {tag}").click()
        pg.wait_for_timeout(300)
    kpis_after = _settle(pg, kpis_before, lambda: _kpis(pg))
    lines_after = _settle(pg, lines_before, lambda: _lines(pg))
    assert lines_after < lines_before
    assert kpis_after != kpis_before
    assert "modes=waterway" in pg.url  # the view is a shareable link
    assert not errors, errors
    pg.screenshot(path=str(ARTIFACTS / "02-waterways-only.png"))


def test_clicking_a_line_opens_its_details(page, ds):
    pg, errors, _ = page
    line = ds.lines.set_index("project_id").geometry["yuanshui"]
    mid = line.interpolate(0.5, normalized=True)
    frame = _map_frame(pg)
    x, y = frame.evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
                          " return [p.x, p.y]; }", [mid.y, mid.x])
    box = pg.locator(MAP).bounding_box()
    pg.mouse.click(box["x"] + x, box["y"] + y)
    name = ds.catalog.projects.set_index("id").name_zh["yuanshui"]
    pg.get_by_role("heading", name=re.compile(re.escape(name[:4]))).wait_for(timeout=30_000)
    details = pg.locator('[data-testid="stMain"]').inner_text()
    assert "示意线" in details  # a schematic line says so
    assert "贵州省 → 湖南省" in details
    pg.wait_for_url(re.compile(r"project=yuanshui"), timeout=10_000)  # the selection is part of the link
    assert not errors, errors
    pg.screenshot(path=str(ARTIFACTS / "03-details.png"))


def test_snapshot_download_for_the_target_date_matches_the_page(server, tmp_path):
    url, browser = server
    pg = browser.new_page(viewport={"width": 1600, "height": 2400}, accept_downloads=True)
    pg.goto(f"{url}/?date=2020-12-31")
    pg.locator(MAP).wait_for(state="visible", timeout=90_000)
    pg.frame_locator(MAP).locator("path.leaflet-interactive").first.wait_for(timeout=90_000)
    shown = _kpis(pg)[0]
    with pg.expect_download(timeout=120_000) as info:
        pg.get_by_role("button", name=re.compile("下载快照")).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "corridors-snapshot-2020-12-31.zip"
    import json
    import zipfile

    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        manifest = json.loads(z.read(next(n for n in names if "manifest" in n)))
    assert len(names) == 8 and all("2020-12-31" in n for n in names)
    c = manifest["counts"]
    assert shown == f"{c['by_status']['completed']} / {c['target']}"  # the same number as the page
    pg.screenshot(path=str(ARTIFACTS / "04-target-date.png"))
    pg.close()
