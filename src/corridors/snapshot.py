"""Progress snapshots as of a date: the RFC 7946 export and the bundle a planner sends as is (CSV, XLSX,
GeoJSON, GeoPackage, an offline HTML map, a PNG map, a one-page PDF report, the official targets against the count,
the outlook with its fan chart, the 断头路 list and a manifest). Output is
deterministic: the same inputs give the same bytes, apart from the creation time in the manifest."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from shapely.geometry import mapping

from .catalog import research_cutoff
from .counting import DEFAULT, Definition
from .dataset import Dataset
from .geometry import round_coordinates
from .status import DISPLAY_STATUSES, NOT_FOUND

COORD_DECIMALS = 6


def _sources(ids: str, sources: pd.DataFrame) -> list[dict]:
    s = sources.set_index("id")
    return [{"id": i, "title": s.loc[i, "title"], "url": s.loc[i, "url"]} for i in ids.split(";") if i in s.index]


def features(ds: Dataset, as_of: date, definition: Definition = DEFAULT) -> list[dict]:
    """One GeoJSON feature per project, ordered by id; null geometry where no route is known.

    counted agrees with `corridors count` under the same definition.
    """
    table = ds.table(as_of, definition).sort_values("id")
    geo = ds.lines.set_index("project_id").geometry
    out = []
    for r in table.itertuples():
        g = geo.get(r.drawn_as)
        props = {
            "id": r.id, "name_zh": r.name_zh, "name_en": r.name_en, "mode": r.mode,
            "route_number": r.route_number or None, "in_plan": bool(r.in_plan), "upgrade_of": r.upgrade_of or None,
            "identification": r.identification,
            "status": r.status, "status_since": r.since,
            "hunan_status": r.hunan_status if isinstance(r.hunan_status, str) else None,
            "sections": [{"section": x["section"], "name_zh": x["name_zh"], "province": x["province_zh"],
                          "status": x["status"]} for x in r.sections_status],
            "opened": r.opened, "latest_evidence": r.latest_evidence, "stale": bool(r.stale),
            "as_of": as_of.isoformat(), "plan_status": r.plan_status or None,
            "provinces": r.provinces, "neighbours_entered": r.neighbours_entered,
            "crossings": [{"lon": c["lon"], "lat": c["lat"], "province": c["province_zh"], "direction": c["direction"]}
                          for c in r.crossings],
            "pan_prd_corridor": bool(r.pan_prd_corridor), "neighbour_corridor": bool(r.neighbour_corridor),
            "corridor": bool(r.corridor), "units": int(r.units), "counted": bool(r.counted),
            "same_as": r.same_as or None,
            "length_km": None if pd.isna(r.length_km) else round(float(r.length_km), 1),
            "precision": r.precision, "route_known": bool(r.route_known), "places": r.places or None,
            "lead_department": r.lead_department or None,
            "participating_departments": [d for d in r.participating_departments.split("；") if d],
            "plan_clause": r.plan_clause or None, "plan_name": r.plan_name or None,
            "sources": _sources(r.source_ids, ds.catalog.sources), "researched": r.researched,
        }
        out.append({"type": "Feature", "properties": props,
                    "geometry": None if g is None or g.is_empty else round_coordinates(mapping(g), COORD_DECIMALS)})
    return out


def collection_text(feats: list[dict]) -> str:
    """RFC 7946 FeatureCollection text (WGS-84 lon/lat, no crs member), one feature per line."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def geojson_text(ds: Dataset, as_of: date, definition: Definition = DEFAULT) -> str:
    """The export of `corridors export`: one feature per project with list-valued properties."""
    return collection_text(features(ds, as_of, definition))


# --- the snapshot bundle --------------------------------------------------------------------------

