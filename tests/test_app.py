"""The dashboard through Streamlit's AppTest: each control's effect on table, map and KPIs.
Expected numbers are computed with the analysis module, never typed in."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from corridors import analysis, i18n, style
from corridors import map as mapview
from corridors.counting import Definition
from corridors.ui import state

from .apptest import map_drawn, send_map
from .browser import ROOT

APP = str(ROOT / "dashboard.py")


def run(definition_open: bool = False, **query) -> AppTest:
    """The page as a browser sees it once the map is drawn (the map's report brings the rest of the page);
    with definition_open, the counting definition's box in the sidebar is open (its switches are built)."""
    at = AppTest.from_file(APP, default_timeout=90)
    if definition_open:
        at.session_state["definition.zh"] = at.session_state["definition.en"] = True
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return map_drawn(at)


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def kpi(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def projects(at: AppTest):
    """The project table (the dataframe with an id column, in either language)."""
    return next(d.value for d in at.dataframe if {"编号", "Id"} & set(d.value.columns) and "方式" in d.value.columns
                or "Mode" in d.value.columns and "Id" in d.value.columns)


def map_args(at: AppTest) -> dict:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return json.loads(component.proto.json_args)


def expected(ds, as_of: date, **switches) -> dict:
    """The count the headline must show, computed with the counting module."""
    return ds.count(as_of, Definition(**switches))


def headline(at: AppTest) -> str:
    return list(kpi(at).values())[0]


@pytest.fixture(scope="module")
def home() -> AppTest:
    return run()


def test_default_view_shows_the_count_and_its_milestones(home, ds):
    c = expected(ds, date.today())
    values = list(kpi(home).values())
    assert values[0] == f"{c['completed']} / {ds.target.count}"
    assert values[1] == str(expected(ds, ds.plan_date)["completed"])
    assert values[2] == str(expected(ds, date(ds.target.year, 12, 31))["completed"])
    assert values[3] == str(c["completed"])
    assert any("湖南段修到省界即计入" in m.value and "高速公路" in m.value for m in home.markdown)


def test_display_filters_never_change_the_headline(ds):
    at = run()
    before = headline(at)
    at.button_group(key="modes.zh").set_value(["waterway"])
    at.button_group(key="statuses.zh").set_value(["under_construction"])
    at.multiselect(key="neighbours.zh").set_value(["450000"])
    at.text_input(key="query").set_value("沅水")
    rerun(at)
    assert headline(at) == before
    groups = map_args(at)["feature_group"]
    assert mapview.MODE_COLOURS["highway"] not in groups
    assert set(projects(at)["方式"]) <= {"水运"}


def test_only_waterways_shows_only_waterways(ds):
    at = run()
    at.button_group(key="modes.zh").set_value(["waterway"])
    rerun(at)
    assert set(projects(at)["方式"]) == {"水运"}
    groups = map_args(at)["feature_group"]
    assert mapview.MODE_COLOURS["waterway"] in groups
    assert mapview.MODE_COLOURS["rail"] not in groups and mapview.MODE_COLOURS["highway"] not in groups


def test_the_project_list_offers_every_project_once_those_shown_first(ds):
    at = run()
    at.button_group(key="modes.zh").set_value(["waterway"])
    rerun(at)
    options = [o for o in at.selectbox(key="project.zh").options if o != at.selectbox(key="project.zh").options[0]]
    table = ds.table(date.today()).set_index("id")
    names = {i18n.name_of(table.loc[i], "zh"): i for i in table.index}
    picked = [names[o] for o in options]
    assert sorted(picked) == sorted(table.index)  # every project, once
    shown = len(projects(at))  # the rows the table shows under the filters
    assert 0 < shown < len(picked)
    assert {table.loc[i, "mode"] for i in picked[:shown]} == {"waterway"}  # what the filters show comes first


def test_moving_the_date_changes_the_count(ds):
    early, late = date(2010, 1, 1), date.today()
    c_early, c_late = expected(ds, early), expected(ds, late)
    assert c_early["completed"] != c_late["completed"]  # the data must allow the test
    at = run()
    at.sidebar.date_input(key="as_of").set_value(early)
    rerun(at)
    assert headline(at) == f"{c_early['completed']} / {ds.target.count}"
    assert at.query_params["date"] == "2010-01-01"


@pytest.mark.parametrize("key,value,switch", [
    ("def_provinces", "neighbours", {"provinces": "neighbours"}),
    ("def_opened", "both", {"opened": "both"}),
    ("def_include", "plan", {"include": "plan"}),
    ("def_unit", "route", {"unit": "route"}),
])
def test_each_definition_switch_drives_the_headline(ds, key, value, switch):
    at = run(definition_open=True)
    at.sidebar.radio(key=f"{key}.zh").set_value(value)
    rerun(at)
    assert headline(at) == f"{expected(ds, date.today(), **switch)['completed']} / {ds.target.count}"


def test_counted_modes_are_a_definition_switch(ds):
    at = run(definition_open=True)
    at.sidebar.multiselect(key="def_modes.zh").set_value(["rail", "highway", "waterway"])
    rerun(at)
    want = expected(ds, date.today(), modes=("rail", "highway", "waterway"))["completed"]
    assert headline(at) == f"{want} / {ds.target.count}"
    assert at.query_params["count_modes"] == "rail,highway,waterway"
    at.sidebar.multiselect(key="def_modes.zh").set_value([])
    rerun(at)  # an emptied box keeps the last valid choice instead of silently counting every mode
    assert headline(at) == f"{want} / {ds.target.count}"


def test_english_switch_changes_labels(home):
    at = run()
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)
    assert at.title[0].value == "Hunan's Pan-PRD corridors"
    assert list(kpi(at))[0] == f"Corridors open on {date.today()} / target"
    assert "Mode" in projects(at).columns and "方式" not in projects(at).columns
    assert "Expressway" in map_args(at)["feature_group"]  # the legend (with the lines) follows the language
    assert 'corridorsLanguage("en")' in map_args(at)["feature_group"]  # so do place labels and buttons
    zh = run()
    assert map_args(zh)["script"] == map_args(at)["script"]  # relabelled in place: the base map is not rebuilt


def test_query_string_restores_the_view(ds):
    at = run(lang="en", date="2020-12-31", provinces="neighbours", modes="rail", statuses="completed",
             opened="both", definition_open=True)
    assert at.sidebar.radio(key="lang").value == "en"
    assert at.sidebar.date_input(key="as_of").value == date(2020, 12, 31)
    assert at.sidebar.radio(key="def_provinces.en").value == "neighbours"
    assert at.sidebar.radio(key="def_opened.en").value == "both"
    assert at.button_group(key="modes.en").value == ["rail"]
    assert at.button_group(key="statuses.en").value == ["completed"]
    d = Definition(provinces="neighbours", opened="both")
    want = analysis.filter_projects(ds.table(date(2020, 12, 31), d), modes=["rail"], statuses=["completed"])
    assert sorted(projects(at)["Id"]) == sorted(want.id)
    assert headline(at) == f"{ds.count(date(2020, 12, 31), d)['completed']} / {ds.target.count}"


def test_bad_query_values_fall_back_to_defaults():
    at = run(date="not-a-date", modes="teleport,rail", provinces="moon", unit="furlong", definition_open=True)
    assert at.sidebar.date_input(key="as_of").value == date.today()
    assert at.button_group(key="modes.zh").value == ["rail"]
    assert at.sidebar.radio(key="def_provinces.zh").value == "pan-prd"
    assert at.sidebar.radio(key="def_unit.zh").value == "crossing"


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
    # the map carries each project's name once and composes a section's tooltip in the browser
    shown = [t for d in mapview.layer_data(map_args(at)["feature_group"]) if "l" in d for t in mapview.line_tooltips(d)]
    assert tip in shown
    send_map(at, {**at.session_state[component.key], "last_object_clicked_tooltip": tip})
    rerun(at)
    assert at.session_state["_view"]["project"] == "zhitong"
    assert any(row.name_zh in m.value for m in at.markdown)
    assert at.query_params["project"] == "zhitong"


def test_choosing_a_project_shows_status_history_and_sources(ds):
    at = run()
    at.selectbox(key="project.zh").set_value("jiaoliu_huailiu")
    rerun(at)
    text = "\n".join(m.value for m in at.markdown)
    assert "示意线" in "\n".join(w.value for w in at.warning)
    assert "湖南省 → 广西壮族自治区" in text
    history = next(d.value for d in at.dataframe if "日期" in d.value.columns and "事件" in d.value.columns)
    assert "2020-12-26" in set(history["日期"])
    assert "http" in text  # sources are links


def test_url_opens_a_project():
    at = run(project="longping")
    assert at.selectbox(key="project.zh").value == "longping"


def test_existing_corridors_can_be_hidden_from_the_map_and_table(ds):
    at = run()
    assert not projects(at)["编号"].isin(ds.catalog.projects.id[ds.catalog.projects.plan_name != ""]).all()
    before = headline(at)
    at.toggle(key="show_existing").set_value(False)
    rerun(at)
    assert set(projects(at)["编号"]) <= set(ds.catalog.projects.id[ds.catalog.projects.plan_name != ""])
    assert headline(at) == before


def test_a_language_switch_keeps_the_view_and_the_headline(ds):
    at = run(definition_open=True)
    at.sidebar.radio(key="def_provinces.zh").set_value("neighbours")
    at.button_group(key="modes.zh").set_value(["rail"])
    at.button_group(key="statuses.zh").set_value(["completed"])
    rerun(at)
    before, url = headline(at), dict(at.query_params)
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)
    at.text_input(key="query").set_value("a")
    rerun(at)
    assert headline(at) == before
    assert at.button_group(key="modes.en").value == ["rail"]
    assert at.button_group(key="statuses.en").value == ["completed"]
    assert at.sidebar.radio(key="def_provinces.en").value == "neighbours"
    assert {k: v for k, v in at.query_params.items() if k not in ("lang", "q")} == {
        k: v for k, v in url.items() if k != "lang"}
    assert at.query_params["q"] == "a"


