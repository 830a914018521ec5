"""How often the import's GCJ-02 hint shows, on lines as they are and on the same lines put on GCJ-02. Prints
figures; asserts nothing.

    .venv/bin/python -m bench.gcj_hint [--seed 1]

For every shipped project with a schematic line and at least alignment.GCJ_MIN_PLACES sourced places, four
kinds of line, each taken as it is (WGS-84) and moved onto GCJ-02 point by point with PRCoords (wgs_gcj), the
way a line traced on a Chinese web map is:
- schematic: the schematic line densified to a vertex every 500 m (it runs through its places);
- noisy: the same with every vertex moved by normal noise of 150 m in each direction (a hand's tracing);
- surveyed: corners rounded (six rounds of Chaikin's corner cutting) and moved sideways by a wave of 1.5 km
  amplitude and 60 km wavelength, zero at both ends (as the tests' `surveyed` lines);
- clicked: the surveyed line sampled every 3 km, inner points moved by 100 m of noise (a line clicked on a map).
A hint on a line as it is, is a false alarm; a missing hint on a moved line is a miss.
"""

from __future__ import annotations

import argparse

import numpy as np
import prcoords
from shapely.geometry import LineString

from corridors import alignments as alignment
from corridors import dataset, geometry
from corridors.catalog import WHOLE_PROJECT
from corridors.config import geodata_dir


def on_gcj02(line: LineString) -> LineString:
    return LineString([(c.lon, c.lat) for c in (prcoords.wgs_gcj(prcoords.Coords(y, x)) for x, y in line.coords)])


def rounded_and_waved(m: LineString, amplitude_m: float = 1500.0, wavelength_m: float = 60000.0) -> np.ndarray:
    xy = np.asarray(m.coords)
    for _ in range(6):
        q, r = 0.75 * xy[:-1] + 0.25 * xy[1:], 0.25 * xy[:-1] + 0.75 * xy[1:]
        xy = np.vstack([xy[:1], np.column_stack([q, r]).reshape(-1, 2), xy[-1:]])
    smooth = LineString(xy)
    d = np.linspace(0, smooth.length, max(int(smooth.length / 200), 50))
    pts = np.array([smooth.interpolate(x).coords[0] for x in d])
    t = np.gradient(pts, axis=0)
    t /= np.linalg.norm(t, axis=1)[:, None]
    wave = amplitude_m * np.sin(np.pi * d / smooth.length) * np.sin(2 * np.pi * d / wavelength_m)
    return pts + np.column_stack([-t[:, 1], t[:, 0]]) * wave[:, None]


def kinds(g: LineString, rng: np.random.Generator) -> dict[str, LineString]:
    m = LineString(geometry.to_metric(g).segmentize(500).coords)
    xy = np.asarray(m.coords)
    surveyed = LineString(rounded_and_waved(geometry.to_metric(g)))
    d = np.r_[np.arange(0, surveyed.length, 3000.0), surveyed.length]
    clicks = np.array([surveyed.interpolate(x).coords[0] for x in d])
    clicks[1:-1] += rng.normal(0, 100, clicks[1:-1].shape)
    out = {"schematic": m, "noisy": LineString(xy + rng.normal(0, 150, xy.shape)), "surveyed": surveyed,
           "clicked": LineString(clicks)}
    return {k: alignment.from_metric(v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    ds = dataset.load(geodata_dir())
    shown: dict[tuple[str, bool], list[bool]] = {}
    lines = 0
    for pid, g in ds.lines.set_index("project_id").geometry.items():
        places = alignment._places(ds, pid, WHOLE_PROJECT)
        if g is None or g.is_empty or len(places) < alignment.GCJ_MIN_PLACES:
            continue
        lines += 1
        for kind, line in kinds(g, rng).items():
            for moved in (False, True):
                m = geometry.to_metric(on_gcj02(line) if moved else line)
                shown.setdefault((kind, moved), []).append(alignment._gcj_hint(places, m) is not None)
    print(f"{lines} shipped lines with {alignment.GCJ_MIN_PLACES} places or more; hint shown on:")
    print(f"{'line':10} {'as it is (false alarms)':>24} {'on GCJ-02 (found)':>20}")
    for kind in ("schematic", "noisy", "surveyed", "clicked"):
        a, b = shown[(kind, False)], shown[(kind, True)]
        print(f"{kind:10} {sum(a):>12} of {len(a)} ({np.mean(a):4.0%}) {sum(b):>9} of {len(b)} ({np.mean(b):4.0%})")


if __name__ == "__main__":
    main()
