"""How the cost grows with the size of the catalog. Prints figures; asserts nothing.

    .venv/bin/python -m bench.scale [--sizes 89,250,1000] [--runs 3] [--keep DIR]

For each size a synthetic catalog is written into a temporary folder (never into the repository): the shipped
geodata/ with its projects cloned under new ids (`<id>__cN`) and names (`…（副本N）`, `… (copy N)`) together with
their waypoints, sections, events, gaps and sources (`<source>--cN`, at `<url>#copy-N`), until the catalog holds that many
projects. A clone keeps its geometry and history; its same_as/upgrade_of point at the same copy's clones, and
its route number becomes 'unnumbered' (or empty) so that `corridors check` does not see one crossing listed
twice. The first size, when not given, is the shipped catalog itself (every project); a size below it keeps the
first projects (and those they reference). Each folder is valid against geodata/datapackage.json, and one of the
shipped size or larger passes `corridors check`'s rules (run with --check; a smaller one no longer covers every
project the plan names).

Figures, per size (medians of --runs, in a fresh cache folder per size, so nothing leaks between sizes):
- count (cold cache): `corridors --geodata DIR count`, a new process, with an empty dataset cache: the
  first command after the geodata changed;
- count: the same command again (what every later command costs);
- snapshot: `corridors --geodata DIR snapshot --as-of TODAY --out TMP`, a new process, warm cache;
- build: dataset.load(DIR) in this process with an empty cache: the dashboard's first run;
- load (cached): dataset.load(DIR) when the cache holds it;
- table: Dataset.table(today), once the dataset is loaded (worked out anew, not the one a dataset keeps);
- record event: what recording one event costs the reader: Dataset.with_events(one new event) and then
  table(today) and count(today) on the result;
- outlook: outlook.simulate and outlook.summary to the end of the fifth year ahead (1,000 samples) for every mode
  and neighbour (the most corridors still to open), once the dataset is loaded: as of today (what the outlook's
  CLI and page compute on the server), and as of the plan's date (the timelines are first rebuilt from the events
  known then: the cost of every back-test year);
- map payload: bytes of the HTML page folium renders (m.get_root().render()) for the dashboard's map as
  ui.explore.map_layers builds it, which every map update sends: mapview.base_map fetching its polygons, rivers
  and place labels from a static file and holding every line's coordinates (mapview.LineBase), plus the
  update of the lines (mapview.dashboard_layers: which sections are shown, their styles and names, the legend),
  every corridor shown, in Chinese, on today's date (Leaflet itself is linked, not inlined); together with
  the update's data, the held lines' data, and the size of the base map's data file (mapview.base_data),
  which the browser fetches once per map.
The machine may be shared: the figures are wall times and noisy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
KEEP_SOURCES = {"plan"}  # a clone cites the plan itself, not a copy of it


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _closure(ids: list[str], refs: dict[str, set[str]]) -> list[str]:
    """The ids with every project they reference (same_as, upgrade_of), in catalog order."""
    want, todo = set(), list(ids)
    while todo:
        i = todo.pop()
        if i not in want:
            want.add(i)
            todo.extend(refs.get(i, ()))
    return [i for i in refs if i in want]


def make_catalog(size: int, out: Path, source: Path = GEODATA) -> Path:
    """Write a copy of `source` holding `size` projects (the shipped ones first, then clones); return `out`."""
    shutil.copytree(source, out)
    projects = _read(source / "projects.csv")
    tables = {n: _read(source / f"{n}.csv") for n in ("waypoints", "sections", "events", "gaps", "sources")}
    refs = {r.id: {x for x in (r.same_as, r.upgrade_of) if x} for r in projects.itertuples()}
    if size < len(projects):  # the first projects, with whatever they reference
        keep = _closure(list(projects.id[:size]), refs)
        _write(projects[projects.id.isin(keep)], out / "projects.csv")
        for name in ("waypoints", "sections", "events", "gaps"):
            _write(tables[name][tables[name].project_id.isin(keep)], out / f"{name}.csv")
        return out
    if size == len(projects):
        return out
    copies = {n: [t] for n, t in tables.items()}
    copies["projects"] = [projects]
    have, n = len(projects), 0
    while have < size:
        n += 1
        ids = list(projects.id)
        if have + len(ids) > size:  # a partial copy: the first projects, with whatever they reference
            k = size - have
            while len(_closure(ids[:k], refs)) > size - have:
                k -= 1
            ids = _closure(ids[:k], refs)
            if not ids:
                break
        suffix = f"__c{n}"

        def pid(x: str, _s=suffix) -> str:
            return x + _s if x else x

        def sid(x: str, _n=n) -> str:
            return x if x in KEEP_SOURCES or not x else f"{x}--c{_n}"

        def sids(x: str) -> str:
            return ";".join(sid(s.strip()) for s in x.split(";") if s.strip())

        p = projects[projects.id.isin(ids)].copy()
        p["id"] = p.id.map(pid)
        p["same_as"] = p.same_as.map(pid)
        p["upgrade_of"] = p.upgrade_of.map(pid)
        p["route_number"] = ["unnumbered" if m == "highway" else "" for m in p["mode"]]
        p["name_zh"] = p.name_zh + f"（副本{n}）"  # told apart in the table and the details, as real ones are
        p["name_en"] = p.name_en + f" (copy {n})"
        p["source_ids"] = p.source_ids.map(sids)
        copies["projects"].append(p)
        for name in ("waypoints", "sections", "events", "gaps"):
            t = tables[name]
            t = t[t.project_id.isin(ids)].copy()
            t["project_id"] = t.project_id.map(pid)
            if name == "events":
                t["source_id"] = t.source_id.map(sid)
                t["confirmed_by"] = t.confirmed_by.map(sids)
            copies[name].append(t)
        s = tables["sources"][~tables["sources"].id.isin(KEEP_SOURCES)].copy()
        s["id"] = s.id.map(sid)
        # one address, one source id (rules.shared_urls): a copy's address is its original's with a fragment
        s["url"] = s.url + f"#copy-{n}"
        copies["sources"].append(s)
        have += len(ids)
    for name, parts in copies.items():
        _write(pd.concat(parts, ignore_index=True), out / f"{name}.csv")
    return out


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CORRIDORS_STORE_URL", "CORRIDORS_GEODATA")}
    env["XDG_CACHE_HOME"] = str(cache)
    env["CORRIDORS_CACHE_DIR"] = str(cache / "corridors")
    return env


def _run(args: list[str], cache: Path, cwd: Path) -> float:
    """Wall time of one `corridors` command in a new process (no progress store: cwd is an empty folder)."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "corridors.cli", *args], cwd=cwd, env=_env(cache), check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def _timed(fn, runs: int, before=None) -> tuple[float, object]:
    """Median seconds of fn() over runs (before() runs first each time, untimed), and fn's last result."""
    times, out = [], None
    for _ in range(runs):
        if before:
            before()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _event(ds) -> pd.DataFrame:
    """One event as the progress store hands it over: a project with only a forecast or no evidence opens."""
    from corridors import dataset

    t = ds.table(date.today())
    row = t[t.route_known & (t.same_as == "") & (t.status != "completed")].iloc[-1]
    return pd.DataFrame([{
        "event_id": "s-1", "project_id": row.id, "section": "all", "event": "opened", "status": "completed",
        "date": date.today().isoformat(), "date_precision": "day", "source_id": "", "confirmed_by": "",
        "source_title": "bench", "source_url": "https://example.org/bench", "note": "", "supersedes": "",
        "recorded_by": "bench", "recorded_at": "", "origin": "store"}], columns=dataset.EVENT_FRAME)


