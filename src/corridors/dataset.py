"""Everything the views need, assembled once from geodata/: catalog → gazetteer → geometry → traces.

Statuses depend on a date and corridor verdicts on a scope; both are cheap look-ups on what is built here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import analysis, boundaries, catalog, gazetteer, geometry, plan, status
from .config import geodata_dir


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

    def table(self, as_of: date, scope: str = "pan-prd") -> pd.DataFrame:
        """The project table on a date, with corridor verdicts for a scope."""
        st = status.status_on(self.timeline, list(self.catalog.projects.id), as_of)
        return analysis.project_table(self.catalog.projects, self.lines, self.traces, st, scope)

    def with_events(self, extra: pd.DataFrame) -> Dataset:
        """The same dataset with more events (e.g. recorded in the progress store) folded into the history."""
        events = pd.concat([self.events, extra[EVENT_FRAME]], ignore_index=True)
        tl = status.timeline(self.catalog.projects, self.catalog.sections, events)
        stl = status.section_timeline(self.catalog.sections, events)
        recorded = extra[EVENT_FRAME].sort_values("event_id").to_csv(index=False).encode("utf-8")
        fp = hashlib.sha256(self.fingerprint.encode() + recorded).hexdigest()
        return Dataset(**{**self.__dict__, "events": events, "timeline": tl, "section_timeline": stl,
                          "fingerprint": fp})

    def section_statuses(self, as_of: date) -> dict[tuple[str, str], str]:
        """(project, section) → status on a date."""
        return status.sections_on(self.section_timeline, as_of)

    def section_names(self, lang: str) -> dict[tuple[str, str], str]:
        """(project, section) → the section's name in a language."""
        s = self.catalog.sections
        return dict(zip(zip(s.project_id, s.section), s.name_zh if lang == "zh" else s.name_en))


EVENT_FRAME = ["event_id", "project_id", "section", "event", "status", "date", "date_precision", "source_id",
               "source_title", "source_url", "note", "supersedes", "recorded_by", "recorded_at", "origin"]


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


def load(geodata: Path | None = None, *, today: date | None = None) -> Dataset:
    """Load and validate every shipped file and build lines, traces and the status timeline."""
    geodata = geodata or geodata_dir()
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
    traces = {r.project_id: tracer.trace(r.geometry) for r in lines.itertuples()}
    plan_date = plan.published(text)
    events = shipped_events(cat, plan_date)
    tl = status.timeline(cat.projects, cat.sections, events)
    stl = status.section_timeline(cat.sections, events)
    return Dataset(cat, bnd, resolved, lines, sections, traces, items, plan_date, plan.target(text), events, tl, stl,
                   fingerprint(geodata))


def fingerprint(geodata: Path) -> str:
    """SHA-256 over every file in geodata/ (relative path and bytes), in a fixed order."""
    h = hashlib.sha256()
    for path in sorted(p for p in geodata.rglob("*") if p.is_file() and not p.name.startswith(".")):
        h.update(path.relative_to(geodata).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()
