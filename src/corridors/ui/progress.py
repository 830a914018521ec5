"""Progress panels: editor sign-in, the record form, a project's timeline, changes between two dates."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import streamlit as st

from .. import auth, i18n
from ..catalog import DATE_PRECISIONS, EARLIEST, EVENT_KINDS, STATUSES, WHOLE_PROJECT
from ..dataset import Dataset
from ..errors import StoreError
from ..i18n import t
from ..store import NewEvent, Store, StoreThrottle, explicit, not_created, store_url
from . import data
from .panels import STATUS_COLOURS, _status_label


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
        datetime.now(timezone.utc) + timedelta(seconds=wait) if name is None and locked > 0 else None)
    if name:
        st.session_state["editor"] = name
    st.session_state["credential"] = ""


def sign_in(editors: dict[str, str], lang: str) -> str | None:
    """Sidebar sign-in, shown only when the operator configured editors; returns the editor's name."""
    if not editors:
        return None
    with st.sidebar.expander(t("editing", lang), expanded=bool(st.session_state.get("editor"))):
        name = st.session_state.get("editor")
        if name in editors:
            st.caption(t("signed_in", lang, name=name))
            if st.button(t("sign_out", lang)):
                st.session_state.pop("editor", None)
                st.rerun()
            return name
        st.text_input(t("editor_name", lang), key="editor_name", max_chars=128)
        st.text_input(t("credential", lang), type="password", key="credential", max_chars=1024,
                      on_change=_check_credential, args=(editors,))
        until = st.session_state.get("_credential_locked")
        if st.session_state.get("_credential_bad") and until:
            left = max(0, math.ceil((until - datetime.now(timezone.utc)).total_seconds()))
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


def record_form(ds: Dataset, store: Store, pid: str, editor: str, lang: str) -> None:
    """Record one event for the selected project; refusals are shown and change nothing."""
    row = ds.catalog.projects.set_index("id").loc[pid]
    secs = ds.catalog.sections[ds.catalog.sections.project_id == pid]
    names = dict(zip(secs.section, secs.name_zh if lang == "zh" else secs.name_en))
    mine = ds.events[ds.events.project_id == pid]
    with st.expander(t("record_for", lang, name=row.name_zh if lang == "zh" else row.name_en), expanded=False):
        with st.form("record", clear_on_submit=False):
            section = st.selectbox(t("field_section", lang), [WHOLE_PROJECT, *secs.section],
                                   format_func=lambda s: t("section_all", lang) if s == WHOLE_PROJECT else names[s])
            kinds = [k for k in EVENT_KINDS if k != "plan"]
            event = st.selectbox(t("field_event", lang), kinds, index=kinds.index("opened"),
                                 format_func=lambda e: t(f"event_{e}", lang))
            status_ = st.selectbox(t("field_status", lang), STATUSES, index=STATUSES.index("completed"),
                                   format_func=lambda s: i18n.status(s, lang))
            day = st.date_input(t("field_date", lang), value=date.today(), min_value=date(2000, 1, 1),
                                max_value=date.today())
            precision = st.selectbox(t("field_precision", lang), DATE_PRECISIONS,
                                     format_func=lambda p: t(f"precision_{p}", lang))
            title = st.text_input(t("field_source_title", lang))
            url = st.text_input(t("field_source_url", lang))
            note = st.text_area(t("field_note", lang))
            supersedes = st.selectbox(t("field_supersedes", lang), ["", *mine.event_id],
                                      format_func=lambda e: "—" if not e else _event_label(mine, e, lang))
            if st.form_submit_button(t("submit", lang)):
                value = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]
                ev = NewEvent(pid, section, event, status_, value, precision, title, url, note, editor,
                              supersedes or None)
                try:
                    new_id = store.append(ev, ds.catalog.projects, ds.catalog.sections, ds.events)
                except StoreError as exc:
                    st.error(t("refused", lang, why=str(exc)))
                else:
                    st.success(t("saved", lang, id=new_id))
                    st.rerun()


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
               "to": r.end.isoformat(), "status": _status_label(r.status, False, lang)}
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


def changes(ds: Dataset, definition, as_of: date, shown_ids: set[str], version: tuple, lang: str) -> None:
    """Which of the shown projects changed status between a compare date and the as-of date."""
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
