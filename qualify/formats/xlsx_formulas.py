"""The cells of a workbook sheet that hold a formula saved without its value.

Excel saves a formula with the value it computed; files written by programs (openpyxl, scripts,
exports of other systems) often hold the formula alone, and a reader then sees an empty cell. To say
"formula without a value" rather than "missing value", the sheet's XML is searched, only when a
missing value is to be reported (and after ``xlsx_guard`` has checked the archive).
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTRIBUTE = re.compile(rb"([\w:]+)=\"([^\"]*)\"")
_FORMULA = re.compile(rb"<f[\s>/]")
_HAS_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]|<(?:\w+:)?is>")
_REF = re.compile(rb"\br=\"([A-Z]{1,3})(\d{1,7})\"")


def _sheet_part(archive: zipfile.ZipFile, label: str) -> str | None:
    """The worksheet XML that holds the sheet named ``label``."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    for tag in _SHEET_ENTRY.findall(workbook):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if html.unescape(attributes.get(b"name", b"").decode()) != label:
            continue
        rid = next((v for k, v in attributes.items() if k.endswith(b":id")), b"")
        for rel in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
            rel_attributes = dict(_ATTRIBUTE.findall(rel))
            if rel_attributes.get(b"Id") == rid:
                target = rel_attributes.get(b"Target", b"").decode()
                return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def formula_cells(path: Path, label: str) -> Callable[[], set[tuple[int, int]]]:
    """The cells of a sheet that hold a formula and no value, found in its XML (already checked by
    the guard to be of a sane size) when a problem asks."""
    found: list[set[tuple[int, int]]] = []

    def cells() -> set[tuple[int, int]]:
        if found:
            return found[0]
        result: set[tuple[int, int]] = set()
        try:
            with zipfile.ZipFile(path) as archive:
                name = _sheet_part(archive, label)
                data = archive.read(name) if name else b""
        except (zipfile.BadZipFile, KeyError, OSError):
            data = b""
        for formula in _FORMULA.finditer(data):  # cells with formulas are few: look around each
            start = data.rfind(b"<c ", 0, formula.start())
            end = data.find(b"</c>", formula.start())
            if start < 0 or end < 0:
                continue
            cell = data[start:end]
            ref = _REF.search(cell, 0, cell.find(b">"))
            if ref and not _HAS_VALUE.search(cell):
                result.add((int(ref.group(2)), _column_number(ref.group(1).decode())))
        found.append(result)
        return result

    return cells


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number
