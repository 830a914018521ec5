"""A half of a crossing without any record is shown as 未查到 (not found) everywhere: the map's lines and their
tooltips, the table, the details and every export. It is never drawn, listed or exported as 在建 (or any other
status): a missing record is not evidence."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import folium
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from corridors import dataset, i18n, snapshot
from corridors import map as mapview
from corridors.status import NOT_FOUND

from .apptest import map_drawn
from .browser import ROOT
from .conftest import edit_csv

# A Pan-PRD expressway crossing (counted by default once Hunan's half reaches the border) whose halves each
# have their own opening event in the shipped data; the test removes the Guangdong half's record.
PID, HALF, HUNAN = "hw_g4_guangdong", "guangdong", "hunan"
TODAY = date.today()
LABEL = i18n.status(NOT_FOUND, "zh")


@pytest.fixture(scope="module")
def unrecorded(tmp_path_factory):
    """geodata/ with every event of the Guangdong half (and any event of the whole link) removed."""
    import shutil

    from corridors.config import geodata_dir

    dst = tmp_path_factory.mktemp("nf") / "geodata"
    shutil.copytree(geodata_dir(), dst)
    before = dataset.load(dst).events
    mine = before[before.project_id == PID]
    assert set(mine.section) >= {HUNAN, HALF}, "the fixture needs a crossing with both halves recorded"
    edit_csv(dst / "events.csv", lambda f: f[~((f.project_id == PID) & f.section.isin([HALF, "all"]))])
    # as the research records it: searched and not found, with the queries tried (check refuses a counted
    # crossing whose other half has neither an event nor such a row, and the pages refuse what check refuses)
    gap = {"project_id": PID, "section": HALF, "milestone": "opened", "note": "test: the Guangdong half's opening "
           "was searched for and not found", "queries": "test query"}
    edit_csv(dst / "gaps.csv", lambda f: pd.concat([f[f.project_id != PID], pd.DataFrame([gap])]))
    return dst, dataset.load(dst)


def test_the_link_and_the_half_are_not_found_never_under_construction(unrecorded):
    _, ds = unrecorded
    row = ds.table(TODAY).set_index("id").loc[PID]
    assert row.hunan_status == "completed"  # Hunan's half is recorded open: that is evidence, and it counts
    assert row.status == NOT_FOUND and not row.partly_open
    assert bool(row.counted)  # the default rule counts Hunan's half reaching the border
    assert ds.section_statuses(TODAY)[(PID, HALF)] == NOT_FOUND
    assert ds.section_statuses(TODAY)[(PID, HUNAN)] == "completed"
    halves = {s["section"]: s["status"] for s in row.sections_status}
    assert halves == {HUNAN: "completed", HALF: NOT_FOUND}
    assert LABEL == "未查到" and i18n.status(NOT_FOUND, "en") == "Not found"


def test_the_map_draws_the_half_in_its_own_style_with_its_own_tooltip(unrecorded):
    _, ds = unrecorded
    table = ds.table(TODAY)
    names = ds.section_names("zh")
    groups, lookup = mapview.project_layers(table, mapview.section_paths(ds.sections), ds.section_statuses(TODAY),
                                            names, "zh")
    row = table.set_index("id", drop=False).loc[PID]
    tip = mapview.tooltip_text(row, names[(PID, HALF)], NOT_FOUND, "zh")
    assert tip.endswith(f"· {LABEL}") and lookup[tip] == PID
    assert mapview.tooltip_text(row, names[(PID, HALF)], "under_construction", "zh") not in lookup
    # the dashboard's update: the half's drawn style is NOT_FOUND's dash pattern, its tooltip says 未查到
    geometry = mapview.line_geometry(table, mapview.section_paths(ds.sections))
    (group,), _ = mapview.dashboard_layers(table, geometry, ds.section_statuses(TODAY), names, "zh")
    m = folium.Map(tiles=None)
    group.add_to(m)
    (data,) = [d for d in mapview.layer_data(m.get_root().render()) if "l" in d]
    tips = mapview.line_tooltips(data)
    at = tips.index(tip)
    style = data["s"][data["l"][at][1]][0]
    assert style["dashArray"] == mapview.STATUS_STYLES[NOT_FOUND]["dash_array"]
    assert mapview.STATUS_STYLES[NOT_FOUND]["dash_array"] not in {
        v["dash_array"] for k, v in mapview.STATUS_STYLES.items() if k != NOT_FOUND}
    assert LABEL in mapview.legend_html("zh", ["highway"], [NOT_FOUND])


def test_every_export_says_not_found(unrecorded):
    _, ds = unrecorded
    files = snapshot.build(ds, snapshot.Request(as_of=TODAY, compare=date(2018, 12, 31)))
    d = TODAY.isoformat()
    text = files[f"projects-{d}.csv"].decode("utf-8-sig")
    rows = {r["编号"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows[PID]["状态"] == LABEL
    assert f"{ds.section_names('zh')[(PID, HALF)]}：{LABEL}" in rows[PID]["各段状态"]
    feats = {f["properties"]["id"]: f["properties"] for f in json.loads(files[f"corridors-{d}.geojson"])["features"]}
    assert feats[PID]["status"] == NOT_FOUND
    assert f"{HALF}={NOT_FOUND}" in feats[PID]["sections_status"].split("; ")
    # `corridors export`: one feature per project, each section with its status
    export = {f["properties"]["id"]: f["properties"] for f in snapshot.features(ds, TODAY)}
    assert {s["section"]: s["status"] for s in export[PID]["sections"]} == {HUNAN: "completed", HALF: NOT_FOUND}
    assert export[PID]["status"] == NOT_FOUND
    counted = snapshot.counted_rows(ds, snapshot.Request(as_of=TODAY))
    assert counted.set_index("id").loc[PID, "status"] == i18n.t("status_hunan_half_not_found", "zh")
    assert LABEL in i18n.t("status_hunan_half_not_found", "zh")


def test_the_table_and_the_details_on_the_page_say_not_found(unrecorded, monkeypatch):
    path, ds = unrecorded
    monkeypatch.setenv("CORRIDORS_GEODATA", str(path))
    def forget() -> None:  # the page caches its dataset and tables per process: read the changed copy
        st.cache_resource.clear()
        st.cache_data.clear()

    forget()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        at.query_params["project"] = PID
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        at = map_drawn(at)
        table = next(f.value for f in at.dataframe if "编号" in f.value.columns and "方式" in f.value.columns)
        assert table.set_index("编号").loc[PID, "状态"] == LABEL
        details = "\n".join(m.value for m in at.markdown)
        assert f"{ds.section_names('zh')[(PID, HALF)]}：{LABEL}" in details
        assert "在建" not in details.split("**各段状态**")[1].split("\n")[0]
    finally:
        forget()
