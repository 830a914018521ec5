"""Everything the views need, assembled once from geodata/: catalog → gazetteer → geometry → traces.

Statuses depend on a date and corridor verdicts on a scope; both are cheap look-ups on what is built here.
A built dataset is kept in a cache folder under a key made of the geodata files' contents and the code's
version, so a command run after another one reads it instead of building it again; a cache entry that cannot
be read is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import analysis, boundaries, catalog, counting, gazetteer, geometry, plan, status
from .config import geodata_dir
from .errors import CorridorsError
from .store.schema import EVENT_FRAME  # declared with the store's columns: one place for a column

TABLES_KEPT = 16  # tables a dataset keeps (each is a few tens of kB)
_TABLES_LOCK = threading.Lock()


@dataclass(frozen=True)
class History:
    """What the status timelines were swept from and their rows per project, kept so that folding in events
    recomputes only the projects they touch; the evidence dated once for the tables' 'latest evidence'."""

    events: pd.DataFrame
    catalog: catalog.Catalog
    timeline_rows: dict[str, list[dict]]
    section_rows: dict[str, list[dict]]
    evidence: pd.DataFrame

    @classmethod
    def of(cls, cat: catalog.Catalog, events: pd.DataFrame, rows: dict[str, list[dict]],
           srows: dict[str, list[dict]]) -> History:
        return cls(events, cat, rows, srows, status.evidence(status.dated(events)))

    def holds(self, ds: Dataset) -> bool:
        """Whether this is the history of that dataset's very events and catalog (a dataset made by hand from
        another one's fields with other events or another catalog is not)."""
        return self.events is ds.events and self.catalog is ds.catalog


