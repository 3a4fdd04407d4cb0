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
  to the last, so one cell at ``XFD1048576`` would cost 512 GB).

The declared sizes are checked first (cheap); then every part is inflated from the archive's own
data, a megabyte at a time and nothing kept, because the reader inflates a part to its end whatever
its headers say: a header that understates the size must not let a bomb through. The span of each
worksheet's cells is found in the same pass.

The limits are read from the environment on each call, so a deployment can raise them.
"""

from __future__ import annotations

import functools
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
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


_ROW_REF = re.compile(rb'r="(\d{1,9})"')
_WIDE_REF = re.compile(rb'r="([A-Z]{2,3})\d')
CHUNK = 1 << 20  # inflated bytes at a time
_RAW_CHUNK = 64 * 1024  # compressed bytes read at a time
_OVERLAP = 256  # a tag cut between two chunks is seen whole in the next


class Extent:
    """The last row and the last column a worksheet's cells use (its first cell taken as A1), from
    its XML fed in chunks: calamine reserves the whole rectangle, so one cell at ``XFD1048576`` costs
    17 billion. Rows come from the ``<row r=…>`` tags and from cell references further down than them;
    columns from the widest cell references."""

    def __init__(self) -> None:
        self.last_row = self.last_column = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        # ``r="…"`` is the only attribute whose name ends in r and whose value is a reference: digits
        # on a row, letters and digits on a cell. Literal-prefixed patterns keep this at C speed.
        data = self._tail + chunk
        rows = _ROW_REF.findall(data)
        if rows:
            self.last_row = max(self.last_row, max(map(int, rows)))
        far = _far_rows(len(str(self.last_row)) + 1).findall(data)
        if far:
            self.last_row = max(self.last_row, max(map(int, far)))
        wide = _WIDE_REF.findall(data)
        if wide:
            self.last_column = max(self.last_column, max(_column_number(c.decode()) for c in set(wide)))
        elif self.last_column < 26:
            beyond = _letters_after(self.last_column)
            if beyond.search(data):
                self.last_column = max(_column_number(c.decode()) for c in set(beyond.findall(data)))
        self._tail = data[-_OVERLAP:]

    @property
    def cells(self) -> int:
        return self.last_row * self.last_column


def inflate(handle: IO[bytes], entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The bytes of one part, inflated from the archive's own data in bounded chunks, whatever sizes
    its headers declare (calamine inflates a part to its end: a header that lies must not help)."""
    handle.seek(entry.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {entry.filename}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(entry.header_offset + 30 + name_length + extra_length)
    remaining = entry.compress_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if entry.compress_type == zipfile.ZIP_DEFLATED else None
    while remaining > 0:
        raw = handle.read(min(_RAW_CHUNK, remaining))
        if not raw:
            return
        remaining -= len(raw)
        if inflater is None:
            yield raw
            continue
        out = inflater.decompress(raw, CHUNK)
        while True:
            if out:
                yield out
            if not inflater.unconsumed_tail:
                break
            out = inflater.decompress(inflater.unconsumed_tail, CHUNK)
        if inflater.eof:
            return


@functools.cache
def _far_rows(digits: int) -> re.Pattern[bytes]:
    """Cell references on rows of at least ``digits`` digits."""
    return re.compile(rb'r="[A-Z]{1,3}(\d{%d,9})"' % digits)


@functools.cache
def _letters_after(column: int) -> re.Pattern[bytes]:
    """Cell references in a one-letter column after ``column`` (0: any)."""
    first = chr(ord("A") + column).encode()
    return re.compile(rb'r="([' + first + rb'-Z])\d')


def _refusal(file: str, code: str, en: str, zh: str) -> InvalidInput:
    problem = Problem(code=code, message_en=en, message_zh=zh, file=file)
    error = InvalidInput([problem], source=file)
    error.message_en = f"{file} was refused: {en}"
    error.message_zh = f"{file} 被拒绝：{zh}"
    return error


def _ratio_refusal(file: str, part: str, ratio: float, limits: Limits) -> InvalidInput:
    return _refusal(
        file, "workbook-compression-ratio",
        f"part {part} inflates {ratio:,.0f} times (at most {limits.max_ratio:,.0f}); "
        "this looks like a zip bomb (QUALIFY_XLSX_MAX_RATIO)",
        f"部件 {part} 解压后膨胀 {ratio:,.0f} 倍（最多 {limits.max_ratio:,.0f} 倍），"
        "疑似压缩炸弹（QUALIFY_XLSX_MAX_RATIO）")


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
                raise _ratio_refusal(file, entry.filename, ratio, limits)
        with Path(path).open("rb") as handle:
            _check_parts(handle, entries, file, limits)


def _check_parts(handle: IO[bytes], entries: list[zipfile.ZipInfo], file: str, limits: Limits) -> None:
    """Inflate every part (a chunk at a time, nothing kept) to learn its real size, and scan each
    worksheet for the cells it declares and uses."""
    limit_mb = limits.max_uncompressed // MB
    total = 0
    for entry in entries:
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refusal(
                file, "workbook-compression",
                f"part {entry.filename} uses a compression Excel does not write ({entry.compress_type})",
                f"部件 {entry.filename} 使用了 Excel 不会使用的压缩方式（{entry.compress_type}）")
        name = entry.filename.lower()
        extent = Extent() if name.startswith("xl/worksheets/") and name.endswith(".xml") else None
        head = b""
        size = 0
        try:
            for chunk in inflate(handle, entry):
                size += len(chunk)
                total += len(chunk)
                if size > limits.max_uncompressed or total > limits.max_uncompressed:
                    raise _refusal(
                        file, "workbook-too-large",
                        f"the workbook unpacks to more than {limit_mb} MB ({entry.filename}); refused "
                        "before reading (QUALIFY_XLSX_MAX_UNCOMPRESSED_MB)",
                        f"工作簿解压后超过 {limit_mb} MB（{entry.filename}），未读取即拒绝"
                        "（QUALIFY_XLSX_MAX_UNCOMPRESSED_MB）")
                ratio = size / max(entry.compress_size, 1)
                if size > _RATIO_FROM and ratio > limits.max_ratio:
                    raise _ratio_refusal(file, entry.filename, ratio, limits)
                if extent is not None:
                    if len(head) < HEAD_BYTES:
                        head += chunk[:HEAD_BYTES]
                    extent.feed(chunk)
        except (zipfile.BadZipFile, OSError, zlib.error, struct.error):
            continue  # a damaged part: the reader says what is wrong with it
        if extent is None:
            continue
        declared = declared_cells(head) or 0
        cells = max(declared, extent.cells)
        if cells > limits.max_cells:
            raise _refusal(
                file, "workbook-too-many-cells",
                f"worksheet {entry.filename} spans {cells:,} cells (its declared dimension or its "
                f"last used cell); at most {limits.max_cells:,} are read (QUALIFY_XLSX_MAX_CELLS)",
                f"工作表 {entry.filename} 的范围（声明的尺寸或最后使用的单元格）达 {cells:,} 个单元格，"
                f"最多读取 {limits.max_cells:,} 个（QUALIFY_XLSX_MAX_CELLS）")
