"""What the bundle's maps, PDF report and Word briefing say: the counted corridors as the report lists them, the
map's title box, credits and cities, the headline's notes, and the targets, outlook and 断头路 files with the
outlook's fan chart."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from ..catalog import research_cutoff
from ..dataset import Dataset
from ..status import NOT_FOUND
from .request import OUTLOOK_YEARS, Request
from .tables import OUTLOOK_KEYS, STUB_KEYS, TARGET_KEYS, _fixed_zip, _table_csv

_FOLIUM_ID = re.compile(r"\b([a-z][a-z_]*?)_([0-9a-f]{32})(?![0-9a-f])")


def _stable_ids(html_text: str) -> str:
    """folium names elements with random hex ids; number them in order of appearance instead."""
    seen: dict[str, str] = {}

    def repl(m: re.Match) -> str:
        return seen.setdefault(m.group(0), f"{m.group(1)}_{len(seen):04d}")

    return _FOLIUM_ID.sub(repl, html_text)


def outlook_parts(ds: Dataset, req: Request) -> dict:
    """The targets table, the 断头路 list and the outlook as of the snapshot's date (what the bundle carries)."""
    from .. import outlook, stubs, targets

    until = date(req.as_of.year + OUTLOOK_YEARS, 12, 31)
    sim = outlook.simulate(ds, req.as_of, req.definition)
    names = dict(zip(ds.catalog.projects.id, ds.catalog.projects.name_zh))
    days = [req.as_of, *(date(y, 12, 31) for y in range(req.as_of.year, until.year + 1) if date(y, 12, 31) > req.as_of)]
    months = outlook.month_ends(req.as_of, until)
    stub_rows = stubs.stubs(ds, req.as_of)
    return {"targets": targets.assess(ds, req.as_of), "until": until,
            "summary": outlook.summary(sim, until, names=names),
            "fan": outlook.fan(sim, days), "fan_monthly": outlook.fan(sim, months),
            "stubs": stub_rows.astype(object).where(stub_rows.notna(), None).to_dict("records")}


def _outlook_files(ds: Dataset, req: Request, d: str) -> tuple[dict[str, bytes], dict]:
    """The bundle's targets, outlook (table, corridors, fan chart) and 断头路 files, and their manifest entry."""
    from .. import figures, i18n, targets

    parts = outlook_parts(ds, req)
    zh = req.lang == "zh"
    half = {"hunan": ("湖南段", "Hunan's half"), "neighbour": ("邻省段", "the neighbour's half")}

    def stage(value):
        if value == "no_record":
            return "未查到" if zh else "not found"
        return i18n.t(f"status_{value}", req.lang) if value else value

    stub_rows = [{**r, "forecast_open": r["expected_open"], "open_half": half[r["open_half"]][0 if zh else 1],
                  "other_stage": stage(r["other_stage"])} for r in parts["stubs"]]
    outlook_rows = [{**r, "stage": stage(r["stage"])} for r in parts["summary"]["corridors"]]
    files = {f"targets-{d}.csv": _table_csv(parts["targets"], TARGET_KEYS, req.lang),
             f"outlook-{d}.csv": _table_csv(parts["fan"].to_dict("records"), ["date", "low", "median", "high"],
                                            req.lang),
             f"outlook-corridors-{d}.csv": _table_csv(outlook_rows, OUTLOOK_KEYS, req.lang),
             f"stubs-{d}.csv": _table_csv(stub_rows, STUB_KEYS, req.lang)}
    history = ds.count_series(req.definition, req.as_of)
    mine = [t for t in parts["targets"] if t["definition"] == req.definition.as_dict() and t["figure"] is not None]
    chosen = next((t for t in mine if t["id"] == (req.target or targets.DEFAULT_TARGET)), mine[0] if mine else None)
    target = (chosen["figure"], f"{chosen['name_zh'] if zh else chosen['name_en']}") if chosen else None
    s = parts["summary"]
    title = (f"出省通道展望 · 截至 {d}" if zh else f"Corridor outlook · as of {d}")
    note = (f"展望仅用截至 {d} 已知的事实：{s['until']} 中位数 {s['median']}，80% 区间 {s['low']}–{s['high']}；"
            f"耗时分布取自此前已开通的通道（{s['learned']['durations']['planned']} 个前期、"
            f"{s['learned']['durations']['under_construction']} 个在建样本）。预计不等于开通。" if zh else
            f"Made with the facts known on {d}: on {s['until']} median {s['median']}, 80% interval "
            f"{s['low']}–{s['high']}; durations learned from corridors opened before "
            f"({s['learned']['durations']['planned']} planning, {s['learned']['durations']['under_construction']} "
            "construction). A forecast is not an opening.")
    files[f"outlook-{d}.png"] = figures.outlook_png(history, parts["fan_monthly"], req.lang, title, target, note)
    entry = {"until": s["until"], "median": s["median"], "low": s["low"], "high": s["high"], "level": s["level"],
             "learned": s["learned"], "stubs": len(parts["stubs"]),
             "targets": [{k: t[k] for k in ("id", "figure", "deadline", "reached_on", "reached_by", "met_by_deadline")}
                         for t in parts["targets"]]}
    return files, entry


