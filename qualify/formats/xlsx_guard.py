"""A workbook is checked before any parser sees it: a few KB of hostile input must not make the
reader allocate gigabytes.

An ``.xlsx`` file is a zip archive. ``check_workbook`` reads only its central directory (the entry
count, each entry's declared uncompressed and compressed size) and the first few KB of each
worksheet (its declared ``<dimension ref="A1:XFD1048576"/>``), and refuses with one ``InvalidInput``
line naming the file when:

- the archive has more than ``QUALIFY_XLSX_MAX_ENTRIES`` entries (default 1,000);
- an entry, or all of them together, would inflate to more than ``QUALIFY_XLSX_MAX_UNCOMPRESSED_MB``
  (default 200);
- an entry inflates more than ``QUALIFY_XLSX_MAX_RATIO`` times its compressed size (default 200; XML
  that people write compresses 5-50 times, a zip bomb of zeros about 1,000 times);
- a worksheet declares, or its cells span, more than ``QUALIFY_XLSX_MAX_CELLS`` cells (default 10
  million: the reader reserves about 32 bytes for every cell of the rectangle from the first used cell
  to the last, so one cell at ``XFD1048576`` would cost 512 GB). The span is found by streaming the
  worksheet's XML (already known to be within the size limit) in 1 MB chunks.

The limits are read from the environment on each call, so a deployment can raise them.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from qualify.core.errors import InvalidInput, Problem

MB = 1024 * 1024
HEAD_BYTES = 8 * 1024  # <dimension> comes right after <sheetPr>, in the first few hundred bytes
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
_RATIO_FROM = 1 * MB  # small entries may compress well (an empty sheet), and cannot hurt


@dataclass(frozen=True)
class Limits:
    max_entries: int = 1_000
    max_uncompressed: int = 200 * MB
    max_ratio: float = 200.0
    max_cells: int = 10_000_000

    @classmethod
    def from_environment(cls) -> Limits:
        def number(name: str, default: float) -> float:
            text = os.environ.get(name, "").strip()
            try:
                value = float(text) if text else default
            except ValueError:
                return default
            return value if value > 0 else default

        base = cls()
        return cls(
            max_entries=int(number("QUALIFY_XLSX_MAX_ENTRIES", base.max_entries)),
            max_uncompressed=int(number("QUALIFY_XLSX_MAX_UNCOMPRESSED_MB", base.max_uncompressed / MB) * MB),
            max_ratio=number("QUALIFY_XLSX_MAX_RATIO", base.max_ratio),
            max_cells=int(number("QUALIFY_XLSX_MAX_CELLS", base.max_cells)),
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number


def declared_cells(head: bytes) -> int | None:
    """The number of cells a worksheet's ``<dimension ref=…>`` declares, or ``None`` without one."""
    found = _DIMENSION.search(head)
    if found is None:
        return None
    first_col, first_row, last_col, last_row = (g.decode() if g else "" for g in found.groups())
    if not last_col:  # a single cell "A1"
        return 1
    rows = abs(int(last_row) - int(first_row or 1)) + 1
    columns = abs(_column_number(last_col) - _column_number(first_col or "A")) + 1
    return rows * columns


_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d{1,9})\"")
_WIDE_COLUMNS = (re.compile(rb"<(?:\w+:)?c\s[^>]*?r=\"([A-Z]{3,})\d"),
                 re.compile(rb"<(?:\w+:)?c\s[^>]*?r=\"([A-Z]{2})\d"))
_LETTERS = [chr(c).encode() for c in range(ord("Z"), ord("A") - 1, -1)]
CHUNK = 1 << 20
_OVERLAP = 256  # a tag cut between two chunks is seen whole in the next


def used_extent(head: bytes, stream: IO[bytes]) -> tuple[int, int]:
    """The last row and the last column a worksheet's cells use (its first cell taken as A1), from
    its XML read in chunks: calamine reserves the whole rectangle, so one cell at ``XFD1048576`` costs
    17 billion. Rows come from the ``<row r=…>`` tags and from cell references further down than them;
    columns from the widest cell references."""
    last_row = last_column = 0
    data = head
    while True:
        rows = _ROW_TAG.findall(data)
        if rows:
            last_row = max(last_row, max(map(int, rows)))
        far = re.findall(rb"<(?:\w+:)?c\s[^>]*?r=\"[A-Z]{1,3}(\d{%d,9})\"" % (len(str(last_row)) + 1), data)
        if far:
            last_row = max(last_row, max(map(int, far)))
        last_column = max(last_column, _widest_column(data))
        chunk = stream.read(CHUNK)
        if not chunk:
            return last_row, last_column
        data = data[-_OVERLAP:] + chunk


