"""View state: one dict of stable codes (the view), read once from the URL, changed only by widget callbacks,
written back to the URL, so any view is a shareable link and nothing a viewer reads changes behind their back.

Widgets never hold the truth. A widget choosing among options has a key that carries the language
(``modes.zh``): Streamlit's frontend keeps such a widget's value as its *formatted labels*, so a widget whose
labels are translated in place loses its value on the next interaction. A language switch therefore makes new
ones, seeded from the view. A date, a text box or a switch keeps one key (its value is no label), so a
language switch only relabels it: the browser does not build it again. Two kinds of state are kept apart on
purpose: the counting definition (what the headline counts) and the display filters (what the map and table
show; they never change the headline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import streamlit as st

from ..boundaries import NEIGHBOURS
from ..catalog import EARLIEST, MODES
from ..counting import DEFAULT, INCLUDE, OPENED_RULES, PROVINCE_RULES, UNITS, Definition
from ..i18n import LANGS
from ..map import CENTER, TILES, ZOOM
from ..status import DISPLAY_STATUSES
from ..targets import DEFAULT_TARGET

VIEW = "_view"
LIST_KEYS = {"statuses": DISPLAY_STATUSES, "neighbours": tuple(NEIGHBOURS)}
# Definition switches: view field → (URL parameter, allowed values, default).
DEFINITION_KEYS = {
    "def_include": ("include", INCLUDE, DEFAULT.include),
    "def_unit": ("unit", UNITS, DEFAULT.unit),
    "def_provinces": ("provinces", PROVINCE_RULES, DEFAULT.provinces),
    "def_opened": ("opened", OPENED_RULES, DEFAULT.opened),
}
ZOOMS = range(4, 14)
TABS = ("over_time", "breakdown", "changes")  # the analysis below the headline, one tab open at a time


@dataclass(frozen=True)
class Filters:
    lang: str
    as_of: date
    definition: Definition
    modes: list[str]  # display only; every mode by default, none = no lines
    statuses: list[str]  # empty = all
    neighbours: list[str]  # adcodes; empty = all
    departments: list[str]
    query: str
    show_existing: bool


@dataclass(frozen=True)
class MapView:
    """What the map shows besides the data: its centre and zoom, online tiles, the project picked."""

    center: tuple[float, float]
    zoom: int
    tiles: str
    project: str | None


def _parse_date(value: str | None, lo: date, hi: date) -> date:
    try:
        d = date.fromisoformat(value) if value else hi
    except ValueError:
        d = hi
    return min(max(d, lo), hi)


def _parse_center(value: str | None) -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in (value or "").split(","))
    except ValueError:
        return CENTER
    return (lat, lon) if 15 <= lat <= 40 and 95 <= lon <= 125 else CENTER


def _parse_zoom(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) in ZOOMS else ZOOM


# The URL parameters of the counting definition: a link that names a target and none of these counts as the
# target's definition says.
DEFINITION_PARAMS = (*(p for p, _, _ in DEFINITION_KEYS.values()), "count_modes", "candidates")


def parse(q: dict[str, str], max_date: date, departments: list[str],
          targets: dict[str, Definition] | None = None) -> dict:
    """The view a query string asks for; values that are not allowed fall back to the defaults. targets: the
    targets the headline can show (id → its counting definition); an unknown one falls back to the plan's."""
    targets = targets or {}
    v: dict = {"lang": q.get("lang") if q.get("lang") in LANGS else "zh",
               "as_of": _parse_date(q.get("date"), EARLIEST, max_date)}
    for key, (param, allowed, default) in DEFINITION_KEYS.items():
        v[key] = q.get(param) if q.get(param) in allowed else default
    raw = q.get("count_modes")
    v["def_modes"] = [m for m in MODES if m in raw.split(",")] if raw else []
    v["def_modes"] = v["def_modes"] or list(DEFAULT.modes)
    v["def_candidates"] = q.get("candidates", "yes") != "no"
    v["target"] = q.get("target") if q.get("target") in targets else DEFAULT_TARGET
    if "target" in q and v["target"] in targets and not any(p in q for p in DEFINITION_PARAMS):
        v.update(definition_fields(targets[v["target"]]))
    raw = q.get("modes")
    v["modes"] = list(MODES) if raw is None else [m for m in MODES if m in raw.split(",")]
    if raw and not v["modes"]:  # nothing recognisable: show everything rather than an empty map
        v["modes"] = list(MODES)
    for key, allowed in LIST_KEYS.items():
        raw = q.get(key)
        v[key] = [x for x in raw.split(",") if x in allowed] if raw else []
    raw = q.get("departments")
    v["departments"] = [d for d in raw.split(",") if d in departments] if raw else []
    v["query"] = q.get("q", "")
    v["show_existing"] = q.get("existing", "yes") != "no"
    v["project"] = q.get("project") or None
    v["center"] = _parse_center(q.get("center"))
    v["zoom"] = _parse_zoom(q.get("zoom"))
    v["tiles"] = q.get("tiles") if q.get("tiles") in TILES else "none"
    v["tab"] = q.get("tab") if q.get("tab") in TABS else TABS[0]
    v["editing"] = q.get("edit") == "1"
    v["draft"] = parse_draft(q) if v["editing"] else {}
    return v