def _definition(ds: Dataset, req: Request) -> str:
    from .. import i18n
    from ..targets import document

    return i18n.definition_text(req.definition, req.lang, as_of=req.as_of, target=ds.target,
                                document=document(ds, req.target))


def legend_modes(req: Request, rows: pd.DataFrame) -> tuple[str, ...]:
    """The modes a snapshot's map legends list: those the snapshot shows (--show, or every mode) that have a
    listed row, in the maps' order."""
    from ..style import MODE_COLOURS

    present = set(rows["mode"])
    return tuple(m for m in MODE_COLOURS if m in present and (not req.modes or m in req.modes))


def counted_rows(ds: Dataset, req: Request) -> pd.DataFrame:
    """Every corridor counted on the snapshot's date under its definition (display filters aside), with the
    text the report prints: its numbers (the map's, counting.numbered: in the order the crossings opened, so
    the list reads as the running total), names, mode, neighbours, status, the date opened at its sourced
    precision ('2008', '2023-12', '2017-12-28'; '—' where only Hunan's half is open) and the units it adds."""
    from .. import counting, i18n
    from ..style import MODE_COLOURS

    lang, d = req.lang, req.definition
    t = ds.table(req.as_of, d)
    per = counting.units(t, d)
    number = {u.key: u.number for u in ds.numbered(d, req.as_of)}
    t = t[t.counted].copy()
    numbers = [sorted(number[k] for k in per.get(pid, []) if k in number) for pid in t.id]

    def status_text(r) -> str:
        if r.status == "completed":
            return i18n.status("completed", lang)
        if d.opened == "hunan" and r.hunan_status == "completed":
            return i18n.t("status_hunan_half_not_found" if r.status == NOT_FOUND else "status_hunan_half", lang)
        return i18n.status(r[d.status_column], lang)

    out = pd.DataFrame({
        "numbers": ["、".join(map(str, n)) if n else "—" for n in numbers],
        "id": t.id, "name_zh": t.name_zh, "name_en": t.name_en,
        "mode": t["mode"].map(lambda m: i18n.mode(m, lang)),
        "neighbours": (t.neighbours_entered if lang == "zh" else t.neighbours_entered_en).map("、".join if lang == "zh"
                                                                                             else ", ".join),
        "status": [status_text(r) for _, r in t.iterrows()],
        "opened": [o if isinstance(o, str) and o else "—" for o in t.opened],
        "units": t.units.astype(int),
        "_first": [n[0] if n else 10 ** 6 for n in numbers],
        "_mode": t["mode"].map(list(MODE_COLOURS).index),
    })
    out = out.sort_values(["_first", "_mode", "name_zh"])
    return out.drop(columns=["_first", "_mode"]).reset_index(drop=True)