def map_payload(ds, sections=None) -> tuple[int, int, int, int]:
    """Bytes of the dashboard's rendered map page (the base map fetching its data and holding the lines, and
    the lines' update, as ui.explore.map_layers draws them: what each map update sends), of the update's data,
    of the held lines' data, and of the base map's data file (fetched once per map); drawing `sections`
    (default: the dataset's own, imported lines simplified for display as the dashboard does)."""
    from corridors import alignments as alignment
    from corridors import gazetteer, hydro
    from corridors import map as mapview

    today = date.today()
    table = ds.table(today)
    display = mapview.display_boundaries(ds.boundaries)
    rivers = hydro.load_rivers(ds.geodata / "rivers.geojson")
    labels = mapview.place_labels(display, gazetteer.load_seats(ds.geodata / "seats.csv"), rivers)
    base = mapview.base_data(mapview.boundaries_geojson(display), mapview.rivers_geojson(rivers), labels)
    paths = mapview.section_paths(alignment.display_sections(ds.sections) if sections is None else sections)
    geometry = mapview.line_geometry(table, paths)
    m = mapview.base_map(display, base_url="/app/static/basemap/0123456789abcdef.json", lines=geometry)
    groups, _ = mapview.dashboard_layers(table, geometry, ds.section_statuses(today), ds.section_names("zh"), "zh")
    mapview.InitialView(mapview.CENTER, mapview.ZOOM).add_to(groups[-1])
    mapview.MapLanguage("zh").add_to(groups[-1])
    update = 0
    for g in groups:
        g.add_to(m)
        update += sum(len(c.data.encode("utf-8")) for c in g._children.values() if isinstance(c, mapview.PackedLayer))
    page = len(m.get_root().render().encode("utf-8"))
    return page, update, len(geometry.data.encode("utf-8")), len(base.encode("utf-8"))


