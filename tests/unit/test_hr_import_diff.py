"""The import preview says, per person, which columns change from what to what, and flags a renamed
certificate holder."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from qualify.core.records import Employee, PerformanceRecord, PersonRecord
from qualify.services.hr_import_diff import import_diffs, person_diff

ZHANG = PersonRecord(
    Employee("E001", "张伟", "bj", "mini", 1, dt.date(2020, 1, 1), dt.date(2021, 1, 1)),
    performance=(PerformanceRecord("E001", "2026Q1", "A"),),
)


def test_a_renamed_and_moved_person_shows_each_changed_column_old_to_new() -> None:
    after = replace(ZHANG, employee=replace(ZHANG.employee, name="张伟伟", org_unit="sh"))
    diff = person_diff(ZHANG, after)
    assert diff.fields == (("name", "张伟", "张伟伟"), ("org_unit", "bj", "sh"))
    assert diff.renamed and not diff.renames_certificate_holder


def test_new_performance_rows_show_as_a_row_count_change() -> None:
    after = replace(ZHANG, performance=(*ZHANG.performance, PerformanceRecord("E001", "2026Q2", "B")))
    assert person_diff(ZHANG, after).fields == (("performance", "1 rows", "2 rows"),)


def test_a_renamed_certificate_holder_is_flagged_and_listed_first() -> None:
    other = PersonRecord(replace(ZHANG.employee, employee_id="E002", name="王芳"))
    moved = PersonRecord(replace(other.employee, current_level=2))
    renamed = replace(ZHANG, employee=replace(ZHANG.employee, name="张伟伟"))
    diffs = import_diffs(
        {"E001": ZHANG, "E002": other}, {"E001": renamed, "E002": moved}, ["E002", "E001"], {"E001"}
    )
    assert [d.employee_id for d in diffs] == ["E001", "E002"]
    assert diffs[0].renames_certificate_holder
    assert diffs[1].as_dict()["fields"] == [{"field": "current_level", "old": "1", "new": "2"}]
