"""company_experience and family_experience: whole months from the start date to the as-of date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qualify.core.decision import CheckOutcome
from qualify.core.evaluate import experience_check
from qualify.core.periods import add_months, whole_months
from qualify.formats.standard_yaml import load_standard

MINI = load_standard(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")
LEVEL_1 = MINI.levels[0]
AS_OF = dt.date(2026, 11, 26)


def test_hired_2025_11_26_has_12_whole_months_on_2026_11_26() -> None:
    assert whole_months(dt.date(2025, 11, 26), AS_OF) == 12


def test_hired_2025_11_27_has_11_whole_months_on_2026_11_26() -> None:
    assert whole_months(dt.date(2025, 11, 27), AS_OF) == 11


def test_a_start_date_after_the_as_of_date_gives_0_months() -> None:
    assert whole_months(dt.date(2027, 1, 1), AS_OF) == 0
    assert whole_months(AS_OF, AS_OF) == 0


def test_a_month_end_start_completes_a_month_on_the_last_day_of_a_shorter_month() -> None:
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert whole_months(dt.date(2025, 1, 31), dt.date(2025, 2, 27)) == 0
    assert whole_months(dt.date(2025, 1, 31), dt.date(2025, 2, 28)) == 1
    assert whole_months(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 12


def test_whole_months_never_decrease_as_the_as_of_date_moves_on() -> None:
    start = dt.date(2024, 1, 31)
    day, previous = start, 0
    while day < dt.date(2026, 3, 1):
        months = whole_months(start, day)
        assert months in (previous, previous + 1)
        previous = months
        day += dt.timedelta(days=1)
    assert previous == 25


def test_level_1_company_experience_passes_on_the_day_of_the_twelfth_month() -> None:
    check = experience_check("company_experience", dt.date(2025, 11, 26), AS_OF, LEVEL_1.company_experience)
    assert check.outcome is CheckOutcome.passed
    assert (check.actual, check.required) == ("12 months", "12 months")
    assert check.gap_en == ""


def test_level_1_company_experience_fails_one_day_short_and_says_when_it_will_pass() -> None:
    check = experience_check("company_experience", dt.date(2025, 11, 27), AS_OF, LEVEL_1.company_experience)
    assert check.outcome is CheckOutcome.failed
    assert (check.actual, check.required) == ("11 months", "12 months")
    assert "1 short" in check.message_en and "还差 1 个月" in check.message_zh
    assert check.gap_en == "1 more month in the company: met on 2026-11-27"
    assert "2026-11-27" in check.gap_zh


def test_a_future_hire_needs_the_full_requirement_counted_from_the_start_date() -> None:
    check = experience_check("company_experience", dt.date(2027, 1, 15), AS_OF, LEVEL_1.company_experience)
    assert check.outcome is CheckOutcome.failed
    assert check.actual == "0 months"
    assert check.gap_en == "12 more months in the company: met on 2028-01-15"


def test_family_experience_speaks_of_the_job_family() -> None:
    check = experience_check("family_experience", dt.date(2026, 6, 1), AS_OF, LEVEL_1.family_experience)
    assert check.outcome is CheckOutcome.failed
    assert check.rule == "family_experience"
    assert check.required == "6 months"
    assert "job family" in check.gap_en and "本职位族" in check.gap_zh
