"""Reading the plan text (湘政发〔2016〕21号): the infrastructure projects it names, the department
markers （…牵头负责，…等参与） that assign them, the status its verbs imply, and its corridor target.

The shipped copy is a scrape: paragraphs repeat and are out of order, and a department marker is sometimes
split from its paragraph and glued to the front of the next one. The parser therefore collects evidence
from every occurrence of a paragraph: the marker right after it or, when no occurrence has one, the
marker right before the paragraph that follows it in the plan; it fails loudly when the evidence is
missing or disagrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import CoverageError, PlanParseError, reading

MARKER = re.compile(r"（(?P<lead>[^（）]+?)牵头(?:负责)?(?:，(?P<part>[^（）]+?)等参与)?）")


@dataclass(frozen=True)
class Paragraph:
    """An infrastructure paragraph of clause 二（三）: where it starts and ends, and what follows it."""

    sector: str
    start: str
    end: str
    next_start: str | None
    clause: str


# The order is the plan's own: 1、构建综合交通运输体系 lists 铁路、公路、水运、航空、运输 方面, then
# 2、加强能源水利领域合作 opens with the energy paragraph.
PARAGRAPHS = (
    Paragraph("rail", "铁路方面，", "等项目前期工作。", "公路方面，", "二（三）1 铁路方面"),
    Paragraph("highway", "公路方面，", "完善区域路网结构。", "水运方面，", "二（三）1 公路方面"),
    Paragraph("waterway", "水运方面，", "前期研究工作", "航空方面，", "二（三）1 水运方面"),
    Paragraph("energy", "加强电源与电网建设", "建立省际能源资源开发合作机制。", None, "二（三）2 能源"),
)

# The verb phrase around a list of projects, and the status it states at the plan's date.
Q = "[\"“”]"
VERBS = (
    (re.compile(r"加快推进(?P<items>[^。；]+?)等高速公路建设"), "under_construction", "加快推进…建设"),
    (re.compile(r"加快(?P<items>[^。；，]+?)建设"), "under_construction", "加快…建设"),
    (re.compile(r"积极推进(?P<items>[^。；]+?)等项目前期工作"), "planned", "积极推进…前期工作"),
    (re.compile(r"在(?P<items>[^。；，]+?)建设方面合作"), "under_construction", "加强…建设方面合作"),
    (re.compile(r"稳步推进(?P<items>[^。；，]+?)前期研究工作"), "planned", "稳步推进…前期研究工作"),
    (re.compile(r"推进(?P<items>[^。；，]+?)项目加快建设"), "under_construction", "推进…项目加快建设"),
    (re.compile(r"适时启动(?P<items>[^。；，]+?)等省际天然气管道前期工作"), "planned", "适时启动…前期工作"),
    (re.compile(r"实施" + Q + r"(?P<items>[^\"“”]+)" + Q), "under_construction", "实施…"),
    (re.compile(Q + r"(?P<items>[^\"“”]+)" + Q + r"通道建设"), "under_construction", "加强…通道建设"),
)
TARGET = re.compile(r"到(?P<year>\d{4})年，全省涉及泛珠区域的出省通道增加到(?P<count>\d+)条")
PUBLISHED = re.compile(r"发布日期:(?P<date>\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Target:
    year: int
    count: int
    text: str


def read_plan(path: Path) -> str:
    """The plan text; line breaks of the scrape are dropped, as they are not the plan's."""
    try:
        with reading(path):
            return path.read_text(encoding="utf-8").replace("\r", "").replace("\n", "")
    except FileNotFoundError:
        raise PlanParseError(f"{path}: plan text not found") from None


def published(text: str) -> date:
    """The plan's publication date (发布日期)."""
    m = PUBLISHED.search(text)
    if not m:
        raise PlanParseError("plan text: no 发布日期 found")
    return date.fromisoformat(m.group("date"))


def target(text: str) -> Target:
    """The corridor target: '到2020年，全省涉及泛珠区域的出省通道增加到20条'."""
    found = {(m.group("year"), m.group("count"), m.group(0)) for m in TARGET.finditer(text)}
    if len(found) != 1:
        raise PlanParseError(f"plan text: expected one corridor target sentence, found {len(found)}")
    year, count, sentence = found.pop()
    return Target(int(year), int(count), sentence)


def _spans(text: str, p: Paragraph) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(re.escape(p.start), text):
        end = text.find(p.end, m.start())
        nxt = text.find(p.start, m.end())
        if end != -1 and (nxt == -1 or end < nxt):
            spans.append((m.start(), end + len(p.end)))
    return spans


