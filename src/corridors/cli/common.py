"""What every `corridors` command shares: the date options, the counting definition from the switches, the
dataset a command reads (the shipped data, with the progress store's events and alignments) and the check of
an output path made before any work is done."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from ..errors import CorridorsError


def _date(value: str) -> date:
    """An ISO date within the one date rule every command shares (catalog.EARLIEST to today)."""
    from ..catalog import EARLIEST

    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not an ISO date (YYYY-MM-DD)") from None
    if not EARLIEST <= d <= date.today():
        raise argparse.ArgumentTypeError(f"{value} must lie between {EARLIEST} and today ({date.today()})")
    return d


LATEST_UNTIL = date(2100, 12, 31)


def _future_date(value: str) -> date:
    """An ISO date an outlook may look ahead to (after 1900, up to LATEST_UNTIL)."""
    from ..catalog import EARLIEST

    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not an ISO date (YYYY-MM-DD)") from None
    if not EARLIEST < d <= LATEST_UNTIL:
        raise argparse.ArgumentTypeError(f"{value} must lie between {EARLIEST} and {LATEST_UNTIL}")
    return d


def _iso(value):
    """Dates as ISO text for JSON; everything else as it is."""
    return value.isoformat() if isinstance(value, date) else value


def _definition(args: argparse.Namespace):
    """The counting definition from the command line (defaults: counting.DEFAULT)."""
    from .. import counting

    d = counting.DEFAULT
    return counting.Definition(include=getattr(args, "include", d.include), unit=getattr(args, "unit", d.unit),
                               modes=tuple(args.mode) if getattr(args, "mode", None) else d.modes,
                               provinces=args.scope, opened=getattr(args, "opened", d.opened),
                               candidates=getattr(args, "candidates", "yes") == "yes")


def _shipped(args: argparse.Namespace, *, gate: bool = True):
    """The shipped dataset; with gate (every command but `check`) refused, one line naming the file, row and
    field, when its files break a rule `corridors check` enforces (dataset.refuse_problems)."""
    from .. import dataset

    return dataset.load(args.geodata, cache=not getattr(args, "no_cache", False), gate=gate)


def _dataset(args: argparse.Namespace, *, gate: bool = True):
    """Shipped data (refused as _shipped says) plus the progress store's events (when the store exists),
    opened read-only. Skipped rows and events whose project or section is gone are warned about on stderr and
    kept in args.store_problems."""
    from .. import config

    ds = _shipped(args, gate=gate)
    args.store_problems = []
    if config.no_store(args.store):  # nothing to read: SQLAlchemy and GDAL need not be imported
        return ds
    from .. import alignments as alignment
    from .. import store

    progress = store.existing(args.store)
    if progress is None:
        return ds
    rec = progress.read(shipped=ds.events)
    kept, lost = store.orphans(rec.events, ds.catalog.projects, ds.catalog.sections)
    args.store_problems = [*rec.problems, *(f"progress store {progress.label}: {o} (not counted)" for o in lost)]
    aligned = progress.read_alignments()
    current, gone = alignment.orphans(store.current_alignments(aligned.rows), ds.catalog.projects,
                                      ds.catalog.sections)
    args.store_problems += [*aligned.problems, *(f"progress store {progress.label}: {o}" for o in gone)]
    for line in args.store_problems:
        print(f"warning: {line}", file=sys.stderr)
    return ds.with_events(kept).with_alignments(current)


def _writable_file(path: Path) -> None:
    """Refuse an output path that cannot become a file, before any work is done: a folder, a FIFO, a device,
    a socket or a symbolic link is left as it is (files.check_output)."""
    from ..files import check_output

    if path.is_dir() and not path.is_symlink():
        raise CorridorsError(f"cannot write {path}: it is a folder; give a file name such as {path / 'corridors.geojson'}")
    check_output(path)
    parent = next((p for p in path.parents if p.exists()), Path("."))
    if not parent.is_dir():
        raise CorridorsError(f"cannot write {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CorridorsError(f"cannot write {path}: permission denied")
