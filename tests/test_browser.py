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


def _pick(pg, label: str, option: str) -> None:
    """Choose an option in a sidebar multiselect, as a person would: open it, type, press Enter."""
    box = pg.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    pg.keyboard.press("Enter")
    pg.keyboard.press("Escape")


def test_mode_filter_changes_the_map_but_never_the_headline(page):
    pg, errors, _ = page
    lines_before, kpis_before = _lines(pg), _kpis(pg)
    _pick(pg, "运输方式", "水运")
    lines_after = _settle(pg, lines_before, lambda: _lines(pg))
    assert lines_after < lines_before
    pg.wait_for_timeout(500)
    assert _kpis(pg) == kpis_before  # a display filter never changes the count
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


def test_which_definitions_reach_20_agrees_with_the_cli(server, capsys):
    """The page's table of definitions against `corridors count` for the same switches, on the three dates."""
    import json

    from corridors.cli import main
    from corridors.counting import DEFAULT, variants

    url, browser = server
    pg = browser.new_page(viewport={"width": 1600, "height": 2400})
    pg.goto(url)
    pg.locator(MAP).wait_for(state="visible", timeout=90_000)
    pg.get_by_text(re.compile("哪些口径在")).click()
    table = pg.locator('[data-testid="stTable"] table').first
    table.wait_for(timeout=30_000)
    rows = [r.locator("th, td").all_inner_texts() for r in table.locator("tbody tr").all()]
    assert len(rows) == len(variants(DEFAULT))
    for (_, d), cells in zip(variants(DEFAULT), rows, strict=True):
        got = [int(c) for c in cells[1:4]]
        want = []
        for day in ("2016-10-24", "2020-12-31", None):
            argv = ["count", "--json", "--scope", d.provinces, "--include", d.include, "--unit", d.unit,
                    "--opened", d.opened, *sum((["--mode", m] for m in d.modes), [])]
            capsys.readouterr()
            assert main(argv + (["--as-of", day] if day else [])) == 0
            want.append(json.loads(capsys.readouterr().out)["completed"])
        assert got == want, cells
        assert cells[4] == ("是" if want[1] >= 20 else "否")
    pg.screenshot(path=str(ARTIFACTS / "05-which-definitions.png"))
    pg.close()
