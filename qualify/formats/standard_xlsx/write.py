"""Writing a standard as the comparison-table workbook.

Export writes three sheets:

- the table (``比较表`` / ``Comparison table``), in one language: a title row, a header row
  (行为模块 / 行为要素 / 一级测评标准 … N级测评标准), a row block for experience and performance, one
  for knowledge, then each behaviour module with one row per element (criteria items numbered
  ``1、…`` on separate lines, a single item the source leaves unnumbered without a number; ``无``
  where a level has none, an empty cell with a comment where the source cell is blank (``blank:
  true``), ``（原文未知）`` where the source is unknown) and its measurement-standard row
  (衡量标准), and note rows (where the source ends, the rating rule, the source, the standard's
  id). Print-ready: A3 landscape, fit to width, header rows
  repeated, frozen panes, wrapped text, row heights estimated from the text (LibreOffice and some
  Excel versions do not size wrapped rows themselves) and page breaks that keep a module on one
  page where it fits. A hidden last column holds each row's
  key (``element:CODE``, ``measure:MODULE`` …), so that rows are found by key, not by position;
- ``词汇表`` / ``Vocabularies``: every code HR data may use, in both languages, with the exams and
  the readings (for reference; import ignores it);
- ``_qualify`` (very hidden): the complete standard as JSON, in chunks, with its SHA-256, the
  language of the table and the table's sheet name.

Cells whose text starts with ``= + - @`` are neutralised with a leading apostrophe. Nothing here
writes files: the caller saves the workbook (atomically).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import unicodedata
from typing import Any, TypeVar

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from qualify.core.standard import Standard
from qualify.core.text import Lang
from qualify.formats.standard_xlsx.table import CHUNK, FORMAT, META_SHEET, guard, label, layout

_T = TypeVar("_T")

VOCABULARY_NAMES: dict[str, tuple[str, str]] = {
    "activities": ("活动", "activities"), "roles": ("角色", "roles"),
    "audience_ranks": ("客户级别（由低到高）", "audience ranks (lowest first)"),
    "scopes": ("范围（由小到大）", "scopes (narrowest first)"),
    "project_kinds": ("项目类别", "project kinds"),
    "outcomes": ("结果", "outcomes"), "deliverables": ("交付物", "deliverables"),
    "performance_ratings": ("绩效等级（由差到好）", "performance ratings (worst first)"),
    "behaviour_ratings": ("行为评分（由差到好）", "behaviour ratings (worst first)"),
}

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
BLOCK_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
WRAP_TOP_CENTRE = Alignment(wrap_text=True, vertical="top", horizontal="center")
"""Module names: at the top of their block, so that a block split over two pages shows its name."""
BODY_PT = 10
WIDTHS = {"zh": (11.0, 18.0, 34.0), "en": (14.0, 20.0, 44.0)}
VOCABULARY_WIDTHS = (24.0, 36.0, 56.0, 76.0)


def display_width(text: str) -> float:
    """Roughly how many digit widths of the default font (Arial 11) ``text`` takes in a 10-point
    font: a CJK glyph about 1.7 (1.8, to be safe), a Latin letter about 0.7 with word wrapping."""
    return sum(1.8 if unicodedata.east_asian_width(ch) in "WF" else 0.72 for ch in text)


def lines_needed(text: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in text.split("\n")) if text else 1


def row_height(lines: int, lang: Lang, points: float = BODY_PT) -> float:
    """Points for ``lines`` lines of text: CJK fonts need more leading than Latin ones."""
    return round(lines * points * (1.45 if lang == "zh" else 1.3) + 4, 1)


def _font(lang: Lang, **kw: Any) -> Font:
    return Font(name="SimSun" if lang == "zh" else "Arial", size=kw.pop("size", BODY_PT), **kw)


def _workbook() -> Workbook:
    """A workbook whose default font is Arial 11: column widths are counted in its digit width, and
    Arial (or its metric twin Liberation Sans) is everywhere, so Excel and LibreOffice lay the table
    out alike and the page breaks below hold in both."""
    wb = Workbook()
    # openpyxl has no public way to change the default font: set its first font and the Normal style
    arial = Font(name="Arial", sz=11, family=2)
    wb._fonts = IndexedList([arial])  # type: ignore[attr-defined]  # private: not in openpyxl's types
    wb._named_styles["Normal"].font = arial  # type: ignore[attr-defined]  # private, as the line above
    return wb


def _present(part: _T | None, what: str) -> _T:
    """A part of a new worksheet that openpyxl's types call optional but a new worksheet always has."""
    if part is None:
        raise TypeError(f"a new worksheet has no {what}")
    return part


