"""The headline's target (issue 32): a picker in the sidebar sets the headline's figure and counting definition to
an official target's; a table lists every target as `corridors targets` gives it; the 断头路 sit on the map and in
a table as `corridors stubs` gives them. Expected values come from targets.assess, stubs.stubs and the counting
module (the CLI's own functions), never typed in."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from corridors import cli, counting, i18n, stubs, targets
from corridors import map as mapview
from corridors.catalog import MODES
from corridors.ui import panels, state

from .test_app import headline, map_args, rerun, run
from .test_app_headline import _plain, notes


def mapped(ds) -> list:
    """The register's targets the headline can show, other than the plan's, in file order."""
    return [r for r in ds.catalog.targets.itertuples()
            if targets.definition(r) is not None and str(r.figure).strip() not in ("", "nan", "None")
            and r.id != targets.DEFAULT_TARGET]


@pytest.fixture(scope="module")
def other(ds):
    """A target whose figure or definition differs from the plan's, so picking it must change the headline."""
    plan = targets.find(ds, targets.DEFAULT_TARGET)
    found = [r for r in mapped(ds)
             if int(r.figure) != int(plan.figure) or targets.definition(r) != targets.definition(plan)]
    assert found, "the register holds no other mapped target"
    return found[0]


def in_order(d: counting.Definition) -> counting.Definition:
    return counting.Definition(d.include, d.unit, tuple(m for m in MODES if m in d.modes), d.provinces, d.opened,
                               d.candidates)


def expected_notes(ds, as_of: date, d: counting.Definition, figure: int, lang: str) -> list[str]:
    hit = counting.reached(ds.timeline, ds.table(as_of, d), d, figure, as_of)
    names = ds.table(as_of, d).set_index("id")
    name = names.name_zh if lang == "zh" else names.name_en
    return i18n.headline_notes(d, lang, counts={**ds.count(as_of, d), "target": figure}, as_of=as_of,
                               reached_day=hit and hit.day, reached_name=name[hit.project_id] if hit else "",
                               same_day=tuple(name[p] for p in hit.same_day) if hit else ())


def definition_line(at: AppTest) -> str:
    label = f"**{i18n.t('definition', 'zh')}**"
    return next(m.value for m in at.markdown if m.value.startswith(label))


def test_the_plan_is_the_default_target_and_only_mapped_targets_are_offered(ds):
    at = run()
    box = at.sidebar.selectbox(key="target.zh")
    assert box.value == targets.DEFAULT_TARGET
    assert box.options == [r.name_zh for r in ds.catalog.targets.itertuples()
                           if r.id == targets.DEFAULT_TARGET or r.id in {m.id for m in mapped(ds)}]
    unmapped = [r for r in ds.catalog.targets.itertuples() if r.id != targets.DEFAULT_TARGET
                and r.id not in {m.id for m in mapped(ds)}]
    listed = next(c.value for c in at.sidebar.caption if c.value.startswith(i18n.t("target_unmapped", "zh")[:6]))
    for r in unmapped:
        assert panels.md_text(r.name_zh) in listed
    assert "target" not in at.query_params


def test_picking_a_target_moves_the_headline_its_definition_and_the_url(ds, other):
    today = date.today()
    at = run()
    d = in_order(targets.definition(other))
    at.sidebar.selectbox(key="target.zh").set_value(other.id)
    rerun(at)
    want = ds.count(today, d)["completed"]
    assert headline(at) == f"{want} / {int(other.figure)}"
    assert _plain(notes(at)).split("\n") == expected_notes(ds, today, d, int(other.figure), "zh")
    line = _plain(definition_line(at))
    assert i18n.t(f"provinces_{d.provinces}", "zh") in line and other.clause in line
    assert f"到{targets.deadline(other).year}年达到 {int(other.figure)} 条" in line
    assert at.query_params["target"] == other.id
    (chart,) = [c for c in at.get("vega_lite_chart")  # the over-time chart's target mark moved to the picked one
                if "series" in {d.name for d in c.proto.datasets}]
    marks = pa.ipc.open_stream(next(x.data.data for x in chart.proto.datasets if x.name == "marks")).read_all()
    (mark,) = [m for m in marks.to_pylist() if m["kind"] == "target"]
    assert (mark["n"], mark["date"]) == (int(other.figure), targets.deadline(other).isoformat())
    # the link alone brings the same headline back in a new session
    again = run(**{k: v for k, v in at.query_params.items()})
    assert headline(again) == headline(at) and _plain(notes(again)) == _plain(notes(at))
    assert again.sidebar.selectbox(key="target.zh").value == other.id
    # a hand-written link naming only the target counts under the target's definition
    bare = run(target=other.id)
    assert headline(bare) == headline(at)


