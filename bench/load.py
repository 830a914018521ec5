"""A planning office opening the dashboard at once: one process, the team deployment, and the floor page, under
the same load. Prints a table; asserts nothing.

    .venv/bin/python -m bench.load [--runs 3] [--viewers 1 4 8 16] [--workers N]

(From the repository root, so that `tests.browser` and `tests.pg` import; Debian's Chromium and PostgreSQL.)

Three servers, one after another, each on a fresh throw-away PostgreSQL store (the team's setting):
- "one process": `corridors serve --workers 1 --no-proxy` (one `streamlit run`, what the README's first
  command starts);
- "N processes": `corridors serve --workers N` (N = cores by default: N workers behind HAProxy);
- "floor": bench/floor_app.py under one `streamlit run` (one radio, an st_folium map of one line: the least a
  Streamlit + st_folium page costs here).

For each server and each number of viewers k: --runs waves; in a wave k new browser contexts (empty cache, new
session each) navigate at the same moment, and each viewer's time is from its navigation until the first
`path.leaflet-interactive` (a drawn line) exists in the map's frame. Printed: median and p90 over every
viewer of every wave; server CPU per first view (user + system seconds of every server process, proxy
included, over the waves, divided by the views); memory per session (the servers' resident memory with the
wave's pages still open, minus before the wave, divided by k; a median over waves); and each figure over the
floor's. The browser runs on the same cores as the servers, so absolute times overstate what a planner at
their own desk waits; the ratios to the floor, measured under the same load, are the figures to compare.

Editing load (on the N-process deployment): 5 editors record 100 events each (separate processes, through the
same Store.append the record form calls: validated, serialised, one transaction each) while waves of 16
viewers keep loading the page; printed: events stored of 500, refusals, and errors seen by viewers (a page
error, a Streamlit exception box, a connection-error notice, or no map within the timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

from corridors import deploy
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, streamlit_server
from tests.conftest import fresh_database
from tests.pg import postgres

MAP = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 300_000
EDITORS, EVENTS_EACH = 5, 100


def _p90(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=10, method="inclusive")[-1] if len(xs) > 1 else xs[0]


@contextmanager
def serve(store_url: str, workers: int, proxy: bool):
    """`corridors serve` on free ports; yields (URL, the supervisor's process)."""
    first, port = free_port(), free_port()
    while first <= port < first + workers:
        port = free_port()
    cmd = [str(Path(sys.executable).with_name("corridors")), "serve", "--workers", str(workers), "--port", str(port),
           "--worker-port", str(first), "--log-dir", str(ARTIFACTS / "load")]
    if not proxy:
        cmd.append("--no-proxy")
    env = {**os.environ, "CORRIDORS_STORE_URL": store_url, "CORRIDORS_EDITORS": "王工=correct-horse-battery"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/corridors"
    try:
        deadline = time.time() + 180
        ports = [port] if not proxy else list(range(first, first + workers))
        while not all(deploy.healthy(f"http://127.0.0.1:{p}{deploy.health_path()}") for p in ports):
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("corridors serve did not start; see artifacts/load/")
            time.sleep(0.5)
        while proxy and not deploy.healthy(f"{url}/_stcore/health"):
            time.sleep(0.3)
        yield url + "/", psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(60)


def _tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def cpu_seconds(root: psutil.Process) -> float:
    total = 0.0
    for p in _tree(root):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def rss_bytes(root: psutil.Process) -> int:
    total = 0
    for p in _tree(root):
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


async def _view(browser, url: str, errors: list[str]) -> float:
    ctx = await browser.new_context(viewport={"width": 1440, "height": 900})  # closed by the wave, after memory
    page = await ctx.new_page()
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    start = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        await page.frame_locator(MAP).locator("path.leaflet-interactive").first.wait_for(timeout=TIMEOUT_MS)
        took = time.perf_counter() - start
        if await page.locator('[data-testid="stException"]').count():
            errors.append("an exception box on the page")
        if await page.get_by_text("Connection error").count():
            errors.append("a connection error notice")
        return took
    except Exception as exc:  # noqa: BLE001  (a viewer that never saw the map is an error, not a crash)
        errors.append(f"no map: {type(exc).__name__}")
        return float("nan")


async def wave(browser, url: str, k: int, server: psutil.Process) -> tuple[list[float], float, int, list[str]]:
    """k viewers at once: (their times, server CPU seconds, extra resident bytes with their pages open, errors)."""
    errors: list[str] = []
    before_cpu, before_rss = cpu_seconds(server), rss_bytes(server)
    contexts_before = set(browser.contexts)
    times = await asyncio.gather(*(_view(browser, url, errors) for _ in range(k)))
    await asyncio.sleep(1.0)  # let the sessions' first reruns finish (the page's rest renders after the map)
    cpu, extra = cpu_seconds(server) - before_cpu, rss_bytes(server) - before_rss
    for ctx in set(browser.contexts) - contexts_before:
        await ctx.close()
    await asyncio.sleep(2.0)  # sessions end when their sockets close
    return list(times), cpu, extra, errors


async def measure(url: str, server: psutil.Process, viewers: list[int], runs: int, workers: int = 1) -> dict[int, dict]:
    from playwright.async_api import async_playwright

    out: dict[int, dict] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(2):  # warm every worker (the proxy spreads viewers at once) and the browser's first start
            await wave(browser, url, workers, server)
        for k in viewers:
            times, cpus, mems, errors = [], [], [], []
            for _ in range(runs):
                t, cpu, mem, err = await wave(browser, url, k, server)
                times += [x for x in t if x == x]
                cpus.append(cpu / k)
                mems.append(mem / k)
                errors += err
            out[k] = {"median": statistics.median(times) if times else float("nan"),
                      "p90": _p90(times) if times else float("nan"), "cpu": statistics.median(cpus),
                      "mem": statistics.median(mems) / 2**20, "errors": errors}
        await browser.close()
    return out


def _editor(store_url: str, tag: str, n: int, start_at: float, results) -> None:
    from corridors import dataset
    from corridors.errors import StoreError
    from corridors.store import NewEvent, Store

    ds = dataset.load()
    store = Store(store_url, read_only=False)
    while time.time() < start_at:
        time.sleep(0.01)
    refused = 0
    for i in range(n):
        try:
            store.append(NewEvent("changyuejiu", "all", "study", "planned", "2020-01-01", "day", "负载测试来源",
                                  "", f"{tag}-{i}", f"editor {tag}"),
                         ds.catalog.projects, ds.catalog.sections, ds.events)
        except StoreError:
            refused += 1
    results.put(refused)


async def editing_load(url: str, server: psutil.Process, store_url: str) -> dict:
    from playwright.async_api import async_playwright

    from corridors.store import Store

    ctx = mp.get_context("spawn")
    results, start_at = ctx.Queue(), time.time() + 10
    editors = [ctx.Process(target=_editor, args=(store_url, str(i), EVENTS_EACH, start_at, results))
               for i in range(EDITORS)]
    for e in editors:
        e.start()
    errors: list[str] = []
    views, waves_run = 0, 0
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        while time.time() < start_at:
            await asyncio.sleep(0.2)
        while any(e.is_alive() for e in editors) or waves_run == 0:
            t, _, _, err = await wave(browser, url, 16, server)
            views += len(t)
            waves_run += 1
            errors += err
        await browser.close()
    for e in editors:
        e.join(60)
    refused = sum(results.get(timeout=10) for _ in editors)
    stored = len(Store(store_url).events())
    return {"stored": stored, "refused": refused, "views": views, "waves": waves_run, "errors": errors}


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b and a == a and b == b else "–"


def report(results: dict[str, dict[int, dict]], viewers: list[int], workers: int, runs: int,
           edit: dict | None) -> None:
    print(f"\nbench/load.py — {os.cpu_count()} cores, {runs} wave(s) per row, Chromium on the same machine")
    floor = results["floor"]
    names = {"one": "one process", "many": f"{workers} processes + HAProxy", "floor": "floor page"}
    print(f"{'server':26} {'viewers':>7} {'median s':>9} {'p90 s':>7} {'CPU s/view':>10} {'MB/session':>10} "
          f"{'median×floor':>12} {'CPU×floor':>9}  errors")
    for key in ("one", "many", "floor"):
        for k in viewers:
            r = results[key][k]
            print(f"{names[key]:26} {k:>7} {r['median']:9.2f} {r['p90']:7.2f} {r['cpu']:10.2f} {r['mem']:10.1f} "
                  f"{_ratio(r['median'], floor[k]['median']):>12} {_ratio(r['cpu'], floor[k]['cpu']):>9}  "
                  f"{len(r['errors'])}")
    if edit:
        print(f"\nediting load ({EDITORS} editors × {EVENTS_EACH} events on {names['many']}, waves of 16 viewers "
              f"meanwhile): {edit['stored']} of {EDITORS * EVENTS_EACH} events stored, {edit['refused']} refused; "
              f"{edit['views']} views in {edit['waves']} waves; errors seen by viewers: {len(edit['errors'])}")
        for e in sorted(set(edit["errors"]))[:10]:
            print(f"  {e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--viewers", type=int, nargs="+", default=[1, 4, 8, 16])
    ap.add_argument("--workers", type=int, default=deploy.default_workers())
    ap.add_argument("--no-editing", action="store_true")
    args = ap.parse_args()
    results: dict[str, dict[int, dict]] = {}
    edit = None
    with postgres() as pg:
        for key, workers, proxy in (("one", 1, False), ("many", args.workers, True)):
            store_url = fresh_database(pg)
            with serve(store_url, workers, proxy) as (url, proc):
                results[key] = asyncio.run(measure(url, proc, args.viewers, args.runs, workers))
                print(f"measured {key}", file=sys.stderr, flush=True)
                if key == "many" and not args.no_editing:
                    edit = asyncio.run(editing_load(url, proc, store_url))
        with streamlit_server(script="bench/floor_app.py") as url:
            floor_proc = next(p for p in psutil.Process().children(recursive=True)
                              if "floor_app.py" in " ".join(p.cmdline()))
            results["floor"] = asyncio.run(measure(url + "/", floor_proc, args.viewers, args.runs))
    report(results, args.viewers, args.workers, args.runs, edit)


if __name__ == "__main__":
    main()
