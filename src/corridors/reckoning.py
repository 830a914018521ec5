"""The neighbours' reckoning: a neighbour's own count of its corridors to Hunan, reconciled crossing by crossing.

A row of neighbour_counts.csv is a figure a neighbour (or an outlet counting the neighbour's roads) published, on a
date, for one mode. Hunan's count on that date is what `corridors count --scope neighbours --mode M --as-of D` gives
for that neighbour (each crossing once, counted when Hunan's half reaches the border). The reckoning reads the
neighbour's figure as a set of crossings:
- the crossings the source names (names: road = project whose crossing it uses); two roads may use one crossing;
- for a figure (or the part of it) the source does not name, the crossings its rule implies on the date: open on
  both sides (rule both or unknown), or the neighbour's half open (rule neighbour).
Then: both = crossings in both readings; only_hunan = Hunan counts them and the neighbour's figure cannot (its half
not open, or not named); only_neighbour = only the neighbour's figure includes them. The difference (figure − Hunan's
count) is explained when those parts add up to it, and said to be unexplained when they do not: the verdict is
computed from the data, never written down.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from . import counting, status
from .boundaries import PROVINCES
from .catalog import STATUSES, parse_date

VERDICTS = ("agrees", "explained", "consistent", "unexplained")
KEYS = ["id", "neighbour", "neighbour_en", "mode", "figure", "figure_kind", "rule", "as_of", "as_of_day", "source_id",
        "outlet", "hunan_count", "reading_count", "both", "only_hunan", "only_neighbour", "shared", "waiting",
        "unnamed", "difference", "verdict", "explanation", "explanation_zh"]


def definition(mode: str) -> counting.Definition:
    """Hunan's own way of counting crossings into any neighbour (its briefings' series) for one mode."""
    return counting.Definition(modes=(mode,), provinces="neighbours", unit="crossing", include="all", opened="hunan")


def names(value: str) -> list[tuple[str, str]]:
    """neighbour_counts.csv's names field → [(road, project id)], in the source's order."""
    return [tuple(p.split("=", 1)) for p in value.split(";") if p.strip()]


def crossings(table: pd.DataFrame, mode: str, neighbour_zh: str) -> pd.DataFrame:
    """Every crossing into the neighbour that can count under Hunan's way for the mode (counting.units), on the
    table's date: id, name_zh, hunan_open (Hunan's half reached the border), neighbour_open (every section of the
    project in that province open; a project without sections of its own there: the whole line open) and
    neighbour_stage (the half's status from its sections, 'no_record' when none has a record on the date: shown
    as 未查到, never read as a status)."""
    code = next(c for c, p in PROVINCES.items() if p.name_zh == neighbour_zh)
    per = counting.units(table, definition(mode))
    rows = []
    t = table.set_index("id")
    for pid, keys in per.items():
        if not any(k[-1] == code for k in keys):
            continue
        there = [None if s["status"] == status.NOT_FOUND else s["status"] for s in t.sections_status[pid]
                 if s["province_zh"] == neighbour_zh]
        stage = status.roll_up(there) if there else t.status[pid]
        stage = stage if stage in STATUSES else "no_record"
        rows.append({"id": pid, "name_zh": t.name_zh[pid], "name_en": t.name_en[pid],
                     "hunan_open": t.hunan_status[pid] == "completed", "neighbour_open": stage == "completed",
                     "neighbour_stage": stage})
    return pd.DataFrame(rows, columns=["id", "name_zh", "name_en", "hunan_open", "neighbour_open", "neighbour_stage"])


def reconcile(row, table: pd.DataFrame) -> dict:
    """One neighbour's figure against Hunan's crossings on the table's date (the module docstring says how).
    row: a neighbour_counts.csv row; table: the dataset's table on the row's as-of date (any definition). as_of
    is the date as the source gives it ('2015-12'), as_of_day the day it counts from (the last it can mean)."""
    cx = crossings(table, row.mode, row.neighbour)
    counted = cx.id[cx.hunan_open].tolist()
    hunan_count = counting.count(table, definition(row.mode), 0)["by_neighbour"].get(row.neighbour, {}).get(
        "completed", 0)
    listed = names(row.names)
    named = list(dict.fromkeys(pid for _, pid in listed))
    shared = [[road for road, p in listed if p == pid] for pid in named]
    shared = [roads for roads in shared if len(roads) > 1]
    unnamed = max(int(row.figure) - len(listed), 0)
    readable = cx.neighbour_open if row.rule == "neighbour" else cx.neighbour_open & cx.hunan_open
    implied = cx.id[readable & ~cx.id.isin(named)].tolist()
    # the unnamed part of an exact figure is read from the rule only when the rule's crossings fill it exactly (a
    # guess at which ones it means is never made); a lower bound takes every crossing the rule gives
    filled = implied if unnamed and (len(implied) == unnamed or row.figure_kind == "at_least") else []
    reading = named + [p for p in filled if p not in named]
    reading_count = len(reading) + sum(len(r) - 1 for r in shared)
    waiting = cx[cx.hunan_open & ~cx.neighbour_open]
    out = {"id": row.id, "neighbour": row.neighbour, "neighbour_en": _en(row.neighbour), "mode": row.mode,
           "figure": int(row.figure), "figure_kind": row.figure_kind, "rule": row.rule,
           "as_of": row.as_of, "as_of_day": parse_date(row.as_of, row.as_of_precision)[1].isoformat(),
           "source_id": row.source_id, "outlet": row.outlet, "hunan_count": int(hunan_count),
           "reading_count": reading_count,
           "both": [p for p in reading if p in counted], "only_hunan": [p for p in counted if p not in reading],
           "only_neighbour": [p for p in reading if p not in counted], "shared": shared,
           "waiting": dict(zip(waiting.id, waiting.neighbour_stage)), "unnamed": max(unnamed - len(filled), 0),
           "difference": int(row.figure) - int(hunan_count)}
    exact = out["unnamed"] == 0 and reading_count == out["figure"]
    if row.figure_kind == "at_least":
        out["verdict"] = "consistent" if reading_count >= out["figure"] and out["unnamed"] == 0 else "unexplained"
    elif exact and out["difference"] == 0 and not (out["only_hunan"] or out["only_neighbour"] or shared):
        out["verdict"] = "agrees"
    else:
        out["verdict"] = "explained" if exact else "unexplained"
    names_of = dict(zip(cx.id, cx.name_zh))
    out["explanation_zh"], out["explanation"] = explain(out, names_of, "zh"), explain(out, names_of, "en")
    return out


def _en(neighbour_zh: str) -> str:
    return next(p.name_en for p in PROVINCES.values() if p.name_zh == neighbour_zh)


def explain(r: dict, names_of: dict[str, str], lang: str) -> str:
    """The reconciliation in words, from its parts: what both count, what only one side can, why they differ."""
    from . import i18n

    def listed(ids: list[str]) -> str:
        return "、".join(names_of.get(p, p) for p in ids) if lang == "zh" else ", ".join(ids)

    def staged(ids: list[str]) -> str:
        """Each crossing with its neighbour half's stage on the day (未查到 when it has no record)."""
        out = []
        for p in ids:
            s = r["waiting"][p]
            stage = i18n.t("reck_no_record", lang) if s == "no_record" else i18n.status(s, lang)
            out.append(f"{names_of.get(p, p)}（{stage}）" if lang == "zh" else f"{p} ({stage})")
        return ("、" if lang == "zh" else ", ").join(out)

    parts = [i18n.t("reck_counts", lang, figure=r["figure"], hunan=r["hunan_count"], both=len(r["both"]))]
    waiting = [p for p in r["only_hunan"] if p in r["waiting"]]
    if waiting:
        parts.append(i18n.t("reck_only_hunan", lang, n=len(waiting), ids=staged(waiting)))
    rest = [p for p in r["only_hunan"] if p not in r["waiting"]]
    if rest:
        parts.append(i18n.t("reck_only_hunan_open", lang, n=len(rest), ids=listed(rest)))
    if r["only_neighbour"]:
        parts.append(i18n.t("reck_only_neighbour", lang, n=len(r["only_neighbour"]),
                            ids=listed(r["only_neighbour"])))
    for roads in r["shared"]:
        parts.append(i18n.t("reck_shared", lang, roads="、".join(roads) if lang == "zh" else ", ".join(roads)))
    if r["unnamed"]:
        parts.append(i18n.t("reck_unnamed", lang, n=r["unnamed"]))
    parts.append(i18n.t(f"reck_{r['verdict']}", lang, reading=r["reading_count"], figure=r["figure"]))
    return ("；" if lang == "zh" else "; ").join(parts) + ("。" if lang == "zh" else ".")