def map_credits(ds: Dataset, lang: str) -> str:
    """What every exported map says under it: that it is a schematic map, and its data sources."""
    from .. import i18n

    return i18n.t("map_disclaimer", lang) + " " + i18n.t("map_source", lang, version=ds.fingerprint[:16])


def city_points(ds: Dataset) -> tuple[tuple[float, float, str, str], ...]:
    """The cities the PNG and PDF maps name: Hunan's prefecture seats and the provincial capitals (lon, lat,
    Chinese name, English name without "City")."""
    from ..gazetteer import load_seats
    from ..map import major_seats

    seats = major_seats(load_seats(ds.geodata / "seats.csv"))
    return tuple((float(r.lon), float(r.lat), r.name_zh.replace("土家族苗族自治州", "州"),
                  r.name_en.removesuffix(" City").replace(" Tujia and Miao Autonomous Prefecture", ""))
                 for r in seats.itertuples())


def title_box_html(title: str, as_of: str, counts: dict, short_definition: str, lang: str,
                   notes: list[str] | None = None, credits: str = "") -> str:
    """The HTML map's title box: title, date, the count against the target and the definition in a few words;
    the headline's other notes (when the target was reached, unconfirmed ones), and the credits line (schematic
    map, sources) in small print; every piece of text escaped."""
    import html

    from .. import i18n

    e = html.escape
    count = i18n.t("map_count", lang, n=counts["completed"], target=counts["target"])
    rest = "".join(f'<div style="color:#333;font-size:11px">{e(x)}</div>' for x in (notes or []))
    small = f'<div class="corridors-credits" style="color:#666;font-size:10px;margin-top:3px">{e(credits)}</div>' \
        if credits else ""
    return (f'<div style="font-size:15px;font-weight:bold">{e(title)}</div>'
            f"<div>{e(i18n.t('as_of', lang))} {e(as_of)}</div>"
            f'<div class="corridors-count" style="font-size:14px;font-weight:bold;margin:2px 0">{e(count)}</div>'
            f'<div style="color:#555;font-size:11px">{e(i18n.t("definition", lang))}{"：" if lang == "zh" else ": "}'
            f"{e(short_definition)}</div>{rest}{small}")


def headline_notes(ds: Dataset, req: Request, counts: dict) -> list[str]:
    """The headline's notes for the snapshot's date and definition (as the dashboard shows them)."""
    from .. import i18n

    hit = ds.reached(req.definition, req.as_of)
    names = ds.table(req.as_of, req.definition).set_index("id")["name_zh" if req.lang == "zh" else "name_en"]
    return i18n.headline_notes(req.definition, req.lang, counts=counts, as_of=req.as_of,
                               reached_day=hit and hit.day, reached_name=names[hit.project_id] if hit else "",
                               same_day=tuple(names[p] for p in hit.same_day) if hit else ())


