"""Faults in the editors' views degrade like the viewers': a store read that fails inside the details dialog
shows a banner, never a traceback; an editor whose session was lost (a worker died and the page reconnected
to another) is told to sign in again, and what they had typed is still in the form."""

from __future__ import annotations

from datetime import date

import pytest
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
