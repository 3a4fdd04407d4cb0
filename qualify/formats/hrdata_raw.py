"""Reading the sheets of HR data as they are: every cell as text, headers mapped to the contract's
column names, and each row numbered as the user sees it (the header is row 1 of a CSV file; a
workbook sheet's header is on its first non-empty row).

A workbook is read with calamine (through fastexcel, straight into Arrow memory); a CSV folder with
Polars' own reader. Nothing is typed or checked for meaning here; ``hrdata_validate`` does that.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from qualify.core.errors import InvalidInput, Problem
from qualify.formats.hrdata_columns import SHEETS, Sheet, column_for_header, sheet_for_label

ROW = "_row"  # the row number as the user sees it
SHEET_NAMES = tuple(s.name for s in SHEETS)


@dataclass
class RawSheet:
    """One sheet: the contract's columns that are present, as text as written, and ``_row``."""

    sheet: Sheet
    file: str
    label: str  # the sheet's name in the workbook, or the CSV file's stem
    frame: pl.DataFrame
    headers: dict[str, str] = field(default_factory=dict)  # column name → header as written
    row_shift: Callable[[], int] | None = None  # rows above the header in a workbook (found lazily)
    workbook: bool = False  # cells of a workbook: its dates read as "2026-01-05 00:00:00"

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


@dataclass
class RawData:
    sheets: dict[str, RawSheet]
    problems: list[Problem]


def _problem(code: str, en: str, zh: str, *, file: str, sheet: str = "", column: str = "",
             row: int | None = None) -> Problem:
    return Problem(code=code, message_en=en, message_zh=zh, file=file, sheet=sheet, column=column, row=row)


def _map_headers(sheet: Sheet, frame: pl.DataFrame, *, file: str, label: str,
                 problems: list[Problem]) -> tuple[pl.DataFrame, dict[str, str]]:
    """Rename aliased headers to the contract's names, drop unknown columns, report missing ones."""
    headers: dict[str, str] = {}
    for header in frame.columns:
        column = column_for_header(sheet, str(header))
        if column is None:
            continue
        if column.name in headers:
            problems.append(_problem(
                "duplicate-column",
                f"columns {headers[column.name]!r} and {header!r} both mean {column.name!r}",
                f"列 {headers[column.name]!r} 与 {header!r} 都表示 {column.name!r}",
                file=file, sheet=label, column=str(header), row=1))
            continue
        headers[column.name] = str(header)
    if frame.width == 0:
        # A sheet with nothing in it at all is an empty sheet, not a sheet without columns.
        return pl.DataFrame(schema={c.name: pl.String for c in sheet.columns} | {ROW: pl.Int64}), {}
    for column in sheet.columns:
        if column.required and column.name not in headers:
            aliases = "、".join(column.aliases)
            problems.append(_problem(
                "missing-column",
                f"required column {column.name!r} is missing" + (f" (also accepted: {aliases})" if aliases
                                                                   else ""),
                f"缺少必需的列 {column.name!r}" + (f"（也可写作：{aliases}）" if aliases else ""),
                file=file, sheet=label, column=column.name))
    present = [c.name for c in sheet.columns if c.name in headers]
    out = frame.select([pl.col(headers[name]).cast(pl.String).alias(name) for name in present])
    out = out.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW))
    if present:
        # rows with nothing in them are skipped (their numbers are kept for the others)
        blank = pl.all_horizontal([pl.col(n).is_null() | (pl.col(n) == "") for n in present])
        if out.select(blank.any()).item():
            out = out.filter(~blank)
    return out, headers


def read_workbook(path: Path, wanted: Collection[str]) -> RawData:
    import fastexcel  # imported here: only workbook reading needs it

    file = str(path)
    try:
        reader = fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises its own error types for every unreadable file
        reason = _first_line(exc)
        raise InvalidInput([_problem("unreadable", f"cannot read the workbook: {reason}",
                                     f"无法读取工作簿：{reason}", file=file)], source=file) from None
    problems: list[Problem] = []
    sheets: dict[str, RawSheet] = {}
    for label in reader.sheet_names:
        sheet = sheet_for_label(label)
        if sheet is None or sheet.name in sheets or sheet.name not in wanted:
            continue
        try:
            frame = reader.load_sheet(label, dtypes="string").to_polars()
        except Exception as exc:  # an empty or damaged sheet
            if "empty" in str(exc).lower():
                frame = pl.DataFrame()
            else:
                problems.append(_problem("unreadable", f"cannot read the sheet: {_first_line(exc)}",
                                         f"无法读取工作表：{_first_line(exc)}", file=file, sheet=label))
                continue
        frame, headers = _map_headers(sheet, frame, file=file, label=label, problems=problems)
        sheets[sheet.name] = RawSheet(sheet, file, label, frame, headers,
                                      row_shift=_calamine_row_shift(path, label), workbook=True)
    return RawData(sheets, problems)


def _calamine_row_shift(path: Path, label: str) -> Callable[[], int]:
    """How many empty rows stand above the header (calamine starts a sheet at its first used row).
    Only asked when there is a problem to report, so good inputs never pay for it."""

    def shift() -> int:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        start = workbook.get_sheet_by_name(label).start
        return int(start[0]) if start else 0

    return shift


def read_csv_folder(path: Path, wanted: Collection[str]) -> RawData:
    problems: list[Problem] = []
    sheets: dict[str, RawSheet] = {}
    for csv in sorted(path.iterdir()):
        if csv.suffix.lower() != ".csv":
            continue
        sheet = sheet_for_label(csv.stem)
        if sheet is None or sheet.name in sheets or sheet.name not in wanted:
            continue
        file = str(csv)
        try:
            frame = pl.read_csv(csv, infer_schema=False, raise_if_empty=False, encoding="utf8")
        except (pl.exceptions.ComputeError, OSError, UnicodeDecodeError) as exc:
            problems.append(_problem("unreadable", f"cannot read the CSV file (UTF-8 expected): "
                                     f"{_first_line(exc)}",
                                     f"无法读取 CSV 文件（须为 UTF-8）：{_first_line(exc)}", file=file,
                                     sheet=sheet.name))
            continue
        frame, headers = _map_headers(sheet, frame, file=file, label=sheet.name, problems=problems)
        sheets[sheet.name] = RawSheet(sheet, file, sheet.name, frame, headers)
    return RawData(sheets, problems)


def read_raw(path: Path, wanted: Collection[str] = SHEET_NAMES) -> RawData:
    """The sheets of a workbook or a CSV folder (those ``wanted`` and the employees sheet); a missing
    employees sheet is a problem."""
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
    unreadable = {sheet.name for p in data.problems if (sheet := sheet_for_label(p.sheet)) is not None}
    if "employees" not in data.sheets and "employees" not in unreadable:  # an unreadable one is not missing
        aliases = "、".join(SHEETS[0].aliases)
        data.problems.insert(0, _problem("missing-sheet", f"{missing_en} (also accepted: {aliases})",
                                         f"{missing_zh}（也可命名为：{aliases}）", file=file))
    return data


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
