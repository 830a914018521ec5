"""Real alignments in the details dialog, for signed-in editors: upload a file, see it on a map beside the
current line with the length and verdict it would give, confirm; the project's line history; revert.
Widgets and calls only: reading, checks, storage and recomputation are in corridors.alignments."""

from __future__ import annotations

import hashlib

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from .. import alignments as alignment
from .. import formats, i18n
from .. import map as mapview
from ..catalog import WHOLE_PROJECT
from ..dataset import Dataset
from ..errors import CorridorsError
from ..i18n import t
from ..store import Store
from . import data, state

DATUMS = ("auto", "wgs84", "gcj02", "cgcs2000")
UPLOAD_TYPES = sorted(ext.lstrip(".") for ext in alignment.FORMATS)
# GDAL restricted for the whole server process (formats.gdal) when the first details dialog opens, well before
# any upload is read: deregistering drivers while another session's thread probes them would not be safe.
formats.gdal()


def panel(base: Dataset, ds: Dataset, store: Store, pid: str, editor: str, lang: str, version: tuple,
          leaflet: tuple[str, str]) -> None:
    """Import, history and revert for one project. base: the dataset with events but schematic lines (what an
    import is checked against); ds: the dataset as shown (current alignments folded in)."""
    secs = base.catalog.sections[base.catalog.sections.project_id == pid]
    names = dict(zip(secs.section, secs.name_zh if lang == "zh" else secs.name_en))
    current = data.alignments(version)
    with st.expander(t("align_title", lang), expanded=False):
        st.caption(t("align_hint", lang, mb=alignment.MAX_BYTES // 2**20))
        c1, c2 = st.columns(2)
        section = c1.selectbox(t("field_section", lang), [WHOLE_PROJECT, *secs.section], key=f"al_section.{pid}",
                               format_func=lambda s: t("section_all", lang) if s == WHOLE_PROJECT else names[s])
        datum = c2.selectbox(t("align_datum", lang), DATUMS, key=f"al_datum.{pid}",
                             format_func=lambda d: t(f"align_datum_{d}", lang))
        uploads = st.session_state.setdefault("_al_uploads", 0)  # a new uploader once a line is recorded
        upload = st.file_uploader(t("align_file", lang), type=UPLOAD_TYPES, key=f"al_file.{pid}.{uploads}")
        source = st.text_input(t("align_source", lang), key=f"al_source.{pid}", max_chars=500)
        if upload is not None:
            _preview(base, ds, store, current, pid, section, datum, upload, source, editor, lang, leaflet)
        rows = data.alignment_rows(version)
        rows = rows[rows.project_id == pid]
        if len(rows):
            st.markdown(f"**{t('align_history', lang)}**")
            st.dataframe(history_table(base, rows, pid, lang), hide_index=True, width="stretch")
            _revert(base, store, current, rows, pid, names, editor, lang)


def _preview(base, ds, store, current, pid, section, datum, upload, source, editor, lang, leaflet) -> None:
    from .panels import md_text

    raw = upload.getvalue()
    key = ("_al_preview", pid, section, datum, hashlib.sha256(raw).hexdigest())
    try:
        if st.session_state.get("_al_preview_key") != key:
            st.session_state["_al_preview"] = alignment.preview_bytes(
                base, pid, section, raw, upload.name, datum=None if datum == "auto" else datum)
            st.session_state["_al_preview_key"] = key
        p = st.session_state["_al_preview"]
    except CorridorsError as exc:
        st.session_state.pop("_al_preview_key", None)
        st.error(t("align_refused", lang, why=md_text(str(exc))))
        return
    as_of = state.view()["as_of"]
    after, before = alignment.with_preview(base, current, p).table(as_of), ds.table(as_of)
    a, b = after.set_index("id").loc[pid], before.set_index("id").loc[pid]
    st.markdown("\n".join([
        f"- **{t('align_length', lang)}**{'：' if lang == 'zh' else ': '}"
        f"{b.length_km:.0f} → {a.length_km:.0f} {t('km', lang)} ({p.length_ratio:.2f}×)",
        f"- **{t('col_provinces', lang)}**{'：' if lang == 'zh' else ': '}" + t(
            "align_now_after", lang, now=md_text(" → ".join(b.provinces if lang == "zh" else b.provinces_en)),
            after=md_text(" → ".join(a.provinces if lang == "zh" else a.provinces_en))),
        f"- **{t('col_corridor', lang)}**{'：' if lang == 'zh' else ': '}"
        f"{t('yes' if b.corridor else 'no', lang)} → {t('yes' if a.corridor else 'no', lang)}",
        f"- **{t('align_vertices', lang)}**{'：' if lang == 'zh' else ': '}{p.vertices:,} "
        f"({t('align_display', lang, n=f'{p.display_vertices:,}', m=alignment.DISPLAY_TOLERANCE_M)})",
        f"- **{t('align_read', lang)}**{'：' if lang == 'zh' else ': '}{md_text(p.format)} · {md_text(p.crs)} · "
        f"{md_text(', '.join(p.names[:3]))}",
    ]))
    for w in p.warnings:
        st.warning(md_text(w))
    for h in (*p.hints, *p.notes):
        st.info(md_text(h))
    preview_map(base, pid, p, lang, leaflet)
    confirmed = st.checkbox(t("align_confirm", lang), key=f"al_ok.{pid}") if p.warnings else True
    seen = _current_id(current, pid, section)
    if st.button(t("align_record", lang), key=f"al_go.{pid}", disabled=not (source.strip() and confirmed)):
        try:
            new_id = alignment.record(store, base, p, source=source, recorded_by=editor, confirm=bool(p.warnings),
                                      expect_current=seen)
        except CorridorsError as exc:
            st.error(t("align_refused", lang, why=md_text(str(exc))))
            return
        st.session_state.pop("_al_preview_key", None)
        st.session_state["_al_uploads"] += 1
        st.success(t("saved", lang, id=new_id))
        st.rerun(scope="app")


def preview_map(base: Dataset, pid: str, p: alignment.Preview, lang: str, leaflet: tuple[str, str]) -> None:
    """The uploaded line (blue) beside the current schematic line (grey, dashed), fitted to both."""
    m = mapview.map_class(*leaflet)(tiles=None, control_scale=True)
    mapview.AttributionPrefix().add_to(m)
    mapview.BoundaryLayer(data.boundaries_geojson()).add_to(m)
    old = base.sections[base.sections.project_id == pid]
    for g in old.geometry:
        if g is not None:
            folium.PolyLine([(y, x) for x, y in g.coords], color="#666", weight=3, dash_array="6 6",
                            tooltip=t("align_old", lang)).add_to(m)
    new = [(y, x) for x, y in p.display_line.coords]
    folium.PolyLine(new, color="#1f78b4", weight=4, tooltip=t("align_new", lang)).add_to(m)
    xs = [x for x, _ in p.display_line.coords] + [x for g in old.geometry if g is not None for x, _ in g.coords]
    ys = [y for _, y in p.display_line.coords] + [y for g in old.geometry if g is not None for _, y in g.coords]
    m.fit_bounds([[min(ys), min(xs)], [max(ys), max(xs)]])
    st_folium(m, key=f"al_map.{pid}", height=320, use_container_width=True, returned_objects=[])


def history_table(base: Dataset, rows: pd.DataFrame, pid: str, lang: str) -> pd.DataFrame:
    """The project's line over its versions: who, when, source, file, and the length and verdict after each."""
    h = alignment.history(base, rows, pid)
    return pd.DataFrame({
        t("align_version", lang): [x or t("align_schematic", lang) for x in h.alignment_id],
        t("col_event", lang): [t(f"align_kind_{k}", lang) + (f" → {r}" if r else "") for k, r in
                               zip(h.kind, h.reverts_to)],
        t("recorded_by", lang): h.recorded_by,
        t("col_recorded_at", lang): [i18n.china_time(x, lang) for x in h.recorded_at],
        t("col_source", lang): h.source_title,
        t("align_file", lang): h.file_name,
        t("col_length", lang): h.length_km.round(0),
        t("col_precision", lang): h.precision.map(lambda x: t(f"precision_{x}", lang)),
        t("col_corridor", lang): h.corridor,
        t("col_provinces", lang): h.provinces.map(lambda ps: " → ".join(ps)),
    })


def _current_id(current: pd.DataFrame, pid: str, section: str) -> str:
    mine = current[(current.project_id == pid) & (current.section == section)] if len(current) else current
    return str(mine.alignment_id.iloc[-1]) if len(mine) and "alignment_id" in mine else ""


def _revert(base, store, current, rows, pid, names, editor, lang) -> None:
    from .panels import md_text

    keys = sorted(set(zip(rows.project_id, rows.section)))
    options = [(s, to) for _, s in keys for to in ["schematic", *rows[(rows.section == s)
                                                                        & (rows.kind == "import")].alignment_id]]
    label = {o: f"{t('section_all', lang) if o[0] == WHOLE_PROJECT else names.get(o[0], o[0])} → "
                f"{t('align_schematic', lang) if o[1] == 'schematic' else o[1]}" for o in options}
    c1, c2, c3 = st.columns([3, 3, 1], vertical_alignment="bottom")
    choice = c1.selectbox(t("align_revert_to", lang), options, key=f"al_rev.{pid}", format_func=label.get)
    why = c2.text_input(t("align_revert_why", lang), key=f"al_rev_why.{pid}", max_chars=500)
    if c3.button(t("align_revert", lang), key=f"al_rev_go.{pid}", disabled=not why.strip()):
        try:
            new_id = alignment.revert(store, base, pid, choice[0], choice[1], source=why, recorded_by=editor,
                                      expect_current=_current_id(current, pid, choice[0]))
        except CorridorsError as exc:
            st.error(t("align_refused", lang, why=md_text(str(exc))))
            return
        st.success(t("saved", lang, id=new_id))
        st.rerun(scope="app")

