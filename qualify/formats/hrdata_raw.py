"""Reading the sheets of HR data as they are: every cell as text, headers mapped to the contract's
column names, and each row numbered as the user sees it.

A workbook is read with calamine (through fastexcel, straight into Arrow memory) after
``xlsx_guard`` has checked that it cannot make the reader allocate gigabytes; a CSV folder with
Polars' own reader, its encoding detected (UTF-8 with or without BOM, else GB18030, the CSV of Excel on
Chinese Windows). Nothing is typed or checked for meaning here; ``hrdata_validate`` does that.

HR data as it really arrives:

- a table may span sheets or files (DESIGN.md): ``举证`` + ``举证2``, ``evidence`` + ``evidence 2``,
  ``evidence`` and ``举证``, ``evidence.csv`` and ``举证.csv`` are read together, in order; a sheet
  that names no table is listed in the notes as ignored, never silently;
- a title row or banner above the header (``XX公司2026年花名册``) is skipped: the header is the first
  row that names every required column of the table;
- what was done is said in ``RawData.notes`` (one ``Problem``-shaped line each), for the summary.

Rows of the second part of a table are numbered ``PART_STRIDE`` apart, so that one number says both
the part and the row; ``RawSheet.place`` turns it back into (part, row as the user sees it).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from qualify.core.errors import InvalidInput, Problem
from qualify.formats.hrdata_columns import SHEETS, Sheet, column_for_header, sheet_part_for_label
from qualify.formats.xlsx_formulas import formula_cells

ROW = "_row"  # the row number as the user sees it (plus PART_STRIDE times the part's index)
PART_STRIDE = 10_000_000  # more than Excel's 1,048,576 rows a sheet
HEADER_SEARCH_ROWS = 30  # a header below this many rows of titles is not looked for
SHEET_NAMES = tuple(s.name for s in SHEETS)
CSV_CHUNK = 1 << 20


@dataclass
class Part:
    """One sheet of a workbook or one CSV file that holds (part of) a table."""

    file: str
    label: str  # the sheet's name in the workbook, or the CSV file's stem
    headers: dict[str, str] = field(default_factory=dict)  # column name → header as written
    row_shift: Callable[[], int] | None = None  # rows above the first used row of a workbook sheet
    columns: dict[str, int] = field(default_factory=dict)  # column name → its place in what was read
    # the cells (row, column; 1-based, as Excel numbers them) that hold a formula without a value
    formulas: Callable[[], set[tuple[int, int]]] | None = None
    column_shift: Callable[[], int] | None = None  # columns left of the first used column

    def formula_without_value(self, row: int, column: str) -> bool:
        """Whether the cell of ``column`` on ``row`` (as the user sees it) is a formula that was
        saved without its computed value (files written by programs, not by Excel)."""
        if self.formulas is None or column not in self.columns:
            return False
        shift = self.column_shift() if self.column_shift else 0
        return (row, self.columns[column] + shift + 1) in self.formulas()


@dataclass
class RawSheet:
    """One table: the contract's columns that are present, as text as written, and ``_row``."""

    sheet: Sheet
    parts: list[Part]
    frame: pl.DataFrame
    workbook: bool = False  # cells of a workbook: its dates read as "2026-01-05 00:00:00"
    _shifts: dict[int, int] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.parts[0].file

    @property
    def label(self) -> str:
        return self.parts[0].label

    def part(self, row: int) -> Part:
        return self.parts[min(row // PART_STRIDE, len(self.parts) - 1)]

    def place(self, row: int) -> tuple[Part, int]:
        """The part a ``_row`` number is in, and the row there as the user sees it."""
        index = min(row // PART_STRIDE, len(self.parts) - 1)
        part = self.parts[index]
        if index not in self._shifts:
            self._shifts[index] = part.row_shift() if part.row_shift else 0
        return part, row % PART_STRIDE + self._shifts[index]

    def header(self, column: str, row: int = 0) -> str:
        return self.part(row).headers.get(column, column)


@dataclass
class RawData:
    sheets: dict[str, RawSheet]
    problems: list[Problem]
    notes: list[Problem] = field(default_factory=list)


def _problem(code: str, en: str, zh: str, *, file: str, sheet: str = "", column: str = "",
             row: int | None = None) -> Problem:
    return Problem(code=code, message_en=en, message_zh=zh, file=file, sheet=sheet, column=column, row=row)


# --- the header ---------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def find_header(sheet: Sheet, rows: Sequence[Sequence[object]]) -> int:
    """The index of the first row that names every required column of ``sheet`` (titles and banners
    above it are skipped); without one, the first row that is not empty."""
    required = {c.name for c in sheet.columns if c.required}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        named = {c.name for cell in row if (c := column_for_header(sheet, _cell_text(cell))) is not None}
        if required <= named:
            return index
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(_cell_text(cell) for cell in row):
            return index
    return 0


def _map_headers(sheet: Sheet, grid: pl.DataFrame, part: Part, part_index: int,
                 problems: list[Problem], notes: list[Problem], skipped: int = 0) -> pl.DataFrame:
    """The part's rows below its header, columns renamed to the contract's names (unknown columns
    dropped, missing required ones reported), numbered as the user sees them. ``grid``: the sheet
    as read, every row a row of data (the header among them); ``skipped``: rows above it not read."""
    file, label = part.file, part.label
    empty = pl.DataFrame(schema={c.name: pl.String for c in sheet.columns} | {ROW: pl.Int64})
    if grid.width == 0 or grid.height == 0:
        # A sheet with nothing in it at all is an empty sheet, not a sheet without columns.
        return empty
    at = find_header(sheet, grid.head(HEADER_SEARCH_ROWS).rows())
    header_cells = [_cell_text(v) for v in grid.row(at)]
    row = skipped + at + 1  # the header's row as the user sees it (in a workbook: from its first used row)
    if row > 1:
        notes.append(_problem(
            "header-row", f"the header is on row {row}; the {row - 1} row{'s' if row > 2 else ''} above it "
            f"(a title) {'are' if row > 2 else 'is'} skipped",
            f"表头在第 {row} 行；其上 {row - 1} 行（标题）已跳过",
            file=file, sheet=label, row=row))
    position: dict[str, int] = {}
    for index, header in enumerate(header_cells):
        column = column_for_header(sheet, header)
        if column is None:
            continue
        if column.name in part.headers:
            problems.append(_problem(
                "duplicate-column",
                f"columns {part.headers[column.name]!r} and {header!r} both mean {column.name!r}",
                f"列 {part.headers[column.name]!r} 与 {header!r} 都表示 {column.name!r}",
                file=file, sheet=label, column=header, row=row))
            continue
        part.headers[column.name] = header
        position[column.name] = index
        part.columns[column.name] = index
    for column in sheet.columns:
        if column.required and column.name not in part.headers:
            aliases = "、".join(column.aliases)
            problems.append(_problem(
                "missing-column",
                f"required column {column.name!r} is missing" + (f" (also accepted: {aliases})" if aliases
                                                                   else ""),
                f"缺少必需的列 {column.name!r}" + (f"（也可写作：{aliases}）" if aliases else ""),
                file=file, sheet=label, column=column.name))
    present = [c.name for c in sheet.columns if c.name in position]
    out = grid.slice(at + 1).select(
        [pl.col(grid.columns[position[name]]).cast(pl.String).alias(name) for name in present])
    first = part_index * PART_STRIDE + row + 1
    out = out.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + first).alias(ROW))
    if present:
        # rows with nothing in them are skipped (their numbers are kept for the others)
        blank = pl.all_horizontal([pl.col(n).is_null() | (pl.col(n).str.strip_chars() == "")
                                   for n in present])
        if out.select(blank.any()).item():
            out = out.filter(~blank)
    return out


def _combine(sheet: Sheet, frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if f.width > 0]
    if not frames:
        return pl.DataFrame(schema={c.name: pl.String for c in sheet.columns} | {ROW: pl.Int64})
    if len(frames) == 1:
        return frames[0]
    combined = pl.concat(frames, how="diagonal")
    order = [c.name for c in sheet.columns if c.name in combined.columns]
    return combined.select(*order, ROW)


def _split_note(sheet: Sheet, parts: list[Part]) -> Problem:
    labels = " + ".join(p.label for p in parts)
    return _problem("split-table", f"the {sheet.name} table is read from {len(parts)} sheets or files "
                    f"together: {labels}", f"{sheet.name} 表由 {len(parts)} 个工作表或文件合并读取：{labels}",
                    file=parts[0].file, sheet=parts[0].label)


def _ignored_note(file: str, label: str, where_en: str, where_zh: str) -> Problem:
    known = ", ".join(SHEET_NAMES)
    return _problem("ignored-sheet", f"{where_en} {label!r} names no table of the HR data ({known}) "
                    "and is ignored", f"{where_zh} {label!r} 不对应任何人事数据表（{known}），已忽略",
                    file=file, sheet=label)


# --- workbooks ------------------------------------------------------------------------------------


def read_workbook(path: Path, wanted: Collection[str]) -> RawData:
    import fastexcel  # imported here: only workbook reading needs it

    from qualify.formats.xlsx_guard import check_workbook

    file = str(path)
    check_workbook(path, file=file)
    try:
        reader = fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises its own error types for every unreadable file
        reason = _first_line(exc)
        raise InvalidInput([_problem("unreadable", f"cannot read the workbook: {reason}",
                                     f"无法读取工作簿：{reason}", file=file)], source=file) from None
    problems: list[Problem] = []
    notes: list[Problem] = []
    found: dict[str, list[tuple[int, int, str]]] = {}
    for order, label in enumerate(reader.sheet_names):
        named = sheet_part_for_label(label)
        if named is None:
            notes.append(_ignored_note(file, label, "sheet", "工作表"))
            continue
        found.setdefault(named[0].name, []).append((named[1], order, label))
    sheets: dict[str, RawSheet] = {}
    for sheet in SHEETS:
        if sheet.name not in found or sheet.name not in wanted:
            continue
        parts: list[Part] = []
        frames: list[pl.DataFrame] = []
        for _number, _order, label in sorted(found[sheet.name]):
            try:
                grid = reader.load_sheet(label, header_row=None, dtypes="string").to_polars()
            except Exception as exc:  # an empty or damaged sheet
                if "empty" in str(exc).lower():
                    grid = pl.DataFrame()
                else:
                    problems.append(_problem("unreadable", f"cannot read the sheet: {_first_line(exc)}",
                                             f"无法读取工作表：{_first_line(exc)}", file=file, sheet=label))
                    continue
            start = _calamine_start(path, label)
            part = Part(file, label, row_shift=_index(start, 0), formulas=formula_cells(path, label),
                        column_shift=_index(start, 1))
            frames.append(_map_headers(sheet, grid, part, len(parts), problems, notes))
            parts.append(part)
        if not parts:
            continue
        if len(parts) > 1:
            notes.append(_split_note(sheet, parts))
        sheets[sheet.name] = RawSheet(sheet, parts, _combine(sheet, frames), workbook=True)
    return RawData(sheets, problems, notes)


def _calamine_start(path: Path, label: str) -> Callable[[], tuple[int, int]]:
    """How many empty rows and columns stand above and left of the first used cell (calamine
    starts a sheet there). Only asked when there is a problem to report, so good inputs never pay."""
    found: list[tuple[int, int]] = []

    def start() -> tuple[int, int]:
        if not found:
            from python_calamine import CalamineWorkbook

            first = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(label).start
            found.append((int(first[0]), int(first[1])) if first else (0, 0))
        return found[0]

    return start


def _index(start: Callable[[], tuple[int, int]], which: int) -> Callable[[], int]:
    return lambda: start()[which]


# --- CSV folders ----------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str | None:
    """``utf-8-sig`` (a BOM), ``utf-8``, ``gb18030``, or ``None`` when the file is none of them.
    Read in chunks: a large file is never held twice."""
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        for encoding in ("utf-8", "gb18030"):
            handle.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := handle.read(CSV_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    return None


ENCODING_NAMES = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "gb18030": "GB18030"}


def _csv_header_line(sheet: Sheet, source: Path | bytes) -> int:
    """The line of a CSV file its header is on (0: the first), from its first few KB."""
    if isinstance(source, bytes):
        head = source[:65536]
    else:
        with source.open("rb") as handle:
            head = handle.read(65536)
    lines = head.decode("utf-8", errors="replace").splitlines()[:HEADER_SEARCH_ROWS]
    rows = [tuple(row) for row in csv.reader(lines)]
    at = find_header(sheet, rows)
    return sum(1 for _ in csv.reader(lines[:at])) if at else 0


def _read_csv(sheet: Sheet, path: Path, encoding: str) -> tuple[pl.DataFrame, int]:
    """The file from its header down (every row of it a row of the grid), and how many lines above
    its header were skipped."""
    if encoding == "utf-8":
        source: Path | bytes = path
    elif encoding == "utf-8-sig":
        source = path.read_bytes()[3:]
    else:
        source = path.read_bytes().decode(encoding).encode("utf-8")
    skip = _csv_header_line(sheet, source)
    grid = pl.read_csv(source, has_header=False, infer_schema=False, raise_if_empty=False, skip_rows=skip)
    return grid, skip


def read_csv_folder(path: Path, wanted: Collection[str]) -> RawData:
    problems: list[Problem] = []
    notes: list[Problem] = []
    found: dict[str, list[tuple[int, str, Path]]] = {}
    for entry in sorted(path.iterdir()):
        if entry.suffix.lower() != ".csv":
            continue
        named = sheet_part_for_label(entry.stem)
        if named is None:
            notes.append(_ignored_note(str(entry), entry.stem, "file", "文件"))
            continue
        found.setdefault(named[0].name, []).append((named[1], entry.name, entry))
    sheets: dict[str, RawSheet] = {}
    encodings: list[str] = []
    for sheet in SHEETS:
        if sheet.name not in found or sheet.name not in wanted:
            continue
        parts: list[Part] = []
        frames: list[pl.DataFrame] = []
        for _number, _name, entry in sorted(found[sheet.name]):
            file = str(entry)
            encoding = detect_encoding(entry)
            if encoding is None:
                problems.append(_problem(
                    "unreadable", "cannot read the CSV file: it is neither UTF-8 nor GB18030/GBK",
                    "无法读取 CSV 文件：既不是 UTF-8，也不是 GB18030/GBK 编码", file=file, sheet=entry.stem))
                continue
            try:
                grid, skipped = _read_csv(sheet, entry, encoding)
            except (pl.exceptions.PolarsError, OSError, UnicodeError) as exc:
                reason = _first_line(exc)
                problems.append(_problem("unreadable", f"cannot read the CSV file: {reason}",
                                         f"无法读取 CSV 文件：{reason}", file=file, sheet=entry.stem))
                continue
            encodings.append(f"{entry.name} {ENCODING_NAMES[encoding]}")
            part = Part(file, entry.stem)
            frames.append(_map_headers(sheet, grid, part, len(parts), problems, notes, skipped))
            parts.append(part)
        if not parts:
            continue
        if len(parts) > 1:
            notes.append(_split_note(sheet, parts))
        sheets[sheet.name] = RawSheet(sheet, parts, _combine(sheet, frames))
    if encodings:
        listed = ", ".join(encodings)
        notes.insert(0, _problem("encoding", f"CSV encoding detected: {listed}",
                                 f"CSV 编码识别结果：{listed}", file=str(path)))
    return RawData(sheets, problems, notes)


# --- either ---------------------------------------------------------------------------------------


def read_raw(path: Path, wanted: Collection[str] = SHEET_NAMES) -> RawData:
    """The sheets of a workbook or a CSV folder (those ``wanted`` and the employees sheet); a missing
    or empty employees sheet is a problem."""
    file = str(path)
    wanted = {"employees", *wanted}
    if path.is_dir():
        data = read_csv_folder(path, wanted)
        missing_en, missing_zh = "the folder has no employees.csv", "文件夹中没有 employees.csv"
    elif path.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"} and path.is_file():
        data = read_workbook(path, wanted)
        missing_en, missing_zh = "the workbook has no sheet 'employees'", "工作簿中没有 employees 工作表"
    elif not path.exists():
        raise InvalidInput([_problem("not-found", "no such file or folder", "文件或文件夹不存在",
                                     file=file)], source=file)
    else:
        raise InvalidInput([_problem(
            "unsupported-input", "HR data is an .xlsx workbook or a folder of CSV files",
            "人事数据须为 .xlsx 工作簿或 CSV 文件夹", file=file)], source=file)
    unreadable = {named[0].name for p in data.problems if (named := sheet_part_for_label(p.sheet))}
    employees = data.sheets.get("employees")
    if employees is None and "employees" not in unreadable:  # an unreadable one is not missing
        aliases = "、".join(SHEETS[0].aliases)
        data.problems.insert(0, _problem("missing-sheet", f"{missing_en} (also accepted: {aliases})",
                                         f"{missing_zh}（也可命名为：{aliases}）", file=file))
    elif employees is not None and employees.frame.is_empty() and not any(
            p.code == "missing-column" and p.file == employees.file for p in data.problems):
        data.problems.insert(0, _problem(
            "empty-sheet", "the employees sheet has no rows: there is nobody to assess or import",
            "employees 表中没有数据行：没有可评估或导入的员工", file=employees.file, sheet=employees.label))
    return data


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
