"""The dashboard through Streamlit's AppTest: each control's effect on table, map and KPIs.
Expected numbers are computed with the analysis module, never typed in."""

from __future__ import annotations

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from corridors import analysis, mapview
from corridors.boundaries import PROVINCES

from .browser import ROOT

APP = str(ROOT / "app.py")
DEFAULT_MODES = ["rail", "highway", "waterway"]


def run(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def kpi(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def projects(at: AppTest):
    return at.dataframe[-1].value


def map_args(at: AppTest) -> dict:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return json.loads(component.proto.json_args)


def expected(ds, as_of: date, scope="pan-prd", modes=DEFAULT_MODES, **filters) -> dict:
    shown = analysis.filter_projects(ds.table(as_of, scope), modes=modes, **filters)
    return analysis.corridor_counts(shown, ds.target.count, tuple(modes))


@pytest.fixture(scope="module")
def home() -> AppTest:
    return run()


def test_default_view_counts_what_the_analysis_counts(home, ds):
    c = expected(ds, date.today())
    values = list(kpi(home).values())
    assert values[0] == f"{c['by_status']['completed']} / {ds.target.count}"
    assert values[1] == str(c["by_status"]["under_construction"])
    assert values[2] == str(c["by_status"]["planned"])


def test_only_waterways_leaves_only_waterways_everywhere(ds):
    at = run()
    at.sidebar.multiselect(key="modes").set_value(["waterway"])
    rerun(at)
    table = projects(at)
    assert set(table["方式"]) == {"水运"}
    groups = map_args(at)["feature_group"]
    assert mapview.MODE_COLOURS["waterway"] in groups
    assert mapview.MODE_COLOURS["rail"] not in groups and mapview.MODE_COLOURS["highway"] not in groups
    c = expected(ds, date.today(), modes=["waterway"])
    assert list(kpi(at).values())[0] == f"{c['by_status']['completed']} / {ds.target.count}"
    assert list(kpi(at).values())[1] == str(c["by_status"]["under_construction"])


def test_moving_the_date_changes_the_count(ds):
    early, late = date(2017, 1, 1), date.today()
    c_early, c_late = expected(ds, early), expected(ds, late)
    assert c_early["by_status"]["completed"] != c_late["by_status"]["completed"]  # the data must allow the test
    at = run()
    at.sidebar.date_input(key="as_of").set_value(early)
    rerun(at)
    assert list(kpi(at).values())[0] == f"{c_early['by_status']['completed']} / {ds.target.count}"
    assert at.query_params["date"] == "2017-01-01"


def test_scope_switch_counts_hubei_and_chongqing_links(ds):
    c_member, c_all = expected(ds, date.today()), expected(ds, date.today(), scope="neighbours")
    at = run()
    at.sidebar.radio(key="scope").set_value("neighbours")
    rerun(at)
    assert list(kpi(at).values())[0] == f"{c_all['by_status']['completed']} / {ds.target.count}"
    assert c_all["total"] >= c_member["total"]


def test_english_switch_changes_labels(home):
    at = run()
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)
    assert at.title[0].value == "Hunan's Pan-PRD corridors"
    assert list(kpi(at))[0] == "Corridors completed / target"
    assert "Mode" in projects(at).columns and "方式" not in projects(at).columns
    assert "Expressway" in map_args(at)["script"]  # legend follows the language


def test_query_string_restores_the_filters(ds):
    at = run(lang="en", date="2020-12-31", scope="neighbours", modes="rail", statuses="completed")
    assert at.sidebar.radio(key="lang").value == "en"
    assert at.sidebar.date_input(key="as_of").value == date(2020, 12, 31)
    assert at.sidebar.radio(key="scope").value == "neighbours"
    assert at.sidebar.multiselect(key="modes").value == ["rail"]
    assert at.sidebar.multiselect(key="statuses").value == ["completed"]
    want = analysis.filter_projects(ds.table(date(2020, 12, 31), "neighbours"), modes=["rail"],
                                    statuses=["completed"])
    assert sorted(projects(at)["Id"]) == sorted(want.id)


def test_bad_query_values_fall_back_to_defaults():
    at = run(date="not-a-date", modes="teleport,rail", scope="moon")
    assert at.sidebar.date_input(key="as_of").value == date.today()
    assert at.sidebar.multiselect(key="modes").value == ["rail"]
    assert at.sidebar.radio(key="scope").value == "pan-prd"


def test_neighbour_filter(ds):
    at = run(modes="rail,highway,waterway,pipeline,power", neighbours="520000")
    table = projects(at)
    assert len(table) > 0
    assert all("贵州省" in n for n in table["进入的相邻省份"])


def test_department_filter_and_search():
    at = run(modes="rail,highway,waterway,pipeline,power", departments="省能源局")
    assert set(projects(at)["牵头部门"]) == {"省能源局"}
    at = run(q="沅水")
    assert list(projects(at)["编号"]) == ["yuanshui"]


def test_clicking_a_line_on_the_map_opens_its_details(ds):
    at = run()
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    row = ds.table(date.today()).set_index("id", drop=False).loc["zhitong"]
    status = ds.section_statuses(date.today())[("zhitong", "hunan")]
    tip = mapview.tooltip_text(row, ds.section_names("zh")[("zhitong", "hunan")], status, "zh")
    assert tip in map_args(at)["feature_group"]
    at.session_state[component.key] = {"last_object_clicked_tooltip": tip}
    rerun(at)
    assert at.session_state["project"] == "zhitong"
    assert any(row.name_zh in m.value for m in at.markdown)
    assert at.query_params["project"] == "zhitong"


def test_choosing_a_project_shows_status_history_and_sources(ds):
    at = run()
    at.selectbox(key="project").set_value("jiaoliu_huailiu")
    rerun(at)
    text = "\n".join(m.value for m in at.markdown)
    assert "示意线" in "\n".join(w.value for w in at.warning)
    assert "湖南省 → 广西壮族自治区" in text
    history = next(d.value for d in at.dataframe if "日期" in d.value.columns and "事件" in d.value.columns)
    assert "2020-12-26" in set(history["日期"])
    assert "http" in text  # sources are links


def test_url_opens_a_project():
    at = run(project="longping")
    assert at.selectbox(key="project").value == "longping"


def test_every_filter_combination_keeps_kpis_in_step_with_the_table(ds):
    at = run(modes="highway", statuses="completed")
    table = projects(at)
    assert set(table["状态"]) <= {"建成"}
    c = expected(ds, date.today(), modes=["highway"], statuses=["completed"])
    assert list(kpi(at).values())[0] == f"{c['by_status']['completed']} / {ds.target.count}"
    assert int(list(kpi(at).values())[1]) == 0
    assert PROVINCES["430000"].name_zh in "".join(table["途经省份"])