# Columns derived by the product (not stored in geodata/): (key, Chinese header, English header, Chinese meaning,
# English meaning). Stored columns take their header and meaning from geodata/datapackage.json.
DERIVED = {
    "status": ("状态", "Status", "截至快照日期的状态，只由带来源（方案以外）的进展记录推出；plan_stated = 方案提出、此后未见进展证据；"
               "not_found = 有记录的区段均已建成、另一段未查到记录",
               "Status on the snapshot date, only from dated events with a source other than the plan; "
               "plan_stated = named by the plan, no evidence since; not_found = the recorded sections are open, "
               "another section has no record"),
    "status_since": ("状态起始日期", "Status since", "该状态开始的日期（按来源精度：年、月或日）",
                     "Date the status began, at the precision its source gives (year, month or day)"),
    "hunan_status": ("湖南段状态", "Hunan half's status", "仅湖南境内区段的状态（“湖南段到省界即计入”口径用）",
                     "Status of the sections in Hunan only (for the rule that counts Hunan's half reaching the border)"),
    "sections_status": ("各段状态", "Sections' status", "多段线路每段的状态；未查到 = 该段没有任何带来源的记录（不是“在建”）",
                        "Each section's status where a line has several; not_found = no sourced record for that "
                        "section (not 'under construction')"),
    "opened": ("建成日期", "Opened", "全线（两侧）建成的日期", "Date every section was open"),
    "latest_evidence": ("最新证据日期", "Latest evidence", "最近一条带来源记录的日期", "Date of the newest sourced event"),
    "stale": ("久无进展", "Stale", "未建成且三年以上无新证据", "Not completed and no new evidence for over three years"),
    "partly_open": ("部分建成", "Partly open", "有区段已建成、全线未建成", "Some sections open, not all"),
    "in_plan": ("方案列出", "Named by the plan", "湘政发〔2016〕21号列出的项目", "A project the plan names"),
    "provinces": ("途经省份", "Provinces crossed", "按线路顺序，由几何计算", "In order along the line, computed from geometry"),
    "neighbours_entered": ("进入的相邻省份", "Neighbours entered", "从湖南直接进入的省份", "Provinces entered directly from Hunan"),
    "crossings": ("出入湘省界点", "Border crossings", "经度,纬度（WGS-84）及对侧省份", "lon,lat (WGS-84) and the province across"),
    "pan_prd_corridor": ("泛珠出省通道", "Pan-PRD corridor", "离开湖南并到达泛珠成员省区", "Leaves Hunan and reaches a Pan-PRD member"),
    "neighbour_corridor": ("邻省出省通道", "Neighbour corridor", "离开湖南并到达任一相邻省份", "Leaves Hunan and reaches any neighbour"),
    "corridor": ("可计入", "Can count", "按所选口径可计入（建成后）", "Can count under the chosen definition (once open)"),
    "units": ("计数单位数", "Units", "按所选口径计入的跨界点或线路数", "Crossings or routes it contributes under the definition"),
    "counted": ("计入目标", "Counted", "截至快照日期按所选口径计入（与“corridors count”一致）",
                "Counted on the snapshot date under the chosen definition (agrees with `corridors count`)"),
    "length_km": ("长度（公里）", "Length (km)", "示意线长度，等距圆锥投影", "Length of the schematic line, equidistant conic projection"),
    "precision": ("线位精度", "Geometry precision", "线位由何而来", "What the line was built from"),
    "sources": ("资料来源", "Sources", "来源编号，见“资料来源”表", "Source ids; see the Sources sheet"),
}
ORDER = ["id", "name_zh", "name_en", "mode", "route_number", "in_plan", "upgrade_of", "identification", "status",
         "status_since", "hunan_status", "sections_status", "opened", "latest_evidence", "stale", "partly_open",
         "provinces", "neighbours_entered", "crossings", "pan_prd_corridor", "neighbour_corridor", "corridor",
         "units", "counted", "length_km", "precision", "lead_department", "participating_departments", "plan_clause",
         "plan_name", "plan_status", "same_as", "sources", "researched"]


def columns() -> list[tuple[str, str, str, str, str]]:
    """(key, Chinese header, English header, Chinese meaning, English meaning) of every exported column."""
    from .catalog import fields

    stored = {f["name"]: f for f in fields("projects")}
    out = []
    for key in ORDER:
        if key in DERIVED:
            out.append((key, *DERIVED[key]))
        else:
            f = stored[key]
            en = f["description"] if len(f["description"]) <= 40 else key.replace("_", " ").capitalize()
            out.append((key, f["title"], en, f["title"], f["description"]))
    return out


FILE_KINDS = ("projects.csv", "projects.xlsx", "corridors.geojson", "corridors.gpkg", "map.html", "map.png",
              "report.pdf", "briefing.docx", "targets.csv", "outlook.csv", "outlook-corridors.csv", "outlook.png", "stubs.csv",
              "reckoning.csv", "manifest.json")
# Years the bundle's outlook looks ahead (to the end of the as-of year plus this many).
OUTLOOK_YEARS = 5


@dataclass(frozen=True)
class Request:
    """What a snapshot covers: a date, a language, the counting definition and the dashboard's display
    filters (which rows and lines are listed; they never change the count)."""

    as_of: date
    lang: str = "zh"
    definition: Definition = DEFAULT
    modes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    neighbours: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    query: str = ""
    compare: date | None = None
    target: str = ""  # the targets.csv id the headline counts against (the page's pick); empty: the plan's 20


def check(req: Request, ds: Dataset, today: date | None = None) -> None:
    """Refuse a request with a clear message before anything is built or written."""
    from .catalog import EARLIEST, MODES
    from .errors import SnapshotError

    today = today or date.today()
    for label, d in (("--as-of", req.as_of), ("--compare", req.compare)):
        if d is not None and not (EARLIEST <= d <= today):
            raise SnapshotError(f"{label} {d}: must lie between {EARLIEST} and today {today}")
    if req.compare is not None and req.compare > req.as_of:
        raise SnapshotError(f"--compare {req.compare} lies after --as-of {req.as_of}: what changed is listed since an "
                            "earlier date")
    bad = [m for m in (*req.modes, *req.definition.modes) if m not in MODES]
    if bad:
        raise SnapshotError(f"unknown mode(s) {', '.join(bad)}: choose from {', '.join(MODES)}")
    bad = [s for s in req.statuses if s not in DISPLAY_STATUSES]
    if bad:
        raise SnapshotError(f"unknown status(es) {', '.join(bad)}: choose from {', '.join(DISPLAY_STATUSES)}")
    if req.lang not in ("zh", "en"):
        raise SnapshotError(f"unknown language '{req.lang}': zh or en")
    from .targets import headline_ids

    if req.target and req.target not in headline_ids(ds):
        raise SnapshotError(f"unknown target '{req.target}': choose from {', '.join(headline_ids(ds))}")


def _rows(req: Request, ds: Dataset) -> pd.DataFrame:
    from .analysis import filter_projects
    from .boundaries import PROVINCES

    table = ds.table(req.as_of, req.definition)
    return filter_projects(table, modes=list(req.modes), statuses=list(req.statuses),
                           neighbours=[PROVINCES[c].name_zh for c in req.neighbours],
                           departments=list(req.departments), query=req.query).sort_values("id")


