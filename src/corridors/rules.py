"""The data rules a schema cannot state, run by `corridors check` over the loaded dataset.

geodata/datapackage.json already fixes types, enums, required fields and keys. What is left needs several
tables or the geometry: evidence (a cited id exists, an event is not dated after the page that reports it),
chronology (no backwards step, no opening before its start or approval, no open whole while a half is not),
names (current place names), places (a point lies in its stated province), duplicates (one physical
crossing listed twice) and both halves (a crossing that counts once Hunan's half is open has, for its other
half, an opening or a record that it was searched for). Each problem is a DataError naming the file, row and
field.
"""

from __future__ import annotations

import re
from datetime import date

import geopandas as gpd
import pandas as pd

from .boundaries import PROVINCE_BY_NAME
from .catalog import WHOLE_PROJECT, parse_date
from .chronology import OPENING, opened_too_early, steps_back
from .errors import DataError
from .geometry import METRIC_CRS
from .status import HUNAN_ZH

# A source id as notes cite them: a lower-case prefix (letters, then digits, e.g. "hw", "x26") and a number.
CITED = re.compile(r"\b([a-z]{1,3}\d{0,2}-\d{2,3})\b")
# How far a waypoint may lie outside its stated province (border points, simplified boundaries).
PROVINCE_TOLERANCE_KM = 3.0
# Two crossings of the same route into the same neighbour closer than this are one crossing listed twice.
DUPLICATE_KM = 10.0
NOTES = {"projects.csv": ("projects", ["name_note", "route_note"]), "events.csv": ("events", ["note"]),
         "waypoints.csv": ("waypoints", ["note"]), "gaps.csv": ("gaps", ["note"])}


def _precision(value: str) -> str:
    return {4: "year", 7: "month", 10: "day"}.get(len(value), "day")


def cited_ids(catalog) -> list[DataError]:
    """Every source id a note cites (e.g. '(hw-05)') is defined in sources.csv."""
    known = set(catalog.sources.id)
    out = []
    for file, (table, cols) in NOTES.items():
        frame = getattr(catalog, table)
        for r in frame.itertuples():
            for col in cols:
                for sid in CITED.findall(getattr(r, col)):
                    if sid not in known:
                        out.append(DataError("cites a source id that sources.csv does not define", file=file,
                                             row=r.row, field=col, value=sid))
    return out


def shared_urls(catalog) -> list[DataError]:
    """One address, one source id: a page cited under two ids can be dated or classed two ways."""
    first: dict[str, str] = {}
    out = []
    for r in catalog.sources.itertuples():
        url = r.url.strip()
        if url in first:
            out.append(DataError(f"cites the same address as source {first[url]}: merge them into one id",
                                 file="sources.csv", row=r.row, field="url", value=r.id))
        else:
            first[url] = r.id
    return out


def dated_after_source(catalog) -> list[DataError]:
    """An event cannot be dated after the publication of the page that reports it, unless it is a forecast."""
    published = {}
    for r in catalog.sources.itertuples():
        if r.published:
            published[r.id] = parse_date(r.published, _precision(r.published))[1]
    out = []
    for r in catalog.events.itertuples():
        if r.event == "forecast" or r.source_id not in published:
            continue
        first, _ = parse_date(r.date, r.date_precision)
        if first > published[r.source_id]:
            out.append(DataError(f"dated after its source was published ({published[r.source_id]}): a page "
                                 "cannot report what had not happened; record it as a forecast or cite the report",
                                 file="events.csv", row=r.row, field="date", value=r.date))
    return out


def backwards_steps(catalog) -> list[DataError]:
    """Evidence of a section (or the whole project) never goes back (e.g. an approval after works began)
    without an explicit suspension, cancellation, resumption or correction."""
    ev = catalog.events
    if ev.empty:
        return []
    ev = ev.assign(last=[parse_date(d, p)[1] for d, p in zip(ev.date, ev.date_precision)])
    out = []
    # Per section as recorded: a whole-project study after one section began is not a step back of that
    # section, but an approval of the whole after works on the whole began is.
    for (pid, sec), g in ev.groupby(["project_id", "section"]):
        rows = list(g.sort_values("last", kind="stable").itertuples())
        for i in steps_back((r.event, r.status) for r in rows):
            r = rows[i]
            out.append(DataError(f"steps {pid}/{sec} back to '{r.status}' after a later stage without a "
                                 "suspension or correction", file="events.csv", row=r.row, field="event",
                                 value=r.event))
    return out


