"""Who may record progress: editor credentials configured by the operator, never by the app.

Set either $CORRIDORS_EDITORS ("name=credential;name2=credential2") or a Streamlit secrets table
[editors] (name = "credential"). With none configured, nobody can record and the store stays read-only.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping


def editors(env: str | None = None, secrets: Mapping | None = None) -> dict[str, str]:
    """name → credential, from the environment string and/or a secrets mapping (empty credentials ignored)."""
    found: dict[str, str] = {}
    for part in (env if env is not None else os.environ.get("CORRIDORS_EDITORS", "")).split(";"):
        name, sep, credential = part.partition("=")
        if sep and name.strip() and credential.strip():
            found[name.strip()] = credential.strip()
    for name, credential in dict(secrets or {}).items():
        if str(credential).strip():
            found[str(name)] = str(credential).strip()
    return found


def editor_for(credential: str, configured: Mapping[str, str]) -> str | None:
    """The editor whose credential this is (compared in constant time), or None."""
    match = None
    for name, expected in configured.items():
        if hmac.compare_digest(credential.encode("utf-8"), expected.encode("utf-8")):
            match = name
    return match
