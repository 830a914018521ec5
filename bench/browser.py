"""Dashboard speed as a person sees it: a real `streamlit run app.py` driven in Chromium. Prints a table;
asserts nothing.

    .venv/bin/python -m bench.browser [--runs 10]

(Run as a module from the repository root so that `tests.browser` imports; Debian's /usr/bin/chromium is
used through Playwright, never a downloaded browser.)

Each figure is the wall time from the user's action (the click or key press that commits it; typing into a
box beforehand is not counted) until the page shows the result, found by polling the page every 25 ms, so
every figure is good to about ±25 ms. Median and p90 over --runs repetitions (p90 interpolated, so with few
runs it is close to the maximum). Every interaction is done once untimed first (that run also learns the
state the page settles on, so an intermediate state, e.g. 0 lines while the map redraws, is never taken for
the result), and the next action waits until the previous rerun is over. "Lines" are the
`path.leaflet-interactive` elements in the map frame (each drawn section's click target and the crossing
dots). Each interaction group runs on a fresh page, so one failure is reported and the rest still run.
Dashboard rows, in the order they run:

- first visit after a fresh install (--fresh starts, default 5; each row's median is over them): a server
  started with an empty dataset cache (CORRIDORS_CACHE_DIR, as on a machine where it was just installed),
  visited as soon as `/_stcore/health` answers: → first text (navigation until the page shows any text: the
  preparation's progress or the page), → map lines (until the first `path.leaflet-interactive`), the longest
  stretch after the first text with no text on the page (a blank page; 0 when none), the server's start
  until health (the dashboard's includes the preparation it does before answering, up to
  corridors.ui.boot.BUDGET) and process start → map lines (the two added: what someone who starts the server
  and opens the page at once waits). The floor page is started the same way, as many times, right after;

- first visit after server start: a new browser page opened right after `/_stcore/health` answers (so the
  server's caches are empty), from navigation until the first `path.leaflet-interactive` exists in the
  st_folium iframe; once;
- new page, warm server: the same on a new page (a new browser context: empty browser cache, new session)
  once the server has served the page before — a second visitor;
- mode filter: a click on the 水运 chip above the map (every mode is chosen at first, so this leaves it
  out) until the map has the number of lines that choice settles on; a second click until every line is back;
- status filter: the same with the 建成 chip in the 状态 pop-over (opened untimed first; no status is
  chosen at first, so the first click keeps only completed lines);
- as-of date: type 2018-12-31 into 截至日期 and close the calendar until the headline metric shows that
  date's count (→ headline), and until every map line has that date's style (→ map restyled: colour,
  weight, dash and opacity of every line, which show status); back: type today's date again. Enter does not
  commit the date in Streamlit 1.67 (the value is sent when the calendar pop-over closes), so the commit key
  is Escape;
- language English → title: click the English radio until the title reads "Hunan's Pan-PRD corridors";
  → map relabelled: from the same click until the map's place labels and its legend read English and
  every line is back (the base map carries both languages and is not rebuilt; the lines come again with
  English tooltips); back to 中文 → title;
- click 沅水 line → details: a mouse click at the midpoint of the yuanshui line (computed with
  `window.map.latLngToContainerPoint` in the map frame) until the details dialog shows a heading with the
  project's Chinese name; between repetitions the dialog is closed (Escape) and an untimed click on another,
  isolated line resets the selection (a second click on the same line is not a new selection);
- table row → details: a click on the first row's selection box in the project table (an st.dataframe
  canvas: the row is found by geometry, 35 px rows under a 35 px header) until the details dialog of that
  row appears; the dialog is closed and an untimed click on the second row resets it;
- snapshot ZIP → download: a click on 下载快照 ZIP until the browser's download event (the ZIP is built
  on the server on click).

Floor rows (bench/floor_app.py, one radio and an st_folium map of one line, the same Leaflet files and
st_folium options; started the same way, after the dashboard server has stopped): first visit after server
start, new page warm, radio change → the line's colour changes in the map, and a click on a row of its three-
row table → the row's name shown under it. The "× floor" column is the dashboard median over the matching
floor median: map loads over the floor's map loads, the table row over the floor's table row, every other
interaction over the floor's radio change — what the dashboard adds over the least a Streamlit + st_folium
page costs on the same machine.

Server start (process start until health answers) is printed for both. Streamlit logs go to artifacts/;
the floor page writes its Leaflet copy to bench/static/ (git-ignored), as the dashboard does to static/.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from datetime import date
from pathlib import Path

from tests.browser import ROOT, chromium, streamlit_server

MAP = 'iframe[title="streamlit_folium.st_folium"]'
FLOOR_APP = Path(__file__).with_name("floor_app.py")
VIEWPORT = {"width": 1600, "height": 2400}
POLL = 0.025  # seconds between probes
TIMEOUT = 120.0
QUIET = 0.7  # seconds with no stale element and no change in the probed state: the rerun is over
ROW_H = 35  # st.dataframe row and header height, px

# One round trip returns everything the figures look at. The st_folium iframe is same-origin, so its DOM
# and its `window.map` are reachable from the page. Each Leaflet map object gets an id the first time it is
# seen, so a rebuilt map is told apart from the old one.
STATE_JS = """() => {
  const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
  let lines = 0, stroke = null, mapId = null, style = 0, label = null, legend = null;
  try {
    const d = f && f.contentDocument;
    if (d) {
      const ps = d.querySelectorAll('path.leaflet-interactive');
      lines = ps.length;
      const l = d.querySelector('.corridors-label span'), g = d.querySelector('.corridors-legend summary');
      label = l && l.textContent; legend = g && g.textContent;
      stroke = ps.length ? ps[ps.length - 1].getAttribute('stroke') : null;
      // A hash of how every path looks (the visible lines are non-interactive; the interactive ones are
      // their transparent hit twins): changes when a line's status (dash, weight, opacity) changes.
      for (const p of d.querySelectorAll('path')) {
        const a = ['stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity'].map(n => p.getAttribute(n)).join();
        for (let i = 0; i < a.length; i++) style = (style * 31 + a.charCodeAt(i)) | 0;
      }
    }
    const w = f && f.contentWindow;
    if (w && w.map) { w.map.__benchId = w.map.__benchId || Math.random(); mapId = w.map.__benchId; }
  } catch (e) {}
  const texts = sel => Array.from(document.querySelectorAll(sel), e => e.innerText.trim());
  return {lines, stroke, mapId, style, label, legend, metric: texts('[data-testid="stMetricValue"]')[0] ?? null,
          title: texts('h1')[0] ?? null, h3: texts('[role="dialog"] h3'),
          dialog: document.querySelectorAll('[role="dialog"]').length,
          main: ((document.querySelector('[data-testid="stMain"]') || {}).innerText || '').trim().length,
          stale: document.querySelectorAll('[data-stale="true"]').length};
}"""


# ---------------------------------------------------------------------------------------------- polling

def state(pg) -> dict | None:
    try:
        return pg.evaluate(STATE_JS)
    except Exception:  # noqa: BLE001  (navigation in progress: no document to ask yet)
        return None


def wait(pg, ok, timeout: float = TIMEOUT) -> dict:
    """Probe every POLL s until ok(state); return that state."""
    end = time.perf_counter() + timeout
    while True:
        s = state(pg)
        if s is not None and ok(s):
            return s
        if time.perf_counter() > end:
            raise TimeoutError(f"no expected result within {timeout:.0f} s; last state {_short(s)}")
        time.sleep(POLL)


def quiet(pg, timeout: float = TIMEOUT) -> dict:
    """Wait until the rerun is over: no stale element and nothing probed changing for QUIET s."""
    end = time.perf_counter() + timeout
    last, since = None, time.perf_counter()
    while True:
        s = state(pg)
        now = time.perf_counter()
        if s is None or s != last or s["stale"]:
            last, since = s, now
        elif now - since >= QUIET:
            return s
        if now > end:
            raise TimeoutError(f"page still changing after {timeout:.0f} s")
        time.sleep(POLL)


def timed(pg, commit, oks) -> list[float]:
    """Seconds from commit() (the user's action) until each ok(state) first holds."""
    t = time.perf_counter()
    commit()
    done: list[float | None] = [None] * len(oks)
    end = t + TIMEOUT
    while None in done:
        s = state(pg)
        now = time.perf_counter()
        for i, ok in enumerate(oks):
            if done[i] is None and s is not None and ok(s):
                done[i] = now - t
        if None in done:
            if now > end:
                raise TimeoutError(f"no expected result within {TIMEOUT:.0f} s; last state {_short(s)}")
            time.sleep(POLL)
    return done


def learn(pg, commit, key):
    """Do the action once, untimed; return key(state) before it and once the page has settled on a new
    value (intermediate states, e.g. 0 lines while the map redraws, are not mistaken for the result)."""
    before = key(quiet(pg))
    commit()
    wait(pg, lambda s: key(s) != before)
    after = key(quiet(pg))
    if after == before:
        raise RuntimeError(f"the action changed nothing ({_short(before)})")
    return before, after


def _short(v) -> str:
    return repr(v)[:200]


# ---------------------------------------------------------------------------------------------- results

class Results:
    def __init__(self) -> None:
        self.rows: dict[str, list[float]] = {}
        self.failed: dict[str, str] = {}
        self.notes: list[str] = []

    def add(self, name: str, seconds: float) -> None:
        self.rows.setdefault(name, []).append(seconds)

    def fail(self, name: str, exc: BaseException) -> None:
        self.failed[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:160]
        print(f"  ! {name}: {self.failed[name]}", file=sys.stderr)

    def median(self, name: str) -> float | None:
        v = self.rows.get(name)
        return statistics.median(v) if v else None


def _p90(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=10, method="inclusive")[-1] if len(ms) > 1 else ms[0]


# ------------------------------------------------------------------------------------------- the pages

def new_page(browser, **kw):
    return browser.new_page(viewport=VIEWPORT, **kw)


def first_lines(browser, url: str) -> float:
    """A new page (new context, empty cache): navigation until the first map line exists."""
    pg = new_page(browser)
    try:
        t = time.perf_counter()
        pg.goto(url, wait_until="commit")
        wait(pg, lambda s: s["lines"] > 0)
        return time.perf_counter() - t
    finally:
        pg.close()


def first_visit(browser, url: str) -> tuple[float, float, float]:
    """A first visit: seconds from navigation until the page first shows any text (the preparation's
    progress or the page itself), until the first map line, and the longest stretch after that first text
    during which the page showed none (a blank page; 0 when it never went blank)."""
    pg = new_page(browser)
    try:
        t = time.perf_counter()
        pg.goto(url, wait_until="commit")
        shown = blank_from = None
        longest = 0.0
        end = t + TIMEOUT
        while True:
            s = state(pg)
            now = time.perf_counter()
            if s is not None and s["main"]:
                if shown is None:
                    shown = now - t
                if blank_from is not None:
                    longest, blank_from = max(longest, now - blank_from), None
            elif shown is not None and blank_from is None:
                blank_from = now
            if s is not None and s["lines"] > 0:
                return shown if shown is not None else now - t, now - t, longest
            if now > end:
                raise TimeoutError(f"no map line within {TIMEOUT:.0f} s; last state {_short(s)}")
            time.sleep(POLL)
    finally:
        pg.close()


def fresh_starts(res: Results, browser, starts: int, *, floor: bool = False) -> None:
    """`starts` servers started one after another, each with an empty dataset cache (CORRIDORS_CACHE_DIR, as
    after a fresh install) and visited once as soon as /_stcore/health answers."""
    label = "floor: first visit after server start" if floor else "first visit after a fresh install"
    for _ in range(starts):
        with tempfile.TemporaryDirectory(prefix="corridors-bench-cache-") as cache:
            t = time.perf_counter()
            server = floor_server(env={"CORRIDORS_CACHE_DIR": cache}) if floor else streamlit_server(
                env={"CORRIDORS_CACHE_DIR": cache})
            try:
                with server as url:
                    res.add(f"{label}: server start (until health)", time.perf_counter() - t)
                    shown, lines, blank = first_visit(browser, url)
                    res.add(f"{label} → first text", shown)
                    res.add(f"{label} → map lines", lines)
                    res.add(f"{label}: longest blank after first text", blank)
                    res.add(f"{label}: process start → map lines", time.perf_counter() - t)
            except Exception as e:  # noqa: BLE001  (report it and go on)
                res.fail(f"{label} → map lines", e)


def open_page(browser, url: str, **kw):
    pg = new_page(browser, **kw)
    pg.goto(url)
    wait(pg, lambda s: s["lines"] > 0)
    quiet(pg)
    return pg


def sidebar(pg):
    return pg.locator('[data-testid="stSidebar"]')


def clicker(pg, locator):
    """Find the element now (scrolling it into view); return the bare mouse click on its centre, so the
    timed part is the click itself and not Playwright's actionability checks."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return lambda: pg.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def toggle(res: Results, pg, runs: int, steps, keys) -> None:
    """steps: [(row names, prepare, commit), ...], applied in turn, each leaving the page in a state the
    next step changes; one row name per key in keys (None: not timed). Learn each step's settled result
    once, then time `runs` rounds; a key is timed until it shows its learned value (a key the step does
    not change is skipped: it would be "shown" at 0 ms)."""
    plans = []
    for names, prepare, commit in steps:
        prepare()
        before, after = learn(pg, commit, lambda s: tuple(k(s) for k in keys))
        plans.append([(name, k, v) for name, k, b, v in zip(names, keys, before, after) if name and b != v])
    for _ in range(runs):
        for (_, prepare, commit), plan in zip(steps, plans):
            prepare()
            seconds = timed(pg, commit, [lambda s, k=k, v=v: k(s) == v for _, k, v in plan])
            for (name, _, _), sec in zip(plan, seconds):
                res.add(name, sec)
            quiet(pg)


def pill_steps(pg, option: str, short: str, popover: bool = False):
    """Toggle a filter chip off and on again (modes start all chosen; statuses start none chosen, in the
    pop-over, which is opened untimed first)."""
    def prepare():
        body = pg.locator('[data-testid="stPopoverBody"]')
        if popover and not body.is_visible():
            pg.locator('[data-testid="stPopoverButton"]').click()
            body.wait_for()
        commit[0] = clicker(pg, pg.get_by_role("button", name=option, exact=True))

    commit = [None]
    first, second = (f"choose {option}", "clear it") if popover else (f"unselect {option}", "select it again")
    return [([f"{short}: {first} → lines change"], prepare, lambda: commit[0]()),
            ([f"{short}: {second} → lines back"], prepare, lambda: commit[0]())]


def date_steps(pg, today: date):
    def typer(day: date):
        def prepare():
            sidebar(pg).get_by_role("spinbutton", name=re.compile("^year")).click()
            pg.keyboard.type(day.strftime("%Y%m%d"))
        return prepare

    def close():
        pg.keyboard.press("Escape")

    return [(["as-of date: 2018-12-31 → headline changes", "as-of date: 2018-12-31 → map restyled"],
             typer(date(2018, 12, 31)), close),
            (["as-of date: back to today → headline", "as-of date: back to today → map restyled"],
             typer(today), close)]


def language(res: Results, pg, runs: int) -> None:
    def click(label):
        return clicker(pg, sidebar(pg).get_by_text(label, exact=True))

    full = quiet(pg)["lines"]
    en, zh = "Hunan's Pan-PRD corridors", quiet(pg)["title"]
    zh_label = quiet(pg)["label"]
    for i in range(runs + 1):  # the first round is a warm-up, not counted
        title_s, map_s = timed(pg, click("English"), [
            lambda s: s["title"] == en,
            lambda s: s["label"] not in (None, zh_label) and s["legend"] == "Legend" and s["lines"] == full])
        quiet(pg)
        (back_s,) = timed(pg, click("中文"), [lambda s: s["title"] == zh])
        quiet(pg)
        if i:
            res.add("language: English → title", title_s)
            res.add("language: English → map relabelled", map_s)
            res.add("language: back to 中文 → title", back_s)


def _map_frame(pg):
    return next(f for f in pg.frames if "streamlit_folium" in f.url)


POINT_JS = """([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);
  const el = document.elementFromPoint(p.x, p.y);
  const onLine = !!el && el.matches('path.leaflet-interactive') && el.getAttribute('fill') === 'none';
  return [p.x, p.y, onLine]; }"""


def line_click(res: Results, pg, runs: int, targets: list[tuple[str, str, float, float]]) -> None:
    """targets[0] is 沅水; the others are candidates for the untimed reset click."""
    frame = _map_frame(pg)

    def at(lat, lon):
        x, y, _ = frame.evaluate(POINT_JS, [lat, lon])
        box = pg.locator(MAP).bounding_box()
        return lambda: pg.mouse.click(box["x"] + x, box["y"] + y)

    def has(name):
        return lambda s: any(name in h for h in s["h3"])

    def prepare():
        if state(pg)["dialog"]:  # the details dialog covers the map: close it, as a person would
            pg.keyboard.press("Escape")
            wait(pg, lambda s: not s["dialog"])
            quiet(pg)
        frame.evaluate("window.map.closePopup()")  # an open popup could cover the next click point

    (_, name, lat, lon), *others = targets
    prepare()
    at(lat, lon)()
    wait(pg, has(name), timeout=30)
    quiet(pg)
    reset = None
    for _, oname, olat, olon in others:  # the first isolated line whose click opens its details
        if not frame.evaluate(POINT_JS, [olat, olon])[2]:
            continue
        prepare()
        at(olat, olon)()
        try:
            wait(pg, has(oname), timeout=20)
        except TimeoutError:
            continue
        quiet(pg)
        reset = (oname, olat, olon)
        break
    if reset is None:
        raise RuntimeError("no second line to reset the selection with")
    res.notes.append(f"line click reset with {reset[0]}")
    for _ in range(runs):
        prepare()
        res.add("click 沅水 line → details", timed(pg, at(lat, lon), [has(name)])[0])
        quiet(pg)
        prepare()
        at(reset[1], reset[2])()
        wait(pg, has(reset[0]))
        quiet(pg)


def table_rows(res: Results, pg, runs: int) -> None:
    def row(i):
        def prepare():
            if state(pg)["dialog"]:
                pg.keyboard.press("Escape")
                wait(pg, lambda s: not s["dialog"])
                quiet(pg)
            df = pg.locator('[data-testid="stDataFrame"]').first  # the project table is the page's first
            df.scroll_into_view_if_needed()
            box = df.bounding_box()
            commits[i] = lambda: pg.mouse.click(box["x"] + 18, box["y"] + ROW_H * (i + 1) + ROW_H / 2)
        return prepare

    commits = {}

    def key(s):
        return tuple(s["h3"])

    steps = [(["table row → details"], row(0), lambda: commits[0]()),
             ([None], row(1), lambda: commits[1]())]
    toggle(res, pg, runs, steps, [key])


def snapshot(res: Results, pg, runs: int) -> None:
    button = pg.get_by_role("button", name=re.compile("下载快照"))
    for i in range(runs + 1):  # the first is a warm-up (imports, fonts), not counted
        click = clicker(pg, button)
        t = time.perf_counter()
        with pg.expect_download(timeout=TIMEOUT * 1000) as info:
            click()
        seconds = time.perf_counter() - t
        info.value.cancel()
        if i:
            res.add("snapshot ZIP → download", seconds)
        quiet(pg)


# ------------------------------------------------------------------------------------------- the runs

def _midpoints(ds) -> list[tuple[str, str, float, float]]:
    """沅水 first, then other drawn lines by how far their midpoint is from any other project's line (best first),
    keeping those well inside the map's first view (away from the legend and the controls)."""
    import shapely

    projects = ds.catalog.projects.set_index("id")
    lines = ds.lines[ds.lines.project_id.map(lambda p: projects.same_as.get(p, "") == "")]
    geoms = {p: g for p, g in zip(lines.project_id, lines.geometry) if g is not None and not g.is_empty}
    pts = {p: g.interpolate(0.5, normalized=True) for p, g in geoms.items()}
    out = [("yuanshui", projects.name_zh["yuanshui"], pts["yuanshui"].y, pts["yuanshui"].x)]
    cands = []
    for p, pt in pts.items():
        if p.split("__c")[0] == "yuanshui" or not (25.5 < pt.y < 30 and 109 < pt.x < 114):
            continue
        # a synthetic catalog's copies lie on their original (bench.scale names them id__cN): a click there
        # opens one of them, whose heading holds the original's name, so only other projects' lines count
        gap = min(shapely.distance(pt, g) for q, g in geoms.items() if q.split("__c")[0] != p.split("__c")[0])
        cands.append((gap, p, pt))
    for _, p, pt in sorted(cands, key=lambda c: c[0], reverse=True)[:8]:
        out.append((p, projects.name_zh[p], pt.y, pt.x))
    return out


GROUPS = ("fresh install", "first map", "mode filter", "status filter", "as-of date", "language", "click a line", "table row",
          "snapshot ZIP", "floor")


def dashboard(res: Results, browser, runs: int, targets, today: date, only: tuple[str, ...] = GROUPS) -> None:
    t = time.perf_counter()
    with streamlit_server() as url:
        res.notes.append(f"dashboard server start: {time.perf_counter() - t:.1f} s")
        try:
            res.add("first visit after server start → map lines", first_lines(browser, url))
        except Exception as e:  # noqa: BLE001  (report it and go on)
            res.fail("first visit after server start → map lines", e)
        for _ in range(runs if "first map" in only else 0):
            try:
                res.add("new page, warm server → map lines", first_lines(browser, url))
            except Exception as e:  # noqa: BLE001  (report it and go on)
                res.fail("new page, warm server → map lines", e)
                break

        groups = [
            ("mode filter", lambda pg: toggle(res, pg, runs, pill_steps(pg, "水运", "mode filter"),
                                              [lambda s: s["lines"]])),
            ("status filter", lambda pg: toggle(res, pg, runs, pill_steps(pg, "建成", "status filter", popover=True),
                                                [lambda s: s["lines"]])),
            ("as-of date", lambda pg: toggle(res, pg, runs, date_steps(pg, today),
                                             [lambda s: s["metric"], lambda s: s["style"]])),
            ("language", lambda pg: language(res, pg, runs)),
            ("click a line", lambda pg: line_click(res, pg, runs, targets)),
            ("table row", lambda pg: table_rows(res, pg, runs)),
            ("snapshot ZIP", lambda pg: snapshot(res, pg, runs)),
        ]
        for name, run in [g for g in groups if g[0] in only]:  # a fresh page each: one failure spoils no other
            print(f"  {name} …", file=sys.stderr)
            pg = None
            try:
                pg = open_page(browser, url, accept_downloads=True)
                run(pg)
            except Exception as e:  # noqa: BLE001  (report it and go on)
                res.fail(name, e)
            finally:
                if pg is not None:
                    pg.close()


def floor_server(env: dict | None = None):
    """`streamlit run bench/floor_app.py`, started exactly as the dashboard is."""
    return streamlit_server(env=env, script=str(FLOOR_APP.relative_to(ROOT)))


def floor(res: Results, browser, runs: int) -> None:
    t = time.perf_counter()
    with floor_server() as url:
        res.notes.append(f"floor server start: {time.perf_counter() - t:.1f} s")
        for i in range(runs + 1):
            name = "floor: new page, warm server → map lines" if i else "floor: first visit after server start"
            try:
                res.add(name, first_lines(browser, url))
            except Exception as e:  # noqa: BLE001  (report it and go on)
                res.fail(name, e)
        pg = None
        try:
            pg = open_page(browser, url)
            colours = {"red": "#b2182b", "blue": "#2166ac"}
            for i in range(runs + 1):  # alternate red ↔ blue; the first change is a warm-up
                label = ("blue", "red")[i % 2]
                (seconds,) = timed(pg, clicker(pg, pg.get_by_text(label, exact=True)),
                                   [lambda s, label=label: s["stroke"] == colours[label]])
                if i:
                    res.add("floor: radio change → map line recoloured", seconds)
                quiet(pg)
        except Exception as e:  # noqa: BLE001  (report it and go on)
            res.fail("floor: radio change → map line recoloured", e)
        try:
            if pg is not None:
                pg.close()
            pg = open_page(browser, f"{url}/?table")
            df = pg.locator('[data-testid="stDataFrame"]').first
            df.scroll_into_view_if_needed()
            box = df.bounding_box()
            for i in range(runs + 1):  # alternate the first and second rows; the first pick is a warm-up
                row = i % 2
                (seconds,) = timed(pg, lambda row=row: pg.mouse.click(box["x"] + 18, box["y"] + ROW_H * (row + 1.5)),
                                   [lambda s, row=row: s["metric"] == FLOOR_ROWS[row]])
                if i:
                    res.add(FLOOR_ROW, seconds)
                quiet(pg)
        except Exception as e:  # noqa: BLE001  (report it and go on)
            res.fail(FLOOR_ROW, e)
        finally:
            if pg is not None:
                pg.close()


FLOOR_ROWS = ("长沙", "株洲")  # bench/floor_app.py's first two rows
FLOOR_ROW = "floor: table row → named under the table"


FLOOR_OF = {"first visit after server start → map lines": "floor: first visit after server start",
            "first visit after a fresh install → map lines": "floor: first visit after server start → map lines",
            "first visit after a fresh install → first text": "floor: first visit after server start → first text",
            "first visit after a fresh install: server start (until health)":
                "floor: first visit after server start: server start (until health)",
            "first visit after a fresh install: process start → map lines":
                "floor: first visit after server start: process start → map lines",
            "first visit after a fresh install: longest blank after first text":
                "floor: first visit after server start: longest blank after first text",
            "new page, warm server → map lines": "floor: new page, warm server → map lines",
            "table row → details": FLOOR_ROW}
FLOOR_DEFAULT = "floor: radio change → map line recoloured"


def _pad(text: str, width: int) -> str:
    """Left-justify in terminal columns (CJK characters take two)."""
    cols = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - cols)