@dataclass(frozen=True)
class Dataset:
    catalog: catalog.Catalog
    boundaries: gpd.GeoDataFrame
    waypoints: pd.DataFrame
    lines: gpd.GeoDataFrame
    sections: gpd.GeoDataFrame
    traces: dict[str, analysis.Trace]
    plan_items: pd.DataFrame
    plan_date: date
    target: plan.Target
    events: pd.DataFrame
    timeline: pd.DataFrame
    section_timeline: pd.DataFrame
    fingerprint: str  # hash of every input: the geodata files and any recorded events
    geodata: Path = Path("geodata")  # the folder it was loaded from
    history: History | None = field(default=None, repr=False, compare=False)
    # What `corridors check` refuses in these files (found by checked(); some rules depend on the day, so
    # they are found again on another day), one line each naming file, row and field
    problems: tuple[str, ...] = field(default=(), compare=False)
    checked_on: date | None = field(default=None, compare=False)
    # the last few tables worked out, by (date, definition): a snapshot or a report asks for the same one
    # several times; a dataset made with replace() starts with none
    _tables: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def table(self, as_of: date, definition: counting.Definition = counting.DEFAULT) -> pd.DataFrame:
        """The project table on a date, with its evidence and the definition's verdicts (a copy the caller
        may change).

        status is the evidence status; where there is none, 'plan_stated' (the plan names it, nothing since)
        or 'no_record'. latest_evidence is the newest dated non-plan event; stale flags a status that is not
        completed and has had no new evidence for status.STALE_DAYS.
        """
        key = (as_of, definition)
        table = self._tables.get(key)
        if table is None:
            table = self._table(as_of, definition)
            with _TABLES_LOCK:  # sessions share a dataset, each in its own thread
                self._tables[key] = table
                while len(self._tables) > TABLES_KEPT:
                    self._tables.pop(next(iter(self._tables)))
        return table.copy()

    def _table(self, as_of: date, definition: counting.Definition) -> pd.DataFrame:
        st = status.status_on(self.timeline, list(self.catalog.projects.id), as_of)
        scope = "neighbours" if definition.provinces == "neighbours" else "pan-prd"
        t = analysis.project_table(self.catalog.projects, self.lines, self.traces, st, scope)
        latest = status.latest_evidence(self._evidence(), as_of)
        last_of, date_of = dict(zip(latest.index, latest["last"])), dict(zip(latest.index, latest["date"]))
        keys = [s or p for p, s in zip(t.id.tolist(), t.same_as.tolist())]
        last_day = [last_of.get(k) for k in keys]
        t["latest_evidence"] = [date_of.get(k) for k in keys]
        plan_on = as_of >= self.plan_date
        t["status"] = [s if isinstance(s, str) else ("plan_stated" if plan and plan_on else "no_record")
                       for s, plan in zip(t.status, t.in_plan)]
        # Dates shown to people keep their precision: '2014' stays '2014'.
        t["since"] = list(st.since)
        t["opened"] = [since if s == "completed" else None for s, since in zip(t.status, t.since)]
        t["stale"] = [s not in ("completed", "no_record") and (last is None or (as_of - last).days > status.STALE_DAYS)
                      for s, last in zip(t.status, last_day)]
        t["sections_status"] = self._sections_status(t, as_of)
        return counting.mark(t, definition)

    def _sections_status(self, t: pd.DataFrame, as_of: date) -> list[list[dict]]:
        """Per project with several line sections: each section's status on the date, with its names (a section
        with no evidence while another has some is status.NOT_FOUND); [] for a project of one section."""
        on = self.section_statuses(as_of)
        s = self.catalog.sections
        lines = s[s.role == "line"]
        per: dict[str, list[dict]] = {}
        for pid, sec, zh, en, prov in zip(lines.project_id, lines.section, lines.name_zh, lines.name_en,
                                          lines.province_zh):
            per.setdefault(pid, []).append({"section": sec, "name_zh": zh, "name_en": en, "province_zh": prov,
                                            "status": on.get((pid, sec))})
        return [per.get(pid, []) if len(per.get(pid, [])) > 1 else [] for pid in t.id]

    def _evidence(self) -> pd.DataFrame:
        """The events that can set a status, dated and in order (worked out once, by the history)."""
        h = self.history
        return h.evidence if h is not None and h.holds(self) else status.evidence(status.dated(self.events))

    def count(self, as_of: date, definition: counting.Definition = counting.DEFAULT) -> dict:
        """The count against the target on a date under a definition."""
        return counting.count(self.table(as_of, definition), definition, self.target.count)

    def count_series(self, definition: counting.Definition, end: date) -> pd.DataFrame:
        """Open corridors over time under a definition, from before the first opening to `end`, split into
        those open on the plan's date (the baseline) and those opened since."""
        t = self.table(end, definition)
        first = [d for d, c in zip(t.opened, t.corridor) if c and isinstance(d, date)]
        start = date(min([*(d.year for d in first), self.plan_date.year - 10]) - 1, 1, 1)
        s = counting.series(self.timeline, t, definition, start, end)
        base = counting.count(self.table(self.plan_date, definition), definition, 0)["completed"]
        after = [d >= self.plan_date for d in s.date]
        s["existing"] = [min(n, base) if a else n for n, a in zip(s.completed, after)]
        s["new"] = s.completed - s.existing
        return s

    def reached(self, definition: counting.Definition, end: date) -> counting.Reached | None:
        """When the count under a definition first reached the plan's target, on or before `end`, and which
        corridor made it (None if it had not by then)."""
        return counting.reached(self.timeline, self.table(end, definition), definition, self.target.count, end)

    def numbered(self, definition: counting.Definition, end: date) -> list[counting.Numbered]:
        """The corridors counted on `end`, numbered in the order they opened (see counting.numbered)."""
        return counting.numbered(self.timeline, self.table(end, definition), definition, end)

    def reconcile(self) -> pd.DataFrame:
        """Each reported total the product is compared with: the matching definition, the product's figure on
        that date under it (computed), the difference and whether it is within the stated tolerance; and the
        figure under each opening rule (hunan: Hunan's half reaches the border; both: both halves open), so
        that a reader sees what the other rule would give."""
        rows = []
        for r in self.catalog.totals[self.catalog.totals.reconcile == "yes"].itertuples():
            d = reported_definition(r)
            _, last = catalog.parse_date(r.as_of, r.as_of_precision)
            by_rule = {rule: self.count(last, replace(d, opened=rule))["completed"] for rule in counting.OPENED_RULES}
            ours = by_rule[d.opened]
            rows.append({"id": r.id, "as_of": r.as_of, "reported": int(r.figure), "computed": ours,
                         "difference": ours - int(r.figure), "tolerance": int(r.tolerance or 0),
                         "agrees": abs(ours - int(r.figure)) <= int(r.tolerance or 0), "rule": d.opened,
                         "hunan": by_rule["hunan"], "both": by_rule["both"],
                         "definition": d.as_dict(), "source_id": r.source_id, "quote": r.quote, "note": r.note})
        return pd.DataFrame(rows, columns=["id", "as_of", "reported", "computed", "difference", "tolerance", "agrees",
                                           "rule", "hunan", "both", "definition", "source_id", "quote", "note"])

    def with_events(self, extra: pd.DataFrame) -> Dataset:
        """The same dataset with more events (e.g. recorded in the progress store) folded into the history.

        Only the projects the new events touch (their own, those that are the same line, and those whose event
        a correction among them supersedes) have their timelines recomputed; the result equals a full rebuild.
        """
        extra = extra.assign(confirmed_by=extra.get("confirmed_by", ""))
        events = pd.concat([self.events, extra[EVENT_FRAME]], ignore_index=True)
        projects, sections = self.catalog.projects, self.catalog.sections
        h = self.history
        if h is None or not h.holds(self):
            rows = status.timeline_rows(projects, sections, events)
            srows = status.section_rows(sections, events)
        else:
            named = status.superseded(extra)
            touched = set(extra.project_id) | set(events.project_id[events.event_id.isin(named)])
            rows = {**h.timeline_rows, **status.timeline_rows(projects, sections, events, only=touched)}
            srows = {**h.section_rows, **status.section_rows(sections, events, only=touched)}
        recorded = extra[EVENT_FRAME].sort_values("event_id").to_csv(index=False).encode("utf-8")
        fp = hashlib.sha256(self.fingerprint.encode() + recorded).hexdigest()
        return replace(self, events=events, timeline=status.frame(rows, status.TIMELINE_COLUMNS),
                       section_timeline=status.frame(srows, status.SECTION_TIMELINE_COLUMNS), fingerprint=fp,
                       history=History.of(self.catalog, events, rows, srows))

    def with_alignments(self, current: pd.DataFrame) -> Dataset:
        """The same dataset with imported alignments (store.current_alignments) in place of the schematic lines:
        sections, lines, lengths, precision and traces recomputed for the projects they touch (alignments.fold)."""
        from .alignments import fold

        return fold(self, current)

    def section_statuses(self, as_of: date) -> dict[tuple[str, str], str]:
        """(project, section) → status on a date. A line section with no evidence of its own, of a project that
        has evidence for another section on that date, is status.NOT_FOUND: drawn and labelled 未查到, never
        given the project's status."""
        on = status.sections_on(self.section_timeline, as_of)
        recorded = {pid for pid, _ in on}
        s = self.catalog.sections
        lines = s[(s.role == "line") & s.project_id.isin(recorded)]
        for key in zip(lines.project_id, lines.section):
            on.setdefault(key, status.NOT_FOUND)
        return on

    def section_names(self, lang: str) -> dict[tuple[str, str], str]:
        """(project, section) → the section's name in a language."""
        s = self.catalog.sections
        return dict(zip(zip(s.project_id, s.section), s.name_zh if lang == "zh" else s.name_en))