def _flat(rows: pd.DataFrame, lang: str, *, labels: bool) -> pd.DataFrame:
    """One flat record per project; labels=True gives localised values for people, else codes for GIS."""
    from . import i18n

    zh = lang == "zh"
    out = pd.DataFrame({
        "id": rows.id, "name_zh": rows.name_zh, "name_en": rows.name_en,
        "mode": rows["mode"].map(lambda m: i18n.mode(m, lang)) if labels else rows["mode"],
        "route_number": rows.route_number, "in_plan": rows.in_plan.astype(bool), "upgrade_of": rows.upgrade_of,
        "identification": rows.identification,
        "status": rows.status.map(lambda s: i18n.status(s, lang)) if labels else rows.status.fillna(""),
        "status_since": rows.since,
        "hunan_status": rows.hunan_status.map(lambda s: i18n.status(s if isinstance(s, str) else None, lang))
        if labels else rows.hunan_status.fillna(""),
        "sections_status": rows.sections_status.map(lambda ss: i18n.sections_status(ss, lang)) if labels
        else rows.sections_status.map(lambda ss: "; ".join(f"{x['section']}={x['status'] or ''}" for x in ss)),
        "opened": rows.opened, "latest_evidence": rows.latest_evidence,
        "stale": rows.stale.astype(bool),
        "partly_open": rows.partly_open.astype(bool),
        "provinces": (rows.provinces if zh or not labels else rows.provinces_en).map(" → ".join),
        "neighbours_entered": (rows.neighbours_entered if zh or not labels else rows.neighbours_entered_en).map("; ".join),
        "crossings": rows.crossings.map(lambda cs: "; ".join(f"{c['lon']:.5f},{c['lat']:.5f} {c['province_zh']}"
                                                              for c in cs)),
        "pan_prd_corridor": rows.pan_prd_corridor.astype(bool),
        "neighbour_corridor": rows.neighbour_corridor.astype(bool),
        "corridor": rows.corridor.astype(bool), "units": rows.units.astype(int),
        "counted": rows.counted.astype(bool),
        "length_km": rows.length_km.map(lambda v: None if pd.isna(v) else round(float(v), 1)),
        "precision": rows.precision.map(lambda p: i18n.t(f"precision_{p}", lang)) if labels else rows.precision,
        "lead_department": rows.lead_department,
        "participating_departments": rows.participating_departments.str.replace("；", "; "),
        "plan_clause": rows.plan_clause, "plan_name": rows.plan_name,
        "plan_status": rows.plan_status.map(lambda s: i18n.status(s or None, lang) if s else "") if labels
        else rows.plan_status,
        "same_as": rows.same_as,
        "sources": rows.source_ids.str.replace(";", "; "),
        "researched": rows.researched,
    })
    return out.reset_index(drop=True)


def _headers(lang: str) -> dict[str, str]:
    return {k: (zh if lang == "zh" else en) for k, zh, en, _, _ in columns()}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text value a spreadsheet would run as a formula (=, +, -, @, tab or CR first), prefixed with an
    apostrophe so it is shown as typed and never evaluated; every other value unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(neutralise)


def _csv(flat: pd.DataFrame, lang: str) -> bytes:
    # UTF-8 with a byte-order mark: Excel on Chinese Windows opens it as UTF-8.
    frame = _cells(flat.rename(columns=_headers(lang)))
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _xlsx(flat: pd.DataFrame, ds: Dataset, rows: pd.DataFrame, req: Request) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    zh = req.lang == "zh"
    wb = Workbook()
    data = wb.active
    data.title = "数据" if zh else "Data"
    frame = flat.rename(columns=_headers(req.lang))
    data.append(list(frame.columns))
    for rec in frame.itertuples(index=False):
        data.append([None if (isinstance(v, float) and pd.isna(v)) else v for v in rec])
    dictionary = wb.create_sheet("数据字典" if zh else "Data dictionary")
    dictionary.append(["列名", "字段", "含义"] if zh else ["Column", "Field", "Meaning"])
    for key, hzh, hen, mzh, men in columns():
        dictionary.append([hzh if zh else hen, key, mzh if zh else men])
    dictionary.append([])
    dictionary.append(["截至日期" if zh else "As of", req.as_of.isoformat()])
    dictionary.append(["数据版本" if zh else "Data version", ds.fingerprint])
    dictionary.append(["资料检索截至（全部项目）" if zh else "Research cut-off (every project)",
                       research_cutoff(ds.catalog.projects)])
    sources = wb.create_sheet("资料来源" if zh else "Sources")
    sources.append(["编号", "标题", "网址", "发布者", "发布日期", "来源类型"] if zh
                   else ["Id", "Title", "Address", "Publisher", "Published", "Outlet"])
    used = {s for ids in rows.source_ids for s in ids.split(";")}
    for r in ds.catalog.sources[ds.catalog.sources.id.isin(used)].sort_values("id").itertuples():
        sources.append([r.id, r.title, r.url, r.publisher, r.published, r.outlet])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):  # text stays text: never a formula cell
                    cell.value = neutralise(cell.value)
                    cell.data_type = "s"
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    stamp = datetime(req.as_of.year, req.as_of.month, req.as_of.day)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = "corridors"
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue(), stamp, core_time=stamp)


