"""A list as an xlsx download: every HR list of the web app exports through here
(``qualify.formats.table_xlsx`` writes the workbook: formula-like cells neutralised, same bytes for
the same rows)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from django.http import HttpResponse

from qualify.formats.table_xlsx import Table, table_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(tables: Sequence[Table], name: str) -> HttpResponse:
    """``tables`` as a workbook named ``name`` (any language: the name is sent RFC 5987-encoded)."""
    response = HttpResponse(table_workbook(tables), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def wants_xlsx(request: object) -> bool:
    """``?format=xlsx`` on a list page asks for its rows as a workbook."""
    return getattr(request, "GET", {}).get("format") == "xlsx"
