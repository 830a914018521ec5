"""A project's details a planner can cite: each event's source by kind, title, publisher and date, official
sources first; gaps naming their section; a research summary in the page's language with the English notes
folded; units said once. Expected text comes from the shipped data and the i18n strings."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from corridors import i18n

from .test_app import rerun, run


def open_details(pid: str, lang: str = "zh") -> AppTest:
    at = run(lang=lang)
    at.selectbox(key=f"project.{lang}").set_value(pid)
    return rerun(at)


def _history(at: AppTest, lang: str):
    return next(d.value for d in at.dataframe if i18n.t("col_source_cited", lang) in d.value.columns)


def test_each_event_cites_its_source_and_official_sources_come_first(ds):
    at = open_details("yanru")
    history = _history(at, "zh")
    sources = ds.catalog.sources.set_index("id")
    events = ds.events[ds.events.project_id == "yanru"]
    for sid in set(events.source_id) & set(sources.index):
        src = sources.loc[sid]
        line = f"{i18n.t('outlet_' + src.outlet, 'zh')} · {src.title} — {src.publisher}"
        assert any(c.startswith(line) for c in history[i18n.t("col_source_cited", "zh")]), sid
    text = "\n".join(m.value for m in at.markdown)
    listed = [line for line in text.split("\n") if line.startswith("- **[")]  # the sources list, in order
    kinds = [next(k for k in ("official", "original", "repost", "dataset")
                  if line.startswith(f"- **[{i18n.t('outlet_' + k, 'zh')}]**")) for line in listed]
    assert kinds == sorted(kinds, key=("official", "original", "repost", "dataset").index) and len(set(kinds)) > 1


def test_gaps_name_their_section_and_the_page_is_chinese_with_units_once(ds):
    at = open_details("yanru")
    text = "\n".join(m.value for m in at.markdown).replace("\\", "")
    names = ds.section_names("zh")
    for g in ds.catalog.gaps[ds.catalog.gaps.project_id == "yanru"].itertuples():
        where = i18n.t("section_all", "zh") if g.section == "all" else names[("yanru", g.section)]
        assert i18n.t("gap_line", "zh", section=where, milestone=i18n.t("event_" + g.milestone, "zh")) in text
    assert i18n.t("summary", "zh") in text and "线路认定" in text
    assert f"{i18n.t('col_length_plain', 'zh')}**：" in text and "长度(km)" not in text
    folded = [e for e in at.expander if e.label == i18n.t("research_note_en", "zh")]
    assert folded  # the English notes sit under a labelled fold


def test_an_unnumbered_route_is_said_in_the_page_language(ds):
    pid = ds.catalog.projects.id[ds.catalog.projects.route_number == "unnumbered"].iloc[0]
    at = open_details(pid)
    text = "\n".join(m.value for m in at.markdown)
    assert i18n.t("route_unnumbered", "zh") in text and "unnumbered" not in text


def test_clicking_the_same_line_again_reopens_its_details_and_a_repeat_report_does_not(ds):
    """The map reports a line click with a running count ("click", see mapview.MapChrome); st_folium's own later
    report of the same click carries none."""
    from datetime import date

    from corridors import map as mapview

    from .apptest import send_map
    from .test_app import map_args

    at = run()
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    row = ds.table(date.today()).set_index("id", drop=False).loc["zhitong"]
    tip = mapview.tooltip_text(row, ds.section_names("zh")[("zhitong", "hunan")],
                               ds.section_statuses(date.today())[("zhitong", "hunan")], "zh")
    assert tip in [x for d in mapview.layer_data(map_args(at)["feature_group"]) if "l" in d
                   for x in mapview.line_tooltips(d)]
    base = dict(at.session_state[component.key])
    send_map(at, {**base, "last_object_clicked_tooltip": tip, "click": 1})
    rerun(at)
    assert at.session_state["_details_open"] and at.session_state["_view"]["project"] == "zhitong"
    at.session_state["_details_open"] = False  # the dialog closed (its on_dismiss)
    send_map(at, {**base, "last_object_clicked_tooltip": tip})  # st_folium's own report of that click
    rerun(at)
    assert not at.session_state["_details_open"]
    send_map(at, {**base, "last_object_clicked_tooltip": tip, "click": 2})  # the same line clicked again
    rerun(at)
    assert at.session_state["_details_open"]
