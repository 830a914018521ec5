"""Where the shipped data lives: $CORRIDORS_GEODATA, else the geodata/ folder of this checkout."""

from __future__ import annotations

import os
from pathlib import Path


def geodata_dir() -> Path:
    """The geodata folder the app and CLI read by default."""
    env = os.environ.get("CORRIDORS_GEODATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "geodata"