def _fixed_zip(data: bytes, stamp: datetime, core_time: datetime | None = None) -> bytes:
    """Rewrite a zip (an .xlsx) with fixed entry times and a fixed modification time in docProps/core.xml."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if core_time and info.filename == "docProps/core.xml":
                iso = core_time.strftime("%Y-%m-%dT%H:%M:%SZ")
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + iso.encode() + rb"\2",
                                 content)
            zi = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, content)
    return out.getvalue()


def _geodata(flat: pd.DataFrame, ds: Dataset, req: Request) -> tuple[bytes, bytes]:
    """GeoJSON (RFC 7946) and GeoPackage with the same flat attributes; null geometry where no route."""
    import geopandas as gpd
    import pyogrio

    geo = ds.lines.set_index("project_id").geometry
    own = {i: g for i, g in geo.items() if g is not None}
    drawn = [own.get(i, geo.get(s) if s else None) for i, s in zip(flat.id, flat.same_as)]
    frame = gpd.GeoDataFrame(flat.copy(), geometry=drawn, crs="EPSG:4326")
    feats = []
    for rec, g in zip(flat.to_dict("records"), frame.geometry):
        rec = {k: None if isinstance(v, float) and pd.isna(v) else v for k, v in rec.items()}  # NaN is not JSON
        feats.append({"type": "Feature", "properties": rec,
                      "geometry": round_coordinates(mapping(g), COORD_DECIMALS) if g is not None else None})
    text = collection_text(feats)
    # Dates are text at their sourced precision ('2014', '2014-12', '2014-12-28'), the same in both formats.
    stamp = f"{req.as_of.isoformat()}T00:00:00.000Z"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corridors.gpkg"
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
        try:
            pyogrio.write_dataframe(frame, path, layer="corridors", driver="GPKG")
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
        gpkg = path.read_bytes()
    return text.encode("utf-8"), gpkg


_FOLIUM_ID = re.compile(r"\b([a-z][a-z_]*?)_([0-9a-f]{32})(?![0-9a-f])")


def _stable_ids(html_text: str) -> str:
    """folium names elements with random hex ids; number them in order of appearance instead."""
    seen: dict[str, str] = {}

    def repl(m: re.Match) -> str:
        return seen.setdefault(m.group(0), f"{m.group(1)}_{len(seen):04d}")

    return _FOLIUM_ID.sub(repl, html_text)


# Column headers of the targets, outlook and 断头路 tables (key → Chinese, English).
TABLE_HEADERS = {
    "id": ("编号", "id"), "name_zh": ("名称", "name (Chinese)"), "name_en": ("英文名称", "name"),
    "issuer": ("发布机关", "issued by"), "issued": ("发布日期", "issued"), "clause": ("原文", "clause"),
    "figure": ("目标数", "figure"), "deadline": ("期限", "deadline"), "source_id": ("来源", "source"),
    "definition": ("计数口径", "counting definition"), "mapping_note": ("口径说明", "mapping"),
    "count_at_deadline": ("期限时通道数", "count at the deadline"), "met_by_deadline": ("按期完成", "met by then"),
    "reached_on": ("达到日期", "reached on"), "reached_by": ("达标通道", "reached by"),
    "count_today": ("快照日通道数", "count on the snapshot's date"), "gap_today": ("差额", "gap"),
    "date": ("日期", "date"), "low": ("区间下限(10%)", "low (10th percentile)"), "median": ("中位数", "median"),
    "high": ("区间上限(90%)", "high (90th percentile)"), "stage": ("阶段", "stage"), "since": ("起始日期", "since"),
    "forecast": ("已知预计通车", "known forecast"), "method": ("方法", "method"),
    "p_open_by_until": ("按期开通概率", "chance of opening by then"), "expected_open": ("中位开通日期", "median opening"),
    "neighbour": ("邻省", "neighbour"), "open_half": ("已通一侧", "open half"),
    "hunan_half_opened": ("湖南段开通", "Hunan half opened"), "neighbour_half_opened": ("邻省段开通", "neighbour half opened"),
    "days_waiting": ("等待天数", "days waiting"), "other_stage": ("另一侧阶段", "other half's stage"),
    "forecast_open": ("预计开通（已发布的预测）", "forecast opening (as published)"),
    "expected_precision": ("预计日期精度", "forecast precision"), "expected_source_id": ("预计来源", "forecast source"),
    "expected_published": ("预计发布日期", "forecast published"),
}


def _table_csv(rows: list[dict], keys: list[str], lang: str) -> bytes:
    """A small table of the bundle as CSV (UTF-8 with a byte-order mark, headers in the bundle's language)."""
    def cell(v):
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, bool):
            return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
        if isinstance(v, (list, tuple)):
            return "; ".join(str(x) for x in v)
        if isinstance(v, dict):
            return "; ".join(f"{k}={'+'.join(x) if isinstance(x, list) else x}" for k, x in v.items())
        return "" if v is None else v

    frame = pd.DataFrame([{k: cell(r.get(k)) for k in keys} for r in rows], columns=keys)
    frame = _cells(frame.rename(columns={k: TABLE_HEADERS[k][0 if lang == "zh" else 1] for k in keys}))
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


TARGET_KEYS = ["id", "name_zh", "name_en", "issuer", "issued", "clause", "figure", "deadline", "definition",
               "count_at_deadline", "met_by_deadline", "reached_on", "reached_by", "count_today", "gap_today",
               "source_id", "mapping_note"]
