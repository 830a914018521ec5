"""`corridors build-geodata`: rebuild the derived files the app ships (boundaries, seats) from the pinned
packages of the `build` extra, each written whole or not at all.

geodata/rivers.geojson is built by corridors.build.rivers.build_rivers from the county seats; the command does
not write it (tests/test_hydro.py proves the shipped file equals a rebuild).
"""

from __future__ import annotations

from pathlib import Path

from ..boundaries import PROVINCES
from ..files import write_atomic
from .boundaries import boundaries_geojson, build_boundaries
from .seats import build_seats


def build_geodata(geodata: Path) -> list[Path]:
    """Rebuild the derived files (boundaries, seats) from the pinned packages; return what was written."""
    bnd = boundaries_geojson(build_boundaries())
    seats = build_seats([c for c, p in PROVINCES.items() if p.pan_prd or p.neighbour or c == "430000"])
    out = [geodata / "boundaries.geojson", geodata / "seats.csv"]
    write_atomic(out[0], bnd)
    write_atomic(out[1], seats.to_csv(index=False, lineterminator="\n"))
    return out
