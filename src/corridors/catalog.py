"""The project catalog, its waypoints, sources and dated events, loaded from geodata/ and validated.

Types, enums, required fields and primary/foreign keys are declared once in geodata/datapackage.json (a
Frictionless Data Package) and checked with the frictionless library; this module keeps only the rules a
schema cannot state (cross-file references, chronology, evidence). A load either returns every table
complete or raises DataErrors listing each bad file, row and field; nothing is half-loaded.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from .errors import DataError, DataErrors, not_utf8, reading

PACKAGE = "datapackage.json"
# One date rule for every command, view and record: history before the plan is valid (the plan's target is a
# running total), nothing before the first railway that crosses Hunan's border, nothing in the future.
EARLIEST = date(1900, 1, 1)
WHOLE_PROJECT = "all"
DATE_PRECISIONS = ("day", "month", "year")
# The status an event puts its section in; a recorded event must agree (a correction may set any status).
# The plan's own statement and a forecast set none.
EVENT_STATUS = {"plan": None, "forecast": None, "study": "planned", "preliminary": "planned", "approved": "planned",
                "construction_start": "under_construction", "opened": "completed", "completed": "completed",
                "suspended": "suspended", "cancelled": "cancelled", "resumed": "under_construction",
                "correction": None}
EVENT_KINDS = tuple(EVENT_STATUS)
# Tables that may not be empty: an empty one would silently change every count.
NON_EMPTY = ("projects", "waypoints", "sections", "sources", "events", "seats")


@cache
def schema(geodata: Path | None = None) -> dict:
    """The Data Package descriptor (geodata/datapackage.json): the one place every table's fields live."""
    from .config import geodata_dir

    path = (geodata or geodata_dir()) / PACKAGE
    with reading(path, what="JSON"):
        return json.loads(path.read_text(encoding="utf-8"))


def fields(resource: str, geodata: Path | None = None) -> list[dict]:
    """The declared fields of one table, in file order."""
    return next(r for r in schema(geodata)["resources"] if r["name"] == resource)["schema"]["fields"]


def enum(resource: str, field: str) -> tuple[str, ...]:
    """The allowed values of a field, as the Data Package declares them (empty value excluded)."""
    f = next(f for f in fields(resource) if f["name"] == field)
    return tuple(v for v in f.get("constraints", {}).get("enum", []) if v)


MODES = enum("projects", "mode")
STATUSES = enum("events", "status")


@dataclass(frozen=True)
class Catalog:
    """Validated tables; one row per project, waypoint, section, source, event, gap and reported total."""

    projects: pd.DataFrame
    waypoints: pd.DataFrame
    sections: pd.DataFrame
    sources: pd.DataFrame
    events: pd.DataFrame
    gaps: pd.DataFrame
    totals: pd.DataFrame
    targets: pd.DataFrame | None = None  # official targets (targets.csv); None only for a catalog built by hand
    neighbour_counts: pd.DataFrame | None = None  # neighbours' own counts (neighbour_counts.csv); None: built by hand


def research_cutoff(projects: pd.DataFrame) -> str:
    """The catalog's research cut-off: the earliest day a project's sources were last searched (projects.csv's
    researched), so that every project had been searched at least up to it."""
    return min(projects.researched) if len(projects) else ""


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


