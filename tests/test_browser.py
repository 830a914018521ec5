"""The dashboard in a real browser against a real `streamlit run`, as a planner uses it, at 1440×900 and on a
390×844 phone: the map draws offline and comes first; filters change the map and never the headline; a
language switch keeps the whole view; place labels follow the zoom; fullscreen works; a line click or a table
pick opens the details where the planner is looking; the snapshot agrees with the page. No request leaves
localhost. Screenshots of every view go to artifacts/."""

from __future__ import annotations

import re
import uuid
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from .browser import ARTIFACTS, chromium, streamlit_server

# The map as shown: a rebuilt map (language switch) can leave the old iframe behind, hidden, for a while.
MAP = 'iframe[title="streamlit_folium.st_folium"]:visible'
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PHONE_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "Version/17.0 Mobile/15E148 Safari/604.1")
# The map's share of the viewport the page promises: most of a desktop screen's height and width beside the
# sidebar, about half a phone's height.
DESKTOP_SHARE = {"height": 0.65, "width": 0.6}
PHONE_SHARE = {"height": 0.45, "width": 0.9}


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url, chromium() as browser:
        yield url, browser


def _open(server, path: str = "/", phone: bool = False):
    """A new browser context on the page, waited until the map has lines; collects page errors and every
    request that leaves the server."""
    url, browser = server
    ctx = browser.new_context(viewport=PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone,
                              user_agent=PHONE_AGENT if phone else None, accept_downloads=True)
    pg = ctx.new_page()
    pg.errors, pg.external = [], []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("request", lambda r: pg.external.append(r.url) if not r.url.startswith(
        (url, "data:", "blob:", "about:")) else None)
    pg.goto(url + path)
    _wait_map(pg)
    return pg


# The map says when its place labels are placed (MapChrome): how many times, at which zoom, and whether another
# placing is due (a zoom or a move under way). Tests wait on that, never on a pause.
PLACED = """z => { const m = window.map, b = m && m.getContainer();
    return !!b && (z === null || m.getZoom() === z) && b.getAttribute('data-corridors-pending') === '0'
        && /@/.test(b.getAttribute('data-corridors-placed') || '')
        && (z === null || b.getAttribute('data-corridors-placed').endsWith('@' + z)); }"""
# Streamlit shows its running indicator and marks stale elements while a script run is in flight: idle is
# neither, continuously for `ms` since the wait began (a rerun an action started may not have shown yet).
IDLE = """([token, ms]) => {
    const now = performance.now();
    if (window.__idleToken !== token) { window.__idleToken = token; window.__idleFrom = now; }
    if (document.querySelector('[data-testid="stStatusWidget"]') || document.querySelector('[data-stale="true"]')) {
        window.__idleFrom = now; return false; }
    return now - window.__idleFrom >= ms; }"""


ONE_MAP = """() => Array.from(document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]'))
    .filter(f => f.getClientRects().length && getComputedStyle(f).visibility !== 'hidden').length === 1"""


def _placed(frame, zoom: int | None = None) -> None:
    """Wait until the map's labels are placed (at this zoom) and no placing is due."""
    frame.wait_for_function(PLACED, arg=zoom, timeout=30_000)


def _idle(pg, ms: int = 500) -> None:
    """Wait until no script run is in flight, for ms without a break."""
    pg.wait_for_function(IDLE, arg=[uuid.uuid4().hex, ms], timeout=60_000)


def _sign_in(pg, name: str = "王工", credential: str = "correct-horse-battery") -> None:
    """Sign in from the sidebar as an editor does (any open dialog closed first): the name, its rerun over,
    then the credential, until the sidebar names the editor."""
    pg.keyboard.press("Escape")
    side = pg.locator('[data-testid="stSidebar"]')
    side.get_by_text("记录进展（编辑）").click()
    side.get_by_role("textbox", name="编辑姓名").fill(name)
    side.get_by_role("textbox", name="编辑姓名").press("Enter")
    _idle(pg)  # the name's rerun is over: the credential's check reads the name it stored
    side.get_by_label("编辑口令").fill(credential)
    side.get_by_label("编辑口令").press("Enter")
    side.get_by_text(re.compile(name)).first.wait_for(timeout=30_000)