def _widest_column(data: bytes) -> int:
    for pattern in _WIDE_COLUMNS:
        found = set(pattern.findall(data))
        if found:
            return max(_column_number(c.decode()) for c in found)
    for letter in _LETTERS:  # one letter: the last one used, found without a regular expression
        if data.find(b'r="' + letter) >= 0:
            return _column_number(letter.decode())
    return 0


def _refusal(file: str, code: str, en: str, zh: str) -> InvalidInput:
    problem = Problem(code=code, message_en=en, message_zh=zh, file=file)
    error = InvalidInput([problem], source=file)
    error.message_en = f"{file} was refused: {en}"
    error.message_zh = f"{file} 被拒绝：{zh}"
    return error


def check_workbook(path: Path, *, file: str = "", limits: Limits | None = None) -> None:
    """Raise ``InvalidInput`` (one line naming ``file``) if the workbook at ``path`` could make a
    reader use more memory than the limits allow; return quietly otherwise. A file that is not a zip
    archive at all is left to the reader to report."""
    file = file or str(path)
    limits = limits or Limits.from_environment()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_entries:
            raise _refusal(
                file, "workbook-too-many-entries",
                f"the workbook holds {len(entries):,} parts; at most {limits.max_entries:,} are read "
                "(QUALIFY_XLSX_MAX_ENTRIES)",
                f"工作簿包含 {len(entries):,} 个部件，最多读取 {limits.max_entries:,} 个"
                "（QUALIFY_XLSX_MAX_ENTRIES）")
        limit_mb = limits.max_uncompressed // MB
        total = 0
        for entry in entries:
            total += entry.file_size
            if entry.file_size > limits.max_uncompressed or total > limits.max_uncompressed:
                raise _refusal(
                    file, "workbook-too-large",
                    f"the workbook unpacks to more than {limit_mb} MB ({entry.filename}); refused "
                    "before reading (QUALIFY_XLSX_MAX_UNCOMPRESSED_MB)",
                    f"工作簿解压后超过 {limit_mb} MB（{entry.filename}），未读取即拒绝"
                    "（QUALIFY_XLSX_MAX_UNCOMPRESSED_MB）")
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > _RATIO_FROM and ratio > limits.max_ratio:
                raise _refusal(
                    file, "workbook-compression-ratio",
                    f"part {entry.filename} inflates {ratio:,.0f} times (at most {limits.max_ratio:,.0f}); "
                    "this looks like a zip bomb (QUALIFY_XLSX_MAX_RATIO)",
                    f"部件 {entry.filename} 解压后膨胀 {ratio:,.0f} 倍（最多 {limits.max_ratio:,.0f} 倍），"
                    "疑似压缩炸弹（QUALIFY_XLSX_MAX_RATIO）")
        for entry in entries:
            name = entry.filename.lower()
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            try:
                with archive.open(entry) as stream:
                    head = stream.read(HEAD_BYTES)
                    cells = declared_cells(head)
                    if cells is None or cells <= limits.max_cells:
                        rows, columns = used_extent(head, stream)
                        used = rows * columns
                        cells = used if used > limits.max_cells else cells
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, zlib.error):
                continue  # a damaged part: the reader says what is wrong with it
            if cells is not None and cells > limits.max_cells:
                raise _refusal(
                    file, "workbook-too-many-cells",
                    f"worksheet {entry.filename} spans {cells:,} cells (its declared dimension or its "
                    f"last used cell); at most {limits.max_cells:,} are read (QUALIFY_XLSX_MAX_CELLS)",
                    f"工作表 {entry.filename} 的范围（声明的尺寸或最后使用的单元格）达 {cells:,} 个单元格，"
                    f"最多读取 {limits.max_cells:,} 个"
                    "（QUALIFY_XLSX_MAX_CELLS）")
