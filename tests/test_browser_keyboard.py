"""Keyboard and reopening in Chromium against `streamlit run`: a line on the map is reached with Tab (one stop per
project, not per section or crossing), shows a halo when focused, and Enter opens its details; a closed details
dialog reopens when the same line is clicked again; nothing covers the 打开详情 button. Screenshots go to
artifacts/."""

from __future__ import annotations

import re
from datetime import date

from corridors import i18n

from .browser import ARTIFACTS
from .test_browser import MAP, _click_line, _frame, _idle, _open, server  # noqa: F401 (fixture)

FOCUSED = "() => { const e = document.activeElement; return e && e.tagName === 'path' ? e.getAttribute('aria-label') : null; }"


def _close(pg) -> None:
    """Close the details dialog with its close button, as a mouse user does."""
    pg.get_by_role("dialog").get_by_role("button", name="Close").click()
    pg.get_by_role("dialog").wait_for(state="detached", timeout=30_000)


def _tab_to_a_line(pg, limit: int = 20) -> str:
    """Tab from the map's container until a line has the focus; its label (the line's tooltip)."""
    frame = _frame(pg)
    frame.locator(".leaflet-container").focus()
    for _ in range(limit):
        pg.keyboard.press("Tab")
        label = frame.evaluate(FOCUSED)
        if label:
            return label
    raise AssertionError(f"no line reached in {limit} Tab presses")


def test_enter_on_a_line_reached_with_tab_opens_its_details(server, ds):  # noqa: F811
    pg = _open(server)
    try:
        frame = _frame(pg)
        t = ds.table(date.today())
        drawn = t[(t.same_as == "") & t.route_known]
        stops = frame.evaluate("document.querySelectorAll('path[tabindex=\"0\"]').length")
        sections = frame.evaluate("document.querySelectorAll('path[tabindex]').length")
        assert 0 < stops <= len(drawn) < sections  # one stop per project, not one per section or crossing
        label = _tab_to_a_line(pg)
        halo = frame.evaluate("() => getComputedStyle(document.activeElement).strokeOpacity")
        assert float(halo) > 0.3  # the focused line is visibly marked
        name = label.split(" · ")[0].replace(i18n.t("candidate_short", "zh"), "")
        pg.keyboard.press("Enter")
        dialog = pg.get_by_role("dialog")
        dialog.get_by_role("heading", name=re.compile(re.escape(name[:4]))).wait_for(timeout=30_000)
        pg.screenshot(path=str(ARTIFACTS / "details-from-keyboard.png"))
        assert not pg.errors, pg.errors
    finally:
        pg.context.close()


def test_clicking_the_same_line_again_reopens_its_closed_details(server, ds):  # noqa: F811
    pg = _open(server)
    try:
        line = ds.lines.set_index("project_id").geometry["yuanshui"]
        name = ds.catalog.projects.set_index("id").name_zh["yuanshui"]
        heading = pg.get_by_role("dialog").get_by_role("heading", name=re.compile(re.escape(name[:4])))
        _click_line(pg, line)
        heading.wait_for(timeout=30_000)
        _close(pg)
        _idle(pg)  # the rerun that closing started is over
        _click_line(pg, line)
        heading.wait_for(timeout=30_000)
        _close(pg)
        # the fallback button is not covered by anything (the table's toolbar sat on it)
        button = pg.get_by_role("button", name=i18n.t("open_details", "zh"))
        _idle(pg)  # the rerun that closing started is over
        button.wait_for(timeout=30_000)
        button.scroll_into_view_if_needed()
        table = pg.locator('[data-testid="stDataFrame"]').first
        t = table.bounding_box()
        pg.mouse.move(t["x"] + t["width"] - 40, t["y"] + 60)  # over the table: its toolbar shows
        pg.locator('[data-testid="stElementToolbar"]').first.wait_for(state="visible", timeout=10_000)
        box = button.bounding_box()
        for fx, fy in ((0.5, 0.5), (0.05, 0.1), (0.95, 0.9), (0.95, 0.98)):
            x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
            hit = pg.evaluate("([x, y, label]) => { const e = document.elementFromPoint(x, y);"
                              " return e && e.closest('button') && e.closest('button').innerText.includes(label)"
                              " ? 'button' : (e ? e.tagName + ' ' + (e.closest('[data-testid]') || e)"
                              ".getAttribute('data-testid') : 'nothing'); }", [x, y, i18n.t("open_details", "zh")])
            assert hit == "button", (fx, fy, hit)
        button.click()
        heading.wait_for(timeout=30_000)
        assert not pg.errors, pg.errors
    finally:
        pg.context.close()
