"""behaviour:ELEMENT: the assessors' ratings of an element at a level, the lowest counts."""

from __future__ import annotations

from pathlib import Path

from qualify.core.decision import CheckOutcome
from qualify.core.evaluate import behaviour_check
from qualify.formats.standard_yaml import load_standard

MINI = load_standard(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")
FOUND = MINI.element("talk-prep")
assert FOUND is not None
PREPARATION = FOUND[1]


def test_meets_from_every_assessor_passes() -> None:
    result = behaviour_check(MINI, PREPARATION, 2, ["meets", "exceeds"])
    assert result.outcome is CheckOutcome.passed
    assert result.rule == "behaviour:talk-prep"
    assert result.actual == "meets (lowest of 2)"
    assert result.required == "exceeds or meets"


def test_the_lowest_rating_counts() -> None:
    result = behaviour_check(MINI, PREPARATION, 2, ["exceeds", "partial", "meets"])
    assert result.outcome is CheckOutcome.failed
    assert result.actual == "partial (lowest of 3)"
    assert result.gap_en == ('"Preparation" is rated "partially meets" at level 2: '
                             '"exceeds" or "meets" is needed')
    assert "部分符合" in result.gap_zh


def test_one_not_met_fails() -> None:
    assert behaviour_check(MINI, PREPARATION, 1, ["not_met"]).outcome is CheckOutcome.failed


def test_no_rating_is_missing_and_asks_for_an_assessment() -> None:
    result = behaviour_check(MINI, PREPARATION, 3, [])
    assert result.outcome is CheckOutcome.missing
    assert result.actual == "none"
    assert result.gap_en == 'have "Preparation" rated by the assessors at level 3'
