"""Five imported alignments of 20,000 vertices each: what importing, folding and drawing them costs. Prints
figures; asserts nothing.

    .venv/bin/python -m bench.alignments [--vertices 20000] [--runs 3]

The lines are made as tests/test_alignment.py makes its fixtures (a project's schematic line with its corners
rounded, densified and moved sideways by a smooth 1.5 km wave), written as KML into a temporary folder and
imported into a temporary SQLite store (never the repository's). Figures:
- import: alignment.preview (read with GDAL, checks, display line) + alignment.record, per file;
- fold: Dataset.with_alignments(store's current alignments), then table: Dataset.table(today) on the result;
- map payload: bytes of the rendered map page (as bench/scale.py measures it: what a map update sends)
  with the surveyed sections simplified for the map (alignment.display_sections, 20 m), against the same page
  with the full-resolution lines and with the schematic lines, and the JSON of the lines held by the map and of
  one update of them.
The machine may be shared: the figures are wall times and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.scale import map_payload
from corridors import alignments as alignment
from corridors import dataset, store
from corridors.catalog import WHOLE_PROJECT
from corridors.errors import AlignmentError
from tests.test_alignment import kml_text, surveyed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vertices", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    ds = dataset.load()
    t = ds.table(date.today())
    candidates = t[t.crosses_border & (t.same_as == "") & t.route_known].id.tolist()
    with tempfile.TemporaryDirectory(prefix="corridors-bench-") as tmp:
        progress = store.Store(f"sqlite:///{Path(tmp) / 'progress.sqlite'}", read_only=False)
        imported: list[tuple[str, float, float, int, int]] = []
        for pid in candidates:
            if len(imported) == 5:
                break
            path = Path(tmp) / f"{pid}.kml"
            path.write_text(kml_text([surveyed(ds, pid, n=args.vertices)]), encoding="utf-8")
            start = time.perf_counter()
            try:
                p = alignment.preview(ds, pid, WHOLE_PROJECT, path)
            except AlignmentError as exc:  # a fixture the checks refuse (e.g. it crosses itself): take the next
                print(f"skipped {pid}: {exc}")
                continue
            alignment.record(progress, ds, p, source="bench", recorded_by="bench", confirm=True)
            took = time.perf_counter() - start
            imported.append((pid, took, path.stat().st_size / 2**20, p.vertices, p.display_vertices))
        print(f"{'project':28} {'import s':>8} {'file MB':>8} {'vertices':>9} {'on map':>7}")
        for pid, took, mb, n, shown in imported:
            print(f"{pid:28} {took:8.2f} {mb:8.1f} {n:9d} {shown:7d}")
        current = progress.current_alignments()
        folds, tables = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            folded = ds.with_alignments(current)
            folds.append(time.perf_counter() - start)
            start = time.perf_counter()
            folded.table(date.today())
            tables.append(time.perf_counter() - start)
        start = time.perf_counter()
        current = progress.current_alignments()
        read = time.perf_counter() - start
        print(f"read current alignments from the store: {read:.2f} s; fold: {statistics.median(folds):.2f} s; "
              f"table: {statistics.median(tables):.2f} s (medians of {args.runs})")
        start = time.perf_counter()
        shown = alignment.display_sections(folded.sections)
        simplify = time.perf_counter() - start
        for label, d, sections in (("schematic lines", ds, ds.sections),
                                   ("imported, full resolution", folded, folded.sections),
                                   (f"imported, simplified {alignment.DISPLAY_TOLERANCE_M:g} m", folded, shown)):
            page, update, lines, _ = map_payload(d, sections)
            print(f"map payload, {label:32}: page {page / 1024:7.0f} KB, lines held {lines / 1024:6.0f} KB, "
                  f"update {update / 1024:5.0f} KB")
        print(f"display_sections: {simplify:.3f} s")


if __name__ == "__main__":
    main()
