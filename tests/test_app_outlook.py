"""The outlook's fan on the over-time chart and the neighbours' reckoning on the page (issue 32), in AppTest.
Expected values come from corridors.outlook, corridors.reckoning and the CLI, never typed in."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from corridors import i18n, outlook, targets
from corridors.ui.outlook import horizon

from .test_app import rerun, run
from .test_app_targets import cli_json, in_order, mapped


def _fan(at):
    """The over-time chart's spec and datasets (the one chart with a 'band' dataset)."""
    (c,) = [c for c in at.get("vega_lite_chart") if "band" in {d.name for d in c.proto.datasets}]
    return c.proto.spec, {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in c.proto.datasets}


def test_the_fan_is_the_outlooks_median_and_interval_for_the_picked_target(ds):
    today = date.today()
    for row in [targets.find(ds, targets.DEFAULT_TARGET), *mapped(ds)[:1]]:
        d = in_order(targets.definition(row))
        due = targets.deadline(row)
        at = run(target=row.id)
        _, data = _fan(at)
        sim = outlook.simulate(ds, today, d)
        want = outlook.fan(sim, outlook.month_ends(today, horizon(today, due)))
        assert data["band"]["date"].tolist() == [x.isoformat() for x in want.date]
        for col in ("low", "median", "high"):
            assert data["band"][col].tolist() == want[col].tolist(), (row.id, col)
        (mark,) = data["marks"][data["marks"].kind == "target"].to_dict("records")
        assert (mark["n"], mark["date"]) == (int(row.figure), due.isoformat())
        series = ds.count_series(d, today)  # the count so far, stacked on the same axes
        assert data["series"].groupby("date", sort=False).n.sum().tolist() == series.completed.tolist()
        assert i18n.t("chart_over_time", "zh", target=row.name_zh) in [h.value for h in at.subheader]
        assert any(c.value.startswith(i18n.t("fan_hint", "zh", date=today.isoformat())) for c in at.caption)


def test_the_fan_is_the_same_chart_in_both_languages(ds):
    at = run()
    spec, _ = _fan(at)
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)
    spec_en, data_en = _fan(at)
    assert spec == spec_en
    assert data_en["band"]["tip"].str.contains("中位数 · median").all()  # the words, both languages, in the data


def test_the_reckoning_table_is_the_clis(capsys):
    at = run()
    assert not [t for t in at.table if i18n.t("reck_col_hunan_count", "zh") in t.value.columns]  # built when opened
    at.session_state["reckoning.zh"] = True  # as the browser sends an opened expander
    rerun(at)
    listed = cli_json(capsys, "reckoning")
    (table,) = [t.value for t in at.table if i18n.t("reck_col_hunan_count", "zh") in t.value.columns]
    assert len(table) == len(listed)
    assert table[i18n.t("reck_col_hunan_count", "zh")].astype(int).tolist() == [x["hunan_count"] for x in listed]
    assert table[i18n.t("reck_col_difference", "zh")].astype(int).tolist() == [x["difference"] for x in listed]
    assert table[i18n.t("reck_col_explanation", "zh")].tolist() == [x["explanation_zh"] for x in listed]
    assert table.index.tolist() == [x["neighbour"] for x in listed]
    at.sidebar.radio(key="lang").set_value("en")
    rerun(at)  # the open expander stays open in English
    (table,) = [t.value for t in at.table if i18n.t("reck_col_hunan_count", "en") in t.value.columns]
    assert table[i18n.t("reck_col_explanation", "en")].tolist() == [x["explanation"] for x in listed]