def report(res: Results, runs: int, browser_version: str) -> None:
    import streamlit

    print(f"\nbench/browser.py: {runs} runs; {os.cpu_count()} cores; Python {platform.python_version()}; "
          f"streamlit {streamlit.__version__}; Chromium {browser_version}; polled every {POLL * 1000:.0f} ms "
          f"(±{POLL * 1000:.0f} ms)\n")
    w = 50
    head = f"{_pad('interaction (action → result shown)', w)} {'n':>3} {'median ms':>10} {'p90 ms':>9} {'× floor':>8}"
    print(head)
    print("-" * len(head))
    names = list(res.rows) + [n for n in res.failed if n not in res.rows]
    for name in sorted(names, key=lambda n: n.startswith("floor:")):
        if name in res.rows:
            ms = [s * 1000 for s in res.rows[name]]
            ratio = ""
            if not name.startswith("floor:"):
                f = res.median(FLOOR_OF.get(name, FLOOR_DEFAULT))
                ratio = f"{statistics.median(ms) / (f * 1000):.1f}×" if f else "—"
            print(f"{_pad(name, w)} {len(ms):>3} {statistics.median(ms):10.0f} {_p90(ms):9.0f} {ratio:>8}")
        if name in res.failed:
            print(f"{_pad(name, w)}  failed: {res.failed[name]}")
    print()
    for n in res.notes:
        print(f"  {n}")
    print("  × floor: dashboard median / floor median (map loads vs the floor's map loads; the table row vs the"
          " floor's table row; other interactions vs the floor's radio change)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=10, help="repetitions per interaction (default 10)")
    p.add_argument("--fresh", type=int, default=5,
                   help="fresh starts (empty dataset cache) of each server for the first-visit figures (default 5)")
    p.add_argument("--only", default=",".join(GROUPS),
                   help=f"comma-separated groups to run (default all: {','.join(GROUPS)}); the first visit always runs")
    args = p.parse_args()
    only = tuple(x.strip() for x in args.only.split(","))
    if unknown := set(only) - set(GROUPS):
        p.error(f"--only: unknown group(s) {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}")

    from corridors import dataset
    from corridors.config import geodata_dir

    targets = _midpoints(dataset.load(geodata_dir()))  # before any server starts: no CPU contention
    today = date.today()
    res = Results()
    with chromium() as browser:
        if "fresh install" in only:
            print("fresh installs …", file=sys.stderr)
            fresh_starts(res, browser, args.fresh)
            fresh_starts(res, browser, args.fresh, floor=True)
        print("dashboard …", file=sys.stderr)
        dashboard(res, browser, args.runs, targets, today, only)
        if "floor" in only:
            print("floor …", file=sys.stderr)
            floor(res, browser, args.runs)
        report(res, args.runs, browser.version)


if __name__ == "__main__":
    main()
