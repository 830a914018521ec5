"""Progress panels: editor sign-in, the record form, a project's timeline, changes between two dates."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import streamlit as st

from .. import auth, i18n
from ..catalog import DATE_PRECISIONS, EARLIEST, EVENT_KINDS, STATUSES, WHOLE_PROJECT
from ..dataset import Dataset
from ..errors import StoreError
from ..i18n import t
from ..store import NewEvent, StoreThrottle, explicit, not_created, store_url
from ..style import STATUS_COLOURS
from . import data, state
from .common import Page, md_text, status_label

_log = logging.getLogger("corridors.store")


def throttle() -> auth.Throttle:
    """Failed sign-ins, shared by every session of this server and, when there is a progress store (a team's
    PostgreSQL), by every server on it: kept in the store."""
    url = store_url()
    return _throttle(url, explicit() or not not_created(url))


@st.cache_resource(show_spinner=False)
def _throttle(url: str, in_store: bool) -> auth.Throttle:
    return StoreThrottle(url) if in_store else auth.Throttle()


def _check_credential(editors: dict[str, str]) -> None:
    """on_change of the credential field: sign the named editor in (throttled), forget what was typed."""
    client = auth.client_address(st.context.ip_address, st.context.headers)
    who = st.session_state.get("editor_name", "").strip()
    locked = auth.locked_for(who, client, throttle())  # a locked attempt is refused unread: never "wrong"
    name, wait = auth.sign_in(who, st.session_state.get("credential", ""), editors, client, throttle())
    st.session_state["_credential_bad"] = name is None
    st.session_state["_credential_wait"] = wait
    st.session_state["_credential_locked"] = (
        datetime.now(UTC) + timedelta(seconds=wait) if name is None and locked > 0 else None)
    if name:
        st.session_state["editor"] = name
        state.set_view(editing=True)
    st.session_state["credential"] = ""


def session_lost(editor: str | None) -> bool:
    """Whether this page was an editor's whose session is gone (its worker died, or the server restarted, and
    the page reconnected to a new session): the link says an editor was signed in, this session has none."""
    return not editor and bool(state.view().get("editing"))


def _sign_out() -> None:
    st.session_state.pop("editor", None)
    state.set_view(editing=False, draft={})


def sign_in(editors: dict[str, str], lang: str) -> str | None:
    """Sidebar sign-in, shown only when the operator configured editors; returns the editor's name."""
    if not editors:  # nobody can edit here: a link made while signed in elsewhere asks for nothing
        state.set_view(editing=False, draft={})
        return None
    lost = session_lost(st.session_state.get("editor"))
    with st.sidebar.expander(t("editing", lang), expanded=bool(st.session_state.get("editor")) or lost):
        name = st.session_state.get("editor")
        if name in editors:
            st.caption(t("signed_in", lang, name=name))
            if st.button(t("sign_out", lang)):
                _sign_out()
                st.rerun()
            return name
        if lost:
            st.warning(t("session_lost", lang), icon=":material/login:")
        st.text_input(t("editor_name", lang), key="editor_name", max_chars=128)
        st.text_input(t("credential", lang), type="password", key="credential", max_chars=1024,
                      on_change=_check_credential, args=(editors,))
        until = st.session_state.get("_credential_locked")
        if st.session_state.get("_credential_bad") and until:
            left = max(0, math.ceil((until - datetime.now(UTC)).total_seconds()))
            st.error(t("credential_locked", lang, s=left, until=i18n.china_time(until, lang)))
        elif st.session_state.get("_credential_bad"):
            wait = st.session_state.get("_credential_wait", 0)
            st.error(t("credential_bad", lang) + (t("credential_wait", lang, s=f"{wait:.0f}") if wait else ""))
    return None


def store_notices(found: data.Progress, editor: str | None, lang: str) -> None:
    """A banner when recorded progress could not be read (the page shows the shipped data), a warning for
    rows that were skipped, and, for a signed-in editor, the events whose project or section is gone."""
    if found.error and found.kept_from:
        st.warning(t("store_unreachable_kept", lang, at=found.kept_from.strftime("%H:%M:%S"), why=found.error),
                   icon=":material/cloud_off:")
    elif found.error:
        st.warning(t("store_unreadable", lang, why=found.error), icon=":material/warning:")
    if found.problems:
        st.warning(t("store_bad_rows", lang, n=len(found.problems)), icon=":material/warning:")
        if editor:
            with st.expander(t("store_bad_rows_list", lang)):
                st.text("\n".join(found.problems))
    if found.orphans and editor:
        st.warning(t("store_orphans", lang, n=len(found.orphans)), icon=":material/link_off:")
        with st.expander(t("store_orphans_list", lang)):
            st.text("\n".join(found.orphans))