def measure(size: int, runs: int, work: Path, check: bool) -> dict[str, float]:
    from corridors import dataset

    geodata = make_catalog(size, work / f"geodata-{size}")
    cache, cwd = work / f"cache-{size}", work / f"cwd-{size}"
    cwd.mkdir()
    os.environ.update(_env(cache))

    def empty_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    n = len(_read(geodata / "projects.csv"))
    if check:
        print(f"  check ({n} projects): ", end="", flush=True)
        rc = subprocess.run([sys.executable, "-m", "corridors.cli", "--geodata", str(geodata), "check"], cwd=cwd,
                            env=_env(cache), stdout=subprocess.DEVNULL).returncode
        print("passed" if rc == 0 else f"FAILED (exit {rc})")
    count = ["--geodata", str(geodata), "count"]
    out: dict[str, float] = {"projects": n}
    out["count_cold"] = statistics.median([(empty_cache(), _run(count, cache, cwd))[1] for _ in range(runs)])
    out["count"] = statistics.median([_run(count, cache, cwd) for _ in range(runs)])
    snap = ["--geodata", str(geodata), "snapshot", "--as-of", date.today().isoformat()]
    out["snapshot"] = statistics.median([_run([*snap, "--out", str(work / f"snap-{size}-{i}")], cache, cwd)
                                         for i in range(runs)])
    out["build"], ds = _timed(lambda: dataset.load(geodata), runs, empty_cache)
    out["load_cached"], ds = _timed(lambda: dataset.load(geodata), runs)
    today = date.today()
    out["table"], _ = _timed(lambda: replace(ds).table(today), runs)  # a copy keeps no tables: worked out anew
    ev = _event(ds)
    out["record"], _ = _timed(lambda: (lambda d: (d.table(today), d.count(today)))(ds.with_events(ev)), runs)
    from corridors import counting, outlook
    from corridors.catalog import MODES

    every = counting.Definition(modes=MODES, provinces="neighbours")
    for key, as_of in (("outlook", today), ("outlook_past", ds.plan_date)):
        out[key], _ = _timed(lambda a=as_of: outlook.summary(outlook.simulate(ds, a, every),
                                                             date(a.year + 5, 12, 31)), runs)
    out["payload"], out["update"], out["lines"], out["base"] = map_payload(ds)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="", help="comma-separated project counts (default: shipped,250,1000)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--check", action="store_true", help="run `corridors check` on each synthetic catalog")
    p.add_argument("--keep", type=Path, help="write the synthetic catalogs here and keep them")
    args = p.parse_args()
    shipped = len(_read(GEODATA / "projects.csv"))
    sizes = [int(s) for s in args.sizes.split(",") if s] or [shipped, 250, 1000]
    work = Path(tempfile.mkdtemp(prefix="corridors-scale-")) if not args.keep else args.keep
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'projects':>8} {'count cold':>10} {'count':>7} {'snapshot':>8} {'build':>7} {'cached':>7} "
          f"{'table':>7} {'record':>7} {'outlook':>7} {'past':>6} {'map page':>9} {'update':>7} {'lines':>6} {'base file':>9}   (seconds; bytes as KB)")
    try:
        for size in sizes:
            r = measure(size, args.runs, work, args.check)
            print(f"{r['projects']:8.0f} {r['count_cold']:10.2f} {r['count']:7.2f} {r['snapshot']:8.2f} "
                  f"{r['build']:7.2f} {r['load_cached']:7.2f} {r['table']:7.3f} {r['record']:7.3f} {r['outlook']:7.3f} {r['outlook_past']:6.3f} "
                  f"{r['payload'] / 1024:9.0f} {r['update'] / 1024:7.0f} {r['lines'] / 1024:6.0f} {r['base'] / 1024:9.0f}", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
