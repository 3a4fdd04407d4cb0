"""The workbook written from columns (``qualify.batch.output.write_xlsx`` through
``qualify.formats.xlsx_frames``) holds what the openpyxl writer of decisions holds, cell for cell, and
keeps the layout: frozen header, filters, widths, tables longer than a sheet going on into the next."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from qualify.batch.evaluate import evaluate_batch
from qualify.batch.output import write_xlsx
from qualify.core.records import Employee, Organisation, PerformanceRecord
from qualify.formats import xlsx_frames
from qualify.formats.decisions import write_xlsx as write_decisions_xlsx
from qualify.formats.hrdata import from_organisation
from qualify.formats.standard_yaml import load_standard
from qualify.formats.xlsx_frames import FrameSheet, write_frames_xlsx

MINI = load_standard(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")
AS_OF = dt.date(2026, 11, 26)


def organisation() -> Organisation:
    people = tuple(
        Employee(f"E{i}", name, unit, "mini", i % 3, dt.date(2020 + i % 7, 1 + i % 12, 1),
                 dt.date(2021, 3, 31))
        for i, (name, unit) in enumerate([("=cmd()", "-East"), ("王<五>&", "华东"), ("Tab\tand bell", "@x"),
                                          ("", ""), ("Ann", "West")]))
    performance = tuple(PerformanceRecord(p.employee_id, q, r) for p in people[::2]
                        for q, r in (("2026Q1", "B"), ("2026Q2", "C"), ("2026Q3", "A")))
    return Organisation(employees=people, performance=performance, exams=(), evidence=(), ratings=())


@pytest.mark.parametrize(("lang", "stage", "reach"), [("en", "screening", 2), ("zh", "certification", None)])
def test_the_workbook_from_columns_holds_what_the_openpyxl_writer_holds(
        tmp_path: Path, lang: str, stage: str, reach: int | None) -> None:
    org = organisation()
    frames = from_organisation(org)
    result = evaluate_batch(MINI, frames, AS_OF, stage)
    employees = {e.employee_id: e for e in org.employees}
    mine, theirs = tmp_path / "columns.xlsx", tmp_path / "decisions.xlsx"
    write_xlsx(result, mine, lang, MINI, frames.employees, reach=reach)  # type: ignore[arg-type]
    write_decisions_xlsx(result.iter_decisions(), theirs, lang, MINI, employees, reach=reach)  # type: ignore[arg-type]
    a, b = load_workbook(mine), load_workbook(theirs)
    assert a.sheetnames == b.sheetnames
    for new, old in zip(a.worksheets, b.worksheets, strict=True):
        got = [[v if v != "" else None for v in row] for row in new.iter_rows(values_only=True)]
        want = [[v if v != "" else None for v in row] for row in old.iter_rows(values_only=True)]
        assert got == want
        assert new.freeze_panes == "B2"
        assert new.auto_filter.ref == old.auto_filter.ref
        assert [new.column_dimensions[c].width for c in "ABC"] == \
            [old.column_dimensions[c].width for c in "ABC"]
    people = list(a.worksheets[0].iter_rows(values_only=True))
    assert people[1][1:3] == ("'=cmd()", "'-East")  # neutralised, not a formula


def test_a_table_longer_than_a_sheet_goes_on_into_the_next(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_frames, "EXCEL_MAX_ROWS", 4)  # the header and 3 rows
    rows = pl.DataFrame({"id": [f"P{i}\x01" for i in range(8)], "n": list(range(8)), "s": [0, 1] * 4},
                        schema={"id": pl.String, "n": pl.Int64, "s": pl.UInt32})

    def chunks() -> list[pl.DataFrame]:
        return [rows.slice(0, 5), rows.slice(5, 3)]

    out = tmp_path / "long.xlsx"
    sheet = FrameSheet("checks", ["id", "n", "s"], [10, 10, 10], chunks, {"s"})
    write_frames_xlsx(out, [sheet], ["no", "yes"])
    book = load_workbook(out)
    assert book.sheetnames == ["checks", "checks 2", "checks 3"]
    got = [row for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)]
    # a control character XML cannot hold is left out
    assert got == [(f"P{i}", i, ["no", "yes"][i % 2]) for i in range(8)]
    assert [s.auto_filter.ref for s in book.worksheets] == ["A1:C4", "A1:C4", "A1:C3"]
    assert [next(s.iter_rows(max_row=1, values_only=True)) for s in book.worksheets] == [("id", "n", "s")] * 3
