"""The progress store: status changes recorded by planners, append-only, with who, when and the source, and
imported alignments beside them.

Default: a SQLite file; any SQLAlchemy URL works (PostgreSQL for a team running several dashboards).
Where each part lives:
- schema: every column, declared once (limits, closed sets, the tables and dataset.EVENT_FRAME derive from it);
- fields: the one check every stored text obeys;
- engine: the URL, the tables, creation and migrations, read-only opening and write transactions;
- events: what a planner records and the rules a row obeys when recorded and when read back;
- alignments: versioned real lines and every refusal the store makes of one;
- throttle: the sign-in throttle shared by every dashboard process on one store;
- progress: Store (events and alignments on one engine) and existing().

Names are imported on first use, so that `corridors.store.schema` (read by the dataset) loads no database
library; `from corridors.store import Store` works as before.
"""

from __future__ import annotations

import importlib
from typing import Any

# Each public name → the module that defines it (relative to this package).
_HOMES = {
    ".schema": ("ALIGNMENT_COLUMNS", "ALIGNMENT_KINDS", "ALIGNMENT_LIMITS", "ALIGNMENT_MULTILINE",
                "ALIGNMENT_NULLABLE", "COLUMNS", "DATUMS", "EVENT_FRAME", "LIMITS", "MULTILINE"),
    ".fields": ("visible",),
    ".engine": ("LATEST", "MIGRATIONS", "TIMEOUT_S", "WRITE_TIMEOUT_S", "Engine", "alignments_table",
                "events_table", "label", "metadata", "throttle_table", "version_table"),
    ".events": ("CLOCK_SKEW", "LOCAL_AHEAD", "EventStore", "NewEvent", "Recorded", "field_problems", "orphans",
                "screen", "validate", "_frame"),
    ".alignments": ("MAX_STORED_VERTICES", "SCHEMATIC", "AlignmentStore", "NewAlignment", "RecordedAlignments",
                    "alignment_field_problems", "current_alignments", "validate_alignment"),
    ".throttle": ("StoreThrottle",),
    ".progress": ("Store", "existing"),
    "..config": ("explicit", "not_created", "store_url"),  # the UI and the CLI import them from here
}
_HOME = {name: (module, name) for module, names in _HOMES.items() for name in names}
_HOME["DEFAULT_PATH"] = ("..config", "DEFAULT_STORE_PATH")  # kept for importers

__all__ = [
    "ALIGNMENT_COLUMNS", "ALIGNMENT_KINDS", "ALIGNMENT_LIMITS", "ALIGNMENT_MULTILINE", "ALIGNMENT_NULLABLE",
    "CLOCK_SKEW", "COLUMNS", "DATUMS", "DEFAULT_PATH", "EVENT_FRAME", "LATEST", "LIMITS", "LOCAL_AHEAD",
    "MAX_STORED_VERTICES", "MIGRATIONS", "MULTILINE", "SCHEMATIC", "TIMEOUT_S", "WRITE_TIMEOUT_S",
    "AlignmentStore", "Engine", "EventStore", "NewAlignment", "NewEvent", "Recorded", "RecordedAlignments", "Store",
    "StoreThrottle", "alignment_field_problems", "alignments_table", "current_alignments", "events_table",
    "existing", "explicit", "field_problems", "label", "metadata", "not_created", "orphans", "screen",
    "store_url", "throttle_table", "validate", "validate_alignment", "version_table", "visible",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines a name on first use, and keep the name here."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _HOME[name]
    value = getattr(importlib.import_module(module, __name__), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
