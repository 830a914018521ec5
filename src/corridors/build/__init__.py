"""What runs only when the shipped geodata is rebuilt (`corridors build-geodata`, and the tests that prove the
shipped files equal a rebuild), apart from what the app runs at request time.

Each module builds one shipped file from the pinned packages of the `build` extra; the module beside it in
`corridors` reads the shipped file at run time and never imports this package:

- `boundaries`: geodata/boundaries.geojson (read by corridors.boundaries);
- `seats`: geodata/seats.csv (read by corridors.gazetteer);
- `rivers`: geodata/rivers.geojson (read by corridors.hydro);
- `geodata`: the command, which writes boundaries and seats.
"""

from __future__ import annotations

from .boundaries import boundaries_geojson, build_boundaries
from .geodata import build_geodata
from .rivers import build_rivers, rivers_geojson, trace_river
from .seats import build_seats

__all__ = ["boundaries_geojson", "build_boundaries", "build_geodata", "build_rivers", "build_seats",
           "rivers_geojson", "trace_river"]
