"""Recording: a previewed line, or a revert, stored as the new version of its project or section. The only
part of the alignment import that writes to the progress store, which keeps every version (append-only) and
refuses, in one transaction, what breaks its own rules (corridors.store.validate_alignment).
"""

from __future__ import annotations

import shapely

from .. import store
from . import checks
from .previewing import Preview


def record(progress: store.Store, ds, p: Preview, *, source: str, recorded_by: str, confirm: bool = False,
           expect_current: str | None = None) -> str:
    """Store a previewed alignment as the new version of its project or section; return its id ('a-N').

    A preview with warnings is refused unless confirm=True; the confirmed warnings are kept in the row's note.
    expect_current: the version the editor saw as current ('' for the schematic line), to refuse a change
    recorded by someone else in between.
    """
    checks.warnings_confirmed(p.warnings, confirm, file=p.file_name, layer=p.layer)
    note = "; ".join([*(f"confirmed: {w}" for w in p.warnings), *p.hints, *p.notes])
    al = store.NewAlignment(p.project_id, p.section, source_title=source.strip(), recorded_by=recorded_by.strip(),
                            geometry=shapely.to_wkt(p.line, rounding_precision=7), datum=p.datum, crs=p.crs[:4000],
                            layer=p.layer, file_name=p.file_name, sha256=p.sha256,
                            note=note if len(note) <= 4000 else note[:3999] + "…")
    return progress.append_alignment(al, ds.catalog.projects, ds.catalog.sections, expect_current)


def revert(progress: store.Store, ds, project_id: str, section: str, to: str, *, source: str, recorded_by: str,
           expect_current: str | None = None) -> str:
    """Record a new version that goes back to an earlier one ('a-N') or to the schematic line ('schematic')."""
    al = store.NewAlignment(project_id, section, source_title=source.strip(), recorded_by=recorded_by.strip(),
                            reverts_to=to.strip())
    return progress.append_alignment(al, ds.catalog.projects, ds.catalog.sections, expect_current)