# The record form's fields, kept as text in the view (and the URL) while an editor types: a session lost
# with its worker comes back on another worker from the URL alone, and the form is filled again from it.
# Never a credential: the sign-in fields are not among them.
DRAFT_FIELDS = ("for", "section", "event", "status", "date", "precision", "supersedes", "title", "url", "note")
# Longest query string the drafts may add: HAProxy's default buffer holds a request line of about 15 KB, and a
# reload must still pass it. A field that does not fit stays in the page (this session) but not in the URL.
DRAFT_URL_BUDGET = 8000


def parse_draft(q: dict[str, str]) -> dict[str, str]:
    """The record form's draft from a query string (rec_for names the project it was typed for)."""
    draft = {f: q[f"rec_{f}"] for f in DRAFT_FIELDS if q.get(f"rec_{f}")}
    return draft if draft.get("for") else {}


def _draft_url(draft: dict[str, str]) -> dict[str, str]:
    out, used = {}, 0
    for field in DRAFT_FIELDS:
        value = draft.get(field, "")
        cost = len(quote(value, safe="")) + len(field) + 6
        if value and used + cost <= DRAFT_URL_BUDGET:
            out[f"rec_{field}"] = value
            used += cost
    return out if "rec_for" in out else {}


def init(max_date: date, departments: list[str], targets: dict[str, Definition] | None = None) -> None:
    """On a session's first run, the view from the query string; a link naming a project opens its details.
    targets: the targets the headline can show (id → counting definition)."""
    if VIEW not in st.session_state:
        st.session_state[VIEW] = parse(dict(st.query_params), max_date, departments, targets)
        st.session_state["_details_open"] = bool(st.session_state[VIEW]["project"])


def view() -> dict:
    return st.session_state[VIEW]


def set_view(**changes) -> None:
    """Change view fields from code (a map click, a table pick, a reset), not from a widget."""
    st.session_state[VIEW].update(changes)


# View fields whose widget keeps one key in both languages: the language itself, and those whose value is no
# label (a date, a text box, a switch). Every other field's widget chooses among translated options.
ONE_KEY = frozenset({"lang", "as_of", "query", "show_existing", "def_candidates"})


def widget(name: str) -> dict:
    """Keyword arguments binding a widget to view field `name`: its key (per language unless in ONE_KEY),
    seeded with the view's value, and an on_change that copies the new value back into the view."""
    v = st.session_state[VIEW]
    key = name if name in ONE_KEY else f"{name}.{v['lang']}"
    value = v[name]
    st.session_state[key] = list(value) if isinstance(value, list) else value
    return {"key": key, "on_change": _sync, "args": (name, key)}