def test_the_map_fetches_its_base_from_a_static_file_and_its_updates_carry_no_polygons(home, ds):
    """The boundaries, rivers and names are published once as a static file the map fetches; what is sent
    on every rerun (the map's script and its line layers) does not hold them."""
    import re

    args = map_args(home)
    (url,) = re.findall(r'fetch\("([^"]+)"\)', args["script"])
    assert url.startswith("/app/static/basemap/") and url.endswith(".json")
    published = json.loads((ROOT / url.removeprefix("/app/")).read_text(encoding="utf-8"))
    display = mapview.display_boundaries(ds.boundaries)
    assert len(published["boundaries"]["features"]) == len(display)
    assert len(published["rivers"]["features"]) > 10
    assert any('data-zh="长沙市"' in x["h"] for x in published["labels"])
    assert "FeatureCollection" not in args["script"] + args["feature_group"]
    assert "长沙市" not in args["script"]


def test_the_table_gives_dates_at_their_precision(ds):
    """A milestone known only to its year shows as that year, never as a made-up day."""
    from corridors.i18n import t

    table = ds.table(date.today()).set_index("id")
    year_only = [p for p, s in table.since.items() if isinstance(s, str) and len(s) == 4]
    assert year_only  # the shipped events have year-only dates (events.csv, date_precision = year)
    shown = projects(run()).set_index(t("col_id", "zh"))[t("col_since", "zh")]
    assert all(shown[p] == table.since[p] for p in year_only if p in shown.index)