def build_workbook(standard: Standard, lang: Lang) -> Workbook:
    rows, spans = layout(standard, lang)
    levels = len(standard.level_numbers)
    last, key_col = 2 + levels, 3 + levels
    widths = [*WIDTHS[lang][:2], *([WIDTHS[lang][2]] * levels)]
    wb = _workbook()
    ws = wb.worksheets[0]
    if not isinstance(ws, Worksheet):  # a new workbook's only sheet is a worksheet, never a chart sheet
        raise TypeError("a new workbook starts with a worksheet")
    ws.title = label("table", lang)
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    key_letter = get_column_letter(key_col)
    ws.column_dimensions[key_letter].hidden = True

    for r, row in enumerate(rows, 1):
        ws.cell(r, key_col, row.key)
        for cell in row.cells:
            target = ws.cell(r, cell.column, guard(cell.text))
            target.data_type = "s"
            target.alignment = WRAP_TOP
            target.font = _font(lang)
            if cell.note:
                target.comment = Comment(cell.note, "Qualify", width=320, height=140)
        if row.span:
            ws.merge_cells(start_row=r, start_column=row.cells[-1].column, end_row=r, end_column=last)
        for c in range(1, last + 1):
            styled = ws.cell(r, c)
            if row.kind not in ("title", "note"):
                styled.border = BORDER
            if row.kind in ("header", "section"):
                styled.fill = HEAD_FILL
                styled.font = _font(lang, bold=True)
                styled.alignment = WRAP_CENTRE
            elif c == 2 or (row.kind == "block" and c == 1):
                styled.fill = BLOCK_FILL
                styled.font = _font(lang, bold=row.kind != "measure")
        if row.kind == "title":
            ws.cell(r, 1).font = _font(lang, bold=True, size=16)
            ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.row_dimensions[r].height = 30
        elif row.kind == "note":
            ws.cell(r, 1).font = _font(lang, size=9, italic=True)
            lines = lines_needed(row.cells[0].text, sum(widths) * 1.1)
            ws.row_dimensions[r].height = row_height(lines, lang, 9)
        else:
            lines = max(lines_needed(cell.text, sum(widths[cell.column - 1:last])
                                     if row.span and cell is row.cells[-1] else widths[cell.column - 1])
                        for cell in row.cells)
            ws.row_dimensions[r].height = row_height(max(lines, 2 if row.kind == "header" else 1), lang)

    for text, first_row, last_row in spans:
        ws.cell(first_row, 1, guard(text)).data_type = "s"
        if last_row > first_row:
            ws.merge_cells(start_row=first_row, start_column=1, end_row=last_row, end_column=1)
        top = ws.cell(first_row, 1)
        top.font = _font(lang, bold=True)
        top.alignment = WRAP_TOP_CENTRE
        top.fill = BLOCK_FILL
        needed = row_height(lines_needed(text, widths[0]), lang)
        rows_height = sum(ws.row_dimensions[r].height or 15 for r in range(first_row, last_row + 1))
        if needed > rows_height:  # a long module name over few rows: give its last row the rest
            bottom = ws.row_dimensions[last_row]
            bottom.height = (bottom.height or 15) + needed - rows_height

    _page_breaks(ws, spans, len(rows), widths)
    ws.freeze_panes = "C3"
    ws.print_title_rows = "1:2"
    ws.print_area = f"A1:{get_column_letter(last)}{len(rows)}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    _present(ws.sheet_properties.pageSetUpPr, "page set-up").fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    footer = _present(ws.oddFooter, "footer")
    footer.center.text = "&P / &N"
    footer.right.text = standard.id

    _vocabulary_sheet(wb, standard, lang)
    _meta_sheet(wb, standard, lang, ws.title, key_col)
    return wb


