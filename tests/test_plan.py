"""Parsing the plan: named projects, departments, verbs, the target; coverage of the catalog."""

from __future__ import annotations

import pytest

from corridors.errors import PlanParseError
from corridors.plan import PARAGRAPHS, coverage_problems, plan_items, published, read_plan, target

from .conftest import GEODATA

PLAN = GEODATA / "plan" / "hunan-pprd-2016.txt"

# The plan as published by 华容县政府 (https://www.huarong.gov.cn/33015/content_1027829.html), in order.
RAIL = "铁路方面，加快黔张常、长益常城际铁路建设，积极推进兴永郴赣铁路、常岳九铁路等项目前期工作。"
ROAD = "公路方面，加快推进临武至毛吉岭、芷江至铜仁等高速公路建设，完善区域路网结构。"
WATER = "水运方面，加强与贵州省在沅水高等级航道建设方面合作；稳步推进湘桂运河前期研究工作（省交通运输厅牵头负责，省水利厅等参与）。"
AIR = "航空方面，完善航线网络。（省机场管理集团牵头负责）"
ENERGY = "加强电源与电网建设。推进蒙华煤运通道项目加快建设。科学合理实施\"黔电入湘\"，建立省际能源资源开发合作机制。"


@pytest.fixture(scope="module")
def text() -> str:
    return read_plan(PLAN)


def test_every_infrastructure_project_is_found(text):
    items = plan_items(text)
    by_sector = items.groupby("sector").size().to_dict()
    # 9 railways, 6 expressways, 2 waterways named in clause 二（三）1; 6 energy items in 二（三）2
    assert by_sector == {"rail": 9, "highway": 6, "waterway": 2, "energy": 6}
    assert "炎陵至汝城（汝城至湘粤省界段）" in set(items.plan_name)
    assert items.plan_name.is_unique


def test_departments_follow_their_paragraph_despite_the_scrambled_copy(text):
    items = plan_items(text).set_index("plan_name")
    assert items.loc["黔张常", "lead_department"] == "省发改委"
    # in the scrape the highway marker is glued to the front of the waterway paragraph
    assert items.loc["芷江至铜仁", "lead_department"] == "省交通运输厅"
    assert items.loc["芷江至铜仁", "participating_departments"] == ""
    assert items.loc["湘桂运河", "participating_departments"] == "省水利厅"
    assert items.loc["黔电入湘", "lead_department"] == "省能源局"


def test_verbs_give_the_status_at_the_plan_date(text):
    items = plan_items(text).set_index("plan_name")
    assert items.loc["蒙华铁路岳吉段", "plan_status"] == "under_construction"  # 加快…建设
    assert items.loc["兴永郴赣铁路", "plan_status"] == "planned"  # 积极推进…前期工作
    assert items.loc["贵州铜仁-凤凰", "plan_status"] == "planned"  # 适时启动…前期工作


def test_target_and_date(text):
    t = target(text)
    assert (t.year, t.count) == (2020, 20)
    assert published(text).isoformat() == "2016-10-24"


def _doc(*parts: str) -> str:
    return "".join(parts)


def test_parser_copes_with_repeats_and_reordering():
    ordered = _doc(RAIL, "（省发改委牵头负责）", ROAD, "（省交通运输厅牵头负责）", WATER, AIR, ENERGY, "（省能源局牵头负责）")
    scrambled = _doc(ENERGY, "（省能源局牵头负责）", ROAD, "其他段落。", RAIL, "（省发改委牵头负责）", AIR,
                     "（省交通运输厅牵头负责）", WATER, RAIL, "\n（省发改委牵头负责）", ROAD, "另一段落。（省商务厅牵头负责）",
                     ENERGY)
    a, b = plan_items(ordered), plan_items(scrambled)
    assert a.sort_values("plan_name").reset_index(drop=True).equals(b.sort_values("plan_name").reset_index(drop=True))


def test_missing_department_marker_is_an_error():
    with pytest.raises(PlanParseError, match="no department marker"):
        plan_items(_doc(RAIL, ROAD, "（省交通运输厅牵头负责）", WATER, AIR, ENERGY, "（省能源局牵头负责）"))


def test_conflicting_markers_are_an_error():
    with pytest.raises(PlanParseError, match="conflicting"):
        plan_items(_doc(RAIL, "（省发改委牵头负责）", ROAD, "（省商务厅牵头负责）", RAIL, "（省交通运输厅牵头负责）",
                        ROAD, "（省交通运输厅牵头负责）", WATER, AIR, ENERGY, "（省能源局牵头负责）"))


def test_missing_paragraph_is_an_error():
    with pytest.raises(PlanParseError, match=PARAGRAPHS[0].start):
        plan_items(_doc(ROAD, "（省交通运输厅牵头负责）", WATER, ENERGY, "（省能源局牵头负责）"))


def test_shipped_catalog_covers_the_plan(ds):
    assert coverage_problems(ds.plan_items, ds.catalog.projects) == []


def test_coverage_check_reports_a_missing_project(ds):
    projects = ds.catalog.projects[ds.catalog.projects.plan_name != "靖州至黎平"]
    problems = coverage_problems(ds.plan_items, projects)
    assert len(problems) == 1 and "靖州至黎平" in problems[0]


def test_coverage_check_reports_a_department_that_disagrees(ds):
    projects = ds.catalog.projects.copy()
    projects.loc[projects.id == "zhitong", "lead_department"] = "省发改委"
    problems = coverage_problems(ds.plan_items, projects)
    assert any("zhitong" in p and "lead_department" in p for p in problems)


def test_coverage_check_reports_a_project_the_plan_does_not_name(ds):
    projects = ds.catalog.projects.copy()
    projects.loc[projects.id == "zhitong", "plan_name"] = "芷江至贵阳"
    problems = coverage_problems(ds.plan_items, projects)
    assert any("芷江至贵阳" in p and "not a project the plan names" in p for p in problems)
