"""Chinese and English strings for the dashboard, the map and the exports. Chinese is the default. The messages
themselves are in corridors.messages; here, how they are looked up and the phrases built from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from .messages import STRINGS

LANGS = ("zh", "en")


def t(key: str, lang: str = "zh", **kwargs: object) -> str:
    """The string for key in lang (Chinese when lang is unknown), formatted with kwargs."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**kwargs) if kwargs else text


def definition_text(d, lang: str, *, as_of, target, document: str | None = None) -> str:
    """A counting definition (counting.Definition) spelled out in full, for the page and the exports. document:
    the document a target other than the plan's comes from (its clause is target.text)."""
    sep = "、" if lang == "zh" else ", "
    extra = {"document": document} if document else {}
    return t("definition_text_target" if document else "definition_text", lang, include=t(f"include_{d.include}", lang),
             unit=t(f"unit_{d.unit}", lang), modes=sep.join(mode(m, lang) for m in d.modes),
             provinces=t(f"provinces_{d.provinces}", lang), opened=t(f"opened_{d.opened}", lang),
             candidates=t("candidates_" + ("yes" if d.candidates else "no"), lang), date=as_of.isoformat(),
             year=target.year, target=target.count, sentence=target.text, **extra)


def definition_short(d, lang: str) -> str:
    """A definition in a few words, for table rows."""
    sep = "、" if lang == "zh" else ", "
    parts = [t(f"short_include_{d.include}", lang), sep.join(mode(m, lang) for m in d.modes),
             t(f"short_provinces_{d.provinces}", lang), t(f"short_unit_{d.unit}", lang),
             t(f"short_opened_{d.opened}", lang)]
    if not d.candidates:
        parts.append(t("short_candidates_no", lang))
    return " · ".join(parts)


# China Standard Time: UTC+8 all year (no daylight saving since 1991), so a fixed offset is exact.
CHINA_TZ = timezone(timedelta(hours=8), "CST")


def china_time(value, lang: str) -> str:
    """A stored instant (ISO text or datetime; naive ones are UTC, as the store writes them) in China Standard
    Time, with the zone said: '2026-01-01 08:00 北京时间' / '2026-01-01 08:00 China Standard Time (UTC+8)'.
    Empty for a missing value."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") + " " + t("china_time_zone", lang)


def ordinal(n: int) -> str:
    """An English ordinal: 1st, 2nd, 3rd, 11th, 20th, 22nd."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def headline_notes(d, lang: str, *, counts: dict, as_of, reached_day=None, reached_name: str = "",
                   same_day: tuple[str, ...] = ()) -> list[str]:
    """The lines under the headline count: the definition in a few words; when the count reached the target
    under it and which corridor made it (or how many are still missing on the date); how many of those open
    are unconfirmed identifications. reached_day/reached_name/same_day come from counting.reached."""
    done, target = counts["completed"], counts["target"]
    lines = [t("headline_definition", lang, short=definition_short(d, lang))]
    if reached_day is not None:
        line = t("headline_reached", lang, date=reached_day.isoformat(), target=target, nth=ordinal(target),
                 name=reached_name)
        if same_day:
            line += (" " if lang == "en" else "") + t("headline_reached_tie", lang,
                                                       others=("、" if lang == "zh" else "; ").join(same_day))
        lines.append(line)
    elif target:
        lines.append(t("headline_not_reached", lang, date=as_of.isoformat(), target=target,
                       missing=max(target - done, 0)))
    n = counts["candidates"]
    if done:
        lines.append(t("headline_candidates", lang, total=done, n=n) if n else t("headline_confirmed", lang,
                                                                                 total=done))
    return lines


def progress_label(done: int, target: int, lang: str) -> str:
    """The progress bar's words: the share of the target, met, or exceeded by how many."""
    pct = round(100 * done / target) if target else 0
    if done > target:
        return t("bar_exceeded", lang, over=done - target, pct=pct)
    if done == target:
        return t("bar_met", lang)
    return t("bar_short", lang, pct=pct, missing=target - done)


def mode(m: str, lang: str) -> str:
    return t(f"mode_{m}", lang)


def status(s: str | None, lang: str) -> str:
    """A status label; an event that sets no status (the plan's own statement, a forecast) shows a dash."""
    if s == "":
        return "—"
    return t(f"status_{s}", lang)


def sections_status(sections: list[dict], lang: str) -> str:
    """Each section's status on the date, e.g. '湖南段：建成；贵州段：未查到' (Dataset.table's sections_status)."""
    colon, sep = ("：", "；") if lang == "zh" else (": ", "; ")
    return sep.join(f"{s['name_zh'] if lang == 'zh' else s['name_en']}{colon}{status(s['status'], lang)}"
                    for s in sections)


# The plan's lead and participating departments, with the English names the departments use themselves.
DEPARTMENTS_EN = {
    "省发改委": "Hunan Development and Reform Commission",
    "省交通运输厅": "Hunan Department of Transportation",
    "省能源局": "Hunan Energy Administration",
    "省水利厅": "Hunan Department of Water Resources",
}


def department_en(name_zh: str) -> str:
    """A department's English name with its Chinese one, or the Chinese name when none is known."""
    if not name_zh:
        return ""
    en = DEPARTMENTS_EN.get(name_zh)
    return f"{en} ({name_zh})" if en else name_zh


def department(name_zh: str, lang: str) -> str:
    return name_zh if lang == "zh" else department_en(name_zh)


def name(row: object, lang: str) -> str:
    """A project's name, Chinese first in Chinese and English first in English, both shown."""
    return name_of({"name_zh": row.name_zh, "name_en": row.name_en}, lang)


def name_of(row, lang: str) -> str:
    """The same for a mapping (a record or a Series)."""
    zh, en = row["name_zh"], row["name_en"]
    return f"{zh} · {en}" if lang == "zh" else f"{en} · {zh}"
