"""The headline in Chromium against `streamlit run`, as a planner first sees it: the line saying what it counts
and the "第20条…" sentence sit right under the number on the first view (desktop and phone), and follow a
definition switch; the map numbers the counted crossings, as many as the headline counts; no flag in the map's
attribution. Expected text comes from the counting module and the i18n strings. Screenshots go to artifacts/."""

from __future__ import annotations

from datetime import date

import pytest

from corridors import i18n
from corridors.counting import DEFAULT, Definition

from .browser import ARTIFACTS
from .test_browser import DESKTOP, MAP, PHONE, _frame, _kpis, _open, _settle, server  # noqa: F401 (fixture)


def _notes(pg):
    return pg.locator('[data-testid="stCaptionContainer"]', has_text=i18n.t("headline_definition", "zh", short=""))


def _numbers(pg) -> list[int]:
    return [int(x) for x in _frame(pg).eval_on_selector_all(".corridors-num", "els => els.map(e => e.innerText)")]


def _sentence(ds, d: Definition) -> tuple[str, str]:
    """The day the target was reached under d and the name of the corridor that made it (Chinese)."""
    hit = ds.reached(d, date.today())
    return hit.day.isoformat(), ds.table(date.today(), d).set_index("id").name_zh[hit.project_id]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_first_view_says_what_is_counted_and_when_20_was_reached(server, ds, phone):  # noqa: F811
    pg = _open(server, phone=phone)
    try:
        notes = _notes(pg).first
        notes.wait_for(timeout=30_000)
        text = notes.inner_text()
        day, name = _sentence(ds, DEFAULT)
        assert i18n.t("headline_definition", "zh", short=i18n.definition_short(DEFAULT, "zh")) in text
        assert f"第{ds.target.count}条为{name}" in text and day in text
        # beside the headline, inside the first screen: to its right on a desktop, under it on a phone
        value = pg.locator('[data-testid="stMetricValue"]').first.bounding_box()
        box = notes.bounding_box()
        view = PHONE if phone else DESKTOP
        assert box["y"] + box["height"] <= view["height"]
        if phone:
            assert value["y"] < box["y"] < value["y"] + value["height"] + 120
        else:
            assert box["x"] > value["x"] + value["width"] and abs(box["y"] - value["y"]) < 120
        # and the map below it still fits the screen (a map partly out of view moves under the first click)
        assert pg.locator(MAP).bounding_box()["y"] + pg.locator(MAP).bounding_box()["height"] <= view["height"] \
            or phone
        # the map numbers as many crossings as the headline counts, 1…N
        count = ds.count(date.today())["completed"]
        assert _kpis(pg)[0].startswith(f"{count} /")
        assert sorted(_numbers(pg)) == list(range(1, count + 1))
        assert _frame(pg).locator(".leaflet-attribution-flag").count() == 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"headline-first-view-{'phone' if phone else 'desktop'}.png"))
    finally:
        pg.context.close()


def test_the_line_and_the_numbers_follow_a_definition_switch(server, ds):  # noqa: F811
    pg = _open(server)
    try:
        notes = _notes(pg).first
        notes.wait_for(timeout=30_000)
        before = notes.inner_text()
        pg.locator('[data-testid="stSidebar"]').get_by_text(i18n.t("definition", "zh"), exact=True).first.click()
        pg.locator('[data-testid="stSidebar"]').get_by_text(i18n.t("opened_both", "zh"), exact=True).click()
        after = _settle(pg, before, lambda: _notes(pg).first.inner_text(), timeout=60_000)
        d = Definition(opened="both")
        day, name = _sentence(ds, d)
        assert i18n.definition_short(d, "zh") in after and f"第{ds.target.count}条为{name}" in after and day in after
        count = ds.count(date.today(), d)["completed"]
        assert count != ds.count(date.today())["completed"]  # the data must allow the test
        _settle(pg, None, lambda: sorted(_numbers(pg)) == list(range(1, count + 1)) or None, timeout=30_000)
        pg.screenshot(path=str(ARTIFACTS / "headline-switched-desktop.png"))
    finally:
        pg.context.close()
