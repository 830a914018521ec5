"""断头路 at the border: crossings where one province's half is open and the other's is not, as of a date.

A crossing is a corridor's passage from Hunan into a neighbour (its traced crossings); its two halves are the line
sections in Hunan and those in that neighbour (sections.csv), each with its status on the date from the section
timeline (status.py). A half is open when every one of its sections is. A half with no record is "no_record"
(shown as 未查到): missing, never a status. The other half's expected opening is the latest opening forecast
published on or before the date (forecasts.py), shown as the source dates it, never as an opening.
Upgrades and lines recorded twice (upgrade_of, same_as) are left out: their crossing is listed once, under the line.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from . import forecasts, status
from .boundaries import PROVINCES

HUNAN_ZH = status.HUNAN_ZH
COLUMNS = ["id", "name_zh", "name_en", "mode", "neighbour", "neighbour_en", "open_half", "hunan_half_opened",
           "neighbour_half_opened", "since", "days_waiting", "other_stage", "expected_open", "expected_precision",
           "expected_source_id", "expected_published"]


def _opened_on(section_timeline: pd.DataFrame, keys: list[tuple[str, str]], as_of: date) -> date | None:
    """The day the last of these sections opened (on or before as_of), or None if one has not."""
    t = section_timeline[section_timeline["from"] <= as_of]
    days = []
    for p, s in keys:
        rows = t[(t.project_id == p) & (t.section == s)]
        if not len(rows) or rows.status.iloc[-1] != "completed":
            return None
        # the start of its current open spell: after the last row that was not 'completed'
        st, fr = rows.status.tolist(), rows["from"].tolist()
        i = len(st) - 1
        while i > 0 and st[i - 1] == "completed":
            i -= 1
        days.append(fr[i])
    return max(days) if days else None


def halves(ds) -> list[dict]:
    """Every crossing with sections on both sides: project, neighbour (adcode), Hunan's sections, the neighbour's."""
    projects = ds.catalog.projects
    skip = set(projects.id[(projects.same_as != "") | (projects.upgrade_of != "")])
    lines = ds.catalog.sections[ds.catalog.sections.role == "line"]
    by_project: dict[str, dict[str, list[str]]] = {}
    for p, s, prov in zip(lines.project_id.tolist(), lines.section.tolist(), lines.province_zh.tolist()):
        by_project.setdefault(p, {}).setdefault(prov, []).append(s)
    code_of = {v.name_zh: k for k, v in PROVINCES.items()}
    out = []
    for pid in projects.id.tolist():
        secs = by_project.get(pid, {})
        if pid in skip or HUNAN_ZH not in secs:
            continue
        trace = ds.traces.get(pid)
        crossed = list(dict.fromkeys(c.province for c in trace.crossings)) if trace is not None else []
        if not crossed:  # no traced line: the neighbours whose sections are listed
            crossed = [code_of[p] for p in secs if p in code_of and PROVINCES[code_of[p]].neighbour]
        for code in crossed:
            name = PROVINCES[code].name_zh
            if name in secs and PROVINCES[code].neighbour:
                out.append({"project_id": pid, "province": code, "hunan": secs[HUNAN_ZH], "neighbour": secs[name]})
    return out


def stubs(ds, as_of: date, known_forecasts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 断头路 on `as_of` (COLUMNS), longest waiting first; see the module docstring for the rules."""
    # a section with no record of its own is drawn 未查到 (status.NOT_FOUND): for its stage it is no record
    st = {k: v for k, v in ds.section_statuses(as_of).items() if v != status.NOT_FOUND}
    if known_forecasts is None:
        known_forecasts = forecasts.known_openings(ds.events, ds.catalog.sources, ds.catalog.sections,
                                                   ds.section_timeline, as_of)
    projects = ds.catalog.projects.set_index("id")
    rows = []
    for h in halves(ds):
        pid = h["project_id"]
        hs = [st.get((pid, s)) for s in h["hunan"]]
        ns = [st.get((pid, s)) for s in h["neighbour"]]
        hunan_open = all(s == "completed" for s in hs)
        nb_open = all(s == "completed" for s in ns)
        if hunan_open == nb_open:
            continue
        open_half = "hunan" if hunan_open else "neighbour"
        other = h["neighbour"] if hunan_open else h["hunan"]
        other_states = ns if hunan_open else hs
        opened = _opened_on(ds.section_timeline, [(pid, s) for s in (h["hunan"] if hunan_open else h["neighbour"])],
                            as_of)
        fc = forecasts.latest(known_forecasts, pid, other)
        p = PROVINCES[h["province"]]
        rows.append({"id": pid, "name_zh": projects.name_zh[pid], "name_en": projects.name_en[pid],
                     "mode": projects["mode"][pid], "neighbour": p.name_zh, "neighbour_en": p.name_en,
                     "open_half": open_half,
                     "hunan_half_opened": opened if hunan_open else None,
                     "neighbour_half_opened": opened if nb_open else None,
                     "since": opened, "days_waiting": (as_of - opened).days if opened else None,
                     "other_stage": status.roll_up(other_states) or "no_record",
                     "expected_open": fc["date"] if fc else None,
                     "expected_precision": fc["date_precision"] if fc else None,
                     "expected_source_id": fc["source_id"] if fc else None,
                     "expected_published": fc["published"] if fc else None})
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["days_waiting", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)


__all__ = ["COLUMNS", "halves", "stubs"]