def reported_definition(row) -> counting.Definition:
    """The counting definition that matches what a reported total counts (reported_totals.csv)."""
    modes = {"highway": ("highway",), "rail": ("rail",), "all": ("rail", "highway", "waterway")}[row.mode]
    return counting.Definition(include="all", unit="route" if row.unit == "route" else "crossing", modes=modes,
                               provinces="neighbours" if row.provinces in ("neighbours", "unknown") else "pan-prd",
                               opened="hunan" if row.stub_rule == "hunan" else "both")


def shipped_events(cat: catalog.Catalog, plan_date: date) -> pd.DataFrame:
    """The plan's statements and the researched milestones, each with a stable id and its source inline."""
    plan_ev = status.plan_events(cat.projects, plan_date).assign(origin="plan")
    research = cat.events.drop(columns="row").assign(origin="geodata")
    ev = pd.concat([plan_ev, research], ignore_index=True)
    key = ev.project_id + "|" + ev.section + "|" + ev.event + "|" + ev.date + "|" + ev.source_id + "|" + ev.status
    ev["event_id"] = "g-" + key.map(lambda k: hashlib.sha1(k.encode("utf-8")).hexdigest()[:10])
    src = cat.sources.set_index("id")
    ev["source_title"] = ev.source_id.map(src.title).fillna("")
    ev["source_url"] = ev.source_id.map(src.url).fillna("")
    for c in ("supersedes", "recorded_by", "recorded_at"):
        ev[c] = ""
    return ev[EVENT_FRAME]


