"""Dashboard speed and payload, server-side through Streamlit's AppTest. Prints figures; asserts nothing.

    .venv/bin/python -m bench.dashboard [--runs 20] [--cold-runs 5]   (as a module, so that tests.apptest imports)

- cold first run: a new Python process importing everything and running the page once (median of
  --cold-runs processes; caches empty);
- first run of a new session in a warm process (caches filled, as for a second visitor): title, count and
  map; then the run the map's "drawn" report starts, which adds the rest of the page;
- a filter change: toggling the mode filter between two values and rerunning;
- bytes of the map sent to the browser (the st_folium component's arguments) for several views.
Targets on the 2-core machine, with every corridor drawn: filter change <= 100 ms median; map payload
<= 300 KB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")


def _app(**query):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def _map_bytes(at) -> int:
    (c,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return len(c.proto.json_args.encode("utf-8"))


def _summary(name: str, seconds: list[float]) -> None:
    ms = sorted(s * 1000 for s in seconds)
    q = statistics.quantiles(ms, n=10) if len(ms) >= 10 else [ms[0], ms[-1]]
    print(f"{name:34} median {statistics.median(ms):7.1f} ms   p10 {q[0]:7.1f}   p90 {q[-1]:7.1f}   "
          f"min {ms[0]:7.1f}   max {ms[-1]:7.1f}   (n={len(ms)})")


def cold_once() -> float:
    code = ("import time; t=time.perf_counter(); from streamlit.testing.v1 import AppTest; "
            f"at=AppTest.from_file({APP!r}, default_timeout=120); at.run(); "
            "assert not at.exception; print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--cold-runs", type=int, default=5)
    args = p.parse_args()

    _summary("cold first run (new process)", [cold_once() for _ in range(args.cold_runs)])

    from tests.apptest import map_drawn

    map_drawn(_app().run())  # fill the caches once
    warm, rest = [], []
    for _ in range(args.runs):
        at = _app()
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
        assert not at.exception
        t = time.perf_counter()
        map_drawn(at)
        rest.append(time.perf_counter() - t)
    _summary("first run, new session (warm)", warm)
    _summary("  then the rest, once the map is drawn", rest)

    at = _app()
    map_drawn(at.run())
    from corridors.catalog import MODES

    changes, values = [], (["waterway"], list(MODES))  # waterways only ↔ every corridor drawn
    for i in range(args.runs + 1):
        at.button_group(key="modes.zh").set_value(values[i % 2])
        t = time.perf_counter()
        at.run()
        if i:  # the first toggle fills the per-date cache entry; count the rest
            changes.append(time.perf_counter() - t)
        assert not at.exception
    _summary("filter change (mode toggle)", changes)

    dates = []
    for i in range(args.runs):
        at.sidebar.date_input(key="as_of").set_value(__import__("datetime").date(2017 + i % 9, 6, 30))
        t = time.perf_counter()
        at.run()
        dates.append(time.perf_counter() - t)
    _summary("date change (new date each run)", dates)

    for label, query in (("default view, every corridor", {}), ("English, every corridor", {"lang": "en"}),
                         ("plan's projects only", {"existing": "no"}), ("waterways only", {"modes": "waterway"})):
        at = _app(**query)
        map_drawn(at.run())
        print(f"map payload, {label:24} {_map_bytes(at) / 1024:7.1f} KB")
    at = _app()
    at.run()
    (c,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    args_ = json.loads(c.proto.json_args)
    parts = {k: len(str(v).encode()) for k, v in args_.items() if v}
    print("payload parts (KB):", ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(parts.items(), key=lambda x: -x[1])[:4]))


if __name__ == "__main__":
    main()
