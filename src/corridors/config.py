"""Where the data lives: the shipped geodata ($CORRIDORS_GEODATA, else the geodata/ folder of this checkout) and
the progress store's URL. Light on purpose (no SQLAlchemy): a command can tell that there is no store to read
without importing corridors.store."""

from __future__ import annotations

import os
from pathlib import Path


def geodata_dir() -> Path:
    """The geodata folder the app and CLI read by default."""
    env = os.environ.get("CORRIDORS_GEODATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "geodata"


DEFAULT_STORE_PATH = "corridors-progress.sqlite"


def store_url(setting: str | None = None) -> str:
    """The store's SQLAlchemy URL: an explicit setting, $CORRIDORS_STORE_URL, or a SQLite file in the cwd."""
    value = setting or os.environ.get("CORRIDORS_STORE_URL") or DEFAULT_STORE_PATH
    return value if "://" in value else f"sqlite:///{Path(value).resolve()}"


def explicit(setting: str | None = None) -> bool:
    """Whether the store was named (by a setting or $CORRIDORS_STORE_URL) rather than taken by default: a
    named store that is missing is an error, the default one is simply not created yet."""
    return bool(setting or os.environ.get("CORRIDORS_STORE_URL"))


def not_created(url: str) -> bool:
    """A SQLite store whose file does not exist yet: reading it must not create it."""
    return url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()


def no_store(setting: str | None = None) -> bool:
    """The default store, never created: there is nothing to read (store.existing would return None)."""
    return not explicit(setting) and not_created(store_url(setting))