def whole_open_before_a_half(catalog) -> list[DataError]:
    """A whole project marked open (section 'all') while one of its halves opened only later."""
    ev = catalog.events
    out = []
    done = ev[ev.event.isin(OPENING)]
    for r in done[done.section == WHOLE_PROJECT].itertuples():
        _, whole = parse_date(r.date, r.date_precision)
        halves = done[(done.project_id == r.project_id) & (done.section != WHOLE_PROJECT)]
        for h in halves.itertuples():
            first, _ = parse_date(h.date, h.date_precision)
            if first > whole:
                out.append(DataError(f"marks {r.project_id} open while its section '{h.section}' opened only on "
                                     f"{h.date}", file="events.csv", row=r.row, field="date", value=r.date))
    return out


def outdated_names(catalog, seats: pd.DataFrame) -> list[DataError]:
    """A waypoint names a seat by its 2016 name where the gazetteer knows the current one."""
    from .gazetteer import current_names

    renamed = current_names(seats)
    out = []
    for r in catalog.waypoints.itertuples():
        for field in ("place_zh", "county_zh"):
            v = getattr(r, field)
            if v in renamed:
                out.append(DataError(f"outdated name: use the current name '{renamed[v]}'", file="waypoints.csv",
                                     row=r.row, field=field, value=v))
    return out


def outside_province(resolved: pd.DataFrame, provinces) -> list[DataError]:
    """Every waypoint lies in the province it states (within PROVINCE_TOLERANCE_KM of its border)."""
    metric = provinces.to_crs(METRIC_CRS).set_index("adcode").geometry
    pts = gpd.GeoSeries(gpd.points_from_xy(resolved.lon, resolved.lat), crs="EPSG:4326").to_crs(METRIC_CRS)
    out = []
    for r, p in zip(resolved.itertuples(), pts):
        prov = PROVINCE_BY_NAME.get(r.province_zh)
        if prov is None or prov.adcode not in metric.index:
            continue
        d = metric[prov.adcode].distance(p) / 1000.0
        if d > PROVINCE_TOLERANCE_KM:
            out.append(DataError(f"'{r.place_zh}' lies {d:.0f} km outside {r.province_zh}, its stated province",
                                 file="waypoints.csv", row=r.row, field="province_zh", value=r.province_zh))
    return out


