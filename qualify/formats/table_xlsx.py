"""A list as an xlsx workbook: one sheet per table, a bold header, frozen panes, a filter.

What every "export to xlsx" of the web app writes (the certificate register, the publication list,
a cycle's applications, the overview's tables). Cells that start with ``= + - @`` are neutralised
(``qualify.formats.decisions.neutralise``), and the bytes are the same for the same rows
(``qualify.formats.xlsx_write.save_workbook``).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualify.formats.decisions import neutralise
from qualify.formats.xlsx_write import EXCEL_MAX_ROWS, save_workbook


@dataclass(frozen=True)
class Table:
    """One sheet: its title (at most 31 characters are kept), the header and the rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]] = field(default_factory=list)


def _width(values: Sequence[Any]) -> int:
    longest = max((len(str(v)) for v in values), default=8)
    return max(8, min(60, longest + 2))


def table_workbook(tables: Sequence[Table]) -> bytes:
    """The workbook of ``tables`` as bytes (rows past Excel's limit go on in a sheet ``TITLE 2``).
    Written in openpyxl's write-only mode: a row at a time, so a register of 200,000 rows fits."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        rows = [[neutralise(v) for v in row] for row in table.rows]
        chunk = EXCEL_MAX_ROWS - 1
        parts = [rows[i : i + chunk] for i in range(0, len(rows), chunk)] or [[]]
        for number, part in enumerate(parts, start=1):
            title = table.title if number == 1 else f"{table.title} {number}"
            sheet = workbook.create_sheet(title[:31])
            for index, name in enumerate(table.header, start=1):
                column = [name, *(r[index - 1] for r in part[:200] if len(r) >= index)]
                sheet.column_dimensions[get_column_letter(index)].width = _width(column)
            sheet.freeze_panes = "A2"
            if table.header:
                sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.header))}{len(part) + 1}"
            header = []
            for name in table.header:
                cell = WriteOnlyCell(sheet, value=name)
                cell.font = bold
                header.append(cell)
            sheet.append(header)
            for row in part:
                sheet.append(row)
    with tempfile.TemporaryDirectory(prefix="qualify-xlsx-") as folder:
        path = Path(folder) / "table.xlsx"
        save_workbook(workbook, path)
        return path.read_bytes()


def read_table(content: bytes, sheet: str | None = None) -> list[list[Any]]:
    """The rows of one sheet (the first when ``sheet`` is ``None``), header included: for tests and
    scripts that check an export."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    ws = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]
