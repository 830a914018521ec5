"""Real alignments: a planner's surveyed line (GeoJSON, KML, KMZ, GPX, GeoPackage, zipped Shapefile) read with
pyogrio/GDAL, checked before anything is stored, and folded into the dataset in place of the schematic line.

The order is: preview (read, convert to WGS-84, validate; refusals raise AlignmentError naming the file, layer,
feature and reason; warnings are returned for the editor to confirm), then record (the store keeps every
version, append-only), then fold (the dataset's sections, lines, lengths, precision and traces follow the
current versions). Every message built from a file's text (feature names) is plain text: escape it wherever
it is shown as HTML.

- `reading`: the file → WGS-84 vertices (its bytes checked as the format it claims, corridors.formats).
- `checks`: every refusal, warning and hint, one named function each, with the limits beside their reasons:
  the one place to change what an import refuses.
- `previewing`: reading and checking together, into a Preview; nothing stored.
- `recording`: record and revert, the only part that writes to the progress store.
- `folding`: the dataset with the current versions folded in; the map's simplified lines; a line's history.

The modules are named for what they do, so that none shadows the functions of the same verb exported here
(`alignments.preview`, `.record`, `.fold`).
"""

from __future__ import annotations

from ..formats import FORMATS
from .checks import (
    END_WARNING_KM,
    GCJ_GAIN,
    GCJ_MIN_PLACES,
    GCJ_NEAR_KM,
    JOIN_GAP_WARNING_M,
    LENGTH_RATIO,
    MAX_BYTES,
    MAX_EXPANDED_BYTES,
    MAX_MEMBERS,
    MAX_VERTICES,
    REGION_MARGIN_KM,
    WGS84_FORMATS,
    gcj02_hint,
    needs_editor,
)
from .folding import DISPLAY_TOLERANCE_M, display_sections, effective, fold, history, orphans
from .previewing import Preview, parse_target, preview, preview_bytes, section_places, with_preview
from .reading import from_metric
from .recording import record, revert

__all__ = [
    "DISPLAY_TOLERANCE_M", "END_WARNING_KM", "FORMATS", "GCJ_GAIN", "GCJ_MIN_PLACES", "GCJ_NEAR_KM",
    "JOIN_GAP_WARNING_M", "LENGTH_RATIO", "MAX_BYTES", "MAX_EXPANDED_BYTES", "MAX_MEMBERS", "MAX_VERTICES",
    "REGION_MARGIN_KM", "WGS84_FORMATS", "Preview", "display_sections", "effective", "fold", "from_metric",
    "gcj02_hint", "history", "needs_editor", "orphans", "parse_target", "preview", "preview_bytes", "record",
    "revert", "section_places", "with_preview",
]

# The names tests/test_alignment.py and bench/gcj_hint.py call from before the package (issue 33 changes only
# their imports): the sourced places of a section, and the GCJ-02 hint.
_places = section_places
_gcj_hint = gcj02_hint