STUB_KEYS = ["id", "name_zh", "neighbour", "open_half", "hunan_half_opened", "neighbour_half_opened", "since",
             "days_waiting", "other_stage", "forecast_open", "expected_precision", "expected_source_id",
             "expected_published"]
OUTLOOK_KEYS = ["id", "name_zh", "stage", "since", "forecast", "method", "p_open_by_until", "expected_open"]


def outlook_parts(ds: Dataset, req: Request) -> dict:
    """The targets table, the 断头路 list and the outlook as of the snapshot's date (what the bundle carries)."""
    from . import outlook, stubs, targets

    until = date(req.as_of.year + OUTLOOK_YEARS, 12, 31)
    sim = outlook.simulate(ds, req.as_of, req.definition)
    names = dict(zip(ds.catalog.projects.id, ds.catalog.projects.name_zh))
    days = [req.as_of, *(date(y, 12, 31) for y in range(req.as_of.year, until.year + 1) if date(y, 12, 31) > req.as_of)]
    months = outlook.month_ends(req.as_of, until)
    stub_rows = stubs.stubs(ds, req.as_of)
    return {"targets": targets.assess(ds, req.as_of), "until": until,
            "summary": outlook.summary(sim, until, names=names),
            "fan": outlook.fan(sim, days), "fan_monthly": outlook.fan(sim, months),
            "stubs": stub_rows.astype(object).where(stub_rows.notna(), None).to_dict("records")}


def _outlook_files(ds: Dataset, req: Request, d: str) -> tuple[dict[str, bytes], dict]:
    """The bundle's targets, outlook (table, corridors, fan chart) and 断头路 files, and their manifest entry."""
    from . import figures, i18n, targets

    parts = outlook_parts(ds, req)
    zh = req.lang == "zh"
    half = {"hunan": ("湖南段", "Hunan's half"), "neighbour": ("邻省段", "the neighbour's half")}

    def stage(value):
        if value == "no_record":
            return "未查到" if zh else "not found"
        return i18n.t(f"status_{value}", req.lang) if value else value

    stub_rows = [{**r, "forecast_open": r["expected_open"], "open_half": half[r["open_half"]][0 if zh else 1],
                  "other_stage": stage(r["other_stage"])} for r in parts["stubs"]]
    outlook_rows = [{**r, "stage": stage(r["stage"])} for r in parts["summary"]["corridors"]]
    files = {f"targets-{d}.csv": _table_csv(parts["targets"], TARGET_KEYS, req.lang),
             f"outlook-{d}.csv": _table_csv(parts["fan"].to_dict("records"), ["date", "low", "median", "high"],
                                            req.lang),
             f"outlook-corridors-{d}.csv": _table_csv(outlook_rows, OUTLOOK_KEYS, req.lang),
             f"stubs-{d}.csv": _table_csv(stub_rows, STUB_KEYS, req.lang)}
    history = ds.count_series(req.definition, req.as_of)
    mine = [t for t in parts["targets"] if t["definition"] == req.definition.as_dict() and t["figure"] is not None]
    chosen = next((t for t in mine if t["id"] == (req.target or targets.DEFAULT_TARGET)), mine[0] if mine else None)
    target = (chosen["figure"], f"{chosen['name_zh'] if zh else chosen['name_en']}") if chosen else None
    s = parts["summary"]
    title = (f"出省通道展望 · 截至 {d}" if zh else f"Corridor outlook · as of {d}")
    note = (f"展望仅用截至 {d} 已知的事实：{s['until']} 中位数 {s['median']}，80% 区间 {s['low']}–{s['high']}；"
            f"耗时分布取自此前已开通的通道（{s['learned']['durations']['planned']} 个前期、"
            f"{s['learned']['durations']['under_construction']} 个在建样本）。预计不等于开通。" if zh else
            f"Made with the facts known on {d}: on {s['until']} median {s['median']}, 80% interval "
            f"{s['low']}–{s['high']}; durations learned from corridors opened before "
            f"({s['learned']['durations']['planned']} planning, {s['learned']['durations']['under_construction']} "
            "construction). A forecast is not an opening.")
    files[f"outlook-{d}.png"] = figures.outlook_png(history, parts["fan_monthly"], req.lang, title, target, note)
    entry = {"until": s["until"], "median": s["median"], "low": s["low"], "high": s["high"], "level": s["level"],
             "learned": s["learned"], "stubs": len(parts["stubs"]),
             "targets": [{k: t[k] for k in ("id", "figure", "deadline", "reached_on", "reached_by", "met_by_deadline")}
                         for t in parts["targets"]]}
    return files, entry


def _definition(ds: Dataset, req: Request) -> str:
    from . import i18n
    from .targets import document

    return i18n.definition_text(req.definition, req.lang, as_of=req.as_of, target=ds.target,
                                document=document(ds, req.target))


def legend_modes(req: Request, rows: pd.DataFrame) -> tuple[str, ...]:
    """The modes a snapshot's map legends list: those the snapshot shows (--show, or every mode) that have a
    listed row, in the maps' order."""
    from .style import MODE_COLOURS

    present = set(rows["mode"])
    return tuple(m for m in MODE_COLOURS if m in present and (not req.modes or m in req.modes))


