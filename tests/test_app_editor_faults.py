"""Faults in the editors' views degrade like the viewers': a store read that fails inside the details dialog
shows a banner, never a traceback; an editor whose session was lost (a worker died and the page reconnected
to another) is told to sign in again, and what they had typed is still in the form."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from corridors.errors import StoreError

from .test_app import APP
from .test_app_progress import _run, _signed_in, editor_env  # noqa: F401 (a fixture)

PID = "hw_g59_hubei"


def _alignment(ds, url: str) -> None:
    """One imported line for the project, so that the store's version names alignment rows."""
    from corridors.store import NewAlignment, Store

    line = ds.sections.set_index(["project_id", "section"]).geometry[(PID, "hunan")]
    wkt = "LINESTRING (" + ", ".join(f"{x:.5f} {y + 0.001:.5f}" for x, y in line.coords) + ")"
    Store(url, read_only=False).append_alignment(
        NewAlignment(PID, "hunan", source_title="测试线位", recorded_by="王工", geometry=wkt, file_name="a.geojson",
                     sha256="0" * 64), ds.catalog.projects, ds.catalog.sections)


def test_a_store_read_failing_in_the_editors_dialog_shows_the_banner(editor_env, ds, monkeypatch):  # noqa: F811
    """The line history is read from the store when its cached copy is gone (evicted by other versions); the
    store failing then (PostgreSQL restarting) gave the editor a raw exception with the server's paths."""
    from corridors.store import Store
    from corridors.ui import data

    _alignment(ds, f"sqlite:///{editor_env / 'progress.sqlite'}")
    at = _signed_in(project=PID)
    assert any("线位历史" in m.value for m in at.markdown)  # the editors' line history, read from the store
    why = "cannot read the progress store /srv/corridors/progress.sqlite: disk I/O error"

    down, real = [True], Store.read_alignments

    def read_alignments(self, *args, **kwargs):
        if down[0]:
            raise StoreError(why)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "read_alignments", read_alignments)
    data.alignment_rows.clear()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    banner = [w.value for w in at.warning if "进展库暂时无法连接" in w.value]
    assert banner and "disk I/O error" in banner[0] and "暂不能记录进展" in banner[0]
    assert not any("Traceback" in x.value or ".py" in x.value for x in [*at.error, *at.warning])
    assert not any("线位历史" in m.value for m in at.markdown)
    down[0] = False  # the store is back: the next run shows the history again, without the banner
    at.run()
    assert any("线位历史" in m.value for m in at.markdown)
    assert not [w.value for w in at.warning if "进展库暂时无法连接" in w.value]


def _form(at: AppTest) -> dict:
    from .test_app_progress import _record_form

    return _record_form(at)


def test_an_editor_whose_session_was_lost_is_told_and_keeps_what_was_typed(editor_env, ds):  # noqa: F811
    """A worker dies: the page reconnects to another worker, a new session that knows only the link. Before,
    the editor was signed out without a word and the half-typed form was gone. Now the link says an editor was
    signed in here and holds what was typed (never the credential): the new session asks them to sign in
    again, shows the form as it was, and saves it once they have."""
    from corridors.store import Store

    at = _signed_in(project=PID)
    form = _form(at)
    form["section"].set_value("hubei")
    form["date"].set_value(date(2025, 9, 29))
    form["title"].input("呼北高速湖北段建成通车（示例来源）")
    form["note"].input("湖北段通车，与湖南段同日（草稿）")
    _run(at)
    link = dict(at.query_params)
    assert link.get("edit") == "1" and link.get("rec_for") == PID and link.get("rec_section") == "hubei"
    assert not any("correct-horse" in str(v) for v in link.values())  # no credential in the link

    lost = AppTest.from_file(APP, default_timeout=90)  # another worker: a new session, the same link
    for k, v in link.items():
        lost.query_params[k] = v
    _run(lost)
    notices = [w.value for w in lost.warning if "重新登录" in w.value]
    assert notices and "仍保留" in notices[0]
    kept = _form(lost)
    assert kept["title"].value == "呼北高速湖北段建成通车（示例来源）" and kept["section"].value == "hubei"
    assert kept["note"].value == "湖北段通车，与湖南段同日（草稿）" and kept["date"].value == date(2025, 9, 29)
    assert kept["save"].disabled
    assert not (editor_env / "progress.sqlite").exists()  # nothing saved while signed out

    lost.text_input(key="editor_name").input("王工")
    lost.text_input(key="credential").input("correct-horse-battery")
    _run(lost)
    assert not [w.value for w in lost.warning if "重新登录" in w.value]
    form = _form(lost)
    assert form["title"].value == "呼北高速湖北段建成通车（示例来源）" and not form["save"].disabled
    form["save"].click()
    _run(lost)
    stored = Store(f"sqlite:///{editor_env / 'progress.sqlite'}").events()
    assert stored[["section", "date", "source_title", "recorded_by"]].values.tolist() == [
        ["hubei", "2025-09-29", "呼北高速湖北段建成通车（示例来源）", "王工"]]
    assert not any(k.startswith("rec_") for k in lost.query_params) and _form(lost)["title"].value == ""


def test_a_link_with_the_editing_mark_asks_nothing_where_nobody_edits(monkeypatch, tmp_path):
    """A viewer given an editor's link on a dashboard without editors sees no notice and no form."""
    monkeypatch.delenv("CORRIDORS_EDITORS", raising=False)
    monkeypatch.setenv("CORRIDORS_STORE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in {"project": PID, "edit": "1", "rec_for": PID, "rec_title": "x"}.items():
        at.query_params[k] = v
    _run(at)
    assert not [w.value for w in at.warning if "重新登录" in w.value] and not _form(at)
    assert "edit" not in at.query_params and "rec_title" not in at.query_params


def test_the_dashboard_skips_a_second_live_correction_and_lists_it_for_editors(editor_env, ds):  # noqa: F811
    """A second correction of 芷铜's opening, written behind the app's back, cancelled it: the headline dropped by
    one without a word. Now the count is that of the store without the row, and editors see the row and rule."""
    from corridors.store import NewEvent, Store

    from .test_app import kpi
    from .test_store_rules import _raw, _shipped

    url = f"sqlite:///{editor_env / 'progress.sqlite'}"
    opened = _shipped(ds, "zhitong", "hunan", "opened")
    Store(url, read_only=False).append(
        NewEvent("zhitong", "hunan", "correction", "completed", "2023-11-24", "day", "湖南日报", "https://example.org/z",
                 "通车仪式为上午10时", "王工", opened), ds.catalog.projects, ds.catalog.sections, ds.events)
    at = _run(AppTest.from_file(APP, default_timeout=90))
    headline = list(kpi(at).values())[0]
    _raw(url, supersedes=opened)  # s-2: zhitong/hunan cancelled, correcting the opening a second time
    at = _signed_in(project="zhitong")
    assert list(kpi(at).values())[0] == headline
    assert any("跳过" in w.value for w in at.warning)
    listed = "\n".join(x.value for x in at.text)
    assert f"row s-2: field 'supersedes' {opened} is already corrected by s-1" in listed
