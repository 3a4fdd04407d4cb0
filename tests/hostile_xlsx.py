"""Hostile workbooks, generated: each small on disk, each able to make an unguarded reader allocate
gigabytes. Used by ``tests/unit/test_hrdata_hostile.py``, ``tests/e2e/test_cli_hostile.py`` and
``bench/hostile.py`` (loaded by path: the tests are not a package).

Every maker writes a valid workbook with an ``employees`` sheet (one good person of job family
``mini``) and then makes it hostile in one way.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

HEADER = ["employee_id", "name", "org_unit", "job_family", "current_level", "hire_date", "family_start_date"]
SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


def good_workbook(path: Path, family: str = "mini") -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "employees"
    ws.append(HEADER)
    ws.append(["E1", "张三", "总部", family, 1, "2020-01-05", "2021-03-01"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _rewrite(path: Path, change: Callable[[str, bytes], bytes | None],
             extra: list[tuple[str, bytes]] | None = None) -> Path:
    """Rewrite the archive at ``path``: each entry through ``change`` (``None`` keeps it), plus
    ``extra`` entries."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in entries:
            changed = change(name, data)
            target.writestr(name, data if changed is None else changed)
        for name, data in extra or []:
            target.writestr(name, data)
    return path


def huge_dimension(path: Path, ref: str = "A1:XFD1048576") -> Path:
    """The sheet declares 17 billion cells (``A1:XFD1048576``): calamine reserves 32 bytes each."""
    good_workbook(path)
    return _rewrite(path, lambda name, data: re.sub(rb'<dimension ref="[^"]*"/>',
                                                    f'<dimension ref="{ref}"/>'.encode(), data)
                    if name == SHEET else None)


def zip_bomb(path: Path, megabytes: int = 210) -> Path:
    """A part of ``megabytes`` MB of zeros, about a thousandth of that compressed."""
    good_workbook(path)
    chunk = bytes(MB)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive, \
            archive.open("xl/media/image1.bin", "w", force_zip64=True) as part:
        for _ in range(megabytes):
            part.write(chunk)
    return path


def sheet_bomb(path: Path, megabytes: int = 20) -> Path:
    """The worksheet itself is ``megabytes`` MB of XML (blank space between rows) that compresses a
    thousand times: below the size limit, above the ratio limit."""
    good_workbook(path)
    padding = b" " * (megabytes * MB)
    return _rewrite(path, lambda name, data: data.replace(b"</row>", b"</row>" + padding, 1)
                    if name == SHEET else None)


def many_entries(path: Path, count: int = 20_000) -> Path:
    """Tens of thousands of tiny parts."""
    good_workbook(path)
    return _rewrite(path, lambda name, data: None,
                    extra=[(f"xl/media/part{i}.bin", b"x") for i in range(count)])


def far_cell(path: Path) -> Path:
    """A sheet whose used range declares one cell but which has a cell at ``XFD1048576``."""
    good_workbook(path)
    far = b'<row r="1048576"><c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c></row>'
    def change(name: str, data: bytes) -> bytes | None:
        if name != SHEET:
            return None
        data = data.replace(b"</sheetData>", far + b"</sheetData>")
        return data.replace(b'<dimension ref="A1:G2"/>', b'<dimension ref="A1"/>')

    return _rewrite(path, change)


def lying_size(path: Path, megabytes: int = 300) -> Path:
    """A sheet bomb whose headers (local and central) claim the worksheet is 4,000 bytes: a reader
    that trusts them checks nothing, and calamine inflates the part to its end anyway."""
    sheet_bomb(path, megabytes)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(SHEET).header_offset
    data[offset + 22:offset + 26] = struct.pack("<I", 4000)  # the local header's uncompressed size
    name = SHEET.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack("<H", data[at + 28:at + 30])[0]
        if data[at + 46:at + 46 + length] == name:
            data[at + 24:at + 28] = struct.pack("<I", 4000)  # the central directory's
            break
        at = data.find(b"PK\x01\x02", at + 1)
    path.write_bytes(bytes(data))
    return path


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "huge-dimension": huge_dimension,
    "wide-dimension": lambda p: huge_dimension(p, "A1:ZZ1048576"),
    "zip-bomb": zip_bomb,
    "sheet-bomb": sheet_bomb,
    "many-entries": many_entries,
    "far-cell": far_cell,
    "lying-size": lying_size,
}
