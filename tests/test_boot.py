"""The server prepares the dashboard as it starts (corridors.ui.boot): its steps run once, in order, in the
background; a failure is kept, not raised (the page then builds what it needs itself); a viewer arriving
meanwhile is shown what is being prepared in their language, and nothing once it is done. `streamlit run
app.py` starts it: app.py is an st.App whose lifespan does."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

from streamlit.testing.v1 import AppTest

from corridors.i18n import t
from corridors.ui import boot

ROOT = Path(__file__).resolve().parents[1]


def test_steps_run_in_order_once_and_count_as_they_go():
    seen: list[str] = []
    gate = threading.Event()
    prep = boot.Preparation()
    steps = [("a", lambda: seen.append("a")), ("b", gate.wait), ("c", lambda: seen.append("c"))]
    prep.run(lambda: steps)
    for _ in range(200):
        if prep.step == "b":
            break
        threading.Event().wait(0.01)
    assert (prep.step, prep.done, prep.finished.is_set()) == ("b", 1, False)  # held at b: a done, c not yet
    assert seen == ["a"]
    gate.set()
    assert prep.finished.wait(10)
    assert (seen, prep.done, prep.step, prep.error) == (["a", "c"], 3, None, None)


def test_a_failing_step_is_kept_and_finishes_the_preparation():
    prep = boot.Preparation()
    prep.run(lambda: [("a", lambda: None), ("b", lambda: 1 / 0), ("c", lambda: None)], first="modules")
    assert prep.finished.wait(10)
    assert prep.steps == ("modules", "a", "b", "c")
    assert prep.done == 2 and prep.step == "b"  # modules and a done; it stopped at b
    assert prep.error.startswith("ZeroDivisionError")


def _page(lang: str) -> None:
    """A page that waits on the preparation it is given (through session state) before its content."""
    import streamlit as st

    from corridors.ui import boot

    boot.wait(lang, st.session_state["prep"])
    st.write("page content")


def test_a_viewer_arriving_while_it_runs_is_told_in_their_language_and_then_sees_the_page():
    gate = threading.Event()
    prep = boot.Preparation()
    prep.run(lambda: [("boot_dataset", gate.wait), ("boot_base_map", lambda: None)])
    at = AppTest.from_function(_page, args=("en",), default_timeout=30)
    at.session_state["prep"] = prep
    # the script waits on the preparation; let it show its progress for a moment, then release it
    threading.Timer(1.0, gate.set).start()
    at.run()
    assert prep.finished.is_set()
    assert [m.value for m in at.markdown] == ["page content"]  # the progress is cleared once it is done
    assert not at.get("progress")


def test_the_progress_says_what_is_prepared_which_step_and_in_the_viewers_language():
    prep = boot.Preparation(steps=("boot_modules", "boot_dataset", "boot_base_map", "boot_corridors"), done=1)
    share, zh = boot.progress(prep, "zh")
    _, en = boot.progress(prep, "en")
    assert share == 1 / 4
    assert t("boot_dataset", "zh") in zh and "2/4" in zh
    assert t("boot_dataset", "en") in en and "step 2 of 4" in en
    prep.done = 4
    assert boot.progress(prep, "en")[0] == 1.0


def test_app_py_is_an_st_app_whose_lifespan_prepares_the_dashboard():
    """`streamlit run app.py` serves an st.App (Streamlit runs a script holding one in its ASGI mode) over
    dashboard.py, with boot's lifespan; dashboard.py waits for the preparation before the page."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Assign) and n.targets[0].id == "app"]
    assert len(calls) == 1
    call = calls[0].value
    assert ast.unparse(call.func) == "st.App" and ast.literal_eval(call.args[0]) == "dashboard.py"
    assert [ast.unparse(k.value) for k in call.keywords if k.arg == "lifespan"] == [
        "boot.lifespan(Path(__file__).parent)"]
    page = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    assert page.index("boot.wait()") < page.index("main(")


def _through_lifespan(prep: boot.Preparation, budget: float, monkeypatch) -> bool:
    """Enter boot's lifespan with `prep` as the process's preparation; whether it was finished on entry."""
    import asyncio

    monkeypatch.setattr(boot, "start", lambda app_dir: prep)

    async def enter() -> bool:
        async with boot.lifespan(Path("."), budget=budget)(None):
            return prep.finished.is_set()

    return asyncio.run(enter())


def test_the_server_answers_once_prepared(monkeypatch):
    gate = threading.Event()
    prep = boot.Preparation()
    prep.run(lambda: [("boot_dataset", lambda: gate.wait(0.3))])
    assert _through_lifespan(prep, 30, monkeypatch)  # it waited for the preparation, far inside its budget


def test_the_server_answers_after_its_budget_while_the_preparation_goes_on(monkeypatch):
    gate = threading.Event()
    prep = boot.Preparation()
    prep.run(lambda: [("boot_dataset", gate.wait)])
    try:
        assert not _through_lifespan(prep, 0.2, monkeypatch)  # answering with the preparation still running
    finally:
        gate.set()
    assert prep.finished.wait(10) and prep.done == 1
