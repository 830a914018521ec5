"""The project catalog, its waypoints, sources and dated events, loaded from geodata/ and validated.

A load either returns every table complete or raises DataErrors listing each bad file, row and field;
nothing is half-loaded.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import DataError, DataErrors

MODES = ("rail", "highway", "waterway", "pipeline", "power")
STATUSES = ("planned", "under_construction", "completed", "suspended", "cancelled")
EVENT_KINDS = ("plan", "study", "preliminary", "approved", "construction_start", "opened", "completed",
               "suspended", "cancelled", "resumed", "correction")
DATE_PRECISIONS = ("day", "month", "year")
WHOLE_PROJECT = "all"
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")

PROJECT_COLUMNS = ["id", "name_zh", "name_en", "mode", "plan_name", "plan_clause", "lead_department",
                   "participating_departments", "plan_status", "same_as", "route_known", "name_note",
                   "route_note", "source_ids"]
WAYPOINT_COLUMNS = ["project_id", "seq", "section", "place_zh", "county_zh", "province_zh", "approx", "note"]
# A waypoint may stand for a wider area than the place itself: the line passes somewhere in that county
# or prefecture (a source names the area, not the place).
APPROX = ("", "county", "prefecture")
SOURCE_COLUMNS = ["id", "title", "url", "publisher", "published", "note"]
EVENT_COLUMNS = ["project_id", "section", "event", "status", "date", "date_precision", "source_id", "note"]
GAP_COLUMNS = ["project_id", "section", "milestone", "note"]
# The status an event puts its section in; a recorded event must agree (a correction may set any status).
EVENT_STATUS = {"plan": None, "study": "planned", "preliminary": "planned", "approved": "planned",
                "construction_start": "under_construction", "opened": "completed", "completed": "completed",
                "suspended": "suspended", "cancelled": "cancelled", "resumed": "under_construction",
                "correction": None}
SECTION_COLUMNS = ["project_id", "section", "name_zh", "name_en", "province_zh", "role"]
SECTION_ROLES = ("line", "component")
REQUIRED = {
    "projects.csv": ["id", "name_zh", "name_en", "mode", "plan_name", "plan_clause", "lead_department",
                     "plan_status", "route_known", "source_ids"],
    "waypoints.csv": ["project_id", "seq", "section", "place_zh", "province_zh"],
    "sources.csv": ["id", "title", "url"],
    "events.csv": ["project_id", "section", "event", "status", "date", "date_precision", "source_id"],
    "sections.csv": ["project_id", "section", "name_zh", "name_en", "role"],
    "gaps.csv": ["project_id", "section", "milestone", "note"],
}


@dataclass(frozen=True)
class Catalog:
    """Validated tables; one row per project, waypoint, section, source and event."""

    projects: pd.DataFrame
    waypoints: pd.DataFrame
    sections: pd.DataFrame
    sources: pd.DataFrame
    events: pd.DataFrame
    gaps: pd.DataFrame


def parse_date(value: str, precision: str) -> tuple[date, date]:
    """The first and last day a dated value can mean: '2019-09' (month) → 2019-09-01 .. 2019-09-30."""
    pattern = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}.get(precision)
    if pattern is None:
        raise ValueError(f"unknown date precision '{precision}'; expected one of {', '.join(DATE_PRECISIONS)}")
    if not re.fullmatch(pattern, value):
        raise ValueError(f"'{value}' is not a {precision}-precision ISO date ({pattern.replace(chr(92) + 'd', 'N')})")
    if precision == "day":
        d = date.fromisoformat(value)
        return d, d
    if precision == "month":
        y, m = map(int, value.split("-"))
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    y = int(value)
    return date(y, 1, 1), date(y, 12, 31)


def _read(path: Path, columns: list[str], errors: list[DataError]) -> pd.DataFrame:
    file = path.name
    if not path.exists():
        errors.append(DataError("file is missing", file=str(path)))
        return pd.DataFrame(columns=columns)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        errors.append(DataError(f"cannot be read as UTF-8 CSV: {exc}", file=file))
        return pd.DataFrame(columns=columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        errors.append(DataError(f"missing column(s) {', '.join(missing)}", file=file))
        return pd.DataFrame(columns=columns)
    frame = frame[columns].apply(lambda s: s.str.strip())
    for i, r in enumerate(frame.to_dict("records"), start=2):
        for field in REQUIRED.get(file, []):
            if not r[field]:
                errors.append(DataError("empty value", file=file, row=i, field=field))
    frame.insert(0, "row", range(2, len(frame) + 2))
    return frame


def _duplicates(frame: pd.DataFrame, keys: list[str], file: str, errors: list[DataError]) -> None:
    dup = frame[frame.duplicated(keys, keep="first")]
    for _, r in dup.iterrows():
        errors.append(DataError("duplicated " + "/".join(keys), file=file, row=int(r.row), field=keys[-1],
                                value="/".join(str(r[k]) for k in keys)))


def load_catalog(geodata: Path, *, today: date | None = None) -> Catalog:
    """Load and cross-check projects, waypoints, sections, sources and events; raise DataErrors on any fault."""
    today = today or date.today()
    errors: list[DataError] = []
    sources = _read(geodata / "sources.csv", SOURCE_COLUMNS, errors)
    projects = _read(geodata / "projects.csv", PROJECT_COLUMNS, errors)
    waypoints = _read(geodata / "waypoints.csv", WAYPOINT_COLUMNS, errors)
    sections = _read(geodata / "sections.csv", SECTION_COLUMNS, errors)
    events = _read(geodata / "events.csv", EVENT_COLUMNS, errors)
    gaps = _read(geodata / "gaps.csv", GAP_COLUMNS, errors)

    _duplicates(sources, ["id"], "sources.csv", errors)
    source_ids = set(sources.id)
    for r in sources.itertuples():
        if r.url and not re.match(r"^(https?://|file:|geodata/)", r.url):
            errors.append(DataError("url must start with http(s)://, file: or geodata/", file="sources.csv",
                                    row=r.row, field="url", value=r.url))

    _duplicates(projects, ["id"], "projects.csv", errors)
    ids = set(projects.id)
    for r in projects.itertuples():
        f = "projects.csv"
        if r.id and not SLUG.match(r.id):
            errors.append(DataError("id must be a lower-case ASCII slug", file=f, row=r.row, field="id", value=r.id))
        if r.mode and r.mode not in MODES:
            errors.append(DataError(f"invalid mode; expected one of {', '.join(MODES)}", file=f, row=r.row,
                                    field="mode", value=r.mode))
        if r.plan_status and r.plan_status not in STATUSES:
            errors.append(DataError(f"invalid status; expected one of {', '.join(STATUSES)}", file=f, row=r.row,
                                    field="plan_status", value=r.plan_status))
        if r.route_known and r.route_known not in ("yes", "no"):
            errors.append(DataError("expected yes or no", file=f, row=r.row, field="route_known", value=r.route_known))
        if r.same_as and (r.same_as not in ids or r.same_as == r.id):
            errors.append(DataError("same_as must name another project id", file=f, row=r.row, field="same_as",
                                    value=r.same_as))
        for s in filter(None, r.source_ids.split(";")):
            if s.strip() not in source_ids:
                errors.append(DataError("unknown source id", file=f, row=r.row, field="source_ids", value=s.strip()))

    for r in waypoints.itertuples():
        f = "waypoints.csv"
        if r.project_id and r.project_id not in ids:
            errors.append(DataError("unknown project id", file=f, row=r.row, field="project_id", value=r.project_id))
        if r.seq and not r.seq.isdigit():
            errors.append(DataError("seq must be a positive integer", file=f, row=r.row, field="seq", value=r.seq))
        if r.approx not in APPROX:
            errors.append(DataError(f"approx must be empty or one of {', '.join(APPROX[1:])}", file=f, row=r.row,
                                    field="approx", value=r.approx))
        if r.section and not SLUG.match(r.section):
            errors.append(DataError("section must be a lower-case ASCII slug", file=f, row=r.row, field="section",
                                    value=r.section))
    _duplicates(waypoints, ["project_id", "seq"], "waypoints.csv", errors)
    counts = waypoints.groupby("project_id").size() if len(waypoints) else pd.Series(dtype=int)
    for r in projects.itertuples():
        n = int(counts.get(r.id, 0))
        if r.same_as and n:
            errors.append(DataError("a project that is the same line as another has no waypoints of its own",
                                    file="waypoints.csv", field="project_id", value=r.id))
        elif r.route_known == "yes" and not r.same_as and n < 2:
            errors.append(DataError(f"route_known is yes but {n} waypoint(s) are listed (need 2 or more)",
                                    file="projects.csv", row=r.row, field="route_known", value=r.id))
        elif r.route_known == "no" and n:
            errors.append(DataError("route_known is no but waypoints are listed", file="projects.csv", row=r.row,
                                    field="route_known", value=r.id))

    geo_sections = set(zip(waypoints.project_id, waypoints.section))
    _duplicates(sections, ["project_id", "section"], "sections.csv", errors)
    named = set(zip(sections.project_id, sections.section))
    for r in sections.itertuples():
        if r.project_id not in ids:
            errors.append(DataError("unknown project id", file="sections.csv", row=r.row, field="project_id",
                                    value=r.project_id))
        if r.role and r.role not in SECTION_ROLES:
            errors.append(DataError(f"invalid role; expected one of {', '.join(SECTION_ROLES)}", file="sections.csv",
                                    row=r.row, field="role", value=r.role))
        if r.role == "component" and (r.project_id, r.section) in geo_sections:
            errors.append(DataError("a section with waypoints must have role 'line'", file="sections.csv",
                                    row=r.row, field="role", value=r.section))
    for key in sorted(geo_sections - named):
        errors.append(DataError("section used in waypoints.csv has no row in sections.csv", file="sections.csv",
                                field="section", value="/".join(key)))
    for pid, g in waypoints[waypoints.seq.str.isdigit()].groupby("project_id"):
        order = list(g.assign(n=g.seq.astype(int)).sort_values("n").section)
        runs = [s for i, s in enumerate(order) if i == 0 or s != order[i - 1]]
        if len(runs) != len(set(runs)):
            errors.append(DataError("a section's waypoints must be consecutive in seq order", file="waypoints.csv",
                                    field="section", value=pid))

    for r in events.itertuples():
        f = "events.csv"
        if r.project_id and r.project_id not in ids:
            errors.append(DataError("unknown project id", file=f, row=r.row, field="project_id", value=r.project_id))
        if r.section and r.section != WHOLE_PROJECT and (r.project_id, r.section) not in named:
            errors.append(DataError(f"unknown section (use '{WHOLE_PROJECT}' or a section of sections.csv)",
                                    file=f, row=r.row, field="section", value=r.section))
        if r.event and r.event not in EVENT_KINDS:
            errors.append(DataError(f"invalid event; expected one of {', '.join(EVENT_KINDS)}", file=f, row=r.row,
                                    field="event", value=r.event))
        if r.status and r.status not in STATUSES:
            errors.append(DataError(f"invalid status; expected one of {', '.join(STATUSES)}", file=f, row=r.row,
                                    field="status", value=r.status))
        if r.source_id and r.source_id not in source_ids:
            errors.append(DataError("unknown source id", file=f, row=r.row, field="source_id", value=r.source_id))
        if r.date and r.date_precision:
            try:
                first, _ = parse_date(r.date, r.date_precision)
                if first > today:
                    errors.append(DataError("date is in the future", file=f, row=r.row, field="date", value=r.date))
            except ValueError as exc:
                errors.append(DataError(str(exc), file=f, row=r.row, field="date", value=r.date))

        expected = EVENT_STATUS.get(r.event)
        if expected and r.status and r.status != expected:
            errors.append(DataError(f"event '{r.event}' puts a section in status '{expected}'", file=f, row=r.row,
                                    field="status", value=r.status))

    for r in gaps.itertuples():
        if r.project_id not in ids:
            errors.append(DataError("unknown project id", file="gaps.csv", row=r.row, field="project_id",
                                    value=r.project_id))
        elif r.section != WHOLE_PROJECT and (r.project_id, r.section) not in named:
            errors.append(DataError("unknown section", file="gaps.csv", row=r.row, field="section", value=r.section))

    if errors:
        raise DataErrors(errors)
    waypoints = waypoints.assign(seq=waypoints.seq.astype(int)).sort_values(["project_id", "seq"])
    return Catalog(projects.reset_index(drop=True), waypoints.reset_index(drop=True),
                   sections.reset_index(drop=True), sources.reset_index(drop=True), events.reset_index(drop=True),
                   gaps.reset_index(drop=True))
