"""The headline's target and the 断头路 in Chromium against `streamlit run` (issue 32): picking another official
target in the sidebar moves the headline's number, the line under it and the definition line to that target's, and
the link keeps it; the map carries one 断头路 marker per row of `corridors stubs` for today. Expected values come
from the targets, counting and stubs modules and the CLI, never typed in. Screenshots go to artifacts/."""

from __future__ import annotations

import json
import re
from datetime import date

from corridors import cli, counting, i18n, targets
from corridors.catalog import MODES

from .browser import ARTIFACTS
from .test_browser import MAP, _frame, _idle, _kpis, _open, _query, _settle, server  # noqa: F401 (fixture)
from .test_browser_headline import _notes


def _other(ds):
    """The first mapped target after the plan's whose figure differs from it (so the headline must change)."""
    plan = targets.find(ds, targets.DEFAULT_TARGET)
    for r in ds.catalog.targets.itertuples():
        if targets.definition(r) is not None and str(r.figure).strip() not in ("", "nan", "None") \
                and int(r.figure) != int(plan.figure):
            return r
    raise AssertionError("the register holds no other mapped target with another figure")


def _definition_line(pg):
    return pg.locator('[data-testid="stMarkdownContainer"]', has_text=i18n.t("definition", "zh") + "：").first


def test_picking_another_target_moves_the_headline_and_its_definition_line(server, ds):  # noqa: F811
    other = _other(ds)
    d = targets.definition(other)
    d = counting.Definition(d.include, d.unit, tuple(m for m in MODES if m in d.modes), d.provinces, d.opened,
                            d.candidates)
    today = date.today()
    pg = _open(server)
    try:
        notes = _notes(pg).first
        notes.wait_for(timeout=30_000)
        before = notes.inner_text()
        assert _kpis(pg)[0].endswith(f"/ {ds.target.count}")
        sidebar = pg.locator('[data-testid="stSidebar"]')
        sidebar.locator('[data-testid="stSelectbox"]').first.click()
        pg.get_by_role("option", name=other.name_zh, exact=True).click()
        after = _settle(pg, before, lambda: _notes(pg).first.inner_text(), timeout=60_000)
        _idle(pg)
        want = ds.count(today, d)["completed"]
        assert _kpis(pg)[0] == f"{want} / {int(other.figure)}"
        assert i18n.definition_short(d, "zh") in after
        hit = counting.reached(ds.timeline, ds.table(today, d), d, int(other.figure), today)
        if hit is not None:
            name = ds.table(today, d).set_index("id").name_zh[hit.project_id]
            assert f"第{int(other.figure)}条为{name}" in after and hit.day.isoformat() in after
        line = _definition_line(pg)
        line.wait_for(timeout=30_000)
        text = line.inner_text()
        assert other.clause in text and f"{int(other.figure)} 条" in text
        assert _query(pg)["target"] == other.id
        chart = pg.get_by_role("heading", name=i18n.t("chart_over_time", "zh", target=other.name_zh))
        chart.wait_for(timeout=30_000)  # the over-time chart and its fan follow the pick
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "headline-target-picked-desktop.png"))
    finally:
        pg.context.close()


def test_the_map_has_one_stub_marker_per_row_of_the_cli_list(server, ds, capsys):  # noqa: F811
    assert cli.main(["stubs", "--as-of", date.today().isoformat(), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed  # the shipped data hold 断头路 today: the test needs some to count
    pg = _open(server)
    try:
        frame = _frame(pg)
        frame.locator(".corridors-stub").first.wait_for(timeout=30_000)
        assert frame.locator(".corridors-stub").count() == len(listed)
        frame.locator(".corridors-stub").first.hover()
        tip = frame.locator(".leaflet-tooltip").last
        tip.wait_for(timeout=10_000)
        assert any(x["name_zh"] in tip.inner_text() for x in listed)
        pg.screenshot(path=str(ARTIFACTS / "stubs-on-map-desktop.png"))

        # a language switch renames the markers the map holds: the very same elements, English tooltips
        frame.evaluate(f"document.querySelectorAll('{STUBS}, {NUMBERS}').forEach(e => e.dataset.kept = '1')")
        kept = frame.locator(f"{STUBS}, {NUMBERS}").count()
        kpi = _kpis(pg)[0]
        pg.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        pg.get_by_role("heading", name="Hunan's Pan-PRD corridors").wait_for(timeout=30_000)
        frame.locator(".corridors-legend summary", has_text="Legend").wait_for(timeout=30_000)
        _idle(pg)
        assert frame.locator(f"{STUBS}[data-kept], {NUMBERS}[data-kept]").count() == kept
        assert frame.locator(f"{STUBS}, {NUMBERS}").count() == kept
        frame.locator(STUBS).first.hover()
        assert any(x["name_en"] in frame.locator(".leaflet-tooltip").last.inner_text() for x in listed)

        # another date: the markers are that date's list, those gone removed and those new added
        day = "2020-12-31"
        assert cli.main(["stubs", "--as-of", day, "--json"]) == 0
        then = json.loads(capsys.readouterr().out)
        assert {x["id"] for x in then} != {x["id"] for x in listed}  # the test needs the lists to differ
        pg.locator('[data-testid="stSidebar"]').get_by_role("spinbutton", name=re.compile("^year")).click()
        pg.keyboard.type(day.replace("-", ""))
        pg.keyboard.press("Escape")  # the date is sent when the calendar closes
        pg.wait_for_url(re.compile(f"date={day}"), timeout=30_000)
        _settle(pg, kpi, lambda: _kpis(pg)[0])
        _idle(pg)
        assert frame.locator(STUBS).count() == len(then)
    finally:
        pg.context.close()


STUBS, NUMBERS = ".corridors-stub", ".corridors-num"
