"""Recording progress from the dashboard: only with an editor credential; the count follows."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from corridors import i18n

from .apptest import map_drawn
from .test_app import APP, kpi


@pytest.fixture
def editor_env(monkeypatch, tmp_path):
    monkeypatch.setenv("CORRIDORS_EDITORS", "王工=correct-horse-battery")
    monkeypatch.setenv("CORRIDORS_STORE_URL", f"sqlite:///{tmp_path / 'progress.sqlite'}")
    return tmp_path


def _run(at: AppTest) -> AppTest:
    """Run the page; on a session's first run, also send the map's "drawn" report, as a browser does."""
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    ready = "_page_ready" in at.session_state and at.session_state["_page_ready"]
    if not ready and _has_map(at):
        map_drawn(at)
    return at


def _has_map(at: AppTest) -> bool:
    return any(c.proto.component_name.endswith("st_folium") for c in at.get("component_instance"))


def test_without_editors_there_is_no_editing_and_no_store(monkeypatch, tmp_path):
    monkeypatch.delenv("CORRIDORS_EDITORS", raising=False)
    monkeypatch.setenv("CORRIDORS_STORE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["project"] = "jingli"
    _run(at)
    assert not [t for t in at.text_input if t.key == "credential"]
    assert not _record_form(at)
    assert not (tmp_path / "p.sqlite").exists()  # viewing creates nothing


def _signed_in(**query) -> AppTest:
    """The app on a project's details (default G59 炉慈: Hunan's half open 2025-09-29, Hubei's half not sourced)
    with the editor signed in."""
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in {"project": "hw_g59_hubei", **query}.items():
        at.query_params[k] = v
    _run(at)
    at.text_input(key="editor_name").input("王工")
    at.text_input(key="credential").input("correct-horse-battery")
    return _run(at)


def _record_form(at: AppTest) -> dict:
    """The record form's widgets by field (keys rec_FIELD.PROJECT[.LANG], the button rec_save.PROJECT); empty
    when the page shows no form."""
    found = {}
    for kind in ("selectbox", "date_input", "text_input", "text_area", "button"):
        for w in getattr(at, kind):
            if w.key and w.key.startswith("rec_"):
                found[w.key.split(".")[0].removeprefix("rec_")] = w
    return found


def test_wrong_credential_shows_no_form(editor_env):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["project"] = "hw_g59_hubei"
    _run(at)
    at.text_input(key="editor_name").input("王工")
    at.text_input(key="credential").input("guess")
    _run(at)
    assert at.error and not _record_form(at)


def test_sign_in_is_throttled_and_failures_are_logged(editor_env, caplog):
    """After three wrong credentials the right one is refused until the delay has passed."""
    from corridors.ui.progress import throttle

    throttle().clear()
    at = AppTest.from_file(APP, default_timeout=90)
    _run(at)
    try:
        with caplog.at_level("WARNING", logger="corridors.auth"):
            for guess in ("a", "b", "c", "d"):
                at.text_input(key="editor_name").input("王工")
                at.text_input(key="credential").input(guess)
                _run(at)
            at.text_input(key="credential").input("correct-horse-battery")
            _run(at)
        assert not _record_form(at) and any("秒后" in e.value and "北京时间" in e.value for e in at.error)
        # a right credential during the lockout is not answered "wrong": the page says it is locked, and for how long
        assert not any(i18n.t("credential_bad", "zh") in e.value for e in at.error)
        assert any(i18n.t("credential_locked", "zh", s="", until="")[:8] in e.value for e in at.error)
        failures = [r.getMessage() for r in caplog.records if "sign-in failed" in r.getMessage()]
        assert len(failures) == 4 and all("王工" in m for m in failures)
        assert not any("correct-horse-battery" in r.getMessage() or "guess" in r.getMessage() for r in caplog.records)
    finally:
        throttle().clear()


def test_editor_records_an_opening_and_the_count_follows(editor_env, ds):
    """Counting every neighbour (湘鄂界 included) once both halves are open, recording the opening of G59's
    Hubei half adds one corridor."""
    from corridors.counting import Definition

    before = ds.count(date.today(), Definition(provinces="neighbours", opened="both"))["completed"]
    at = _signed_in(project="hw_g59_hubei", provinces="neighbours", opened="both")
    assert list(kpi(at).values())[0] == f"{before} / {ds.target.count}"
    assert any("王工" in c.value for c in at.caption)
    form = _record_form(at)
    form["section"].set_value("hubei")
    form["event"].set_value("opened")
    form["status"].set_value("completed")
    form["date"].set_value(date(2025, 9, 29))
    form["title"].input("呼北高速湖北段建成通车（示例来源）")
    form["url"].input("https://example.org/g59")
    form["save"].click()
    _run(at)
    assert list(kpi(at).values())[0] == f"{before + 1} / {ds.target.count}"
    history = next(d.value for d in at.dataframe if "记录人" in d.value.columns)
    assert "王工" in set(history["记录人"])


def test_refused_event_shows_why_and_saves_nothing(editor_env):
    at = _signed_in()
    form = _record_form(at)
    form["section"].set_value("hunan")
    form["date"].set_value(date(2019, 6, 1))  # before 炉慈 started (2020, xa-27)
    form["title"].input("a source")
    form["save"].click()
    _run(at)
    assert any("before construction started" in e.value for e in at.error)
    assert not (editor_env / "progress.sqlite").exists()  # a refused first event creates no store


def _map_present(at: AppTest) -> bool:
    return any(getattr(e, "component_name", "") == "streamlit_folium.st_folium" for e in at.get("component_instance"))


@pytest.mark.parametrize("editors", ["", "王工=correct-horse-battery"])
def test_a_corrupt_store_still_shows_the_map_and_a_banner(monkeypatch, tmp_path, ds, editors):
    """Viewers and editors alike see the shipped data and a banner naming the store; the file is untouched."""
    path = tmp_path / "progress.sqlite"
    path.write_bytes(b"not a database at all" * 64)
    before = path.read_bytes()
    monkeypatch.setenv("CORRIDORS_EDITORS", editors)
    monkeypatch.setenv("CORRIDORS_STORE_URL", f"sqlite:///{path}")
    at = AppTest.from_file(APP, default_timeout=90)
    _run(at)
    banner = [w.value for w in at.warning if "progress" in w.value or "进展" in w.value]
    assert banner and str(path) in banner[0] and "file is not a database" in banner[0]
    assert _map_present(at)
    assert list(kpi(at).values())[0] == f"{ds.count(date.today())['completed']} / {ds.target.count}"
    assert path.read_bytes() == before


def test_bad_rows_are_announced_and_orphans_shown_to_editors(editor_env, ds):
    import sqlalchemy as sa

    from corridors.store import Store, events_table

    url = f"sqlite:///{editor_env / 'progress.sqlite'}"
    Store(url, read_only=False).init()
    row = dict(section="all", event="opened", status="completed", date="2023-06-30", date_precision="day",
               source_title="outside", source_url="", note="", recorded_by="someone",
               recorded_at="2026-01-01T00:00:00+00:00")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(events_table.insert().values(project_id="jingli", **{**row, "date": "2023-02-30"}))
        conn.execute(events_table.insert().values(project_id="gone_line", **row))
    engine.dispose()
    at = AppTest.from_file(APP, default_timeout=90)
    _run(at)
    assert any("1" in w.value and "skipped" in w.value or "跳过" in w.value for w in at.warning)
    assert not any("gone_line" in x.value for x in at.text)  # orphans are for editors
    at = _signed_in()
    assert any("gone_line" in x.value for x in at.text)
    assert any("row s-1" in x.value and "field 'date'" in x.value for x in at.text)


def test_only_http_sources_become_links(editor_env):
    """A source recorded outside the app with a javascript: address is skipped; a title without an address
    is shown as text, never as a link."""
    import sqlalchemy as sa

    from corridors.store import Store, events_table

    url = f"sqlite:///{editor_env / 'progress.sqlite'}"
    Store(url, read_only=False).init()
    row = dict(project_id="hw_g59_hubei", section="hunan", event="study", status="planned", date="2020-01-01",
               date_precision="day", note="", recorded_by="someone", recorded_at="2026-01-01T00:00:00+00:00")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(events_table.insert().values(source_title="javascript:alert(1)", source_url="", **row))
        conn.execute(events_table.insert().values(source_title="x", source_url="javascript:alert(2)", **row))
    engine.dispose()
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["project"] = "hw_g59_hubei"
    _run(at)
    history = next(d.value for d in at.dataframe if "记录人" in d.value.columns)
    links = [v for v in history["链接"] if isinstance(v, str)]
    assert links and all(v.startswith(("http://", "https://")) for v in links)
    note = next(c for c in history.columns if c.startswith("说明"))
    assert any("javascript:alert(1)" in str(n) for n in history[note])  # shown as text in the note


def test_a_postgresql_restart_keeps_the_count_with_a_banner_and_recovers(monkeypatch, pg_fresh, ds):
    """A team's PostgreSQL restarting under a dashboard: the page keeps the progress it last read (the count
    stays, a banner says since when and that recording is paused), and the next rerun after the server is
    back reads the store again, without restarting the dashboard."""
    from corridors.counting import Definition
    from corridors.store import NewEvent, Store

    from .pg import stopped

    monkeypatch.setenv("CORRIDORS_STORE_URL", pg_fresh)
    definition = Definition(provinces="neighbours", opened="both")
    before = ds.count(date.today(), definition)["completed"]
    Store(pg_fresh, read_only=False).append(
        NewEvent("hw_g59_hubei", "hubei", "opened", "completed", "2025-09-29", "day", "呼北高速湖北段建成通车（示例来源）",
                 "https://example.org/g59", "", "王工"), ds.catalog.projects, ds.catalog.sections, ds.events)
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["provinces"], at.query_params["opened"] = "neighbours", "both"
    _run(at)
    headline = f"{before + 1} / {ds.target.count}"
    assert list(kpi(at).values())[0] == headline and not at.warning
    with stopped(pg_fresh):
        _run(at)
        assert list(kpi(at).values())[0] == headline
        banner = [w.value for w in at.warning if "progress" in w.value or "进展库" in w.value]
        assert banner and "进展库暂时无法连接" in banner[0] and "计数未变" in banner[0]
    _run(at)
    assert list(kpi(at).values())[0] == headline
    assert not [w.value for w in at.warning if "进展库" in w.value]
