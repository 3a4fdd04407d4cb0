"""Writing an .xlsx workbook straight from Polars frames: the sheet XML of each slice of rows is made
by Polars (no Python object per row or cell), repeated texts go once into the shared strings.

The layout is that of ``qualify.formats.decisions.write_xlsx`` (openpyxl): a header row, column widths,
the panes frozen at B2, a filter over the whole table, and a table longer than a sheet holds going on
into ``TITLE 2`` … (``EXCEL_MAX_ROWS``). Texts that start with ``= + - @`` are neutralised with a
leading apostrophe; characters XML cannot hold (control characters) are left out. The same frames give
the same bytes (fixed times, ``qualify.formats.xlsx_write``).

A frame's columns become cells in order: a ``String`` column an inline text, an integer column a
number, a column named in ``shared`` an index into the shared strings; a null is an empty cell.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast
from xml.sax.saxutils import escape

import polars as pl

from qualify.formats.xlsx_write import EXCEL_MAX_ROWS, _FixedTimeZipFile, fixed_time

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_ILLEGAL_RE = re.compile(_ILLEGAL)
_FORMULA_START = ("=", "+", "-", "@")


@dataclass
class FrameSheet:
    """One table: ``chunks()`` gives its rows a slice at a time (columns in the order of ``header``)."""

    title: str
    header: list[str]
    widths: list[int]
    chunks: Callable[[], Iterable[pl.DataFrame]]
    shared: set[str] = field(default_factory=set)


def neutral_text(value: str) -> str:
    """A text as a cell shows it: a leading apostrophe when it could run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def xml_text(value: str) -> str:
    return escape(_ILLEGAL_RE.sub("", value))


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(name: str, dtype: pl.DataType, shared: set[str]) -> pl.Expr:
    column = pl.col(name)
    if name in shared:
        value = pl.concat_str(pl.lit('<c t="s"><v>'), column.cast(pl.String), pl.lit("</v></c>"))
    elif dtype.is_integer():
        value = pl.concat_str(pl.lit("<c><v>"), column.cast(pl.String), pl.lit("</v></c>"))
    else:
        text = column.cast(pl.String)
        text = pl.when(text.str.contains(r"^[=+\-@]")).then(pl.lit("'") + text).otherwise(text)
        text = (text.str.replace_all(_ILLEGAL, "").str.replace_all("&", "&amp;", literal=True)
                .str.replace_all("<", "&lt;", literal=True).str.replace_all(">", "&gt;", literal=True))
        value = pl.concat_str(pl.lit('<c t="inlineStr"><is><t xml:space="preserve">'), text,
                              pl.lit("</t></is></c>"))
    return value.fill_null(pl.lit("<c/>"))


def _rows_xml(frame: pl.DataFrame, first_row: int, shared: set[str]) -> pl.DataFrame:
    cells = [_cell(name, dtype, shared) for name, dtype in frame.schema.items()]
    number = pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).cast(pl.String)
    return frame.select(pl.concat_str([pl.lit('<row r="'), number, pl.lit('">'), *cells, pl.lit("</row>")])
                        .alias("xml"))


def _header_xml(header: list[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t xml:space="preserve">{xml_text(neutral_text(h))}</t></is></c>'
                    for h in header)
    return f'<row r="1">{cells}</row>'


def _sheet_start(widths: list[int]) -> str:
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
            '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" topLeftCell="B2" '
            'activePane="bottomRight" state="frozen"/><selection pane="bottomRight" activeCell="B2" '
            f'sqref="B2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
            "<sheetData>")


@dataclass
class _Part:
    title: str
    columns: int
    rows: int  # the header included


def _slices(chunks: Iterable[pl.DataFrame], room: int) -> Iterator[tuple[bool, pl.DataFrame]]:
    """The rows of ``chunks``, cut where a sheet is full; ``True`` before the first slice of a new sheet."""
    left = room
    new = False
    for chunk in chunks:
        start = 0
        while start < chunk.height:
            if left == 0:
                new, left = True, room
            take = min(left, chunk.height - start)
            yield new, chunk.slice(start, take)
            new = False
            left -= take
            start += take


def _write_sheet(archive: zipfile.ZipFile, info: Callable[[str], zipfile.ZipInfo], sheet: FrameSheet,
                 parts: list[_Part]) -> None:
    """Write ``sheet`` as one or more worksheets (``xl/worksheets/sheetN.xml``), adding them to ``parts``."""
    header = _header_xml(sheet.header)
    last = column_letter(len(sheet.header))
    mine: list[int] = []

    def open_part() -> IO[bytes]:
        mine.append(len(parts))
        title = sheet.title if len(mine) == 1 else f"{sheet.title} {len(mine)}"
        parts.append(_Part(title[:31], len(sheet.header), 1))
        out = archive.open(info(f"xl/worksheets/sheet{len(parts)}.xml"), "w", force_zip64=True)
        out.write((_sheet_start(sheet.widths) + header).encode("utf-8"))
        return out

    def close_part(out: IO[bytes]) -> None:
        rows = parts[-1].rows
        out.write(f'</sheetData><autoFilter ref="A1:{last}{rows}"/></worksheet>'.encode())
        out.close()

    handle = open_part()
    for new, rows in _slices(sheet.chunks(), EXCEL_MAX_ROWS - 1):
        if new:
            close_part(handle)
            handle = open_part()
        _rows_xml(rows, parts[-1].rows + 1, sheet.shared).write_csv(
            cast(Any, handle), include_header=False, quote_style="never", line_terminator="")
        parts[-1].rows += rows.height
    close_part(handle)


def write_frames_xlsx(path: Path, sheets: list[FrameSheet], shared_strings: list[str]) -> None:
    """The workbook of ``sheets`` at ``path`` (shared strings: their indices are the ``shared`` columns)."""
    when = fixed_time()
    archive = _FixedTimeZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
    archive.stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with archive:
        parts: list[_Part] = []
        for sheet in sheets:
            _write_sheet(archive, archive._info, sheet, parts)
        with archive.open(archive._info("xl/sharedStrings.xml"), "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}" '
                      f'count="{len(shared_strings)}" uniqueCount="{len(shared_strings)}">'.encode())
            step = 10_000
            for start in range(0, len(shared_strings), step):
                out.write("".join(f'<si><t xml:space="preserve">{xml_text(s)}</t></si>'
                                  for s in shared_strings[start:start + step]).encode("utf-8"))
            out.write(b"</sst>")
        _write_package(archive, parts, when.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _write_package(archive: zipfile.ZipFile, parts: list[_Part], stamp: str) -> None:
    sheets = "".join(f'<sheet name="{escape(p.title, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, p in enumerate(parts, 1))
    quoted = [p.title.replace("'", "''") for p in parts]
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(chr(39) + q + chr(39))}!$A$1:${column_letter(p.columns)}${p.rows}</definedName>"
        for i, (p, q) in enumerate(zip(parts, quoted, strict=True)))
    files = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(parts) + 1))
            + "</Types>"),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"),
        "docProps/app.xml": (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Qualify</Application></Properties>"),
        "docProps/core.xml": (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:creator>Qualify</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}'
            f'</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>"),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets><definedNames>{names}</definedNames></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(parts) + 1))
            + f'<Relationship Id="rId{len(parts) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{len(parts) + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
            '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
            '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/>'
            '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
            'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" '
            'fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle '
            'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
    }
    for name, text in files.items():
        archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text)
