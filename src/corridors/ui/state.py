"""View state: read once from the URL query string, kept in widget keys, written back to the URL, so any
view is a shareable link. Two kinds of state, kept apart on purpose: the counting definition (what the
headline counts) and the display filters (what the map and table show; they never change the headline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from ..boundaries import NEIGHBOURS
from ..catalog import EARLIEST, MODES
from ..counting import DEFAULT, INCLUDE, OPENED_RULES, PROVINCE_RULES, UNITS, Definition
from ..i18n import LANGS
from ..status import DISPLAY_STATUSES

LIST_KEYS = {"modes": MODES, "statuses": DISPLAY_STATUSES, "neighbours": tuple(NEIGHBOURS)}
# Definition switches: widget key → (URL parameter, allowed values, default).
DEFINITION_KEYS = {
    "def_include": ("include", INCLUDE, DEFAULT.include),
    "def_unit": ("unit", UNITS, DEFAULT.unit),
    "def_provinces": ("provinces", PROVINCE_RULES, DEFAULT.provinces),
    "def_opened": ("opened", OPENED_RULES, DEFAULT.opened),
}


@dataclass(frozen=True)
class Filters:
    lang: str
    as_of: date
    definition: Definition
    modes: list[str]  # display only; empty = all
    statuses: list[str]
    neighbours: list[str]  # adcodes
    departments: list[str]
    query: str
    show_existing: bool


def _parse_date(value: str | None, lo: date, hi: date) -> date:
    try:
        d = date.fromisoformat(value) if value else hi
    except ValueError:
        d = hi
    return min(max(d, lo), hi)


def init(max_date: date, departments: list[str]) -> None:
    """On a session's first run, seed the widget keys from the query string (invalid values are ignored)."""
    if st.session_state.get("_seeded"):
        return
    q = st.query_params
    st.session_state["lang"] = q.get("lang") if q.get("lang") in LANGS else "zh"
    st.session_state["as_of"] = _parse_date(q.get("date"), EARLIEST, max_date)
    for key, (param, allowed, default) in DEFINITION_KEYS.items():
        st.session_state[key] = q.get(param) if q.get(param) in allowed else default
    raw = q.get("count_modes")
    chosen = [m for m in raw.split(",") if m in MODES] if raw else []
    st.session_state["def_modes"] = chosen or list(DEFAULT.modes)
    st.session_state["def_candidates"] = q.get("candidates", "yes") != "no"
    for key, allowed in LIST_KEYS.items():
        raw = q.get(key)
        st.session_state[key] = [v for v in raw.split(",") if v in allowed] if raw else []
    raw = q.get("departments")
    st.session_state["departments"] = [d for d in raw.split(",") if d in departments] if raw else []
    st.session_state["query"] = q.get("q", "")
    st.session_state["show_existing"] = q.get("existing", "yes") != "no"
    st.session_state["project"] = q.get("project") or None
    st.session_state["_seeded"] = True


def keep_counted_modes() -> None:
    """on_change of the counted-modes box: emptying it keeps the last valid choice (and says so), so clearing
    the box never silently means "every mode"."""
    s = st.session_state
    if not s["def_modes"]:
        s["def_modes"] = list(s.get("_last_def_modes", DEFAULT.modes))
        s["_modes_kept"] = True


def definition() -> Definition:
    """The counting definition the switches hold."""
    s = st.session_state
    modes = tuple(m for m in MODES if m in s["def_modes"]) or tuple(s.get("_last_def_modes", DEFAULT.modes))
    s["_last_def_modes"] = modes
    return Definition(include=s["def_include"], unit=s["def_unit"], modes=modes, provinces=s["def_provinces"],
                      opened=s["def_opened"], candidates=bool(s["def_candidates"]))


def current() -> Filters:
    s = st.session_state
    return Filters(s["lang"], s["as_of"], definition(), list(s["modes"]), list(s["statuses"]),
                   list(s["neighbours"]), list(s["departments"]), s["query"], bool(s["show_existing"]))


def write_url(f: Filters, project: str | None) -> None:
    """Mirror the view into the query string (only what differs from the defaults)."""
    want = {"lang": f.lang, "date": f.as_of.isoformat()}
    d = f.definition
    for key, (param, _, default) in DEFINITION_KEYS.items():
        value = getattr(d, key.removeprefix("def_"))
        if value != default:
            want[param] = value
    if d.modes != DEFAULT.modes:
        want["count_modes"] = ",".join(d.modes)
    if not d.candidates:
        want["candidates"] = "no"
    for key in ("modes", "statuses", "neighbours", "departments"):
        values = getattr(f, key)
        if values:
            want[key] = ",".join(values)
    if f.query:
        want["q"] = f.query
    if not f.show_existing:
        want["existing"] = "no"
    if project:
        want["project"] = project
    if dict(st.query_params) != want:
        st.query_params.from_dict(want)
