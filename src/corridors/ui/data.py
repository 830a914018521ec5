"""Cached access to the dataset, the progress store and what is derived from them; the only place
caching happens. Results are keyed by the store's version, so an event recorded by anyone (any
dashboard instance on the same database) shows on the next rerun."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

import geopandas as gpd
import pandas as pd
import streamlit as st

from .. import alignments as alignment
from .. import analysis, auth, counting, dataset, gazetteer, hydro, targets
from .. import map as mapview
from .. import store as store_module
from .. import stubs as stubs_module
from ..catalog import MODES
from ..errors import StoreError
from ..store import Store, explicit, not_created, orphans, store_url

_log = logging.getLogger("corridors.store")


@st.cache_resource(show_spinner="载入数据 Loading data…")
def base() -> dataset.Dataset:
    """The shipped dataset, built (or read from the disk cache) once per process and kept out of the cyclic
    collector's reach at once (see settle_heap): it is most of the heap, and collecting while it is built
    (every object alive) only walks it again and again. Files that `corridors check` refuses are refused
    (dataset.GeodataRefused, not cached: the page says so, and the next run tries again)."""
    gc.disable()
    try:
        ds = dataset.load(gate=True)
    finally:
        gc.enable()
    gc.freeze()
    return ds


def configured_editors() -> dict[str, str]:
    try:
        secret = st.secrets.get("editors", {})
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError is one)
        secret = {}
    try:
        return auth.editors(secrets=secret)
    except auth.ConfigError as exc:  # a broken setting disables editing, never viewing
        _log.error("%s; editing is off", exc)
        return {}


@dataclass(frozen=True)
class Progress:
    """The progress store as this page sees it: the store (None when there is none to read or it cannot be
    reached), the version of its content shown, the line saying why it could not be read, its rows that were
    skipped, and, when the store is unreachable but was read before by this process, when that was (the page
    keeps showing that version rather than dropping to the shipped data)."""

    store: Store | None = None
    version: tuple = ("", 0, 0, 0, 0)  # (url, events, last event id, alignments, last alignment id)
    error: str | None = None
    problems: tuple[str, ...] = ()
    orphans: tuple[str, ...] = ()
    kept_from: datetime | None = None


@st.cache_resource(show_spinner=False)
def _last_read() -> dict[str, tuple[tuple, datetime]]:
    """Per store URL, the last version this process read and when: what a store fault falls back to."""
    return {}


def progress(writable: bool) -> Progress:
    """The store at $CORRIDORS_STORE_URL (default: a SQLite file in the working directory), opened
    read-only unless an editor may write; never raises. When the store cannot be read (PostgreSQL restarting,
    a network fault) the page keeps the version it last read, saying so and since when, so the headline does
    not change behind the viewer's back; the next rerun after the store is back reads it again. Only a process
    that never read the store falls back to the shipped data (and says that)."""
    url = store_url()
    if not writable and not_created(url) and not explicit():
        return Progress()
    try:
        s = _open_store(url, writable)
        version = (s.url, *s.version(), *s.alignments_version())
        rec = recorded(version)
    except StoreError as exc:
        _log.warning("%s", exc)
        last = _last_read().get(url)
        if last:
            try:
                load(last[0])  # cached unless evicted; an evicted version needs the store, so it cannot be kept
                rec = recorded(last[0])
                return Progress(None, last[0], str(exc), rec.problems, rec.orphans, kept_from=last[1])
            except StoreError:
                pass
        return Progress(error=str(exc))
    _last_read()[url] = (version, datetime.now())
    return Progress(s, version, None, rec.problems, tuple(rec.orphans))


@st.cache_resource(show_spinner=False)
def _open_store(url: str, writable: bool) -> Store:
    return Store(url, read_only=not writable)


@dataclass(frozen=True)
class _Read:
    events: pd.DataFrame
    problems: tuple[str, ...]
    orphans: tuple[str, ...]


@st.cache_resource(show_spinner=False, max_entries=8)
def recorded(version: tuple) -> _Read:
    """The store's events for one version, without the rows that break the rules or whose project or
    section is not in the geodata (both listed)."""
    url, count = version[0], version[1]
    if not url or not count:
        return _Read(pd.DataFrame(columns=dataset.EVENT_FRAME), (), ())
    ds = base()
    rec = _open_store(url, False).read(shipped=ds.events)
    kept, lost = orphans(rec.events, ds.catalog.projects, ds.catalog.sections)
    return _Read(kept, rec.problems, tuple(lost))


@st.cache_resource(show_spinner=False, max_entries=8)
def schematic(version: tuple = ("", 0, 0, 0, 0)) -> dataset.Dataset:
    """The dataset with the store's events folded in and the shipped (schematic) lines: what an import is
    checked against."""
    url, count = version[0], version[1]
    return base().with_events(recorded(version).events) if url and count else base()


@st.cache_resource(show_spinner=False, max_entries=8)
def load(version: tuple = ("", 0, 0, 0, 0)) -> dataset.Dataset:
    """The dataset with the store's events and imported alignments folded in, for one store version."""
    ds = schematic(version)
    lines = alignments(version)
    return ds.with_alignments(lines) if len(lines) else ds