def _charts(at: AppTest) -> int:
    return len(at.get("vega_lite_chart"))


def test_only_the_open_analysis_view_is_built_and_it_survives_a_language_switch(ds):
    """Over time is open by default; the breakdown and the changes are built only when chosen, which the
    link carries, a language switch keeps, and a second click on the open one does not close."""
    at = run()
    assert at.button_group(key="tab.zh").options == [i18n.t(f"tab_{c}", "zh") for c in state.TABS]
    assert at.button_group(key="tab.zh").value == "over_time"
    assert _charts(at) == 1 and "compare" not in [d.key for d in at.date_input]  # over time, the fan on it
    assert "tab" not in at.query_params

    now = ds.count(date.today(), Definition())
    groups = [g for g in (now["by_mode"], now["by_neighbour"]) if any(n for by in g.values() for n in by.values())]
    at = run(tab="breakdown")
    assert _charts(at) == len(groups) and "compare" not in [d.key for d in at.date_input]

    at = run(tab="changes")
    assert _charts(at) == 0 and "compare" in [d.key for d in at.date_input]
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)
    assert at.button_group(key="tab.en").value == "changes"
    assert at.button_group(key="tab.en").options[2] == "What changed"
    assert "compare" in [d.key for d in at.date_input] and _charts(at) == 0
    assert at.query_params["tab"] == "changes"
    at.button_group(key="tab.en").set_value(None)  # the open one clicked again
    rerun(at)
    assert at.button_group(key="tab.en").value == "changes" and at.query_params["tab"] == "changes"


