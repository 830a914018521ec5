"""Every column the progress store keeps, declared once: name, longest value, storage type, whether it may be
empty (NULL) or hold line breaks, and its closed set of values.

The SQL tables (engine), the field checks (fields, events, alignments), the frames a read returns and the
dataset's event frame (dataset.EVENT_FRAME) are all derived from these declarations, so a new column is added
here and nowhere else (an existing store also needs a migration step in engine.MIGRATIONS that adds it).
This module imports no database library: the dataset reads its event frame from here without SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import EVENT_KINDS, STATUSES


@dataclass(frozen=True)
class Column:
    """One column. length: the longest value in characters, checked in code so that every backend refuses the
    same (None: not checked as text). sql: 'varchar' (VARCHAR(length)), 'text' (TEXT), 'integer' or 'float'.
    stored: False for a column of the dataset's event frame that the store does not keep. allowed: the closed
    set of values, named in a refusal by `noun` (else as 'one of …')."""

    name: str
    length: int | None = None
    sql: str = "varchar"
    nullable: bool = False
    multiline: bool = False  # may hold line breaks and tabs; no column may hold other control characters
    visible: bool = False  # must hold at least one visible character (not only spaces or format characters)
    allowed: tuple[str, ...] | None = None
    noun: str = ""
    stored: bool = True
    frame_after: str = ""  # where the dataset's event frame lists it, when not in declaration order


# The events a planner records (table progress_events, plus its integer id), in the table's order. Columns with
# stored=False are the dataset's event frame's only: ids, the shipped events' own fields (geodata/events.csv) and
# where an event comes from.
EVENTS = (
    Column("event_id", stored=False),  # 'g-…' for a shipped event, 's-N' (the store's id N) for a recorded one
    Column("project_id", 64, visible=True),
    Column("section", 64, visible=True),  # a section of the project, or catalog.WHOLE_PROJECT
    Column("event", 32, allowed=EVENT_KINDS, noun="an event kind"),
    Column("status", 32, allowed=(*STATUSES, ""), noun="a status"),
    Column("date", 10),
    Column("date_precision", 8),
    Column("source_id", stored=False),
    Column("confirmed_by", stored=False),
    Column("source_title", 500, "text", visible=True),
    Column("source_url", 2000, "text"),
    Column("note", 4000, "text", multiline=True),
    Column("recorded_by", 128, visible=True),
    Column("recorded_at", 32),  # ISO time with its zone, set by the store when it records the row
    # the event a correction supersedes; the frame keeps it after the note, the order its recorded events are
    # hashed in for the dataset's fingerprint (a snapshot's data_version)
    Column("supersedes", 32, nullable=True, frame_after="note"),
    Column("origin", stored=False),  # 'plan', 'geodata' or 'store'
)

# Versioned real lines beside the events (table alignments, plus its integer id).
ALIGNMENT_KINDS = ("import", "revert")
DATUMS = ("wgs84", "gcj02", "cgcs2000")  # the datum a file was declared in; stored geometry is always WGS-84
ALIGNMENTS = (
    Column("project_id", 64, visible=True),
    Column("section", 64, visible=True),  # a section, or catalog.WHOLE_PROJECT
    Column("kind", 8, allowed=ALIGNMENT_KINDS),
    Column("geometry", None, "text", nullable=True),  # WKT, WGS-84, full resolution; NULL for a revert
    Column("datum", 16, allowed=DATUMS),
    Column("crs", 4000, "text", multiline=True),
    Column("layer", 500, "text"),
    Column("file_name", 255, "text"),
    Column("sha256", 64),
    Column("source_title", 500, "text", visible=True),
    Column("note", 4000, "text", multiline=True),
    Column("recorded_by", 128, visible=True),
    Column("recorded_at", 32),
    Column("reverts_to", 32, nullable=True),  # 'a-N' or 'schematic' for a revert
    Column("supersedes", 32, nullable=True),  # the row that was current for this key before
)

# Failed sign-ins (table sign_in_throttle): a lock-out clock, no record.
THROTTLE = (
    Column("key", 200),  # 'name:…' or 'client:…', as auth.sign_in makes them; the primary key
    Column("failures", sql="integer"),
    Column("locked_until", sql="float"),  # Unix time: shared by every process and machine
)


def stored(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """The columns a table keeps, in order."""
    return tuple(c for c in columns if c.stored)


def checked(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """The stored columns whose text is checked (those with a length)."""
    return tuple(c for c in stored(columns) if c.length is not None)


def frame_order(columns: tuple[Column, ...]) -> list[str]:
    """The names in declaration order, each column with frame_after moved to just after the one it names."""
    names = [c.name for c in columns if not c.frame_after]
    for c in columns:
        if c.frame_after:
            names.insert(names.index(c.frame_after) + 1, c.name)
    return names


# Longest value of each stored field, in characters: checked in code, so both backends refuse the same.
LIMITS = {c.name: c.length for c in checked(EVENTS)}
# Fields that may hold line breaks and tabs; no field may hold other control characters (NUL included).
MULTILINE = {c.name for c in checked(EVENTS) if c.multiline}
# Stored event columns as a read gives them (beside the integer id), and the dataset's event frame.
COLUMNS = ["id", *(c.name for c in stored(EVENTS))]
EVENT_FRAME = frame_order(EVENTS)

ALIGNMENT_LIMITS = {c.name: c.length for c in checked(ALIGNMENTS)}
ALIGNMENT_MULTILINE = {c.name for c in checked(ALIGNMENTS) if c.multiline}
ALIGNMENT_NULLABLE = {c.name for c in ALIGNMENTS if c.nullable}
ALIGNMENT_COLUMNS = ["alignment_id", *(c.name for c in ALIGNMENTS), "origin"]
