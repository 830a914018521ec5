"""Filter state: read once from the URL query string, kept in widget keys, written back to the URL,
so any view is a shareable link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from ..analysis import SCOPES
from ..boundaries import NEIGHBOURS
from ..catalog import MODES, STATUSES
from ..i18n import LANGS

DEFAULT_MODES = ["rail", "highway", "waterway"]
LIST_KEYS = {"modes": MODES, "statuses": STATUSES, "neighbours": tuple(NEIGHBOURS)}


@dataclass(frozen=True)
class Filters:
    lang: str
    as_of: date
    scope: str
    modes: list[str]
    statuses: list[str]
    neighbours: list[str]  # adcodes
    departments: list[str]
    query: str


def _parse_date(value: str | None, lo: date, hi: date) -> date:
    try:
        d = date.fromisoformat(value) if value else hi
    except ValueError:
        d = hi
    return min(max(d, lo), hi)


def init(min_date: date, max_date: date, departments: list[str]) -> None:
    """On a session's first run, seed the widget keys from the query string (invalid values are ignored)."""
    if st.session_state.get("_seeded"):
        return
    q = st.query_params
    st.session_state["lang"] = q.get("lang") if q.get("lang") in LANGS else "zh"
    st.session_state["as_of"] = _parse_date(q.get("date"), min_date, max_date)
    st.session_state["scope"] = q.get("scope") if q.get("scope") in SCOPES else "pan-prd"
    for key, allowed in LIST_KEYS.items():
        raw = q.get(key)
        values = [v for v in raw.split(",") if v in allowed] if raw else None
        st.session_state[key] = values if values is not None else (DEFAULT_MODES if key == "modes" else [])
    raw = q.get("departments")
    st.session_state["departments"] = [d for d in raw.split(",") if d in departments] if raw else []
    st.session_state["query"] = q.get("q", "")
    st.session_state["project"] = q.get("project") or None
    st.session_state["_seeded"] = True


def current() -> Filters:
    s = st.session_state
    return Filters(s["lang"], s["as_of"], s["scope"], list(s["modes"]), list(s["statuses"]),
                   list(s["neighbours"]), list(s["departments"]), s["query"])


def write_url(f: Filters, project: str | None) -> None:
    """Mirror the view into the query string (only what differs from the defaults)."""
    want = {"lang": f.lang, "date": f.as_of.isoformat(), "scope": f.scope}
    for key in ("modes", "statuses", "neighbours", "departments"):
        values = getattr(f, key)
        if values != (DEFAULT_MODES if key == "modes" else []):
            want[key] = ",".join(values)
    if f.query:
        want["q"] = f.query
    if project:
        want["project"] = project
    if dict(st.query_params) != want:
        st.query_params.from_dict(want)