def schema_errors(geodata: Path) -> list[DataError]:
    """Every violation of the Data Package (types, enums, required, keys), as DataErrors naming file, row, field."""
    import frictionless

    errors: list[DataError] = []
    try:
        package = frictionless.Package(str(geodata / PACKAGE))
    except frictionless.FrictionlessException as exc:
        return [DataError(f"is not a valid Data Package: {exc.error.note}", file=PACKAGE)]
    for res in package.resources:
        if not (geodata / res.path).exists():
            errors.append(DataError("file is missing", file=res.path))
    for res in [r for r in package.resources if not (geodata / r.path).exists()]:
        package.remove_resource(res.name)
    for res in list(package.resources):
        path = geodata / res.path
        if not path.exists():
            continue
        where = not_utf8(path)
        if where is not None:
            errors.append(DataError(f"is not UTF-8 text{where}: save it as UTF-8", file=res.path))
            package.remove_resource(res.name)
            continue
        try:
            header = pd.read_csv(path, dtype=str, nrows=0, encoding="utf-8").columns.tolist()
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            errors.append(DataError(f"cannot be read as UTF-8 CSV: {exc}", file=res.path))
            package.remove_resource(res.name)
            continue
        declared = [f.name for f in res.schema.fields]
        missing = [c for c in declared if c not in header]
        extra = [c for c in header if c not in declared]
        if missing or extra:
            errors.append(DataError("columns differ from datapackage.json: "
                                    + "; ".join(x for x in (missing and f"missing {', '.join(missing)}",
                                                            extra and f"undeclared {', '.join(extra)}") if x),
                                    file=res.path))
            package.remove_resource(res.name)
    gone = {r["name"] for r in schema(geodata)["resources"]} - {r.name for r in package.resources}
    for r in package.resources:
        r.schema.foreign_keys = [k for k in r.schema.foreign_keys if k["reference"]["resource"] not in gone]
    if not errors and not gone and plainly_valid(package, geodata):
        return []  # the quick check proved what a full validation would find: nothing
    report = package.validate(limit_errors=1000)
    for task in report.tasks:
        for e in task.errors:
            field = getattr(e, "field_name", None) or ",".join(getattr(e, "field_names", None) or []) or None
            row = getattr(e, "row_number", None)
            value = getattr(e, "cell", None)
            message = f"{e.title.lower()}: {e.note}"
            if e.type == "foreign-key":
                value = ",".join(getattr(e, "field_cells", None) or [])
                message = f"unknown reference: {e.note}"
            if e.type == "primary-key":
                res = next(r for r in package.resources if r.path == task.place)
                field = ",".join(res.schema.primary_key)
                message = f"duplicated {field}: {e.note}"
            errors.append(DataError(message, file=task.place, row=row, field=field,
                                    value=value if value not in (None, "") else None))
    return errors


# What the quick check understands; a descriptor using anything else is left to frictionless.
_PLAIN_KEYS = {"package": {"name", "title", "description", "licenses", "resources", "version", "homepage", "keywords",
                           "contributors", "sources", "created"},
               "resource": {"name", "path", "title", "description", "schema"},
               "schema": {"fields", "primaryKey", "foreignKeys"},
               "field": {"name", "type", "title", "description", "constraints"}}
_PLAIN_CONSTRAINTS = {"string": {"required", "pattern", "enum"}, "integer": {"required", "minimum", "maximum"},
                      "number": {"required", "minimum", "maximum"}}
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def plainly_valid(package, geodata: Path) -> bool:
    """Whether every table is certainly valid against the Data Package, checked in one pass per column.

    frictionless checks each cell in Python, which dominates loading a large catalog. This check passes only
    what frictionless's own validation passes: it reads each file as frictionless does (frictionless detects
    the encoding, CSV dialect and header), applies the same constraints (frictionless's pattern, enum,
    required, type, bounds, primary and foreign keys) and answers False, so that frictionless runs and names
    the problems, on any problem or on anything it does not model (another dialect or encoding, a short or
    blank row, a line break in a value, a constraint it does not know).
    """
    from decimal import Decimal, InvalidOperation

    import frictionless

    desc = json.loads((geodata / PACKAGE).read_text(encoding="utf-8"))  # as frictionless read it, not a cached copy
    if set(desc) - _PLAIN_KEYS["package"] or [r.get("name") for r in desc["resources"]] != [
            r.name for r in package.resources]:
        return False
    casts = {"string": str, "integer": int, "number": Decimal}
    values: dict[str, dict[str, list]] = {}
    for res_desc in desc["resources"]:
        sch = res_desc["schema"]
        if set(res_desc) - _PLAIN_KEYS["resource"] or set(sch) - _PLAIN_KEYS["schema"]:
            return False
        fields_ = sch["fields"]
        for f in fields_:
            kind = f.get("type", "string")
            if set(f) - _PLAIN_KEYS["field"] or kind not in _PLAIN_CONSTRAINTS or set(
                    f.get("constraints", {})) - _PLAIN_CONSTRAINTS[kind]:
                return False
        names = [f["name"] for f in fields_]
        # Opened alone and without its foreign keys: frictionless would otherwise read every table it refers to.
        res = frictionless.Resource({**res_desc, "schema": {k: v for k, v in sch.items() if k != "foreignKeys"}},
                                    basepath=str(geodata))
        try:
            res.open()
            control = res.dialect.get_control("csv") if res.dialect.has_control("csv") else None
            plain = (res.format == "csv" and res.encoding == "utf-8" and not res.header.errors
                     and list(res.labels) == names and res.dialect.to_descriptor() in ({}, {"controls": []})
                     and control is not None and control.to_descriptor() == {"type": "csv"})
        except Exception:  # anything frictionless cannot open is for frictionless to report
            return False
        finally:
            res.close()
        if not plain:
            return False
        data = (geodata / res_desc["path"]).read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        if text.startswith("\ufeff"):
            return False
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if not rows or rows[0] != names:
            return False
        body = rows[1:]
        if any(len(r) != len(names) or "\n" in "".join(r) or "\r" in "".join(r) or not any(r) for r in body):
            return False
        columns = list(zip(*body)) if body else [()] * len(names)
        cast_columns = {}
        for f, column in zip(fields_, columns, strict=True):
            kind, c = f.get("type", "string"), f.get("constraints", {})
            given = [v for v in column if v != ""]
            if c.get("required") and len(given) != len(column):
                return False
            if kind == "integer" and not all(_INTEGER.fullmatch(v) for v in given):
                return False
            if kind == "number" and not all(_NUMBER.fullmatch(v) for v in given):
                return False
            try:
                cast = [casts[kind](v) if v != "" else None for v in column]
                lo = casts[kind](c["minimum"]) if "minimum" in c else None
                hi = casts[kind](c["maximum"]) if "maximum" in c else None
            except (ValueError, InvalidOperation):
                return False
            if lo is not None and any(v is not None and v < lo for v in cast):
                return False
            if hi is not None and any(v is not None and v > hi for v in cast):
                return False
            if "pattern" in c:
                pattern = re.compile("^{}$".format(c["pattern"]))  # as frictionless compiles it
                if not all(pattern.match(v) for v in given):
                    return False
            if "enum" in c:
                allowed = set(c["enum"])
                if not all(v in allowed for v in given):
                    return False
            cast_columns[f["name"]] = cast
        values[res_desc["name"]] = cast_columns
    for res_desc in desc["resources"]:
        sch, mine = res_desc["schema"], values[res_desc["name"]]
        key = sch.get("primaryKey")
        if key:
            key = [key] if isinstance(key, str) else key
            tuples = list(zip(*(mine[k] for k in key)))
            if any(None in t for t in tuples) or len(set(tuples)) != len(tuples):
                return False
        for fk in sch.get("foreignKeys", []):
            own = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
            ref = fk["reference"]
            theirs = values.get(ref["resource"] or res_desc["name"])
            ref_fields = [ref["fields"]] if isinstance(ref["fields"], str) else ref["fields"]
            if theirs is None or any(f not in theirs for f in ref_fields):
                return False
            known = set(zip(*(theirs[f] for f in ref_fields)))
            if not all(None not in t and t in known for t in zip(*(mine[f] for f in own))):
                return False
    return True