@contextmanager
def store_fault_banner(lang: str) -> Iterator[None]:
    """Around the editors' views in the details dialog, which read the store again when the dialog reruns
    alone (a fragment: the page's own read, with its banner, does not run then): a store that fails there
    (PostgreSQL restarting, a network fault) shows the viewers' kind of banner instead of a traceback."""
    try:
        yield
    except StoreError as exc:
        _log.warning("%s", exc)
        st.warning(t("store_unreachable_editing", lang, why=md_text(str(exc))), icon=":material/cloud_off:")


def session_notice(editor: str | None, lang: str) -> None:
    """At the top of the page: an editor whose session was lost is told to sign in again (the sidebar, where
    the sign-in is, may be closed), and that what they typed is kept."""
    if session_lost(editor):
        st.warning(t("session_lost", lang), icon=":material/login:")


def _draft_widget(pid: str, name: str, lang: str, default, options: list | None = None) -> dict:
    """Keyword arguments binding a record form field to the view's draft (state.DRAFT_FIELDS): every change is
    copied into the draft, and a widget new to this session (a new session, another language, after a save)
    starts from it, so a new session rebuilds the form from the link. An existing widget is not set again:
    that would replace what is being typed into it when some other change reruns the page. A field choosing
    among translated labels has a key per language (see state)."""
    draft = state.view().get("draft") or {}
    raw = draft.get(name) if draft.get("for") == pid else None
    value = default
    if raw is not None:
        if name == "date":
            try:
                value = min(max(date.fromisoformat(raw), date(2000, 1, 1)), date.today())
            except ValueError:
                value = default
        elif options is None or raw in options:
            value = raw
    key = f"rec_{name}.{pid}" + (f".{lang}" if options is not None else "")
    if key not in st.session_state:
        st.session_state[key] = value
    return {"key": key, "on_change": _draft_changed, "args": (pid, name, key)}


def _draft_changed(pid: str, name: str, key: str) -> None:
    v = state.view()
    draft = dict(v.get("draft") or {}) if (v.get("draft") or {}).get("for") == pid else {"for": pid}
    value = st.session_state[key]
    draft[name] = value.isoformat() if isinstance(value, date) else str(value or "")
    state.set_view(draft=draft)


def record_form(page: Page, pid: str) -> None:
    """Record one event for the selected project; refusals are shown and change nothing. What is typed is kept
    in the view's draft (and the link) until it is saved, so an editor whose session was lost (editor None
    here: saving waits for them to sign in again) finds it still in the form."""
    ds, store, editor, lang = page.ds, page.store, page.editor, page.lang
    row = ds.catalog.projects.set_index("id").loc[pid]
    secs = ds.catalog.sections[ds.catalog.sections.project_id == pid]
    names = dict(zip(secs.section, secs.name_zh if lang == "zh" else secs.name_en))
    mine = ds.events[ds.events.project_id == pid]
    drafted = (state.view().get("draft") or {}).get("for") == pid
    with st.expander(t("record_for", lang, name=row.name_zh if lang == "zh" else row.name_en), expanded=drafted):
        sections = [WHOLE_PROJECT, *secs.section]
        section = st.selectbox(t("field_section", lang), sections,
                               format_func=lambda s: t("section_all", lang) if s == WHOLE_PROJECT else names[s],
                               **_draft_widget(pid, "section", lang, WHOLE_PROJECT, sections))
        kinds = [k for k in EVENT_KINDS if k != "plan"]
        event = st.selectbox(t("field_event", lang), kinds, format_func=lambda e: t(f"event_{e}", lang),
                             **_draft_widget(pid, "event", lang, "opened", kinds))
        status_ = st.selectbox(t("field_status", lang), STATUSES, format_func=lambda s: i18n.status(s, lang),
                               **_draft_widget(pid, "status", lang, "completed", list(STATUSES)))
        day = st.date_input(t("field_date", lang), min_value=date(2000, 1, 1), max_value=date.today(),
                            **_draft_widget(pid, "date", lang, date.today()))
        precision = st.selectbox(t("field_precision", lang), DATE_PRECISIONS,
                                 format_func=lambda p: t(f"precision_{p}", lang),
                                 **_draft_widget(pid, "precision", lang, "day", list(DATE_PRECISIONS)))
        title = st.text_input(t("field_source_title", lang), **_draft_widget(pid, "title", lang, ""))
        url = st.text_input(t("field_source_url", lang), **_draft_widget(pid, "url", lang, ""))
        note = st.text_area(t("field_note", lang), **_draft_widget(pid, "note", lang, ""))
        choices = ["", *mine.event_id]
        supersedes = st.selectbox(t("field_supersedes", lang), choices,
                                  format_func=lambda e: "—" if not e else _event_label(mine, e, lang),
                                  **_draft_widget(pid, "supersedes", lang, "", choices))
        if editor is None:
            st.caption(t("session_lost_form", lang))
        if st.button(t("submit", lang), key=f"rec_save.{pid}", disabled=editor is None) and editor:
            value = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]
            ev = NewEvent(pid, section, event, status_, value, precision, title, url, note, editor,
                          supersedes or None)
            try:
                new_id = store.append(ev, ds.catalog.projects, ds.catalog.sections, ds.events)
            except StoreError as exc:
                st.error(t("refused", lang, why=str(exc)))
            else:
                state.set_view(draft={})
                for key in [k for k in st.session_state if str(k).split(".")[0].removeprefix("rec_")
                            in state.DRAFT_FIELDS and str(k).split(".")[1:2] == [pid]]:
                    del st.session_state[key]  # the next form starts empty
                state.write_url()
                st.success(t("saved", lang, id=new_id))
                st.rerun()
    state.write_url()  # the draft into the link, also when only this dialog reran


