"""The outlook and the neighbours' reckoning on the page.

The fan's figures for the over-time chart (charts.over_time draws them on the count's own axes): from the chosen
date on, the outlook's median and 80 % interval (corridors.outlook, made with what was known on that date), up to
the picked target's deadline (or five years ahead), and the chance of reaching the target by its deadline. Beside
the other tables behind the count, the neighbours' own counts reconciled with Hunan's (corridors.reckoning), opened
on demand. Both read the modules' results; nothing is recomputed here.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from .. import outlook, reckoning
from ..counting import Definition
from ..i18n import t
from ..snapshot import OUTLOOK_YEARS
from . import data
from .common import Page, on_demand


def horizon(as_of: date, deadline: date) -> date:
    """How far the fan looks: the target's deadline, and at least to the end of the fifth year after the date
    (as the snapshot's chart does)."""
    return max(deadline, date(as_of.year + OUTLOOK_YEARS, 12, 31))


@st.cache_data(show_spinner=False, max_entries=32)
def fan_rows(as_of: date, definition: Definition, until: date, figure: int, deadline: date,
             version: tuple = ("", 0, 0, 0, 0)) -> tuple[pd.DataFrame, float | None]:
    """The outlook's median and interval at each month's end from as_of to until (outlook.fan), and the chance of
    reaching the figure by the deadline when the deadline is still ahead of as_of (outlook.p_reach)."""
    sim = outlook.simulate(data.load(version), as_of, definition)
    chance = outlook.p_reach(sim, deadline, figure) if deadline > as_of else None
    return outlook.fan(sim, outlook.month_ends(as_of, until)), chance


@st.cache_data(show_spinner=False, max_entries=4)
def reckoned(version: tuple = ("", 0, 0, 0, 0)) -> list[dict]:
    """Every neighbour's own count reconciled (reckoning.reckon, as `corridors reckoning` gives it)."""
    return reckoning.reckon(data.load(version))


def reckoning_table(page: Page) -> None:
    """The neighbours' reckoning, opened on demand: one row per published figure, Chinese first."""
    ds, version, lang = page.ds, page.version, page.lang
    box = on_demand(t("reck_table", lang), "reckoning", lang)
    if not box.open:
        return
    with box:
        st.caption(t("reck_hint", lang))
        rows = reckoned(version)
        if not rows:
            st.caption(t("reck_none", lang))
            return
        frame = reckoning.table(rows, lang, sources=ds.catalog.sources)
        st.table(frame.set_index(frame.columns[0]))