def _wait_map(pg) -> None:
    """The map shown, its lines drawn and its labels placed, and the rest of the page (the sidebar's controls,
    which follow once the map is drawn) there, with no script run in flight."""
    pg.wait_for_function(ONE_MAP, timeout=90_000)  # a rebuilt map briefly stands beside the old one
    pg.locator(MAP).wait_for(state="visible", timeout=90_000)
    pg.frame_locator(MAP).locator("path.leaflet-interactive").first.wait_for(timeout=90_000)
    pg.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]').first.wait_for(timeout=90_000)
    _placed(_frame(pg))
    _idle(pg)


@pytest.fixture
def desk(server):
    pg = _open(server)
    yield pg
    pg.context.close()


def _frame(pg):
    """The shown map's frame (not a hidden one left behind by a rebuild)."""
    return pg.locator(MAP).first.element_handle().content_frame()


def _lines(pg) -> int:
    return pg.frame_locator(MAP).locator("path.leaflet-interactive").count()


def _kpis(pg) -> list[str]:
    return pg.locator('[data-testid="stMetricValue"]').all_inner_texts()


def _query(pg) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(pg.url).query).items()}


def _settle(pg, before, probe, timeout=30_000):
    """Wait until probe() differs from before (a rerun has finished)."""
    step = 250
    for _ in range(timeout // step):
        pg.wait_for_timeout(step)
        now = probe()
        if now != before:
            return now
    raise AssertionError(f"nothing changed after {timeout} ms (still {before!r})")


def _quiet(pg, probe, ms: int = 1500, timeout: int = 30_000):
    """Wait until probe() has not changed for ms (the reruns a click started are over)."""
    last, still, step = probe(), 0, 250
    for _ in range(timeout // step):
        pg.wait_for_timeout(step)
        now = probe()
        still = still + step if now == last else 0
        last = now
        if still >= ms:
            return now
    raise AssertionError("the page kept changing")


def _state(pg):
    return (_lines(pg), tuple(_kpis(pg)), pg.url)


def _pill(pg, label: str):
    return pg.get_by_role("button", name=label, exact=True)


def _pressed(pg, labels: list[str]) -> dict[str, bool]:
    """Whether each chip is selected."""
    return {x: _pill(pg, x).first.get_attribute("aria-pressed") == "true" for x in labels}


def _more_filters(pg):
    """Open the pop-over holding search, neighbour, department and existing-corridor filters."""
    pop = pg.locator('[data-testid="stPopoverBody"]')
    if not pop.is_visible():
        pg.locator('[data-testid="stPopoverButton"]').click()
    pop.wait_for(timeout=10_000)
    return pop


def _pick(scope, label: str, option: str, pg) -> None:
    """Choose an option in a multiselect, as a person would: open it, type, press Enter."""
    box = scope.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    pg.keyboard.press("Enter")
    pg.keyboard.press("Escape")


def test_map_draws_offline_first_and_large_with_no_external_requests(desk):
    pg = desk
    box = pg.locator(MAP).bounding_box()
    main = pg.locator('[data-testid="stMain"]').bounding_box()
    assert box["height"] >= DESKTOP_SHARE["height"] * DESKTOP["height"]
    assert box["width"] >= DESKTOP_SHARE["width"] * DESKTOP["width"]
    assert box["y"] < DESKTOP["height"] / 3 and box["x"] >= main["x"]  # first under the title, not below the fold
    assert _lines(pg) > 20
    frame = _frame(pg)
    frame.locator(".corridors-label").first.wait_for(timeout=30_000)  # the fetched base: names, polygons
    assert frame.locator(".leaflet-corridorsBase-pane path").count() > 30
    assert pg.evaluate("document.documentElement.lang") == "zh-CN"
    assert not pg.get_by_text("Deploy", exact=True).count()  # viewer toolbar only
    assert not pg.errors, pg.errors
    assert not pg.external, pg.external  # no CDN, no tiles unless the planner turns them on
    pg.screenshot(path=str(ARTIFACTS / "01-dashboard-1440.png"))


def test_a_base_map_that_cannot_be_fetched_is_said_on_the_map_and_the_lines_still_draw(server):
    """The polygons, rivers and names come from a static file; if it does not arrive (a server restarted
    with other data, a proxy in the way), the planner is told, and the lines are there all the same."""
    url, browser = server
    ctx = browser.new_context(viewport=DESKTOP)
    ctx.route("**/app/static/basemap/**", lambda route: route.fulfill(status=404, body="gone"))
    pg = ctx.new_page()
    pg.goto(url)
    note = pg.frame_locator(MAP).get_by_role("alert")
    note.wait_for(timeout=90_000)
    assert "底图" in note.inner_text() and "刷新" in note.inner_text()
    assert _lines(pg) > 20
    assert pg.frame_locator(MAP).locator(".corridors-label.prov, .corridors-label.prefecture_seat").count() == 0
    pg.screenshot(path=str(ARTIFACTS / "01b-base-map-missing.png"))
    ctx.close()


def test_place_labels_follow_the_zoom_and_do_not_overlap(desk):
    pg = desk
    frame = _frame(pg)
    shown = ("Array.from(document.querySelectorAll('.corridors-label.{0}')).filter(e => getComputedStyle(e)"
             ".display != 'none' && e.style.visibility != 'hidden').length")
    assert frame.evaluate("window.map.getZoom()") == 6
    assert frame.evaluate(shown.format("prefecture_seat")) >= 10  # 长沙, 岳阳, … and the capitals
    assert frame.evaluate(shown.format("county_seat")) == 0
    assert frame.get_by_text("长沙市", exact=True).is_visible()
    frame.evaluate("window.map.setView([28.2, 112.9], 8)")
    _placed(frame, 8)
    assert frame.evaluate(shown.format("county_seat")) > 20  # 浏阳市, 宁乡市, …
    assert frame.evaluate(shown.replace(" && e.style.visibility != 'hidden'", "").format("river")) >= 4
    assert frame.locator("path").count() > _lines(pg)  # rivers and lakes are drawn (not interactive)
    overlapping = """() => {
        const r = Array.from(document.querySelectorAll('.corridors-label')).filter(e =>
            getComputedStyle(e).display != 'none' && e.style.visibility != 'hidden')
            .map(e => (e.firstElementChild || e).getBoundingClientRect()).filter(b => b.width);
        let n = 0;
        for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++)
            if (r[i].left < r[j].right && r[i].right > r[j].left && r[i].top < r[j].bottom && r[i].bottom > r[j].top)
                n++;
        return n; }"""
    assert frame.evaluate(overlapping) == 0  # as soon as the map says the labels are placed at zoom 8
    pg.wait_for_url(re.compile(r"zoom=8"), timeout=15_000)  # the map's view is part of the link: a rerun
    _idle(pg)
    _placed(frame, 8)
    assert frame.evaluate(overlapping) == 0  # and once the rerun it started has updated the map
    pg.wait_for_url(re.compile(r"zoom=8"), timeout=15_000)  # the map's view is part of the link
    pg.screenshot(path=str(ARTIFACTS / "02-zoom-8-labels.png"))


def test_status_neighbour_and_search_filters_never_change_the_headline(desk):
    pg = desk
    kpis, lines = _kpis(pg), _lines(pg)
    pop = _more_filters(pg)
    _pill(pg, "在建").click()
    lines = _settle(pg, lines, lambda: _lines(pg))
    assert _kpis(pg) == kpis
    pop = _more_filters(pg)
    _pick(pop, "进入的相邻省份", "广西", pg)
    lines = _settle(pg, lines, lambda: _lines(pg))
    assert _kpis(pg) == kpis
    pop = _more_filters(pg)
    pop.get_by_role("textbox").first.fill("高速")
    pg.keyboard.press("Enter")
    _quiet(pg, lambda: _state(pg))
    assert _kpis(pg) == kpis
    q = _query(pg)
    assert q["statuses"] == "under_construction" and q["neighbours"] == "450000" and q["q"] == "高速"
    assert not pg.errors, pg.errors
    pg.screenshot(path=str(ARTIFACTS / "03-filters-leave-the-headline.png"))


# Marks the over-time chart's drawing surface and the project grid's canvas (arg true), or says whether the
# marked elements are still the ones on the page (arg false).
SAME_MARK = """mark => {
  const chart = '[data-testid="stVegaLiteChart"]';
  const els = {chart: document.querySelector(`${chart} canvas, ${chart} svg`),
               grid: document.querySelector('.st-key-table canvas')};
  const out = {};
  for (const [k, e] of Object.entries(els)) { if (mark && e) { e.__same = true; } out[k] = !!(e && e.__same); }
  return out;
}"""


# Marks every SVG path in the map frame (arg true); returns how many paths there are, how many of them carry
# the mark, and a hash of how they look (stroke, width, dash, opacity).
PATHS_MARK = """mark => {
  const ps = Array.from(document.querySelectorAll('path'));
  let marked = 0, look = 0;
  for (const p of ps) {
    if (mark) { p.__same = true; }
    if (p.__same) { marked++; }
    const a = ['stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity'].map(n => p.getAttribute(n)).join();
    for (let i = 0; i < a.length; i++) { look = (look * 31 + a.charCodeAt(i)) | 0; }
  }
  return {paths: ps.length, marked, look};
}"""


def _click_line(pg, geometry) -> None:
    """A mouse click at the middle of a line, as a planner clicks it."""
    mid = geometry.interpolate(0.5, normalized=True)
    x, y = _frame(pg).evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
                               " return [p.x, p.y]; }", [mid.y, mid.x])
    box = pg.locator(MAP).bounding_box()
    pg.mouse.click(box["x"] + x, box["y"] + y)


def test_a_language_switch_keeps_filters_kpis_url_and_zoom(server):
    """Rail + completed + 广东/广西 and a zoomed map; switch to English, then type a search: nothing the
    planner chose changes (the reported bug: every filter fell back to All and the counting rule changed)."""
    pg = _open(server)
    for m in ("高速公路", "水运", "油气管道", "电力通道"):  # rail only: unselect the other modes
        _pill(pg, m).click()
        _quiet(pg, lambda: _state(pg), ms=1000)
    pop = _more_filters(pg)
    _pill(pg, "建成").click()
    _quiet(pg, lambda: _state(pg))
    pop = _more_filters(pg)
    _pick(pop, "进入的相邻省份", "广东", pg)
    _quiet(pg, lambda: _state(pg))
    pop = _more_filters(pg)
    _pick(pop, "进入的相邻省份", "广西", pg)
    _quiet(pg, lambda: _state(pg))
    pg.keyboard.press("Escape")
    _frame(pg).evaluate("window.map.setView([26.0, 111.5], 7)")
    pg.wait_for_url(re.compile(r"zoom=7"), timeout=15_000)
    _quiet(pg, lambda: _state(pg))
    before_q, before_kpis, before_lines = _query(pg), _kpis(pg), _lines(pg)
    assert before_q["modes"] == "rail" and before_q["statuses"] == "completed"
    assert before_q["neighbours"] == "440000,450000"
    _frame(pg).evaluate("window.map.__sameMap = true")  # the map is relabelled in place, never rebuilt
    paths = _frame(pg).evaluate(PATHS_MARK, True)["paths"]  # and so are its lines
    assert _frame(pg).get_by_text("长沙市", exact=True).count() == 1
    # so are the chart (a new Vega view would draw a new canvas) and the project grid
    pg.evaluate(SAME_MARK, True)
    assert pg.evaluate(SAME_MARK, False) == {"chart": True, "grid": True}

    pg.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    pg.get_by_role("heading", name="Hunan's Pan-PRD corridors").wait_for(timeout=30_000)
    _wait_map(pg)
    _quiet(pg, lambda: _state(pg))
    assert _pressed(pg, ["Railway", "Expressway"]) == {"Railway": True, "Expressway": False}
    pop = _more_filters(pg)
    assert _pressed(pg, ["Completed", "Planned"]) == {"Completed": True, "Planned": False}
    pop.get_by_role("textbox").first.fill("a")
    pg.keyboard.press("Enter")
    _quiet(pg, lambda: _state(pg))
    after = _query(pg)
    assert {k: v for k, v in after.items() if k not in ("lang", "q")} == {
        k: v for k, v in before_q.items() if k != "lang"}
    assert after["lang"] == "en" and after["q"] == "a"
    assert [k.replace(" ", "") for k in _kpis(pg)][:1] == [k.replace(" ", "") for k in before_kpis][:1]
    assert _frame(pg).evaluate("window.map.getZoom()") == 7
    assert _frame(pg).evaluate("window.map.__sameMap === true")
    kept = _frame(pg).evaluate(PATHS_MARK, False)
    assert kept["paths"] == kept["marked"] == paths, (paths, kept)
    assert _frame(pg).get_by_text("Changsha", exact=True).count() == 1
    assert _frame(pg).get_by_text("长沙市", exact=True).count() == 0
    assert _frame(pg).locator('a[title="Full screen / exit"]').count() == 1
    assert pg.evaluate("document.documentElement.lang") == "en"
    assert pg.evaluate(SAME_MARK, False) == {"chart": True, "grid": True}
    assert pg.locator('[data-testid="stVegaLiteChart"]').get_by_text("Opened since the plan").count() >= 1
    assert _pressed(pg, ["Railway"]) == {"Railway": True}
    assert before_lines > 0 and not pg.errors, pg.errors
    pg.screenshot(path=str(ARTIFACTS / "04-after-language-switch.png"))
    pg.context.close()


def test_a_date_change_restyles_the_lines_drawn_and_a_mode_shown_again_is_drawn_and_clickable(desk, ds):
    """The map holds its lines: a new as-of date restyles the very SVG paths on the page (none is drawn
    again), and a mode filtered out and back in brings its lines back, clickable."""
    pg = desk
    frame = _frame(pg)
    before = frame.evaluate(PATHS_MARK, True)
    kpi = _kpis(pg)[0]
    pg.locator('[data-testid="stSidebar"]').get_by_role("spinbutton", name=re.compile("^year")).click()
    pg.keyboard.type("20161024")
    pg.keyboard.press("Escape")  # the date is sent when the calendar closes
    pg.wait_for_url(re.compile(r"date=2016-10-24"), timeout=30_000)
    _settle(pg, kpi, lambda: _kpis(pg)[0])
    after = _quiet(pg, lambda: frame.evaluate(PATHS_MARK, False))
    assert after["look"] != before["look"]  # lines not open in 2016 look so
    assert after["paths"] == before["paths"] == after["marked"], (before, after)
    assert frame.evaluate("window.map.__sameMap = true")
    pg.screenshot(path=str(ARTIFACTS / "restyled-2016-10-24.png"))

    water = _lines(pg)
    _pill(pg, "水运").click()
    fewer = _settle(pg, water, lambda: _lines(pg))
    _pill(pg, "水运").click()
    assert _settle(pg, fewer, lambda: _lines(pg)) == water
    _click_line(pg, ds.lines.set_index("project_id").geometry["yuanshui"])
    name = ds.catalog.projects.set_index("id").name_zh["yuanshui"]
    pg.get_by_role("dialog").get_by_role("heading", name=re.compile(re.escape(name[:4]))).wait_for(timeout=30_000)
    assert frame.evaluate("window.map.__sameMap === true")
    assert not pg.errors, pg.errors


def test_fullscreen_and_reset_view(desk):
    pg = desk
    frame = _frame(pg)
    frame.evaluate("window.map.setView([25.0, 113.0], 9)")
    _placed(frame, 9)
    frame.locator('a[title^="全屏"]').click()
    frame.wait_for_function("() => !!document.fullscreenElement", timeout=10_000)
    size = frame.evaluate("[window.innerWidth, window.innerHeight]")
    assert size[1] >= DESKTOP["height"] * 0.95  # the map takes the whole screen
    pg.screenshot(path=str(ARTIFACTS / "05-fullscreen.png"))
    frame.evaluate("document.exitFullscreen()")
    frame.wait_for_function("() => !document.fullscreenElement", timeout=10_000)
    frame.locator('a[title^="复位"]').click()
    _placed(frame, 6)  # waits for zoom 6: a reset that did not happen fails here
    assert frame.evaluate("window.map.getZoom()") == 6


def test_clicking_a_line_opens_its_details_in_a_dialog(desk, ds):
    pg = desk
    _click_line(pg, ds.lines.set_index("project_id").geometry["yuanshui"])
    dialog = pg.get_by_role("dialog")
    name = ds.catalog.projects.set_index("id").name_zh["yuanshui"]
    dialog.get_by_role("heading", name=re.compile(re.escape(name[:4]))).wait_for(timeout=30_000)
    text = dialog.inner_text()
    assert "示意线" in text  # a schematic line says so
    assert "贵州省 → 湖南省" in text
    assert "we-" not in text and "ra-" not in text  # sources by publisher and kind, never raw ids
    pg.wait_for_url(re.compile(r"project=yuanshui"), timeout=10_000)  # the selection is part of the link
    assert not pg.errors, pg.errors
    pg.screenshot(path=str(ARTIFACTS / "06-details-from-map.png"))


@pytest.mark.parametrize("phone", [False, True], ids=["1440x900", "390x844"])
def test_a_table_pick_shows_the_details_inside_the_viewport(server, phone):
    pg = _open(server, phone=phone)
    vp = PHONE if phone else DESKTOP
    share = PHONE_SHARE if phone else DESKTOP_SHARE
    box = pg.locator(MAP).bounding_box()
    assert box["height"] >= share["height"] * vp["height"] and box["width"] >= share["width"] * vp["width"]
    assert box["y"] < vp["height"] / 2  # the map comes before the filters and the table
    frame = _frame(pg)
    shown = ("Array.from(document.querySelectorAll('.corridors-label.{0}')).filter(e => getComputedStyle(e)"
             ".display != 'none' && e.style.visibility != 'hidden').length")
    assert frame.evaluate(shown.format("prefecture_seat")) >= 5  # place names at the opening zoom (6)
    pg.screenshot(path=str(ARTIFACTS / f"07-first-view-{vp['width']}.png"))
    frame.evaluate("window.map.setView([28.2, 112.9], 8)")
    _placed(frame, 8)
    assert frame.evaluate(shown.format("county_seat")) >= 5  # and county seats at zoom 8
    frame.evaluate("window.map.setView([27.3, 111.9], 6)")
    _placed(frame, 6)
    pg.wait_for_url(re.compile(r"zoom=6|^(?!.*zoom=)"), timeout=15_000)
    _idle(pg)
    table = pg.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    t = table.bounding_box()
    pg.mouse.click(t["x"] + 18, t["y"] + 35 * 1.5)  # the first row's selection box (35 px rows and header)
    dialog = pg.get_by_role("dialog")
    heading = dialog.get_by_role("heading").nth(1)
    heading.wait_for(timeout=30_000)
    h = heading.bounding_box()
    assert 0 <= h["y"] < vp["height"] and 0 <= h["x"] < vp["width"]  # where the planner is looking
    assert not pg.errors and not pg.external, (pg.errors, pg.external)
    pg.screenshot(path=str(ARTIFACTS / f"08-details-from-table-{vp['width']}.png"))
    pg.context.close()


def test_snapshot_download_for_the_target_date_matches_the_page(server, tmp_path):
    pg = _open(server, "/?date=2020-12-31")
    shown = _kpis(pg)[0]
    pg.get_by_role("button", name=re.compile("下载快照")).wait_for(timeout=30_000)
    _pill(pg, "水运").click()  # a filter changed after the snapshot button was drawn: the download follows it
    pg.wait_for_url(re.compile(r"modes=rail%2Chighway%2Cpipeline%2Cpower|modes=rail,highway,pipeline,power"))
    _quiet(pg, lambda: _state(pg))
    button = pg.get_by_role("button", name=re.compile("下载快照"))
    button.scroll_into_view_if_needed()
    with pg.expect_download(timeout=120_000) as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "corridors-snapshot-2020-12-31.zip"
    import json
    import zipfile

    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        manifest = json.loads(z.read(next(n for n in names if "manifest" in n)))
    from corridors.snapshot import FILE_KINDS

    assert len(names) == len(FILE_KINDS) and all("2020-12-31" in n for n in names)
    c = manifest["counts"]
    assert shown == f"{c['by_status']['completed']} / {c['target']}"  # the same number as the page
    assert manifest["filters"]["modes"] == ["rail", "highway", "pipeline", "power"]
    pg.screenshot(path=str(ARTIFACTS / "09-target-date.png"))
    pg.context.close()


def test_which_definitions_reach_20_agrees_with_the_cli(server, capsys):
    """The page's table of definitions against `corridors count` for the same switches, on the three dates."""
    import json

    from corridors.cli import main
    from corridors.counting import DEFAULT, variants

    pg = _open(server)
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
    table.scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / "10-which-definitions.png"))
    pg.context.close()


