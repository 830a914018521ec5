"""The console script's targets, outlook, backtest and stubs commands: JSON shapes other tools read, readable text,
and bad input refused on one line with exit status 2."""

from __future__ import annotations

import json
from datetime import date

import pytest

from corridors import outlook, stubs, targets
from corridors.cli import main


def run_json(capsys, argv):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_targets_json_is_the_register_against_the_count(ds, capsys):
    out = run_json(capsys, ["targets"])
    expected = targets.assess(ds)
    assert [r["id"] for r in out] == list(ds.catalog.targets.id)
    for r, e in zip(out, expected):
        assert {"id", "figure", "deadline", "source_id", "definition", "reached_on", "reached_by",
                "met_by_deadline"} <= set(r)
        for k in ("figure", "deadline", "source_id", "definition", "reached_on", "reached_by", "met_by_deadline"):
            assert r[k] == e[k], (r["id"], k)


def test_targets_text_names_each_target_and_its_verdict(ds, capsys):
    assert main(["targets"]) == 0
    text = capsys.readouterr().out
    for a in targets.assess(ds):
        assert a["id"] in text
        if a["reached_on"]:
            assert f"reached {a['figure']} on {a['reached_on']}" in text


def test_outlook_json_shape_and_figures(ds, capsys):
    argv = ["outlook", "--as-of", "2019-12-31", "--until", "2022-12-31", "--samples", "300"]
    out = run_json(capsys, argv)
    assert {"as_of", "until", "median", "low", "high", "level", "corridors"} <= set(out)
    assert out["as_of"] == "2019-12-31" and out["until"] == "2022-12-31" and out["level"] == 0.8
    s = outlook.summary(outlook.simulate(ds, date(2019, 12, 31), n=300), date(2022, 12, 31))
    assert (out["low"], out["median"], out["high"]) == (s["low"], s["median"], s["high"])
    assert [c["id"] for c in out["corridors"]] == [c["id"] for c in s["corridors"]]
    for c in out["corridors"]:
        assert {"id", "p_open_by_until", "expected_open"} <= set(c)


def test_outlook_for_a_target_uses_its_definition_and_gives_the_chance_of_its_figure(ds, capsys):
    out = run_json(capsys, ["outlook", "--as-of", "2021-12-31", "--until", "2025-12-31", "--target", "hw2025",
                            "--samples", "300"])
    row = targets.find(ds, "hw2025")
    assert out["definition"] == targets.definition(row).as_dict()
    sim = outlook.simulate(ds, date(2021, 12, 31), targets.definition(row), n=300)
    assert out["target"]["p_reached_by_until"] == outlook.p_reach(sim, date(2025, 12, 31), int(row.figure))


def test_outlook_text(capsys):
    assert main(["outlook", "--as-of", "2019-12-31", "--until", "2022-12-31", "--samples", "200"]) == 0
    text = capsys.readouterr().out
    assert "80% interval" in text and "2022-12-31" in text


@pytest.mark.parametrize("argv, says", [
    (["outlook", "--as-of", "2020-01-01", "--until", "2019-01-01"], "must come after"),
    (["outlook", "--until", "2030-01-01", "--target", "nowhere"], "unknown target 'nowhere'"),
    (["outlook", "--until", "2030-01-01", "--target", "hw2035"], "cannot be counted"),
    (["outlook", "--until", "2030-01-01", "--target", "hw2025", "--mode", "rail"], "not both"),
    (["outlook", "--until", "2030-01-01", "--samples", "5"], "at least 100"),
])
def test_bad_outlook_input_is_one_line_and_exit_2(capsys, argv, says):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1


def test_a_malformed_until_is_refused_with_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["outlook", "--until", "2030-02-30"])
    assert exc.value.code == 2 and "not an ISO date" in capsys.readouterr().err


def test_stubs_json_is_the_list(ds, capsys):
    for day in ("2020-12-31", date.today().isoformat()):
        out = run_json(capsys, ["stubs", "--as-of", day])
        s = stubs.stubs(ds, date.fromisoformat(day))
        assert [(r["id"], r["neighbour"]) for r in out] == list(zip(s.id, s.neighbour))
        for r, e in zip(out, s.itertuples()):
            assert {"id", "name_zh", "neighbour", "open_half", "hunan_half_opened", "neighbour_half_opened",
                    "days_waiting"} <= set(r)
            assert r["days_waiting"] == e.days_waiting and r["open_half"] == e.open_half
            opened = r["hunan_half_opened"] if r["open_half"] == "hunan" else r["neighbour_half_opened"]
            assert opened == e.since.isoformat()


def test_stubs_text_shows_a_missing_record_as_missing(ds, capsys):
    s = stubs.stubs(ds, date.today())
    assert main(["stubs"]) == 0
    text = capsys.readouterr().out
    assert f"{len(s)} crossing(s)" in text
    if (s.other_stage == "no_record").any():
        assert "未查到" in text


def test_backtest_json_matches_the_module(ds, capsys):
    out = run_json(capsys, ["backtest", "--first", "2016", "--last", "2017"])
    b = outlook.backtest(ds, years=range(2016, 2018))
    assert out["coverage"] == b["coverage"] and out["years"] == b["years"]
