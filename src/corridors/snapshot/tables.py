"""The bundle's tables: the projects as CSV, XLSX (with its data dictionary and sources), GeoJSON and GeoPackage
with flat attributes, and the small CSV tables (targets, outlook, 断头路); every text cell a spreadsheet could
run as a formula is neutralised, and every ZIP-based file has fixed times."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from shapely.geometry import mapping

from ..catalog import research_cutoff
from ..dataset import Dataset
from ..geometry import round_coordinates
from .geojson import COORD_DECIMALS, collection_text
from .request import Request

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
    from ..catalog import fields

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


def _flat(rows: pd.DataFrame, lang: str, *, labels: bool) -> pd.DataFrame:
    """One flat record per project; labels=True gives localised values for people, else codes for GIS."""
    from .. import i18n

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