def _report(ds: Dataset, req: Request, counts: dict, changes: pd.DataFrame, compare: date, notes, modes,
            title: str) -> object:
    """The report's content as text (figures.Report)."""
    from .. import figures, i18n

    lang, d = req.lang, req.as_of.isoformat()
    t = i18n.t
    counted = counted_rows(ds, req)
    head = ["#", t("col_name_zh", lang), t("col_name_en", lang), t("col_mode", lang), t("col_neighbours", lang),
            t("col_status", lang), t("col_opened", lang), t("col_units", lang)]
    rows = [[r.numbers, r.name_zh, r.name_en, r.mode, r.neighbours, r.status, r.opened, str(r.units)]
            for r in counted.itertuples()]
    rows.append(["", t("report_total", lang), "", "", "", "", "", str(int(counted.units.sum()))])
    note = t("report_counted_note", lang, date=d)
    if (counted.opened == "—").any():
        note += " " + t("report_hunan_half_note", lang)
    sep = "：" if lang == "zh" else ": "
    lines = [f"{r.name_zh if lang == 'zh' else r.name_en}{sep}{i18n.status(r.before, lang)} → "
             f"{i18n.status(r.after, lang)}" for r in changes.itertuples()]
    cutoff = research_cutoff(ds.catalog.projects)
    footer = (f"{'数据版本' if lang == 'zh' else 'Data version'} {ds.fingerprint[:16]} · "
              f"{'资料检索截至 ' if lang == 'zh' else 'Sources searched up to '}{cutoff} · "
              f"{'资料来源见 projects-' + d + '.xlsx' if lang == 'zh' else 'Sources: projects-' + d + '.xlsx'}")
    return figures.Report(
        title=title, subtitle=t("subtitle", lang), counts=counts, definition=_definition(ds, req),
        compare_label=f"{t('changes', lang)}{sep}{compare} → {d}", changes=lines,
        counted_title=t("report_counted", lang, n=counts["completed"], target=counts["target"]),
        counted_note=note, counted_head=head, counted_rows=rows, footer=footer, notes=notes, modes=modes,
        headline=(i18n.progress_label(counts["completed"], counts["target"], lang),
                  *headline_notes(ds, req, counts)[1:]))


def project_sources(ds: Dataset, source_ids: str, lang: str, limit: int = 2) -> str:
    """A project's sources in a few words, official ones first: kind · publisher《title》date."""
    sources = ds.catalog.sources.set_index("id")
    order = ("official", "original", "repost", "dataset")
    ids = sorted((x for x in source_ids.split(";") if x in sources.index),
                 key=lambda x: order.index(sources.outlet[x]) if sources.outlet[x] in order else 9)
    from .. import i18n

    out = []
    for x in ids[:limit]:
        src = sources.loc[x]
        when = f" {src.published}" if isinstance(src.published, str) and src.published else ""
        out.append(f"{i18n.t('outlet_' + src.outlet, lang)} · {src.publisher}《{src.title}》{when}")
    return "；".join(out) if lang == "zh" else "; ".join(out)


def _briefing(ds: Dataset, req: Request, counts: dict, report, map_png: bytes) -> bytes:
    """The Word briefing (briefing.py) from the report's own text, its map and the counted corridors' sources."""
    from .. import i18n
    from ..briefing import Briefing, briefing_docx

    lang, t = req.lang, i18n.t
    counted = counted_rows(ds, req)
    ids = ds.table(req.as_of, req.definition).set_index("id").source_ids
    head = ["#", t("col_name", lang), t("col_mode", lang), t("col_neighbours", lang), t("col_status", lang),
            t("col_opened", lang), t("col_sources", lang)]
    rows = [[r.numbers, r.name_zh if lang == "zh" else r.name_en, r.mode, r.neighbours, r.status, r.opened,
             project_sources(ds, ids[r.id], lang)] for r in counted.itertuples()]
    count_line = (t("map_count", lang, n=counts["completed"], target=counts["target"]) + " · "
                  + i18n.progress_label(counts["completed"], counts["target"], lang))
    b = Briefing(lang=lang, title=f"{report.title} · {i18n.definition_short(req.definition, lang)}",
                 subtitle=report.subtitle, count_line=count_line, notes=headline_notes(ds, req, counts),
                 definition=report.definition, map_png=map_png, credits=map_credits(ds, lang),
                 counted_title=report.counted_title, counted_note=report.counted_note, counted_head=head,
                 counted_rows=rows, changes_title=report.compare_label, changes=report.changes, footer=report.footer)
    stamp = datetime(req.as_of.year, req.as_of.month, req.as_of.day)
    return _fixed_zip(briefing_docx(b, stamp), stamp, core_time=stamp)