def reckon(ds, known_on: date | None = None) -> list[dict]:
    """Every row of neighbour_counts.csv reconciled with Hunan's count on its as-of date, in file order.
    known_on: only the figures published on or before this day (a snapshot as of a past date lists what was
    known then)."""
    counts = ds.catalog.neighbour_counts
    if counts is None:
        return []
    out = []
    for r in counts.itertuples():
        published = parse_date(r.published, PRECISION[r.published.count("-")])[1]
        if known_on is not None and published > known_on:
            continue
        out.append(reconcile(r, ds.table(parse_date(r.as_of, r.as_of_precision)[1], definition(r.mode))))
    return out


PRECISION = ("year", "month", "day")  # of an ISO date by its number of dashes


def table(rows: list[dict], lang: str, *, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """The reckoning as the page and the snapshot show it, headers and words in the language (Chinese first):
    neighbour, mode, as-of date, the figure (with 以上 / "or more" for a lower bound), Hunan's count, the difference,
    the verdict, the explanation and the source (its outlet and publisher when sources.csv is given)."""
    from . import i18n

    zh = lang == "zh"
    src = sources.set_index("id") if sources is not None else None

    def source(sid: str) -> str:
        if src is None or sid not in src.index:
            return sid
        return f"{sid} · {i18n.t('outlet_' + src.outlet[sid], lang)} · {src.publisher[sid]}"

    def figure(r: dict) -> str:
        bound = ("以上" if zh else " or more") if r["figure_kind"] == "at_least" else ""
        return f"{r['figure']}{bound}"

    return pd.DataFrame({
        i18n.t("reck_col_neighbour", lang): [r["neighbour"] if zh else r["neighbour_en"] for r in rows],
        i18n.t("reck_col_mode", lang): [i18n.mode(r["mode"], lang) for r in rows],
        i18n.t("reck_col_as_of", lang): [r["as_of"] for r in rows],
        i18n.t("reck_col_figure", lang): [figure(r) for r in rows],
        i18n.t("reck_col_hunan_count", lang): [r["hunan_count"] for r in rows],
        i18n.t("reck_col_difference", lang): [r["difference"] for r in rows],
        i18n.t("reck_col_verdict", lang): [i18n.t("verdict_" + r["verdict"], lang) for r in rows],
        i18n.t("reck_col_explanation", lang): [r["explanation_zh" if zh else "explanation"] for r in rows],
        i18n.t("reck_col_source", lang): [source(r["source_id"]) for r in rows]})


__all__ = ["KEYS", "PRECISION", "VERDICTS", "crossings", "definition", "explain", "names", "reckon", "reconcile",
           "table"]