def duplicate_crossings(table: pd.DataFrame, projects: pd.DataFrame) -> list[DataError]:
    """The same route crossing into the same neighbour twice within DUPLICATE_KM: one crossing listed twice
    (it would count twice). Lines that are the same (same_as) or upgrades are exempt."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    row_of = dict(zip(projects.id, projects.row))
    rows = table[(table.same_as == "") & (table.upgrade_of == "") & ~table.route_number.isin(["", "unnumbered"])]
    seen: dict[tuple, list[tuple[str, float, float]]] = {}
    out = []
    for r in rows.itertuples():
        for c in r.crossings:
            key = (r.mode, r.route_number, c["province"])
            for other, lon, lat in seen.get(key, []):
                if other != r.id and geod.inv(lon, lat, c["lon"], c["lat"])[2] / 1000.0 < DUPLICATE_KM:
                    out.append(DataError(f"duplicate crossing: {r.id} and {other} both cross into "
                                         f"{c['province_zh']} on {r.route_number} within {DUPLICATE_KM:.0f} km",
                                         file="projects.csv", row=row_of.get(r.id), field="id", value=r.id))
            seen.setdefault(key, []).append((r.id, c["lon"], c["lat"]))
    return out


def opened_before_start_or_approval(catalog) -> list[DataError]:
    """An opening dated before construction started, or before the approval, of the same section or the whole
    project, unless its note says why (e.g. a source reporting a later formal ceremony)."""
    ev = catalog.events
    if ev.empty:
        return []
    ev = ev.assign(first=[parse_date(d, p)[0] for d, p in zip(ev.date, ev.date_precision)],
                   last=[parse_date(d, p)[1] for d, p in zip(ev.date, ev.date_precision)])
    out = []
    for r in ev[ev.event.isin(OPENING)].itertuples():
        if r.note.strip():
            continue
        mine = ev[(ev.project_id == r.project_id) & ev.section.isin([r.section, WHOLE_PROJECT])]
        for what, when in opened_too_early(r.last, mine):
            out.append(DataError(f"opened before {what} ({when}) and no note says why",
                                 file="events.csv", row=r.row, field="date", value=r.date))
    return out


def unrecorded_halves(ds, today: date | None = None) -> list[DataError]:
    """A crossing counted by one opening rule (Hunan's half open on the date, so it counts under "Hunan's half
    reaches the border") whose other half has neither an opening event (its own or the whole link's) nor a
    gaps.csv row saying that its opening was searched for and not found, with the queries tried. Without one
    of them the other rule ("both halves open") would rest on the absence of a record."""
    today = today or date.today()
    table = ds.table(today)
    counted = table[table.neighbour_corridor & (table.same_as == "") & (table.upgrade_of == "")
                    & (table.hunan_status == "completed")]
    ev = ds.events[ds.events.event.isin(OPENING) & ds.events.source_id.ne("plan")]
    opened = set(zip(ev.project_id, ev.section))
    gaps = ds.catalog.gaps[ds.catalog.gaps.milestone.isin(OPENING)]
    gap_rows = {(r.project_id, r.section): r for r in gaps.itertuples()}
    sections = ds.catalog.sections
    halves = sections[(sections.role == "line") & (sections.province_zh != HUNAN_ZH)
                      & sections.project_id.isin(set(counted.id))]
    out = []
    for r in halves.itertuples():
        if (r.project_id, r.section) in opened or (r.project_id, WHOLE_PROJECT) in opened:
            continue
        gap = gap_rows.get((r.project_id, r.section)) or gap_rows.get((r.project_id, WHOLE_PROJECT))
        if gap is None:
            out.append(DataError(f"{r.project_id} counts once Hunan's half is open, but its {r.province_zh} half "
                                 f"'{r.section}' has no opening event and no gaps.csv row (milestone opened, with "
                                 "the queries tried)", file="sections.csv", row=r.row, field="section",
                                 value=r.section))
        elif not str(gap.queries).strip():
            out.append(DataError(f"says the opening of {r.project_id}/{gap.section} was not found but not which "
                                 "queries were tried", file="gaps.csv", row=gap.row, field="queries", value=""))
    return out


def check(ds) -> list[DataError]:
    """Every rule above over a loaded dataset (dataset.Dataset)."""
    from . import gazetteer
    from .boundaries import provinces

    c = ds.catalog
    seats = gazetteer.load_seats(ds.geodata / "seats.csv")
    return (cited_ids(c) + shared_urls(c) + dated_after_source(c) + backwards_steps(c) + whole_open_before_a_half(c)
            + outdated_names(c, seats) + outside_province(ds.waypoints, provinces(ds.boundaries))
            + duplicate_crossings(ds.table(date.today()), c.projects) + opened_before_start_or_approval(c)
            + recorded_history(ds) + unrecorded_halves(ds))


def recorded_history(ds) -> list[DataError]:
    """The same chronology over shipped and recorded events together (status.history_problems); a problem
    that involves only shipped events is already reported, with its row, above."""
    from .status import history_problems

    recorded = ds.events[ds.events.origin == "store"]
    if recorded.empty:
        return []
    return [DataError(p, file="progress store") for p in history_problems(ds.events, ds.catalog.sections)
            if any(f"{pid}/" in p for pid in set(recorded.project_id))]