def test_the_analysis_views_and_explanations_load_when_opened_and_keep_through_a_language_switch(server):
    """A view of the analysis not chosen, or an explanation not opened, is not on the page; a click brings it;
    the language switch keeps it open."""
    pg = _open(server)
    compare = pg.get_by_label("对比起始日期", exact=True)
    assert compare.count() == 0
    pg.get_by_role("radio", name="两个日期之间的变化").click()
    compare.wait_for(timeout=30_000)
    pg.wait_for_url(re.compile(r"tab=changes"), timeout=15_000)
    reported = pg.locator('[data-testid="stExpanderDetails"] [data-testid="stDataFrame"]')  # official totals
    assert reported.count() == 0
    pg.get_by_text("为什么默认这样计数（与官方报道核对）", exact=True).click()
    reported.first.wait_for(timeout=30_000)
    pg.locator("th", has_text="报道数字").first.wait_for(state="attached", timeout=30_000)
    _quiet(pg, lambda: _state(pg))

    pg.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    pg.get_by_role("heading", name="Hunan's Pan-PRD corridors").wait_for(timeout=30_000)
    pg.get_by_label("Compare from", exact=True).wait_for(timeout=30_000)
    assert pg.get_by_role("radio", name="What changed").get_attribute("aria-checked") == "true"
    pg.locator("th", has_text="Reported").first.wait_for(state="attached", timeout=30_000)
    assert reported.count() == 1
    pg.screenshot(path=str(ARTIFACTS / "analysis-tabs-en.png"), full_page=True)
    pg.context.close()


