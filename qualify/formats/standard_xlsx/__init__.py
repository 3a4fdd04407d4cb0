"""A standard as the comparison table (比较表) that HR knows, in an Excel workbook, and back.

- ``table``: the table's rows and columns and how a standard maps to them (one ``layout`` for both
  directions), the labels, and the neutralising of cell texts;
- ``write``: the workbook (styles, merges, row heights, page breaks, print setup, the vocabulary
  sheet and the very hidden ``_qualify`` sheet with the complete standard as JSON);
- ``read``: import — the standard from the hidden sheet, the visible edits taken or rejected.

Nothing here writes files: the caller saves the workbook (atomically).
"""

from __future__ import annotations

from qualify.formats.standard_xlsx.read import Edit, Imported, parse_items, read_workbook
from qualify.formats.standard_xlsx.table import (
    FORMAT,
    LABELS,
    META_SHEET,
    Cell,
    EditKind,
    Row,
    guard,
    label,
    layout,
    level_header,
    module_targets,
    unguard,
)
from qualify.formats.standard_xlsx.write import build_workbook, standard_json, workbook_bytes

__all__ = [
    "FORMAT",
    "LABELS",
    "META_SHEET",
    "Cell",
    "Edit",
    "EditKind",
    "Imported",
    "Row",
    "build_workbook",
    "guard",
    "label",
    "layout",
    "level_header",
    "module_targets",
    "parse_items",
    "read_workbook",
    "standard_json",
    "unguard",
    "workbook_bytes",
]