def _sync(name: str, key: str) -> None:
    s, v = st.session_state, st.session_state[VIEW]
    value = s[key]
    if name == "tab" and value is None:  # clicking the open view again keeps it open
        return
    if name == "def_modes" and not value:  # emptying the counted modes keeps the last choice, and says so
        s["_modes_kept"] = True
        return
    v[name] = list(value) if isinstance(value, list) else value


def definition_fields(d: Definition) -> dict:
    """The view's definition fields holding a counting definition (the inverse of definition())."""
    return {"def_include": d.include, "def_unit": d.unit, "def_modes": list(d.modes), "def_provinces": d.provinces,
            "def_opened": d.opened, "def_candidates": bool(d.candidates)}


def pick_target(key: str, targets: dict[str, Definition]) -> None:
    """on_change of the target picker: the headline's target, and its counting definition, into the view (the
    definition's switches can still change it afterwards; the target's figure stays)."""
    target = st.session_state[key]
    if target in targets:
        st.session_state[VIEW].update(target=target, **definition_fields(targets[target]))


def definition(v: dict | None = None) -> Definition:
    """The counting definition the view holds."""
    v = st.session_state[VIEW] if v is None else v
    return Definition(include=v["def_include"], unit=v["def_unit"], modes=tuple(m for m in MODES if m in v["def_modes"]),
                      provinces=v["def_provinces"], opened=v["def_opened"], candidates=bool(v["def_candidates"]))


def current(v: dict | None = None) -> Filters:
    """The filters of the session's view (or of a view dict held from an earlier run: widget callbacks change
    that same dict, so it is current when read later, e.g. when a download is built)."""
    v = st.session_state[VIEW] if v is None else v
    return Filters(v["lang"], v["as_of"], definition(v), list(v["modes"]), list(v["statuses"]),
                   list(v["neighbours"]), list(v["departments"]), v["query"], bool(v["show_existing"]))


def map_view() -> MapView:
    v = st.session_state[VIEW]
    return MapView(tuple(v["center"]), int(v["zoom"]), v["tiles"], v["project"])


def url(v: dict) -> dict[str, str]:
    """The query string of a view (only what differs from the defaults, besides language and date)."""
    want = {"lang": v["lang"], "date": v["as_of"].isoformat()}
    # With a target other than the plan's, the definition is written in full: a link naming the target alone
    # would count under the target's definition (parse), which may not be the one shown.
    full = v.get("target", DEFAULT_TARGET) != DEFAULT_TARGET
    if full:
        want["target"] = v["target"]
    for key, (param, _, default) in DEFINITION_KEYS.items():
        if v[key] != default or full:
            want[param] = v[key]
    modes = [m for m in MODES if m in v["def_modes"]]
    if tuple(modes) != DEFAULT.modes or full:
        want["count_modes"] = ",".join(modes)
    if not v["def_candidates"] or full:
        want["candidates"] = "yes" if v["def_candidates"] else "no"
    if list(v["modes"]) != list(MODES):
        want["modes"] = ",".join(v["modes"])
    for key in ("statuses", "neighbours", "departments"):
        if v[key]:
            want[key] = ",".join(v[key])
    if v["query"]:
        want["q"] = v["query"]
    if not v["show_existing"]:
        want["existing"] = "no"
    if v["project"]:
        want["project"] = v["project"]
    if tuple(v["center"]) != CENTER or v["zoom"] != ZOOM:
        want["center"] = f"{v['center'][0]:.4f},{v['center'][1]:.4f}"
        want["zoom"] = str(v["zoom"])
    if v["tiles"] != "none":
        want["tiles"] = v["tiles"]
    if v["tab"] != TABS[0]:
        want["tab"] = v["tab"]
    if v.get("editing"):  # an editor signed in here: a new session on this link asks them to sign in again
        want["edit"] = "1"
        want.update(_draft_url(v.get("draft") or {}))
    return want


def write_url() -> None:
    """Mirror the view into the query string."""
    want = url(st.session_state[VIEW])
    if dict(st.query_params) != want:
        st.query_params.from_dict(want)