def test_the_outlooks_fan_and_the_neighbours_reckoning_are_on_the_page(server, ds, capsys):
    """The over-time chart, its heading naming the target picked, carries the fan (one chart, not two) with the
    fan's caption under it; the neighbours' reckoning, opened, lists each figure against Hunan's as
    `corridors reckoning` gives it."""
    import json

    from corridors import i18n, targets
    from corridors.cli import main

    picked = next(r for r in ds.catalog.targets.itertuples()
                  if r.id in targets.headline_ids(ds) and r.id != targets.DEFAULT_TARGET)
    pg = _open(server, f"/?target={picked.id}")
    heading = pg.get_by_role("heading", name=i18n.t("chart_over_time", "zh", target=picked.name_zh))
    heading.wait_for(timeout=30_000)
    charts = pg.locator('[data-testid="stVegaLiteChart"]')
    charts.first.locator("canvas, svg").first.wait_for(timeout=30_000)
    assert charts.count() == 1
    chart = charts.first.locator("canvas, svg").first.bounding_box()
    assert chart["height"] > 200 and chart["width"] > 300 and chart["y"] > heading.bounding_box()["y"]
    hint = pg.get_by_text(i18n.t("fan_hint", "zh", date=date.today().isoformat()).split("：")[0])
    hint.first.wait_for(timeout=30_000)
    assert hint.first.bounding_box()["y"] > chart["y"] + chart["height"] - 1  # the fan's caption under the chart

    assert main(["reckoning", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    pg.get_by_text(i18n.t("reck_table", "zh"), exact=True).click()
    table = pg.locator('[data-testid="stTable"]', has=pg.locator("th", has_text=i18n.t("reck_col_hunan_count", "zh")))
    table.wait_for(timeout=30_000)
    _idle(pg)
    head = table.locator("thead th").all_inner_texts()
    rows = [r.locator("th, td").all_inner_texts() for r in table.locator("tbody tr").all()]
    assert len(rows) == len(listed)
    col = {name: head.index(i18n.t(key, "zh")) for name, key in (
        ("hunan", "reck_col_hunan_count"), ("diff", "reck_col_difference"), ("why", "reck_col_explanation"))}
    for cells, x in zip(rows, listed, strict=True):
        assert cells[0] == x["neighbour"]
        assert int(cells[col["hunan"]]) == x["hunan_count"] and int(cells[col["diff"]]) == x["difference"]
        assert cells[col["why"]] == x["explanation_zh"]
    assert not pg.errors, pg.errors
    table.scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / "11-fan-and-reckoning.png"))
    pg.context.close()
