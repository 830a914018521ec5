"""Shared fixtures: the shipped data (loaded once), a writable copy for bad-input tests, and progress store
URLs on SQLite and on a throw-away PostgreSQL server."""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from corridors import dataset
from corridors.config import geodata_dir

from .pg import postgres

GEODATA = geodata_dir()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def streamlit_config() -> None:
    """Streamlit reads .streamlit/config.toml from the working folder, once per process, on first use. A test that
    moves to another folder (test_gate, test_store_faults) and came first would leave every later AppTest without
    the project's settings (static serving off, so no base map file), and the suite's result would hang on its
    order. Read the project's file now, from the repository."""
    from streamlit import config

    with contextlib.chdir(ROOT):
        config.get_config_options(force_reparse=True)


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


@pytest.fixture(scope="session")
def pg_url():
    with postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, pg_url):
    """A progress store URL that does not exist yet: a SQLite file, or a fresh database on the shared server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'progress.sqlite'}"
    return fresh_database(pg_url)


@pytest.fixture
def pg_fresh(pg_url):
    """A fresh, empty PostgreSQL database on the shared server (for what only PostgreSQL can be: empty)."""
    return fresh_database(pg_url)


def fresh_database(pg_url: str) -> str:
    """Create a new database on the shared server; return its URL."""
    name = f"t{time.time_ns()}"
    eng = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    eng.dispose()
    return pg_url.rsplit("/", 1)[0] + f"/{name}"
