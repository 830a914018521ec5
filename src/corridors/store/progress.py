"""The progress store as callers use it: one object with the event and the alignment halves on one engine."""

from __future__ import annotations

from ..config import explicit, not_created, store_url
from .alignments import AlignmentStore
from .events import EventStore


class Store(EventStore, AlignmentStore):
    """Append-only event store on any SQLAlchemy database, with versioned alignments beside the events.

    read_only (the default) opens it so that nothing can be written; otherwise the schema is created or
    migrated on the first append (or by init/migrate). A database that is not a progress store, or is
    newer than this code, is refused on open either way.
    """


def existing(url: str | None = None) -> Store | None:
    """The store to read (read-only): None when the default store was never created; a named store that
    does not exist, or any store that cannot be read, raises StoreError naming it."""
    resolved = store_url(url)
    return None if not_created(resolved) and not explicit(url) else Store(resolved, read_only=True)