@st.cache_resource(show_spinner=False, max_entries=8)
def alignment_rows(version: tuple) -> pd.DataFrame:
    """Every stored alignment row that follows the rules, for one store version (none without a store): what
    the editors' line history shows, read once per version rather than on every rerun of the dialog."""
    url = version[0]
    if not url or len(version) < 5 or not version[3]:
        return pd.DataFrame(columns=store_module.ALIGNMENT_COLUMNS)
    return _open_store(url, False).alignments()


@st.cache_resource(show_spinner=False, max_entries=8)
def alignments(version: tuple) -> pd.DataFrame:
    """The current imported alignment of each (project, section) for one store version (none without a
    store); versions whose project or section left the geodata are dropped."""
    ds = base()
    current = store_module.current_alignments(alignment_rows(version))
    kept, _ = alignment.orphans(current, ds.catalog.projects, ds.catalog.sections)
    return kept


@st.cache_resource(show_spinner=False)
def settle_heap() -> bool:
    """Once per process, after its first whole page: what is in memory then (the dataset, boundaries, the
    base map, Streamlit's own modules) is moved out of the cyclic garbage collector's reach (gc.freeze), as
    it lives as long as the process. A full collection otherwise walks that whole heap: 120–180 ms measured
    here, landing at random inside some viewer's rerun. Later objects are collected as usual."""
    gc.collect()
    gc.freeze()
    return True


@st.cache_resource(show_spinner=False)
def display_boundaries() -> gpd.GeoDataFrame:
    return mapview.display_boundaries(base().boundaries)


@st.cache_resource(show_spinner=False)
def seats() -> pd.DataFrame:
    """The shipped county and prefecture seats: the map's place labels."""
    return gazetteer.load_seats(base().geodata / "seats.csv")


@st.cache_resource(show_spinner=False)
def rivers() -> gpd.GeoDataFrame:
    """The shipped major rivers and 洞庭湖: the map's water layer."""
    return hydro.load_rivers(base().geodata / "rivers.geojson")


@st.cache_resource(show_spinner=False)
def place_labels() -> list[dict]:
    """The map's place names (both languages), made once per process rather than on every rerun."""
    return mapview.place_labels(display_boundaries(), seats(), rivers())


@st.cache_resource(show_spinner=False)
def rivers_geojson() -> str:
    return mapview.rivers_geojson(rivers())


@st.cache_resource(show_spinner=False, max_entries=8)
def section_paths(version: tuple = ("", 0, 0, 0, 0)) -> dict:
    """The map's coordinates of every section, imported lines simplified for display (exports keep them whole)."""
    return mapview.section_paths(alignment.display_sections(load(version).sections))


@st.cache_resource(show_spinner=False, max_entries=8)
def line_geometry(version: tuple = ("", 0, 0, 0, 0)) -> mapview.LineGeometry:
    """The lines and crossings the dashboard's map holds on every date, under every definition (they change
    neither the rows nor their routes) and in both languages."""
    return mapview.line_geometry(table(date.today(), counting.DEFAULT, version), section_paths(version))


@st.cache_resource(show_spinner=False)
def boundaries_geojson() -> str:
    return mapview.boundaries_geojson(display_boundaries())


@st.cache_resource(show_spinner=False)
def base_data() -> str:
    """The base map's boundaries, rivers and labels as one JSON text, for the map to fetch."""
    return mapview.base_data(boundaries_geojson(), rivers_geojson(), place_labels())


@st.cache_data(show_spinner=False, max_entries=256)
def table(as_of: date, definition: counting.Definition = counting.DEFAULT,
          version: tuple = ("", 0, 0, 0, 0)) -> pd.DataFrame:
    return load(version).table(as_of, definition)


@st.cache_data(show_spinner=False, max_entries=512)
def count(as_of: date, definition: counting.Definition = counting.DEFAULT,
          version: tuple = ("", 0, 0, 0, 0)) -> dict:
    return load(version).count(as_of, definition)