def counted_rows(ds: Dataset, req: Request) -> pd.DataFrame:
    """Every corridor counted on the snapshot's date under its definition (display filters aside), with the
    text the report prints: its numbers (the map's, counting.numbered: in the order the crossings opened, so
    the list reads as the running total), names, mode, neighbours, status, the date opened at its sourced
    precision ('2008', '2023-12', '2017-12-28'; '—' where only Hunan's half is open) and the units it adds."""
    from . import counting, i18n
    from .style import MODE_COLOURS

    lang, d = req.lang, req.definition
    t = ds.table(req.as_of, d)
    per = counting.units(t, d)
    number = {u.key: u.number for u in ds.numbered(d, req.as_of)}
    t = t[t.counted].copy()
    numbers = [sorted(number[k] for k in per.get(pid, []) if k in number) for pid in t.id]

    def status_text(r) -> str:
        if r.status == "completed":
            return i18n.status("completed", lang)
        if d.opened == "hunan" and r.hunan_status == "completed":
            return i18n.t("status_hunan_half_not_found" if r.status == NOT_FOUND else "status_hunan_half", lang)
        return i18n.status(r[d.status_column], lang)

    out = pd.DataFrame({
        "numbers": ["、".join(map(str, n)) if n else "—" for n in numbers],
        "id": t.id, "name_zh": t.name_zh, "name_en": t.name_en,
        "mode": t["mode"].map(lambda m: i18n.mode(m, lang)),
        "neighbours": (t.neighbours_entered if lang == "zh" else t.neighbours_entered_en).map("、".join if lang == "zh"
                                                                                             else ", ".join),
        "status": [status_text(r) for _, r in t.iterrows()],
        "opened": [o if isinstance(o, str) and o else "—" for o in t.opened],
        "units": t.units.astype(int),
        "_first": [n[0] if n else 10 ** 6 for n in numbers],
        "_mode": t["mode"].map(list(MODE_COLOURS).index),
    })
    out = out.sort_values(["_first", "_mode", "name_zh"])
    return out.drop(columns=["_first", "_mode"]).reset_index(drop=True)


def map_credits(ds: Dataset, lang: str) -> str:
    """What every exported map says under it: that it is a schematic map, and its data sources."""
    from . import i18n

    return i18n.t("map_disclaimer", lang) + " " + i18n.t("map_source", lang, version=ds.fingerprint[:16])


def city_points(ds: Dataset) -> tuple[tuple[float, float, str, str], ...]:
    """The cities the PNG and PDF maps name: Hunan's prefecture seats and the provincial capitals (lon, lat,
    Chinese name, English name without "City")."""
    from .gazetteer import load_seats
    from .map import major_seats

    seats = major_seats(load_seats(ds.geodata / "seats.csv"))
    return tuple((float(r.lon), float(r.lat), r.name_zh.replace("土家族苗族自治州", "州"),
                  r.name_en.removesuffix(" City").replace(" Tujia and Miao Autonomous Prefecture", ""))
                 for r in seats.itertuples())


def title_box_html(title: str, as_of: str, counts: dict, short_definition: str, lang: str,
                   notes: list[str] | None = None, credits: str = "") -> str:
    """The HTML map's title box: title, date, the count against the target and the definition in a few words;
    the headline's other notes (when the target was reached, unconfirmed ones), and the credits line (schematic
    map, sources) in small print; every piece of text escaped."""
    import html

    from . import i18n

    e = html.escape
    count = i18n.t("map_count", lang, n=counts["completed"], target=counts["target"])
    rest = "".join(f'<div style="color:#333;font-size:11px">{e(x)}</div>' for x in (notes or []))
    small = f'<div class="corridors-credits" style="color:#666;font-size:10px;margin-top:3px">{e(credits)}</div>' \
        if credits else ""
    return (f'<div style="font-size:15px;font-weight:bold">{e(title)}</div>'
            f"<div>{e(i18n.t('as_of', lang))} {e(as_of)}</div>"
            f'<div class="corridors-count" style="font-size:14px;font-weight:bold;margin:2px 0">{e(count)}</div>'
            f'<div style="color:#555;font-size:11px">{e(i18n.t("definition", lang))}{"：" if lang == "zh" else ": "}'
            f"{e(short_definition)}</div>{rest}{small}")


def headline_notes(ds: Dataset, req: Request, counts: dict) -> list[str]:
    """The headline's notes for the snapshot's date and definition (as the dashboard shows them)."""
    from . import i18n

    hit = ds.reached(req.definition, req.as_of)
    names = ds.table(req.as_of, req.definition).set_index("id")["name_zh" if req.lang == "zh" else "name_en"]
    return i18n.headline_notes(req.definition, req.lang, counts=counts, as_of=req.as_of,
                               reached_day=hit and hit.day, reached_name=names[hit.project_id] if hit else "",
                               same_day=tuple(names[p] for p in hit.same_day) if hit else ())


