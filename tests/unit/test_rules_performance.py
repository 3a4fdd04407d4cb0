"""performance: the latest closed quarters, forbidden ratings, at most so many, not all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qualify.core.decision import Check, CheckOutcome
from qualify.core.evaluate import performance_check, ratings_by_period
from qualify.core.periods import leaves_window_on, window_periods
from qualify.core.records import Employee, PerformanceRecord, PersonRecord
from qualify.formats.standard_yaml import load_standard

MINI = load_standard(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")
AS_OF = dt.date(2026, 11, 26)
PASS, FAIL, MISSING = CheckOutcome.passed, CheckOutcome.failed, CheckOutcome.missing


def check(level: int, ratings: dict[str, str], as_of: dt.date = AS_OF) -> Check:
    gate = MINI.levels[level - 1].performance
    return performance_check(ratings, as_of, gate)


def test_the_window_on_2026_11_26_is_2026q1_to_2026q3() -> None:
    assert window_periods(AS_OF, 3) == ["2026Q1", "2026Q2", "2026Q3"]


def test_a_quarter_counts_from_its_last_day() -> None:
    assert window_periods(dt.date(2026, 9, 30), 3) == ["2026Q1", "2026Q2", "2026Q3"]
    assert window_periods(dt.date(2026, 9, 29), 3) == ["2025Q4", "2026Q1", "2026Q2"]
    assert window_periods(dt.date(2026, 1, 1), 3) == ["2025Q2", "2025Q3", "2025Q4"]


def test_a_d_outside_the_window_does_not_count() -> None:
    result = check(1, {"2025Q4": "D", "2026Q1": "B", "2026Q2": "B", "2026Q3": "A"})
    assert result.outcome is PASS
    assert result.actual == "2026Q1 B, 2026Q2 B, 2026Q3 A"


def test_a_d_inside_the_window_fails_every_level() -> None:
    for level in range(1, 6):
        assert check(level, {"2026Q1": "A", "2026Q2": "D", "2026Q3": "A"}).outcome is FAIL


def test_all_three_c_fail_levels_1_to_3() -> None:
    ratings = {"2026Q1": "C", "2026Q2": "C", "2026Q3": "C"}
    for level in (1, 2, 3):
        result = check(level, ratings)
        assert result.outcome is FAIL
        assert "every quarter is C" in result.message_en


def test_two_c_and_a_b_pass_levels_1_to_3() -> None:
    for level in (1, 2, 3):
        assert check(level, {"2026Q1": "C", "2026Q2": "B", "2026Q3": "C"}).outcome is PASS


def test_level_4_allows_one_c_in_the_last_three_quarters() -> None:
    assert check(4, {"2026Q1": "C", "2026Q2": "B", "2026Q3": "B+"}).outcome is PASS


def test_level_4_fails_with_two_c_in_the_last_three_quarters() -> None:
    result = check(4, {"2026Q1": "C", "2026Q2": "B", "2026Q3": "C"})
    assert result.outcome is FAIL
    assert "2 C (2026Q1, 2026Q3), at most 1 allowed" in result.message_en
    # the first C leaves the window at the end of 2026Q4: then only one C is left
    assert result.gap_en == "2 C in the window, at most 1: met on 2026-12-31 if no further C"


def test_level_5_fails_with_a_single_c() -> None:
    result = check(5, {"2026Q1": "A", "2026Q2": "C", "2026Q3": "A"})
    assert result.outcome is FAIL
    assert result.required == "last 3 quarters: no C, no D"
    assert result.gap_en == "the C of 2026Q2 blocks this level until it leaves the window on 2027-03-31"


def test_a_missing_quarter_is_missing_and_named() -> None:
    result = check(1, {"2026Q1": "B", "2026Q3": "A"})
    assert result.outcome is MISSING
    assert result.actual == "2026Q1 B, 2026Q2 -, 2026Q3 A"
    assert "2026Q2" in result.message_en and "2026Q2" in result.message_zh
    assert result.gap_en == "no rating for 2026Q2: ask HR to record it"


def test_a_forbidden_rating_fails_even_with_a_missing_quarter() -> None:
    assert check(1, {"2026Q1": "D", "2026Q3": "A"}).outcome is FAIL


def test_two_c_with_a_missing_quarter_already_fail_level_4() -> None:
    assert check(4, {"2026Q1": "C", "2026Q2": "C"}).outcome is FAIL


def test_not_all_c_with_a_missing_quarter_cannot_be_decided() -> None:
    assert check(1, {"2026Q1": "C", "2026Q2": "C"}).outcome is MISSING


def test_no_ratings_at_all_is_missing() -> None:
    assert check(3, {}).outcome is MISSING


def test_the_worst_of_two_ratings_for_one_quarter_counts() -> None:
    employee = Employee("E1", "", "", "mini", 0, dt.date(2020, 1, 1), dt.date(2020, 1, 1))
    person = PersonRecord(employee, performance=(
        PerformanceRecord("E1", "2026Q1", "A"), PerformanceRecord("E1", "2026Q1", "D"),
        PerformanceRecord("E1", "2026Q1", "B")))
    assert ratings_by_period(person, MINI.vocabularies) == {"2026Q1": "D"}


def test_a_quarter_leaves_a_three_quarter_window_at_the_end_of_the_third_quarter_after_it() -> None:
    assert leaves_window_on("2026Q2", 3) == dt.date(2027, 3, 31)
    assert "2026Q2" not in window_periods(dt.date(2027, 3, 31), 3)
    assert "2026Q2" in window_periods(dt.date(2027, 3, 30), 3)