def test_the_over_time_chart_is_the_same_in_both_languages_and_one_spec_on_every_date(ds):
    """A language switch sends the very same chart (its words are in both languages, Chinese first), so the
    browser has nothing to redo; what a new date changes travels in the chart's datasets, never in its spec,
    so the browser updates the drawn chart in place (Streamlit re-embeds a Vega view only when the spec
    changes)."""
    def chart(at: AppTest):
        (c,) = [c for c in at.get("vega_lite_chart") if "series" in {d.name for d in c.proto.datasets}]
        return c.proto.spec, {d.name: d.data.data for d in c.proto.datasets}

    at = run()
    spec, data = chart(at)
    assert set(data) == {"series", "band", "marks"}
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)
    spec_en, data_en = chart(at)
    at.sidebar.date_input(key="as_of").set_value(date(2018, 12, 31))
    rerun(at)
    spec_2018, data_2018 = chart(at)
    assert spec == spec_en == spec_2018
    assert data_en == data  # the same chart in either language
    parts = pa.ipc.open_stream(data["series"]).read_all().to_pandas().part.unique().tolist()
    assert parts == [f"{i18n.t(k, 'zh')} · {i18n.t(k, 'en')}" for k in ("chart_existing", "chart_new")]
    assert data_2018["marks"] != data_en["marks"]  # the chosen date's rule moved
    text = json.dumps(json.loads(spec), ensure_ascii=False)
    assert all(i18n.t("chart_new", lang) not in text for lang in ("zh", "en"))


def test_the_breakdown_charts_keep_their_specs_and_colours_through_a_language_switch(ds):
    """The breakdown's bars carry their labels in the data: the specs are the same in both languages, and each
    status keeps its colour (every status has a row, in one order) even when it has no corridor."""
    def charts(at: AppTest):
        return [(c.proto.spec, c.proto.datasets[0].data.data) for c in at.get("vega_lite_chart")]

    at = run(tab="breakdown")
    zh = charts(at)
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)
    en = charts(at)
    assert len(zh) == len(en) >= 1
    assert [s for s, _ in zh] == [s for s, _ in en] and all(a != b for (_, a), (_, b) in zip(zh, en))
    spec = json.loads(zh[0][0])
    assert spec["encoding"]["color"]["scale"]["range"] == list(style.STATUS_COLOURS.values())
    assert spec["encoding"]["color"]["sort"] == {"field": "k", "op": "min"}
    bars = pa.ipc.open_stream(zh[0][1]).read_all().to_pandas()
    every = list(range(len(style.STATUS_COLOURS)))
    assert all(list(ks) == every for ks in bars.groupby("group", sort=False).k.apply(list))
    assert (bars.n == 0).any() and (bars.n > 0).any()  # a status without corridors keeps its row and colour


def test_the_explanations_under_the_count_are_built_only_when_opened():
    """The reconciliation with official reporting and the table of definitions reaching 20 are sent only
    while their expander is open; an open one stays open across a language switch."""
    def sent(at: AppTest) -> tuple[bool, bool]:
        reconciled = any(i18n.t("col_reported", at.session_state["_view"]["lang"]) in d.value.columns
                         for d in at.dataframe)
        return reconciled, len(at.table) > 0

    at = run()
    assert sent(at) == (False, False)
    at.session_state["why_default.zh"] = True  # as the browser sends an opened expander
    rerun(at)
    assert sent(at) == (True, False)
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)
    assert sent(at) == (True, False)
    at.session_state["which_reach.en"] = True
    rerun(at)
    assert sent(at) == (True, True)


def test_the_definition_switches_are_built_only_while_their_box_is_open(ds):
    """Closed (the default), the sidebar holds the box and none of its switches; opened, they show the view's
    definition, and they stay open and keep it through a language switch. A definition chosen before the box
    was closed still drives the headline."""
    at = run(provinces="neighbours")
    assert not [r for r in at.sidebar.radio if r.key.startswith("def_")] and not at.sidebar.multiselect
    want = f"{expected(ds, date.today(), provinces='neighbours')['completed']} / {ds.target.count}"
    assert headline(at) == want
    at.session_state["definition.zh"] = True  # as the browser sends an opened expander
    rerun(at)
    assert at.sidebar.radio(key="def_provinces.zh").value == "neighbours"
    at.sidebar.radio(key="def_unit.zh").set_value("route")
    rerun(at)
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)
    assert at.sidebar.radio(key="def_unit.en").value == "route"
    assert at.sidebar.radio(key="def_provinces.en").value == "neighbours"
    at.session_state["definition.en"] = False
    rerun(at)
    assert not at.sidebar.multiselect
    want = expected(ds, date.today(), provinces="neighbours", unit="route")["completed"]
    assert headline(at) == f"{want} / {ds.target.count}" and at.query_params["unit"] == "route"