def _report(ds: Dataset, req: Request, counts: dict, changes: pd.DataFrame, compare: date, notes, modes,
            title: str) -> object:
    """The report's content as text (figures.Report)."""
    from . import figures, i18n

    lang, d = req.lang, req.as_of.isoformat()
    t = i18n.t
    counted = counted_rows(ds, req)
    head = ["#", t("col_name_zh", lang), t("col_name_en", lang), t("col_mode", lang), t("col_neighbours", lang),
            t("col_status", lang), t("col_opened", lang), t("col_units", lang)]
    rows = [[r.numbers, r.name_zh, r.name_en, r.mode, r.neighbours, r.status, r.opened, str(r.units)]
            for r in counted.itertuples()]
    rows.append(["", t("report_total", lang), "", "", "", "", "", str(int(counted.units.sum()))])
    note = t("report_counted_note", lang, date=d)
    if (counted.opened == "—").any():
        note += " " + t("report_hunan_half_note", lang)
    sep = "：" if lang == "zh" else ": "
    lines = [f"{r.name_zh if lang == 'zh' else r.name_en}{sep}{i18n.status(r.before, lang)} → "
             f"{i18n.status(r.after, lang)}" for r in changes.itertuples()]
    cutoff = research_cutoff(ds.catalog.projects)
    footer = (f"{'数据版本' if lang == 'zh' else 'Data version'} {ds.fingerprint[:16]} · "
              f"{'资料检索截至 ' if lang == 'zh' else 'Sources searched up to '}{cutoff} · "
              f"{'资料来源见 projects-' + d + '.xlsx' if lang == 'zh' else 'Sources: projects-' + d + '.xlsx'}")
    return figures.Report(
        title=title, subtitle=t("subtitle", lang), counts=counts, definition=_definition(ds, req),
        compare_label=f"{t('changes', lang)}{sep}{compare} → {d}", changes=lines,
        counted_title=t("report_counted", lang, n=counts["completed"], target=counts["target"]),
        counted_note=note, counted_head=head, counted_rows=rows, footer=footer, notes=notes, modes=modes,
        headline=(i18n.progress_label(counts["completed"], counts["target"], lang),
                  *headline_notes(ds, req, counts)[1:]))


def project_sources(ds: Dataset, source_ids: str, lang: str, limit: int = 2) -> str:
    """A project's sources in a few words, official ones first: kind · publisher《title》date."""
    sources = ds.catalog.sources.set_index("id")
    order = ("official", "original", "repost", "dataset")
    ids = sorted((x for x in source_ids.split(";") if x in sources.index),
                 key=lambda x: order.index(sources.outlet[x]) if sources.outlet[x] in order else 9)
    from . import i18n

    out = []
    for x in ids[:limit]:
        src = sources.loc[x]
        when = f" {src.published}" if isinstance(src.published, str) and src.published else ""
        out.append(f"{i18n.t('outlet_' + src.outlet, lang)} · {src.publisher}《{src.title}》{when}")
    return "；".join(out) if lang == "zh" else "; ".join(out)


def _briefing(ds: Dataset, req: Request, counts: dict, report, map_png: bytes) -> bytes:
    """The Word briefing (briefing.py) from the report's own text, its map and the counted corridors' sources."""
    from . import i18n
    from .briefing import Briefing, briefing_docx

    lang, t = req.lang, i18n.t
    counted = counted_rows(ds, req)
    ids = ds.table(req.as_of, req.definition).set_index("id").source_ids
    head = ["#", t("col_name", lang), t("col_mode", lang), t("col_neighbours", lang), t("col_status", lang),
            t("col_opened", lang), t("col_sources", lang)]
    rows = [[r.numbers, r.name_zh if lang == "zh" else r.name_en, r.mode, r.neighbours, r.status, r.opened,
             project_sources(ds, ids[r.id], lang)] for r in counted.itertuples()]
    count_line = (t("map_count", lang, n=counts["completed"], target=counts["target"]) + " · "
                  + i18n.progress_label(counts["completed"], counts["target"], lang))
    b = Briefing(lang=lang, title=f"{report.title} · {i18n.definition_short(req.definition, lang)}",
                 subtitle=report.subtitle, count_line=count_line, notes=headline_notes(ds, req, counts),
                 definition=report.definition, map_png=map_png, credits=map_credits(ds, lang),
                 counted_title=report.counted_title, counted_note=report.counted_note, counted_head=head,
                 counted_rows=rows, changes_title=report.compare_label, changes=report.changes, footer=report.footer)
    stamp = datetime(req.as_of.year, req.as_of.month, req.as_of.day)
    return _fixed_zip(briefing_docx(b, stamp), stamp, core_time=stamp)