def _marker_after(text: str, pos: int) -> re.Match | None:
    m = MARKER.match(text, pos)
    return m


def _marker_before(text: str, pos: int) -> re.Match | None:
    head = text[:pos].rstrip("。 ")
    hits = list(MARKER.finditer(head))
    return hits[-1] if hits and hits[-1].end() == len(head) else None


def _departments(m: re.Match) -> tuple[str, tuple[str, ...]]:
    part = tuple(x for x in re.split("[、，]", m.group("part") or "") if x)
    return m.group("lead"), part


def _split_items(items: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in items:
        depth += ch == "（"
        depth -= ch == "）"
        if ch == "、" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [x.strip() for x in out if x.strip()]


def plan_items(text: str) -> pd.DataFrame:
    """One row per project the infrastructure paragraphs name: name, sector, clause, status, departments."""
    rows = []
    for p in PARAGRAPHS:
        spans = _spans(text, p)
        if not spans:
            raise PlanParseError(f"plan text: paragraph starting '{p.start}' and ending '{p.end}' not found")
        bodies = {text[a:b] for a, b in spans}
        if len(bodies) != 1:
            raise PlanParseError(f"plan text: the paragraph '{p.start}…' occurs in {len(bodies)} different forms")
        body = bodies.pop()
        # Strong evidence: a marker right after the paragraph. Weaker: a marker right before the paragraph
        # that follows it in the plan (the scrape sometimes glues a marker to the next paragraph's front).
        after: dict[str, tuple] = {}
        for _, end in spans:
            m = _marker_after(text, end)
            if m:
                after[m.group(0)] = _departments(m)
        before: dict[str, tuple] = {}
        if p.next_start:
            for m in re.finditer(re.escape(p.next_start), text):
                mk = _marker_before(text, m.start())
                if mk:
                    before[mk.group(0)] = _departments(mk)
        evidence = after or before
        if not evidence:
            raise PlanParseError(f"plan text: no department marker found for the paragraph '{p.start}…'")
        if len(set(evidence.values())) > 1:
            raise PlanParseError(f"plan text: conflicting department markers for '{p.start}…': "
                                 + " vs ".join(sorted(evidence)))
        lead, part = next(iter(evidence.values()))
        claimed: list[tuple[int, int]] = []
        for rx, status, verb in VERBS:
            for m in rx.finditer(body):
                if any(m.start("items") < b and a < m.end("items") for a, b in claimed):
                    continue
                claimed.append((m.start("items"), m.end("items")))
                for name in _split_items(m.group("items")):
                    rows.append({"plan_name": name, "sector": p.sector, "plan_clause": p.clause,
                                 "plan_status": status, "verb": verb, "lead_department": lead,
                                 "participating_departments": "；".join(part)})
    frame = pd.DataFrame(rows)
    if frame.empty:
        raise PlanParseError("plan text: no projects found in the infrastructure paragraphs")
    return frame.drop_duplicates("plan_name").reset_index(drop=True)


def coverage_problems(items: pd.DataFrame, projects: pd.DataFrame) -> list[str]:
    """Every disagreement between the plan's named projects and the catalog, as readable sentences."""
    problems = []
    projects = projects[projects.plan_name != ""]  # corridors the plan does not name are outside this check
    cat = projects.set_index("plan_name", drop=False)
    for r in items.itertuples():
        if r.plan_name not in cat.index:
            problems.append(f"plan names '{r.plan_name}' ({r.plan_clause}) but no catalog project has that plan_name")
            continue
        rows = cat.loc[[r.plan_name]]
        for c in rows.itertuples():
            for field in ("lead_department", "participating_departments", "plan_status", "plan_clause"):
                want, have = getattr(r, field), getattr(c, field)
                if field == "participating_departments":
                    want, have = set(filter(None, want.split("；"))), set(filter(None, have.split("；")))
                if want != have:
                    problems.append(f"projects.csv project '{c.id}': {field} is {have!r} but the plan says {want!r}")
    named = set(items.plan_name)
    for c in projects.itertuples():
        if c.plan_name not in named:
            problems.append(f"projects.csv project '{c.id}': plan_name '{c.plan_name}' is not a project the plan names")
    return problems


def check_coverage(items: pd.DataFrame, projects: pd.DataFrame) -> None:
    """Raise CoverageError listing every problem, if any."""
    problems = coverage_problems(items, projects)
    if problems:
        raise CoverageError("the catalog does not match the plan:\n" + "\n".join(f"  - {p}" for p in problems))
