"""Saving an openpyxl workbook so that the same content gives the same bytes on every run.

openpyxl stamps the document properties (created, modified) with the time of saving, and Python's
``zipfile`` stamps every part with the time it is written. Both are fixed here: to
``SOURCE_DATE_EPOCH`` when the environment sets it (the reproducible-builds convention), else to
1980-01-01, the earliest time a zip archive can record.

A table longer than a sheet holds (``EXCEL_MAX_ROWS`` rows, header included) goes on into further
sheets named as the HR data reader expects them (``举证2``, ``evidence 2``: ``part_label``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

EXCEL_MAX_ROWS = 1_048_576  # rows a sheet holds, the header included
_EARLIEST = dt.datetime(1980, 1, 1)  # noqa: DTZ001 - a zip archive's times are local and naive


def fixed_time() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        stamp = dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
        return max(stamp, _EARLIEST)
    return _EARLIEST


class _FixedTimeZipFile(zipfile.ZipFile):
    """A zip archive whose parts all carry one fixed time and the same permissions."""

    stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = self.compression
        info._compresslevel = self.compresslevel  # type: ignore[attr-defined]  # what writestr itself sets
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: int | None = None,
                 compresslevel: int | None = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(str(zinfo_or_arcname))
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        info = self._info(str(arcname if arcname is not None else filename))
        with Path(filename).open("rb") as source, self.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, 1 << 20)


def save_workbook(workbook: Any, path: Path) -> None:
    """Save an openpyxl ``workbook`` (normal or write-only) to ``path`` with fixed timestamps."""
    from openpyxl.writer.excel import ExcelWriter

    if workbook.write_only and not workbook.worksheets:
        workbook.create_sheet()  # as openpyxl's own save does
    when = fixed_time()
    workbook.properties.created = when
    workbook.properties.modified = when
    archive = _FixedTimeZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    ExcelWriter(workbook, archive).save()