def _read(geodata: Path, resource: str) -> pd.DataFrame:
    path = geodata / next(r for r in schema(geodata)["resources"] if r["name"] == resource)["path"]
    columns = [f["name"] for f in fields(resource, geodata)]
    with reading(path, what="CSV"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")[columns]
    frame = frame.apply(lambda s: s.str.strip())
    frame.insert(0, "row", range(2, len(frame) + 2))
    return frame


def _ids(value: str) -> list[str]:
    return [s.strip() for s in value.split(";") if s.strip()]


# The switches a mapped target must state (counting.Definition's fields, as targets.csv names them).
TARGET_SWITCHES = ("modes", "provinces", "unit", "include", "opened", "candidates")


def target_errors(targets: pd.DataFrame, source_ids: set[str], total_ids: set[str]) -> list[DataError]:
    """What the schema cannot say about targets.csv: dates that parse, sources and reported totals that exist, and a
    mapped target stating a figure, a deadline and every switch (an unmapped one states none)."""
    f, errors = "targets.csv", []
    for r in targets.itertuples():
        for field in ("issued", "deadline"):
            value, precision = getattr(r, field), getattr(r, f"{field}_precision")
            if not value and not precision and field == "deadline":
                continue
            try:
                parse_date(value, precision)
            except ValueError as exc:
                errors.append(DataError(str(exc), file=f, row=r.row, field=field, value=value))
        for s in _ids(r.confirmed_by):
            if s not in source_ids:
                errors.append(DataError("unknown source id", file=f, row=r.row, field="confirmed_by", value=s))
        if r.reported_total_id and r.reported_total_id not in total_ids:
            errors.append(DataError("unknown row of reported_totals.csv", file=f, row=r.row,
                                    field="reported_total_id", value=r.reported_total_id))
        if r.mappable == "yes":
            for field in ("figure", "deadline", *TARGET_SWITCHES):
                if not getattr(r, field):
                    errors.append(DataError("a mapped target needs a value here (or mappable no, saying why)",
                                            file=f, row=r.row, field=field, value=r.id))
        else:
            for field in TARGET_SWITCHES:
                if getattr(r, field):
                    errors.append(DataError("a target that cannot be mapped states no switch", file=f, row=r.row,
                                            field=field, value=getattr(r, field)))
    return errors


def neighbour_count_errors(counts: pd.DataFrame, sources: pd.DataFrame, project_ids: set[str]) -> list[DataError]:
    """What the schema cannot say about neighbour_counts.csv: dates that parse, second sources that exist, the
    outlet as sources.csv gives it, and every named road's project in projects.csv."""
    f, errors = "neighbour_counts.csv", []
    outlet = dict(zip(sources.id, sources.outlet))
    for r in counts.itertuples():
        for field in ("as_of", "published"):
            precision = r.as_of_precision if field == "as_of" else ("year", "month", "day")[min(r.published.count("-"), 2)]
            try:
                parse_date(getattr(r, field), precision)
            except ValueError as exc:
                errors.append(DataError(str(exc), file=f, row=r.row, field=field, value=getattr(r, field)))
        for s in _ids(r.confirmed_by):
            if s not in outlet:
                errors.append(DataError("unknown source id", file=f, row=r.row, field="confirmed_by", value=s))
        if r.source_id in outlet and outlet[r.source_id] != r.outlet:
            errors.append(DataError(f"sources.csv gives this source's outlet as '{outlet[r.source_id]}'", file=f,
                                    row=r.row, field="outlet", value=r.outlet))
        for pair in _ids(r.names):
            if pair.split("=", 1)[1] not in project_ids:
                errors.append(DataError("names a project that projects.csv does not hold", file=f, row=r.row,
                                        field="names", value=pair))
    return errors


def load_catalog(geodata: Path, *, today: date | None = None) -> Catalog:
    """Load and cross-check every table; raise DataErrors on any fault."""
    today = today or date.today()
    schema.cache_clear()
    errors = schema_errors(geodata)
    if errors:
        raise DataErrors(errors)
    t = {name: _read(geodata, name) for name in ("projects", "waypoints", "sections", "sources", "events", "gaps",
                                                 "reported_totals", "targets", "neighbour_counts")}
    for name in NON_EMPTY[:-1]:
        if t[name].empty:
            errors.append(DataError("has no rows: every count depends on it", file=f"{name}.csv"))
    for name, frame in t.items():
        # No value holds a line break: one that does is rows merged by a stray quote.
        for col in frame.columns.drop("row"):
            broken = frame[col].str.contains("\n", regex=False) | frame[col].str.contains("\r", regex=False)
            for r, v in zip(frame.row[broken], frame[col][broken]):
                errors.append(DataError("a line break inside a value: a stray quote has probably merged rows",
                                        file=f"{name}.csv", row=r, field=col, value=v[:60]))
    projects, waypoints, sections, sources, events = (t[k] for k in ("projects", "waypoints", "sections", "sources",
                                                                     "events"))
    source_ids = set(sources.id)
    ids = set(projects.id)

    for r in projects.itertuples():
        f = "projects.csv"
        for field in ("same_as", "upgrade_of"):
            v = getattr(r, field)
            if v and (v not in ids or v == r.id):
                errors.append(DataError(f"{field} must name another project id", file=f, row=r.row, field=field,
                                        value=v))
        for s in _ids(r.source_ids):
            if s not in source_ids:
                errors.append(DataError("unknown source id", file=f, row=r.row, field="source_ids", value=s))
        for field in ("plan_clause", "lead_department", "plan_status"):
            if r.plan_name and not getattr(r, field):
                errors.append(DataError("empty value: a project the plan names needs it", file=f, row=r.row,
                                        field=field, value=r.id))
        if not r.plan_name and r.plan_status:
            errors.append(DataError("plan_status is what the plan says: empty for a corridor the plan does not name",
                                    file=f, row=r.row, field="plan_status", value=r.plan_status))
        if r.mode == "highway" and not r.plan_name and not (
                r.route_number == "unnumbered" or re.fullmatch(r"[GS]\d{1,4}[A-Z]?\d{0,2}", r.route_number)):
            errors.append(DataError("unknown route: an expressway needs a route number such as G4, G0421 or S71, "
                                    "or 'unnumbered' where no source gives one", file=f, row=r.row,
                                    field="route_number", value=r.route_number))

    counts = waypoints.groupby("project_id").size() if len(waypoints) else pd.Series(dtype=int)
    for r in projects.itertuples():
        n = int(counts.get(r.id, 0))
        if r.route_known == "yes" and not r.same_as and n < 2:
            errors.append(DataError(f"route_known is yes but {n} waypoint(s) are listed (need 2 or more)",
                                    file="projects.csv", row=r.row, field="route_known", value=r.id))
        elif r.route_known == "no" and n:
            errors.append(DataError("route_known is no but waypoints are listed", file="projects.csv", row=r.row,
                                    field="route_known", value=r.id))

    geo_sections = set(zip(waypoints.project_id, waypoints.section))
    named = set(zip(sections.project_id, sections.section))
    for r in sections.itertuples():
        if r.role == "component" and (r.project_id, r.section) in geo_sections:
            errors.append(DataError("a section with waypoints must have role 'line'", file="sections.csv",
                                    row=r.row, field="role", value=r.section))
    for key in sorted(geo_sections - named):
        errors.append(DataError("section used in waypoints.csv has no row in sections.csv", file="sections.csv",
                                field="section", value="/".join(key)))
    stops: dict[str, list[tuple[int, str]]] = {}  # grouped in one pass
    for pid, seq, section in zip(waypoints.project_id.tolist(), waypoints.seq.tolist(), waypoints.section.tolist()):
        stops.setdefault(pid, []).append((int(seq), section))
    for pid in sorted(stops):
        order = [section for _, section in sorted(stops[pid], key=lambda s: s[0])]
        runs = [s for i, s in enumerate(order) if i == 0 or s != order[i - 1]]
        if len(runs) != len(set(runs)):
            errors.append(DataError("a section's waypoints must be consecutive in seq order", file="waypoints.csv",
                                    field="section", value=pid))

    for r in events.itertuples():
        f = "events.csv"
        if r.section != WHOLE_PROJECT and (r.project_id, r.section) not in named:
            errors.append(DataError(f"unknown section (use '{WHOLE_PROJECT}' or a section of sections.csv)",
                                    file=f, row=r.row, field="section", value=r.section))
        if r.source_id == "plan" and r.event != "plan":
            errors.append(DataError("the plan is not evidence of progress: cite a source other than the plan",
                                    file=f, row=r.row, field="source_id", value=r.source_id))
        for s in _ids(r.confirmed_by):
            if s not in source_ids:
                errors.append(DataError("unknown source id", file=f, row=r.row, field="confirmed_by", value=s))
        try:
            first, _ = parse_date(r.date, r.date_precision)
            if not EARLIEST <= first <= today and not (r.event == "forecast" and first > today):
                errors.append(DataError(f"date must lie between {EARLIEST} and today", file=f, row=r.row,
                                        field="date", value=r.date))
        except ValueError as exc:
            errors.append(DataError(str(exc), file=f, row=r.row, field="date", value=r.date))
        expected = EVENT_STATUS.get(r.event)
        if r.event in EVENT_STATUS and r.event != "correction" and (r.status or None) != expected:
            errors.append(DataError(f"event '{r.event}' puts a section in status '{expected or '(none)'}'", file=f,
                                    row=r.row, field="status", value=r.status))

    for r in t["projects"].itertuples():
        try:
            searched, _ = parse_date(r.researched, "day")
        except ValueError as exc:
            errors.append(DataError(str(exc), file="projects.csv", row=r.row, field="researched", value=r.researched))
            continue
        if searched > today:
            errors.append(DataError("research cut-off after today", file="projects.csv", row=r.row,
                                    field="researched", value=r.researched))
    for r in t["gaps"].itertuples():
        if r.section != WHOLE_PROJECT and (r.project_id, r.section) not in named:
            errors.append(DataError("unknown section", file="gaps.csv", row=r.row, field="section", value=r.section))
    for r in t["reported_totals"].itertuples():
        try:
            parse_date(r.as_of, r.as_of_precision)
        except ValueError as exc:
            errors.append(DataError(str(exc), file="reported_totals.csv", row=r.row, field="as_of", value=r.as_of))

    errors += target_errors(t["targets"], source_ids, set(t["reported_totals"].id))
    errors += neighbour_count_errors(t["neighbour_counts"], sources, ids)

    if errors:
        raise DataErrors(errors)
    waypoints = waypoints.assign(seq=waypoints.seq.astype(int)).sort_values(["project_id", "seq"])
    totals = t["reported_totals"].assign(figure=t["reported_totals"].figure.astype(int))
    return Catalog(projects.reset_index(drop=True), waypoints.reset_index(drop=True),
                   sections.reset_index(drop=True), sources.reset_index(drop=True), events.reset_index(drop=True),
                   t["gaps"].reset_index(drop=True), totals.reset_index(drop=True),
                   t["targets"].reset_index(drop=True),
                   t["neighbour_counts"].assign(figure=t["neighbour_counts"].figure.astype(int)).reset_index(drop=True))
