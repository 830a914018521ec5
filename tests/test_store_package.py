"""The store package: its public names resolve, a column is declared once and read everywhere from there, and
the dataset reads its event frame without loading a database library."""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa

from corridors import dataset, store
from corridors.store.schema import ALIGNMENTS, EVENTS


def test_every_public_name_of_the_store_resolves():
    assert [n for n in store.__all__ if not hasattr(store, n)] == []
    assert store.Store.__module__ == "corridors.store.progress"


def test_each_declared_column_is_in_the_tables_the_limits_and_the_event_frame():
    for column in EVENTS:
        assert column.name in dataset.EVENT_FRAME
        assert (column.name in store.events_table.c) == column.stored
        if column.stored:
            assert store.LIMITS[column.name] == column.length
            assert store.events_table.c[column.name].nullable == column.nullable
            assert isinstance(store.events_table.c[column.name].type, sa.Text) == (column.sql == "text")
    assert [c.name for c in ALIGNMENTS] == [c.name for c in store.alignments_table.c if c.name != "id"]
    assert set(store.ALIGNMENT_LIMITS) == {c.name for c in ALIGNMENTS if c.length is not None}


def test_the_dataset_reads_its_event_frame_without_sqlalchemy():
    code = "import sys, corridors.dataset; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
