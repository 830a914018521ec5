"""The snapshot's Word briefing: a short, editable document in the snapshot's language that a planner can send
on (Word and WPS open .docx): the title with the date and the counting definition, the count against the target
and what it means, the map, the table of counted corridors with their dates and sources, and what changed since
a comparison date. It is written from the same figures as the report (nothing is recomputed here)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from . import i18n

EAST_ASIAN_FONT = "宋体"  # SimSun: in every Chinese Windows and in WPS; Word substitutes elsewhere


@dataclass(frozen=True)
class Briefing:
    """The briefing's content, as text already in the snapshot's language."""

    lang: str
    title: str
    subtitle: str
    count_line: str  # the count against the target, with how far over or under it
    notes: list[str]  # the headline's notes: definition in a few words, when the target was reached, candidates
    definition: str  # the definition spelled out
    map_png: bytes
    credits: str  # schematic-map statement and sources, under the map
    counted_title: str
    counted_note: str
    counted_head: list[str]
    counted_rows: list[list[str]]
    changes_title: str
    changes: list[str]
    footer: str


def _fonts(doc) -> None:
    """Chinese text in the East Asian font (Word picks fonts per script)."""
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption"):
        style = doc.styles[name]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    doc.styles["Normal"].font.size = Pt(10.5)


def briefing_docx(b: Briefing, stamp: datetime) -> bytes:
    """The briefing as .docx bytes; `stamp` is its creation and modification time (the snapshot's date), so
    the same inputs give the same document."""
    doc = Document()
    _fonts(doc)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    doc.core_properties.title = b.title
    doc.core_properties.author = "corridors"
    doc.core_properties.language = "zh-CN" if b.lang == "zh" else "en"
    doc.core_properties.created = doc.core_properties.modified = stamp
    doc.core_properties.last_modified_by = "corridors"
    doc.core_properties.revision = 1

    doc.add_heading(b.title, level=0)
    doc.add_paragraph(b.subtitle)
    p = doc.add_paragraph()
    run = p.add_run(b.count_line)
    run.bold, run.font.size = True, Pt(14)
    for line in b.notes:
        doc.add_paragraph(line, style="List Bullet")
    doc.add_paragraph(f"{i18n.t('definition', b.lang)}{'：' if b.lang == 'zh' else ': '}{b.definition}")

    doc.add_picture(io.BytesIO(b.map_png), width=Cm(15))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    credits = doc.add_paragraph(b.credits)
    for r in credits.runs:
        r.font.size, r.font.color.rgb = Pt(8), RGBColor(0x55, 0x55, 0x55)

    doc.add_heading(b.counted_title, level=1)
    doc.add_paragraph(b.counted_note)
    table = doc.add_table(rows=1, cols=len(b.counted_head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, b.counted_head):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in b.counted_rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for r in para.runs:
                    r.font.size = Pt(9)

    doc.add_heading(b.changes_title, level=1)
    for line in b.changes or [i18n.t("no_changes", b.lang)]:
        doc.add_paragraph(line, style="List Bullet")
    foot = doc.add_paragraph(b.footer)
    for r in foot.runs:
        r.font.size, r.font.color.rgb = Pt(8), RGBColor(0x66, 0x66, 0x66)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