@st.cache_data(show_spinner=False, max_entries=256)
def reached(as_of: date, definition: counting.Definition = counting.DEFAULT,
            version: tuple = ("", 0, 0, 0, 0), figure: int | None = None) -> counting.Reached | None:
    """When the count under the definition reached the target (the plan's, or `figure`), on or before as_of, and
    which corridor made it."""
    ds = load(version)
    if figure is None:
        return ds.reached(definition, as_of)
    return counting.reached(ds.timeline, ds.table(as_of, definition), definition, figure, as_of)


@dataclass(frozen=True)
class Headline:
    """A target the headline can show (targets.csv, mapped to a counting definition and with a figure)."""

    id: str
    name_zh: str
    name_en: str
    figure: int
    deadline: date | None
    clause: str
    document: str
    definition: counting.Definition


@st.cache_resource(show_spinner=False, max_entries=8)
def headline_targets(version: tuple = ("", 0, 0, 0, 0)) -> dict[str, Headline]:
    """The targets the headline can show, in file order (id → Headline); their definitions' modes in the page's
    order of modes, as the view holds them."""
    ds = load(version)
    out: dict[str, Headline] = {}
    for r in (ds.catalog.targets.itertuples() if ds.catalog.targets is not None else ()):
        d = targets.definition(r)
        if d is None or str(r.figure).strip() in ("", "nan", "None"):
            continue
        d = replace(d, modes=tuple(m for m in MODES if m in d.modes))
        out[r.id] = Headline(r.id, r.name_zh, r.name_en, int(r.figure), targets.deadline(r), r.clause, r.document, d)
    return out


@st.cache_data(show_spinner=False, max_entries=16)
def assessed(today: date, version: tuple = ("", 0, 0, 0, 0)) -> list[dict]:
    """Every target against the count (targets.assess, as `corridors targets` gives it)."""
    return targets.assess(load(version), today)


@st.cache_data(show_spinner=False, max_entries=64)
def stubs(as_of: date, version: tuple = ("", 0, 0, 0, 0)) -> pd.DataFrame:
    """The 断头路 on the date (stubs.stubs, as `corridors stubs` gives them)."""
    return stubs_module.stubs(load(version), as_of)


@st.cache_resource(show_spinner=False, max_entries=64)
def section_statuses(as_of: date, version: tuple = ("", 0, 0, 0, 0)) -> dict[tuple[str, str], str]:
    """Each line section's status on the date (Dataset.section_statuses), made once per date: every map
    update reads it. Shared, not copied: callers only read it."""
    return load(version).section_statuses(as_of)


@st.cache_resource(show_spinner=False, max_entries=8)
def section_names(lang: str, version: tuple = ("", 0, 0, 0, 0)) -> dict[tuple[str, str], str]:
    """Each section's name in a language (Dataset.section_names), made once per language. Shared: read only."""
    return load(version).section_names(lang)


@st.cache_resource(show_spinner=False, max_entries=64)
def stub_markers(as_of: date, definition: counting.Definition = counting.DEFAULT,
                 version: tuple = ("", 0, 0, 0, 0), lang: str = "zh") -> list[list]:
    """The 断头路 markers on the date (map.stub_markers), made once per date, definition and language: a
    map update only reads them, and making them needs the day's whole table (a copy out of its cache)."""
    return mapview.stub_markers(stubs(as_of, version), table(as_of, definition, version), lang)


@st.cache_data(show_spinner=False, max_entries=256)
def numbered(as_of: date, definition: counting.Definition = counting.DEFAULT,
             version: tuple = ("", 0, 0, 0, 0)) -> list[counting.Numbered]:
    """The counted corridors on the date, numbered in the order they opened (the map's numbers)."""
    return load(version).numbered(definition, as_of)


@st.cache_data(show_spinner=False, max_entries=256)
def status_changes(start: date, as_of: date, definition: counting.Definition = counting.DEFAULT,
                   version: tuple = ("", 0, 0, 0, 0)) -> pd.DataFrame:
    """Projects whose status differs between two dates: the same for every viewer of one store version."""
    return analysis.status_changes(table(start, definition, version), table(as_of, definition, version))


@st.cache_data(show_spinner=False, max_entries=64)
def series(definition: counting.Definition, end: date, version: tuple = ("", 0, 0, 0, 0)) -> pd.DataFrame:
    return load(version).count_series(definition, end)


@st.cache_data(show_spinner=False, max_entries=8)
def reconciliation(version: tuple = ("", 0, 0, 0, 0)) -> pd.DataFrame:
    return load(version).reconcile()
