"""Shared fixtures: the shipped data (loaded once) and a writable copy for bad-input tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from corridors import dataset
from corridors.config import geodata_dir

GEODATA = geodata_dir()


@pytest.fixture(scope="session")
def ds() -> dataset.Dataset:
    return dataset.load(GEODATA)


@pytest.fixture
def geodata_copy(tmp_path: Path) -> Path:
    """A copy of geodata/ that a test may break."""
    dst = tmp_path / "geodata"
    shutil.copytree(GEODATA, dst)
    return dst


def edit_csv(path: Path, fn) -> None:
    """Apply fn to the CSV as a string-typed frame and write it back."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = fn(frame)
    frame.to_csv(path, index=False)