def load(geodata: Path | None = None, *, today: date | None = None, cache: bool = True,
         gate: bool = False) -> Dataset:
    """Load and validate every shipped file and build lines, traces and the status timeline.

    With cache (the default) a dataset built before from the same files by the same code is read from the
    cache folder (cache_dir) instead. A load for another day than today (`today`) neither reads nor writes it:
    the check that no event lies in the future depends on the day. With gate, files that `corridors check`
    refuses are refused (refuse_problems); the check's result is kept in the cache with the dataset, so a warm
    load does not run it again (until the next day).
    """
    geodata = Path(geodata or geodata_dir())
    folder = cache_dir() if cache and today is None else None
    if folder is None:
        ds = build(geodata, today=today)
        return refuse_problems(ds) if gate else ds
    fp = fingerprint(geodata)
    path = folder / f"dataset-{hashlib.sha256((fp + code_version()).encode()).hexdigest()[:40]}.pickle"
    cached = _read_cached(path, fp)
    ds = replace(cached or build(geodata, fp=fp), geodata=geodata)
    if cached is None or (gate and ds.checked_on != date.today()):
        ds = checked(ds) if gate else ds
        _write_cached(path, ds)
    return refuse_problems(ds) if gate else ds


def build(geodata: Path, *, today: date | None = None, fp: str | None = None) -> Dataset:
    """Build the dataset from the files (no cache); fp: the geodata fingerprint when already known."""
    cat = catalog.load_catalog(geodata, today=today)
    text = plan.read_plan(geodata / "plan" / "hunan-pprd-2016.txt")
    items = plan.plan_items(text)
    bnd = boundaries.load_boundaries(geodata / "boundaries.geojson")
    seats = gazetteer.load_seats(geodata / "seats.csv")
    places = gazetteer.load_places(geodata / "places.csv", set(cat.sources.id))
    gaz = gazetteer.Gazetteer(seats, places)
    resolved = gazetteer.resolve_waypoints(cat.waypoints, gaz)
    lines, sections = geometry.project_lines(cat.projects, resolved)
    tracer = analysis.Tracer(boundaries.provinces(bnd))
    traces = {pid: tracer.trace(g) for pid, g in zip(lines.project_id, lines.geometry)}
    plan_date = plan.published(text)
    events = shipped_events(cat, plan_date)
    rows = status.timeline_rows(cat.projects, cat.sections, events)
    srows = status.section_rows(cat.sections, events)
    return Dataset(cat, bnd, resolved, lines, sections, traces, items, plan_date, plan.target(text), events,
                   status.frame(rows, status.TIMELINE_COLUMNS), status.frame(srows, status.SECTION_TIMELINE_COLUMNS),
                   fp or fingerprint(geodata), geodata, History.of(cat, events, rows, srows))


