"""The assessment service: decisions streamed in input order, the summary, the default standard."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from qualify.core.decision import Stage
from qualify.core.errors import InvalidInput, QualifyError
from qualify.services.assessment import assess, resolve_standard
from qualify.services.standards import shipped_files

MINI = str(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")
AS_OF = dt.date(2026, 11, 26)


def write(folder: Path, employees: list[list[str]], performance: list[list[str]]) -> Path:
    folder.mkdir()
    sheets = {
        "employees": [["employee_id", "name", "org_unit", "job_family", "current_level", "hire_date",
                       "family_start_date"], *employees],
        "performance": [["employee_id", "period", "rating"], *performance],
    }
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


def test_decisions_come_in_input_order_and_the_summary_counts_them(tmp_path: Path) -> None:
    data = write(tmp_path / "org", [
        ["B2", "", "", "mini", "0", "2026-01-01", "2026-01-01"],
        ["A1", "", "", "mini", "0", "2010-01-01", "2010-01-01"],
        ["Z9", "", "", "other", "0", "2010-01-01", "2010-01-01"],
    ], [["A1", q, "B"] for q in ("2026Q1", "2026Q2", "2026Q3")])
    assessment = assess(MINI, data, AS_OF, Stage.screening, engine="reference")
    assert (assessment.people, assessment.skipped) == (2, 1)
    decisions = list(assessment.decisions())
    assert [d.employee_id for d in decisions] == ["B2", "A1"]
    summary = assessment.summary()
    assert (summary.assessed, summary.skipped) == (2, 1)
    # nobody has exam results, so the knowledge check is missing and no level is eligible
    assert summary.by_highest == {0: 2, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert summary.by_level[1] == {"eligible": 0, "not_eligible": 1, "incomplete": 1}


def test_a_rejected_input_raises_before_any_decision(tmp_path: Path) -> None:
    data = write(tmp_path / "org", [["A1", "", "", "mini", "0", "2010-13-01", "2010-01-01"]], [])
    with pytest.raises(InvalidInput) as raised:
        assess(MINI, data, AS_OF, Stage.screening)
    assert any(p.column == "hire_date" for p in raised.value.problems)


def test_without_a_standard_the_only_shipped_one_is_used_and_with_several_one_must_be_named() -> None:
    files = shipped_files()
    if len(files) == 1:
        assert resolve_standard(None).id == files[0].stem
    else:
        with pytest.raises(QualifyError, match="--standard"):
            resolve_standard(None)


def test_the_batch_summary_is_a_group_by_with_the_same_counts_as_counting_decisions(tmp_path: Path) -> None:
    data = write(tmp_path / "org", [
        ["B2", "", "", "mini", "0", "2026-01-01", "2026-01-01"],
        ["A1", "", "", "mini", "1", "2010-01-01", "2010-01-01"],
        ["C3", "", "", "mini", "0", "2010-01-01", "2010-01-01"],
        ["Z9", "", "", "other", "0", "2010-01-01", "2010-01-01"],
    ], [[who, q, "B"] for who in ("A1", "C3") for q in ("2026Q1", "2026Q2", "2026Q3")])
    counted = assess(MINI, data, AS_OF, Stage.screening, engine="reference")
    list(counted.decisions())
    grouped = assess(MINI, data, AS_OF, Stage.screening)
    grouped.result()
    expected, summary = counted.summary(), grouped.summary(output_bytes=123)
    assert (summary.assessed, summary.skipped, summary.output_bytes) == (3, 1, 123)
    assert summary.by_highest == expected.by_highest
    assert summary.by_level == expected.by_level
    assert sum(summary.by_level[1].values()) == 3
