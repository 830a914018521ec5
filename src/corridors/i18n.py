"""Chinese and English strings for the dashboard, the map and the exports. Chinese is the default."""

from __future__ import annotations

LANGS = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"zh": "湖南泛珠出省通道", "en": "Hunan's Pan-PRD corridors"},
    "subtitle": {"zh": "《湖南省深化泛珠三角区域合作实施方案》（湘政发〔2016〕21号）基础设施项目进展",
                 "en": "Infrastructure projects of Hunan's plan for deeper Pan-PRD cooperation (湘政发〔2016〕21号)"},
    "language": {"zh": "语言 Language", "en": "Language 语言"},
    "filters": {"zh": "筛选", "en": "Filters"},
    "as_of": {"zh": "截至日期", "en": "As of"},
    "scope": {"zh": "计入省份", "en": "Provinces that count"},
    "scope_pan-prd": {"zh": "泛珠成员省区", "en": "Pan-PRD members"},
    "scope_neighbours": {"zh": "全部相邻省份", "en": "Any neighbouring province"},
    "modes": {"zh": "运输方式", "en": "Modes"},
    "statuses": {"zh": "状态", "en": "Status"},
    "neighbours": {"zh": "进入的相邻省份", "en": "Neighbour entered"},
    "departments": {"zh": "牵头部门", "en": "Lead department"},
    "search": {"zh": "搜索（名称、地名）", "en": "Search (name, place)"},
    "all": {"zh": "全部", "en": "All"},
    "mode_rail": {"zh": "铁路", "en": "Railway"},
    "mode_highway": {"zh": "高速公路", "en": "Expressway"},
    "mode_waterway": {"zh": "水运", "en": "Waterway"},
    "mode_pipeline": {"zh": "油气管道", "en": "Pipeline"},
    "mode_power": {"zh": "电力通道", "en": "Power"},
    "status_planned": {"zh": "前期工作", "en": "Planned"},
    "status_under_construction": {"zh": "在建", "en": "Under construction"},
    "status_completed": {"zh": "建成", "en": "Completed"},
    "status_suspended": {"zh": "暂停", "en": "Suspended"},
    "status_cancelled": {"zh": "取消", "en": "Cancelled"},
    "status_None": {"zh": "无记录", "en": "No record"},
    "partly_open": {"zh": "部分建成", "en": "partly open"},
    "precision_surveyed": {"zh": "实测线位", "en": "Surveyed alignment"},
    "precision_towns": {"zh": "示意线：经沿线城镇、车站与县城", "en": "Schematic: through towns, stations and county seats"},
    "precision_county_seats": {"zh": "示意线：仅经县城", "en": "Schematic: through county seats only"},
    "precision_prefectures": {"zh": "示意线：部分点代表整个地级市", "en": "Schematic: some points stand for whole prefectures"},
    "precision_endpoints": {"zh": "示意线：仅起终点", "en": "Schematic: two ends only"},
    "precision_none": {"zh": "线位未知，未绘制", "en": "Route unknown, not drawn"},
    "kpi_completed": {"zh": "已建成出省通道 / 目标", "en": "Corridors completed / target"},
    "kpi_under_construction": {"zh": "在建", "en": "Under construction"},
    "kpi_planned": {"zh": "前期工作", "en": "Planned"},
    "kpi_unmapped": {"zh": "线位未知（不计入）", "en": "Route unknown (not counted)"},
    "definition": {"zh": "计数口径", "en": "What counts"},
    "definition_text": {
        "zh": "出省通道 = 线路离开湖南并到达{scope}（由线路几何计算）；计入方式：{modes}；"
              "计入状态：截至 {date} 已建成；同一线路在方案中出现两次只计一次；线位未知的项目不计入。"
              "目标：到{year}年达到 {target} 条（方案原文：“{sentence}”）。方案名录只列新建/改造项目，2016年前已有的通道不在其中。",
        "en": "A corridor is a line that leaves Hunan and reaches {scope} (computed from the line's geometry); "
              "modes counted: {modes}; status counted: completed on {date}; a line the plan names twice counts once; "
              "projects without a known route cannot count. Target: {target} by {year} (the plan: “{sentence}”). "
              "The catalog lists only the plan's new or upgraded projects, not corridors open before 2016.",
    },
    "scope_rule_pan-prd": {"zh": "泛珠三角成员省区（闽、赣、粤、桂、琼、川、黔、滇）", "en": "a Pan-PRD member (Fujian, Jiangxi, Guangdong, Guangxi, Hainan, Sichuan, Guizhou, Yunnan)"},
    "scope_rule_neighbours": {"zh": "任一相邻省份（鄂、渝、黔、桂、粤、赣）", "en": "any neighbouring province (Hubei, Chongqing, Guizhou, Guangxi, Guangdong, Jiangxi)"},
    "map": {"zh": "地图", "en": "Map"},
    "legend": {"zh": "图例", "en": "Legend"},
    "legend_hunan": {"zh": "湖南省（市州界）", "en": "Hunan (prefecture borders)"},
    "legend_member": {"zh": "泛珠成员省区", "en": "Pan-PRD member"},
    "legend_other": {"zh": "非泛珠省份", "en": "Not a Pan-PRD member"},
    "legend_crossing": {"zh": "出入湘省界点（标注相邻省份）", "en": "Hunan border crossing (neighbour named)"},
    "layer_boundaries": {"zh": "行政区划（离线底图）", "en": "Boundaries (offline base)"},
    "layer_crossings": {"zh": "省界交叉点", "en": "Border crossings"},
    "layer_osm": {"zh": "在线底图：OpenStreetMap", "en": "Online tiles: OpenStreetMap"},
    "crossing_into": {"zh": "进入", "en": "into"},
    "crossing_from": {"zh": "来自", "en": "from"},
    "chart_over_time": {"zh": "已建成出省通道数量变化", "en": "Corridors completed over time"},
    "chart_target": {"zh": "2020年目标", "en": "2020 target"},
    "by_mode": {"zh": "按运输方式", "en": "By mode"},
    "by_neighbour": {"zh": "按进入的相邻省份", "en": "By neighbour entered"},
    "projects": {"zh": "项目一览", "en": "Projects"},
    "details": {"zh": "项目详情", "en": "Project details"},
    "details_hint": {"zh": "在地图上点击线路，或在表格中选择一行，查看详情。", "en": "Click a line on the map or choose a row in the table to see its details."},
    "choose_project": {"zh": "选择项目", "en": "Choose a project"},
    "none_match": {"zh": "没有符合筛选条件的项目。", "en": "No project matches the filters."},
    "col_id": {"zh": "编号", "en": "Id"},
    "col_name": {"zh": "名称", "en": "Name"},
    "col_name_other": {"zh": "英文名", "en": "Chinese name"},
    "col_mode": {"zh": "方式", "en": "Mode"},
    "col_status": {"zh": "状态", "en": "Status"},
    "col_since": {"zh": "状态起始", "en": "Since"},
    "col_provinces": {"zh": "途经省份", "en": "Provinces crossed"},
    "col_neighbours": {"zh": "进入的相邻省份", "en": "Neighbours entered"},
    "col_corridor": {"zh": "出省通道", "en": "Corridor"},
    "col_counted": {"zh": "计入目标", "en": "Counted"},
    "col_length": {"zh": "长度(km)", "en": "Length (km)"},
    "col_precision": {"zh": "线位精度", "en": "Geometry precision"},
    "col_lead": {"zh": "牵头部门", "en": "Lead department"},
    "col_participating": {"zh": "参与部门", "en": "Participating departments"},
    "col_clause": {"zh": "方案条款", "en": "Plan clause"},
    "col_plan_status": {"zh": "方案表述", "en": "Status in the plan"},
    "col_places": {"zh": "经由地点", "en": "Through"},
    "col_crossings": {"zh": "省界交叉点", "en": "Border crossings"},
    "col_sources": {"zh": "资料来源", "en": "Sources"},
    "col_history": {"zh": "进展记录", "en": "History"},
    "col_name_note": {"zh": "名称考证", "en": "How the name was resolved"},
    "col_route_note": {"zh": "线路说明", "en": "Route"},
    "col_same_as": {"zh": "与之为同一线路", "en": "Same line as"},
    "col_date": {"zh": "日期", "en": "Date"},
    "col_event": {"zh": "事件", "en": "Event"},
    "col_section": {"zh": "区段", "en": "Section"},
    "col_source": {"zh": "来源", "en": "Source"},
    "col_note": {"zh": "说明", "en": "Note"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "schematic_warning": {"zh": "注意：此为示意线，不是实测线位。", "en": "Note: this is a schematic line, not a surveyed alignment."},
    "last_evidence": {"zh": "最近一条记录", "en": "Latest record"},
    "stale": {"zh": "已超过3年无新记录", "en": "no record for over 3 years"},
    "km": {"zh": "公里", "en": "km"},
    "event_plan": {"zh": "方案表述", "en": "Plan statement"},
    "event_study": {"zh": "研究", "en": "Study"},
    "event_preliminary": {"zh": "前期工作", "en": "Preliminary work"},
    "event_approved": {"zh": "批复", "en": "Approved"},
    "event_construction_start": {"zh": "开工", "en": "Construction start"},
    "event_opened": {"zh": "通车/投运", "en": "Opened"},
    "event_completed": {"zh": "建成", "en": "Completed"},
    "event_suspended": {"zh": "暂停", "en": "Suspended"},
    "event_cancelled": {"zh": "取消", "en": "Cancelled"},
    "event_resumed": {"zh": "恢复", "en": "Resumed"},
    "event_correction": {"zh": "更正", "en": "Correction"},
    "event_identification": {"zh": "线路认定", "en": "Which line is meant"},
    "section_all": {"zh": "全线", "en": "Whole project"},
    "direction_out": {"zh": "出湘进入", "en": "leaves Hunan into"},
    "direction_in": {"zh": "入湘，来自", "en": "enters Hunan from"},
    "export": {"zh": "导出进展快照", "en": "Export a progress snapshot"},
    "export_hint": {"zh": "按当前筛选导出截至 {date} 的快照（ZIP）：项目表 CSV/XLSX、GeoJSON、GeoPackage、离线地图 HTML、地图 PNG、"
                          "一页 PDF 报告（含自 {compare} 以来的变化）和清单 manifest。",
                    "en": "The snapshot as of {date} for the current filters (ZIP): project table as CSV/XLSX, GeoJSON, "
                          "GeoPackage, offline HTML map, PNG map, a one-page PDF report (with changes since {compare}) "
                          "and a manifest."},
    "export_button": {"zh": "下载快照 ZIP", "en": "Download the snapshot ZIP"},
    "editing": {"zh": "记录进展（编辑）", "en": "Record progress (editors)"},
    "credential": {"zh": "编辑口令", "en": "Editor credential"},
    "credential_bad": {"zh": "口令不正确。", "en": "That credential is not valid."},
    "signed_in": {"zh": "已登录编辑：{name}", "en": "Signed in as editor: {name}"},
    "sign_out": {"zh": "退出编辑", "en": "Sign out"},
    "record": {"zh": "记录一条进展", "en": "Record an event"},
    "record_for": {"zh": "为“{name}”记录进展", "en": "Record progress for “{name}”"},
    "field_section": {"zh": "区段", "en": "Section"},
    "field_event": {"zh": "事件", "en": "Event"},
    "field_status": {"zh": "此后状态", "en": "Status from then on"},
    "field_date": {"zh": "日期", "en": "Date"},
    "field_precision": {"zh": "日期精度", "en": "Date precision"},
    "precision_day": {"zh": "日", "en": "day"},
    "precision_month": {"zh": "月", "en": "month"},
    "precision_year": {"zh": "年", "en": "year"},
    "field_source_title": {"zh": "来源（标题）", "en": "Source (title)"},
    "field_source_url": {"zh": "来源网址", "en": "Source address (URL)"},
    "field_note": {"zh": "说明（与已有记录矛盾时必须说明原因）", "en": "Note (required when it contradicts the history)"},
    "field_supersedes": {"zh": "更正哪条记录（可选）", "en": "Corrects which record (optional)"},
    "submit": {"zh": "保存", "en": "Save"},
    "saved": {"zh": "已保存（{id}）。", "en": "Saved ({id})."},
    "refused": {"zh": "未保存：{why}", "en": "Not saved: {why}"},
    "timeline": {"zh": "进展时间线", "en": "Timeline"},
    "changes": {"zh": "两个日期之间的状态变化", "en": "What changed between two dates"},
    "compare_from": {"zh": "对比起始日期", "en": "Compare from"},
    "no_changes": {"zh": "这段时间内没有状态变化。", "en": "No status changed in this period."},
    "col_before": {"zh": "起始状态", "en": "Before"},
    "col_after": {"zh": "截至日期状态", "en": "On the as-of date"},
    "gaps": {"zh": "未找到的记录", "en": "Not found in sources"},
    "recorded_by": {"zh": "记录人", "en": "Recorded by"},
    "event_note_superseded": {"zh": "（已被更正）", "en": " (superseded)"},
}


def t(key: str, lang: str = "zh", **kwargs: object) -> str:
    """The string for key in lang (Chinese when lang is unknown), formatted with kwargs."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**kwargs) if kwargs else text


def mode(m: str, lang: str) -> str:
    return t(f"mode_{m}", lang)


def status(s: str | None, lang: str) -> str:
    return t(f"status_{s}", lang)


def name(row: object, lang: str) -> str:
    """A project's name, Chinese first in Chinese and English first in English, both shown."""
    return name_of({"name_zh": row.name_zh, "name_en": row.name_en}, lang)


def name_of(row, lang: str) -> str:
    """The same for a mapping (a record or a Series)."""
    zh, en = row["name_zh"], row["name_en"]
    return f"{zh} · {en}" if lang == "zh" else f"{en} · {zh}"