def test_a_link_restores_the_target_and_the_definition_shown_even_when_they_differ(ds, other):
    """Picking a target and then setting the switches back to the plan's definition: the link still says so
    (a link naming the target alone would count under the target's definition)."""
    today, defs = date.today(), {other.id: in_order(targets.definition(other))}
    assert defs[other.id] != counting.DEFAULT  # the data must allow the test
    for d in (counting.DEFAULT, defs[other.id]):
        v = state.parse({"target": other.id}, today, [], defs)
        v.update(state.definition_fields(d))
        again = state.parse(state.url(v), today, [], defs)
        assert again["target"] == other.id and state.definition(again) == d


def test_the_target_survives_a_language_switch(ds, other):
    at = run(target=other.id)
    before = headline(at)
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)
    assert at.sidebar.selectbox(key="target.en").value == other.id and headline(at) == before
    assert at.query_params["target"] == other.id


def test_an_unknown_or_unmapped_target_in_the_link_falls_back_to_the_plan(ds):
    unmapped = [r.id for r in ds.catalog.targets.itertuples() if targets.definition(r) is None]
    for value in ["nonsense", *unmapped[:1]]:
        at = run(target=value)
        assert at.sidebar.selectbox(key="target.zh").value == targets.DEFAULT_TARGET
        assert headline(at).endswith(f" / {ds.target.count}")


def cli_json(capsys, *args: str):
    assert cli.main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_targets_table_is_the_clis_assessment(ds, capsys):
    at = run()
    at.session_state["targets_table.zh"] = True  # as the browser sends an opened expander
    rerun(at)
    cols = {k: i18n.t(k, "zh") for k in ("col_target", "col_figure", "col_deadline", "col_count_at_deadline",
                                        "col_met", "col_reached_on", "col_reached_by", "col_gap_today")}
    (table,) = [d.value for d in at.dataframe if cols["col_gap_today"] in d.value.columns]
    assessed = {x["id"]: x for x in targets.assess(ds, date.today())}
    listed = cli_json(capsys, "targets")
    assert len(table) == len(listed) == len(assessed)
    names = ds.table(date.today()).set_index("id").name_zh
    for row, x in zip(table.to_dict("records"), listed):
        full = assessed[x["id"]]
        assert row[cols["col_target"]] == full["name_zh"]
        for col, key in (("col_figure", "figure"), ("col_deadline", "deadline"), ("col_reached_on", "reached_on")):
            assert row[cols[col]] == ("—" if x[key] is None else str(x[key]))
        for col, key in (("col_count_at_deadline", "count_at_deadline"), ("col_gap_today", "gap_today")):
            assert row[cols[col]] == ("—" if full[key] is None else str(full[key]))
        met = x["met_by_deadline"]
        assert row[cols["col_met"]] == (i18n.t("target_not_mapped", "zh") if x["definition"] is None else
                                        "—" if met is None else i18n.t("yes" if met else "no", "zh"))
        for pid in x["reached_by"]:
            assert names[pid] in row[cols["col_reached_by"]]


def test_the_stubs_are_on_the_map_and_in_their_table_as_the_cli_lists_them(ds, capsys):
    today = date.today()
    at = run()
    listed = cli_json(capsys, "stubs", "--as-of", today.isoformat())
    rows = stubs.stubs(ds, today)
    assert [x["id"] for x in listed] == rows.id.tolist()
    update = "".join(str(v) for v in map_args(at).values())
    markers = mapview.stub_markers(rows, ds.table(today), "zh")
    assert len(markers) == len(listed)  # every stub on today's data has a traced crossing to stand on
    for lat, lon, tip in markers:  # each once, in the update's data (the map keeps the markers between updates)
        assert update.count(json.dumps([lat, lon, tip], ensure_ascii=False, separators=(",", ":"))) == 1
    at.session_state["stubs_table.zh"] = True
    rerun(at)
    col = i18n.t("col_days_waiting", "zh")
    (table,) = [d.value for d in at.dataframe if col in d.value.columns]
    assert table[i18n.t("col_name", "zh")].tolist() == [x["name_zh"] for x in listed]
    assert table[col].tolist() == [str(x["days_waiting"]) for x in listed]
