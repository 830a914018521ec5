"""What the page's parts share: a status's label, Markdown escaping for text from data, the
target as the definition line states it, an expander built only while open, and the page context: what one
run of the page hands to its parts (instead of eight to ten arguments each)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from .. import i18n, plan
from ..counting import Definition
from ..dataset import Dataset
from ..i18n import t
from ..store import Store
from . import data


@dataclass(frozen=True, eq=False)
class Page:
    """One run of the page as its parts need it. The date, the definition and the language change only with a
    whole-page run (the sidebar), so a fragment rerun alone may keep using them; the display filters do change
    within a fragment and are read from the view (state.current) where they are used."""

    ds: Dataset  # the dataset as shown: recorded progress and current alignments folded in
    version: tuple  # the progress store's version: the cache key of everything read from it (ui.data)
    lang: str
    as_of: date
    definition: Definition  # the counting definition of the headline
    table: pd.DataFrame  # every project on the date under the definition (data.table)
    target: data.Headline | None = None  # the target picked in the sidebar; None: the plan's
    editor: str | None = None  # the signed-in editor
    store: Store | None = None  # the progress store, when there is one
    leaflet: tuple[str, str] = ("", "")  # Leaflet's script and style sheet (assets.leaflet_urls)
    base_url: str | None = None  # the base map's static file (assets.base_map_url)
    tianditu_key: str = ""


def status_label(s: str | None, partly: bool, lang: str) -> str:
    """A status's label, saying when some sections are open (partly)."""
    label = i18n.status(s, lang)
    return f"{label}（{t('partly_open', lang)}）" if partly and lang == "zh" else (
        f"{label} ({t('partly_open', lang)})" if partly else label)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_text(text: str) -> str:
    """Escape Markdown (and HTML) in text that comes from data."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def md_link(title: str, url: str) -> str:
    safe_url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    """A link to url titled title (escaped); the title alone when url is no web address."""
    return f"[{md_text(title)}]({safe_url})" if url.startswith(("http://", "https://")) else md_text(title)


def target_of(ds: Dataset, target: data.Headline | None) -> plan.Target:
    """The target as the definition line states it: the picked one (its deadline year, figure and clause), else
    the plan's."""
    if target is None:
        return ds.target
    return plan.Target(target.deadline.year if target.deadline else ds.target.year, target.figure, target.clause)


def on_demand(label: str, name: str, lang: str):
    """An expander whose content is built and sent only while it is open (opening it reruns the page). Its
    label is part of its identity, so each language has its own key, seeded from the state last seen: an
    open one stays open across a language switch."""
    opened = st.session_state.setdefault("_expanded", {})
    key = f"{name}.{lang}"
    if key not in st.session_state:
        st.session_state[key] = opened.get(name, False)
    box = st.expander(label, key=key, on_change="rerun")
    opened[name] = bool(box.open)
    return box