def build(ds: Dataset, req: Request, *, created_at: datetime | None = None) -> dict[str, bytes]:
    """Every file of the bundle, named with the as-of date; identical inputs give identical bytes except
    the creation time inside the manifest."""
    from . import figures, i18n, reckoning, targets
    from . import map as mapview
    from .analysis import status_changes
    from .gazetteer import load_seats
    from .hydro import load_rivers

    check(req, ds)
    ds = targets.as_headline(ds, req.target)  # the count, the day it was reached and the definition follow it
    d = req.as_of.isoformat()
    rows = _rows(req, ds)
    counts = ds.count(req.as_of, req.definition)
    counts.update(baseline=ds.count(ds.plan_date, req.definition)["completed"],
                  baseline_date=ds.plan_date.isoformat(), as_of=req.as_of.isoformat())
    section_status = ds.section_statuses(req.as_of)
    display = mapview.display_boundaries(ds.boundaries)
    modes = legend_modes(req, rows)
    numbered = ds.numbered(req.definition, req.as_of)
    notes = figures.MapNotes(date=f"{i18n.t('as_of', req.lang)} {d}", source=map_credits(ds, req.lang),
                             cities=city_points(ds),
                             numbers=tuple((m[1], m[0], m[2]) for m in mapview.numbered_markers(
                                 rows, numbered, req.lang)))
    files: dict[str, bytes] = {}
    files[f"projects-{d}.csv"] = _csv(_flat(rows, req.lang, labels=True), req.lang)
    files[f"projects-{d}.xlsx"] = _xlsx(_flat(rows, req.lang, labels=True), ds, rows, req)
    files[f"corridors-{d}.geojson"], files[f"corridors-{d}.gpkg"] = _geodata(_flat(rows, req.lang, labels=False), ds, req)
    box = title_box_html(i18n.t("title", req.lang), d, counts, i18n.definition_short(req.definition, req.lang),
                         req.lang, headline_notes(ds, req, counts)[1:], map_credits(ds, req.lang))
    html_map = mapview.standalone_map(display, rows, ds.sections, section_status, ds.section_names(req.lang), req.lang,
                                      modes=modes, title_html=box, numbered=numbered,
                                      seats=load_seats(ds.geodata / "seats.csv"),
                                      rivers=load_rivers(ds.geodata / "rivers.geojson"))
    html_map.get_root().title = f"{i18n.t('title', req.lang)} · {d}"
    files[f"map-{d}.html"] = _stable_ids(html_map.get_root().render()).encode("utf-8")
    title = f"{i18n.t('title', req.lang)} · {i18n.t('as_of', req.lang)} {d}"
    files[f"map-{d}.png"] = figures.map_png(display, rows, ds.sections, section_status, req.lang, title, modes, notes)
    compare = req.compare or ds.plan_date
    changes = status_changes(_rows(Request(**{**req.__dict__, "as_of": compare}), ds), rows)
    report = _report(ds, req, counts, changes, compare, notes, modes, title)
    files[f"report-{d}.pdf"] = figures.report_pdf(display, rows, ds.sections, section_status, req.lang, report)
    files[f"briefing-{d}.docx"] = _briefing(ds, req, counts, report, files[f"map-{d}.png"])
    extra, outlook_entry = _outlook_files(ds, req, d)
    files.update(extra)
    reckoned = reckoning.table(reckoning.reckon(ds, req.as_of), req.lang, sources=ds.catalog.sources)
    files[f"reckoning-{d}.csv"] = _cells(reckoned).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    manifest = {
        "as_of": d,
        "created_at": (created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "lang": req.lang,
        "counting_definition": req.definition.as_dict(),
        "target": req.target or targets.DEFAULT_TARGET,
        "filters": {"modes": list(req.modes), "statuses": list(req.statuses),
                    "neighbours": list(req.neighbours), "departments": list(req.departments), "query": req.query},
        "definition": _definition(ds, req),
        "data_version": ds.fingerprint,
        "research_cutoff": research_cutoff(ds.catalog.projects),
        "counts": counts,
        "compare": {"from": compare.isoformat(), "changes": changes.to_dict("records")},
        "outlook": outlook_entry,
        "files": [{"name": n, "bytes": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in files.items()],
    }
    files[f"manifest-{d}.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n").encode()
    return files


def write(files: dict[str, bytes], out: Path) -> list[Path]:
    """Write the bundle into out/ as a whole or not at all. The files are written to a new sibling folder
    first; a missing out/ is that folder renamed. Into an existing out/, each file is swapped in only once
    all are written, the file it replaces is kept aside until every swap succeeded, and on any failure the
    previous files are put back: an old bundle is never lost. Files get the umask's usual mode. Only regular
    files are replaced: a folder, FIFO, device, socket or symbolic link where a file must go is refused before
    anything is written (out itself may be a link to a folder: the files go into that folder)."""
    from .errors import SnapshotError
    from .files import kind

    out = Path(out)
    blocker = next((p for p in [out, *out.parents] if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise SnapshotError(f"cannot write to {out}: {blocker} is {kind(blocker) or 'a file'}, not a folder")
    blocked = next(((t, w) for t in (out / name for name in files) if (w := kind(t)) is not None), None)
    if blocked is not None:  # a folder, FIFO, device, socket or symbolic link where a file must go: left alone
        raise SnapshotError(f"cannot write the snapshot to {out}: {blocked[0]} is {blocked[1]} where a file must "
                            "go; nothing was changed")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = _new_folder(out.parent, f".{out.name}-new-")
    except OSError as exc:
        raise SnapshotError(f"cannot write to {out}: {exc.strerror or exc}") from None
    targets = [out / name for name in files]
    kept = None
    swapped: list[Path] = []
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if not out.exists():
            os.rename(staging, out)
            return targets
        kept = _new_folder(out.parent, f".{out.name}-previous-")
        for target in targets:
            if target.exists() or target.is_symlink():
                os.rename(target, kept / target.name)
            swapped.append(target)
            os.rename(staging / target.name, target)
    except OSError as exc:
        for target in reversed(swapped):
            previous = kept / target.name
            if previous.exists() or previous.is_symlink():
                os.replace(previous, target)
            else:
                target.unlink(missing_ok=True)
        raise SnapshotError(f"cannot write the snapshot to {out}: {exc.strerror or exc}; nothing was changed "
                            "(the previous files are as they were)") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if kept is not None:
            shutil.rmtree(kept, ignore_errors=True)
    return targets


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new, empty folder with the umask's usual mode (tempfile.mkdtemp would make it 0700)."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def zip_bundle(files: dict[str, bytes], as_of: date) -> bytes:
    """The bundle as one ZIP with fixed entry times, for the dashboard's download button."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            zi = zipfile.ZipInfo(f"corridors-snapshot-{as_of.isoformat()}/{name}",
                                 date_time=(as_of.year, as_of.month, as_of.day, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return out.getvalue()