class GeodataRefused(CorridorsError):
    """The shipped files break a rule `corridors check` enforces; nothing was counted, drawn or written."""

    def __init__(self, geodata: Path, problems: tuple[str, ...]) -> None:
        self.geodata, self.problems = geodata, problems
        more = (f" (and {len(problems) - 1} more problem(s); `corridors check` lists them all)"
                if len(problems) > 1 else "")
        super().__init__(f"{geodata / problems[0]}{more}; nothing was counted or written")


def geodata_problems(ds: Dataset) -> tuple[str, ...]:
    """Every problem `corridors check` finds in the shipped files of a dataset as load() gives it (no store
    events or alignments folded in): the catalog against the plan and each data rule (rules.check)."""
    from . import rules

    found = [f"projects.csv: {p}" for p in plan.coverage_problems(ds.plan_items, ds.catalog.projects)]
    return tuple(found + [" ".join(str(e).split()) for e in rules.check(ds) if e.file != "progress store"])


def checked(ds: Dataset) -> Dataset:
    """The dataset with today's check of its files (geodata_problems) recorded in it."""
    return replace(ds, problems=geodata_problems(ds), checked_on=date.today())


def refuse_problems(ds: Dataset) -> Dataset:
    """The dataset itself when its files pass `corridors check`; else GeodataRefused, one line naming the first
    problem's file, row and field. Every command and view that reads geodata goes through this gate."""
    if ds.checked_on != date.today():
        ds = checked(ds)
    if ds.problems:
        raise GeodataRefused(ds.geodata, ds.problems)
    return ds


def fingerprint(geodata: Path) -> str:
    """SHA-256 over every file in geodata/ (relative path and bytes), in a fixed order."""
    h = hashlib.sha256()
    for path in sorted(p for p in geodata.rglob("*") if p.is_file() and not p.name.startswith(".")):
        h.update(path.relative_to(geodata).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


# Built datasets kept in the cache folder; older entries beyond this many are removed.
CACHE_ENTRIES = 8
# Libraries whose objects the cache holds: a new version of any of them makes a new entry.
CACHED_LIBRARIES = ("pandas", "geopandas", "shapely", "pyproj", "numpy")


def cache_dir() -> Path | None:
    """Where built datasets are kept: $CORRIDORS_CACHE_DIR (empty: no cache), else the user's cache folder
    (platformdirs' when installed, else $XDG_CACHE_HOME or ~/.cache) /corridors."""
    env = os.environ.get("CORRIDORS_CACHE_DIR")
    if env is not None:
        return Path(env) if env.strip() else None
    try:
        import platformdirs
    except ImportError:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "corridors"
    return Path(platformdirs.user_cache_dir("corridors"))


def code_version() -> str:
    """The version of everything that shapes a built dataset: this package's source files and version, Python's
    and the libraries' versions (a pickle is only read back by the code that wrote it)."""
    h = hashlib.sha256(sys.version.encode())
    for dist in ("corridors", *CACHED_LIBRARIES):
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=;".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return h.hexdigest()


def _read_cached(path: Path, fp: str) -> Dataset | None:
    """The cached dataset, or None when there is none or it cannot be read back whole (it is then rebuilt)."""
    try:
        with path.open("rb") as fh:
            ds = pickle.load(fh)
    except Exception:  # missing, truncated, corrupt or written by other code: never an error, only a rebuild
        return None
    return ds if isinstance(ds, Dataset) and ds.fingerprint == fp else None


def _write_cached(path: Path, ds: Dataset) -> None:
    """Keep a built dataset for the next load; a cache folder that cannot be written is skipped silently."""
    from .files import write_atomic

    try:
        write_atomic(path, pickle.dumps(ds, protocol=pickle.HIGHEST_PROTOCOL))
        entries = sorted(path.parent.glob("dataset-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[CACHE_ENTRIES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