A3_LANDSCAPE_PT = (1190.6 - 2 * 0.4 * 72, 841.9 - 2 * 0.5 * 72)
"""The printable width and height of an A3 landscape page with the margins set below."""


def _page_breaks(ws: Any, spans: list[tuple[str, int, int]], last_row: int, widths: list[float]) -> None:
    """Start a block (a module, the experience rows …) on a new page when it would not fit on the
    current one, unless that would leave much of the page empty or the block is longer than a page:
    a printed module then keeps its name and its rows together."""
    width_pt = sum(w * 8 + 5 for w in widths) * 0.75  # Arial 11: 8 pixels a digit, 5 of padding
    scale = min(1.0, A3_LANDSCAPE_PT[0] / width_pt)  # fit to one page wide shrinks, never enlarges

    def height(first: int, last: int) -> float:
        return sum(ws.row_dimensions[r].height or 15 for r in range(first, last + 1))

    capacity = A3_LANDSCAPE_PT[1] / scale * 0.95 - height(1, 2)  # the header rows repeat on every page
    block_of = {first: last for _, first, last in spans}
    used, row = 0.0, 3
    while row <= last_row:
        end = block_of.get(row, row)
        if end == row and row + 1 in block_of:  # a section row goes with the block below it
            end = block_of[row + 1]
        size = height(row, end)
        if used and used + size > capacity and size <= capacity and capacity - used < 0.4 * capacity:
            ws.row_breaks.append(Break(id=row - 1))
            used = 0.0
        used = (used + size) % capacity
        row = end + 1


def _vocabulary_sheet(wb: Workbook, standard: Standard, lang: Lang) -> None:
    ws = wb.create_sheet(label("vocabulary_sheet", lang))
    for c, width in enumerate(VOCABULARY_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    rows: list[tuple[str, ...]] = [(label("vocabulary", lang), label("code", lang), "中文", "English")]
    voc = standard.vocabularies
    for name, (zh, en) in VOCABULARY_NAMES.items():
        for term in getattr(voc, name):
            rows.append((zh if lang == "zh" else en, term.code, term.name.zh, term.name.en))
    for exam in standard.knowledge.exams:
        rows.append((label("exams", lang), exam.code, exam.name.zh, exam.name.en))
    for reading in standard.readings:
        rows.append((label("readings", lang), f"{reading.code} ({reading.at})", reading.note.zh,
                     reading.note.en))
    for r, values in enumerate(rows, 1):
        for c, value in enumerate(values, 1):
            cell = ws.cell(r, c, guard(value))
            cell.data_type = "s"
            cell.alignment = WRAP_TOP
            cell.border = BORDER
            cell.font = _font(lang, bold=r == 1)
            if r == 1:
                cell.fill = HEAD_FILL
        ws.row_dimensions[r].height = row_height(max(lines_needed(v, w) for v, w in zip(
            values, VOCABULARY_WIDTHS, strict=True)), lang)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    _present(ws.sheet_properties.pageSetUpPr, "page set-up").fitToPage = True


def standard_json(standard: Standard) -> str:
    return json.dumps(standard.model_dump(mode="json", by_alias=True), ensure_ascii=False,
                      separators=(",", ":"))


def _meta_sheet(wb: Workbook, standard: Standard, lang: Lang, table: str, key_col: int) -> None:
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    payload = standard_json(standard)
    chunks = [payload[i:i + CHUNK] for i in range(0, len(payload), CHUNK)]
    meta = [("format", FORMAT), ("lang", lang), ("table", table), ("key_column", str(key_col)),
            ("sha256", hashlib.sha256(payload.encode("utf-8")).hexdigest()), ("chunks", str(len(chunks)))]
    for r, (name, value) in enumerate(meta, 1):
        ws.cell(r, 1, name)
        ws.cell(r, 2, value).data_type = "s"
    for i, chunk in enumerate(chunks):
        ws.cell(len(meta) + 1 + i, 1, "json")
        ws.cell(len(meta) + 1 + i, 2, "|" + chunk).data_type = "s"  # "|": never a formula, never blank


def workbook_bytes(standard: Standard, lang: Lang) -> bytes:
    buffer = io.BytesIO()
    build_workbook(standard, lang).save(buffer)
    return buffer.getvalue()
