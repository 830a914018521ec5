"""A worker dies under a signed-in editor with the record form half-typed. Through the proxy the page reconnects
to the other worker, a new session: the editor is told to sign in again, and the form still holds what was
typed (from the link; the credential is never in it). Chromium against `corridors serve` on loopback."""

from __future__ import annotations

import re
import shutil

import pytest

from .browser import ARTIFACTS, chromium
from .test_browser import _idle, _sign_in, _wait_map
from .test_deploy import _listener, _stats, _until, _worker_of, team  # noqa: F401 (team: a fixture)

pytestmark = pytest.mark.skipif(not shutil.which("haproxy"), reason="HAProxy is installed by .ci/run")
TITLE, NOTE = "草稿：湖北段通车的来源", "半填的说明，尚未保存"


def test_an_editor_on_a_dead_worker_is_told_to_sign_in_and_keeps_the_form(team):  # noqa: F811
    base, stats, worker_ports, _ = team
    with chromium() as browser:
        ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
        pg = ctx.new_page()
        pg.goto(f"{base}/?project=hw_g59_hubei")
        _wait_map(pg)
        _sign_in(pg)
        pg.get_by_role("button", name="打开详情").click()
        dialog = pg.get_by_role("dialog")
        dialog.wait_for(timeout=30_000)
        _idle(pg, 1000)
        dialog.get_by_text(re.compile("记录进展")).first.click()
        title = dialog.get_by_role("textbox", name="来源（标题）")
        title.fill(TITLE)
        title.press("Enter")  # commits the field, as leaving it does
        _idle(pg, 1000)
        note = dialog.get_by_role("textbox", name=re.compile("说明"))
        note.fill(NOTE)
        note.blur()
        _idle(pg, 1000)
        _until(lambda: "rec_title" in pg.url and "rec_note" in pg.url and "edit=1" in pg.url, 30,
               "the draft in the link")
        assert "correct-horse" not in pg.url

        worker = _worker_of(ctx)
        victim = _listener(worker_ports[int(worker.removeprefix("w")) - 1])
        victim.kill()
        victim.wait(10)
        try:
            pg.get_by_text(re.compile("编辑登录已失效")).first.wait_for(timeout=120_000)
            dialog = pg.get_by_role("dialog")
            dialog.wait_for(timeout=60_000)
            _idle(pg, 1000)
            assert dialog.get_by_role("textbox", name="来源（标题）").input_value() == TITLE
            assert dialog.get_by_role("textbox", name=re.compile("说明")).input_value() == NOTE
            assert dialog.get_by_role("button", name="保存").is_disabled()
        finally:
            pg.screenshot(path=str(ARTIFACTS / "deploy" / "session-lost.png"))
        assert _worker_of(ctx) != worker or _stats(stats).get(worker) != "UP"
        _until(lambda: _stats(stats).get(worker) == "UP", 90, f"{worker} restarted and back in rotation")
        ctx.close()