def _event_label(events: pd.DataFrame, event_id: str, lang: str) -> str:
    r = events.set_index("event_id").loc[event_id]
    return f"{r.date} · {t('event_' + r.event, lang)} · {i18n.status(r.status, lang)} ({event_id})"


def timeline_chart(ds: Dataset, pid: str, same_as: str, lang: str) -> None:
    """Each line section's status over time as coloured bars, from the first event to today."""
    source = same_as or pid
    tl = ds.section_timeline[ds.section_timeline.project_id == source].copy()
    if tl.empty:
        return
    names = ds.section_names(lang)
    tl["end"] = tl.groupby("section")["from"].shift(-1).fillna(date.today() + timedelta(days=1))
    values = [{"section": names.get((source, r.section), r.section), "from": r["from"].isoformat(),
               "to": r.end.isoformat(), "status": status_label(r.status, False, lang)}
              for _, r in tl.iterrows() if r.status]
    order = [i18n.status(s, lang) for s in STATUS_COLOURS]
    st.markdown(f"**{t('timeline', lang)}**")
    st.vega_lite_chart({
        "height": {"step": 24}, "data": {"values": values}, "mark": "bar",
        "encoding": {"y": {"field": "section", "type": "nominal", "title": None},
                     "x": {"field": "from", "type": "temporal", "title": None,
                           "axis": {"format": "%Y", "tickCount": "year"}},  # years only: no English month names
                     "x2": {"field": "to"},
                     "color": {"field": "status", "type": "nominal", "title": None,
                               "scale": {"domain": order, "range": list(STATUS_COLOURS.values())},
                               "legend": {"orient": "bottom"}},
                     "tooltip": [{"field": "section"}, {"field": "status"}, {"field": "from"}, {"field": "to"}]}},
        width="stretch")


def changes(page: Page, shown_ids: set[str]) -> None:
    """Which of the shown projects changed status between a compare date and the as-of date."""
    ds, definition, as_of, version, lang = page.ds, page.definition, page.as_of, page.version, page.lang
    st.subheader(t("changes", lang))
    default = max(ds.plan_date, as_of - timedelta(days=365)) if as_of >= ds.plan_date else as_of
    start = st.date_input(t("compare_from", lang), value=default, min_value=EARLIEST, max_value=as_of,
                          key="compare")
    diff = data.status_changes(start, as_of, definition, version)
    diff = diff[diff.id.isin(shown_ids)]
    if diff.empty:
        st.caption(t("no_changes", lang))
        return
    st.dataframe(pd.DataFrame({
        t("col_name", lang): diff.name_zh if lang == "zh" else diff.name_en,
        t("col_mode", lang): diff["mode"].map(lambda m: i18n.mode(m, lang)),
        t("col_before", lang) + f" ({start})": diff.before.map(lambda s: i18n.status(s, lang)),
        t("col_after", lang) + f" ({as_of})": diff.after.map(lambda s: i18n.status(s, lang)),
    }), hide_index=True, width="stretch")


def export(ds: Dataset, request: Callable[[], dict], lang: str) -> None:
    """One button: the snapshot bundle for the date and filters shown when it is pressed, as a ZIP built on
    click."""
    from .. import snapshot

    st.subheader(t("export", lang))
    req = snapshot.Request(**request())
    st.caption(t("export_hint", lang, date=req.as_of.isoformat(), compare=(req.compare or ds.plan_date).isoformat()))

    def bundle() -> bytes:
        now = snapshot.Request(**request())
        return snapshot.zip_bundle(snapshot.build(ds, now), now.as_of)

    st.download_button(t("export_button", lang), data=bundle,
                       file_name=f"corridors-snapshot-{req.as_of.isoformat()}.zip", mime="application/zip",
                       on_click="ignore", icon=":material/download:", key="export")
