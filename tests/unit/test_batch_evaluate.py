"""The batch evaluator on small organisations: the rules' corner cases and what the result offers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from qualify.batch.evaluate import evaluate_batch
from qualify.core.decision import Decision
from qualify.core.errors import QualifyError
from qualify.core.evaluate import evaluate, rank_knowledge
from qualify.core.records import (
    Employee,
    EvidenceRecord,
    ExamRecord,
    Organisation,
    PerformanceRecord,
    RatingRecord,
)
from qualify.core.standard import Standard
from qualify.formats.hrdata import from_organisation, read_hr_data, to_organisation
from qualify.formats.standard_yaml import load_standard

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AS_OF = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def mini() -> Standard:
    return load_standard(FIXTURES / "mini@1.0.yaml")


def employee(employee_id: str, hired: dt.date, level: int = 0, family: str = "mini",
             family_start: dt.date | None = None) -> Employee:
    return Employee(employee_id, "某人", "总部", family, level, hired, family_start or hired)


def good_quarters(employee_id: str) -> tuple[PerformanceRecord, ...]:
    return tuple(PerformanceRecord(employee_id, p, "B") for p in ("2026Q1", "2026Q2", "2026Q3"))


def both_exams(employee_id: str, general: float, professional: float) -> tuple[ExamRecord, ...]:
    return (ExamRecord(employee_id, "2026", "general", general),
            ExamRecord(employee_id, "2026", "professional", professional))


def organisation(employees: list[Employee], performance: tuple[PerformanceRecord, ...] = (),
                 exams: tuple[ExamRecord, ...] = (), evidence: tuple[EvidenceRecord, ...] = (),
                 ratings: tuple[RatingRecord, ...] = ()) -> Organisation:
    return Organisation(employees=tuple(employees), performance=performance, exams=exams, evidence=evidence,
                        ratings=ratings)


def batch(standard: Standard, org: Organisation, stage: str = "screening",
          as_of: dt.date = AS_OF) -> dict[str, Decision]:
    result = evaluate_batch(standard, from_organisation(org), as_of, stage)
    return {d.employee_id: d for d in result.to_decisions()}


def check(decision: Decision, level: int, rule: str):  # type: ignore[no-untyped-def]
    found = decision.level(level)
    assert found is not None
    return next(c for c in found.checks if c.rule == rule)


def test_hired_on_the_as_of_day_a_year_earlier_has_twelve_whole_months(mini: Standard) -> None:
    org = organisation([employee("a", dt.date(2025, 11, 26)), employee("b", dt.date(2025, 11, 27))])
    decisions = batch(mini, org)

    a, b = check(decisions["a"], 1, "company_experience"), check(decisions["b"], 1, "company_experience")
    assert (a.outcome.value, a.actual) == ("pass", "12 months")
    assert (b.outcome.value, b.actual) == ("fail", "11 months")


def test_a_start_after_the_as_of_date_gives_no_months_and_a_month_end_is_clamped(mini: Standard) -> None:
    org = organisation([employee("late", dt.date(2027, 1, 1)), employee("end", dt.date(2026, 1, 31))])
    decisions = batch(mini, org, as_of=dt.date(2026, 2, 28))

    assert check(decisions["late"], 1, "company_experience").actual == "0 months"
    assert check(decisions["end"], 1, "company_experience").actual == "1 month"


def test_a_missing_quarter_of_the_window_is_missing_and_named(mini: Standard) -> None:
    records = (PerformanceRecord("a", "2026Q1", "B"), PerformanceRecord("a", "2026Q2", "B"),
               PerformanceRecord("a", "2025Q4", "D"))  # 2025Q4 is outside the window
    decisions = batch(mini, organisation([employee("a", dt.date(2015, 1, 1))], performance=records))

    performance = check(decisions["a"], 1, "performance")
    assert performance.outcome.value == "missing"
    assert performance.actual == "2026Q1 B, 2026Q2 B, 2026Q3 -"
    assert "2026Q3" in performance.message_en


def test_a_forbidden_rating_fails_even_with_a_quarter_missing(mini: Standard) -> None:
    records = (PerformanceRecord("a", "2026Q1", "D"), PerformanceRecord("a", "2026Q2", "B"))
    decisions = batch(mini, organisation([employee("a", dt.date(2015, 1, 1))], performance=records))

    assert check(decisions["a"], 1, "performance").outcome.value == "fail"


def test_tied_scores_share_the_best_rank_and_not_sitting_one_exam_is_missing(mini: Standard) -> None:
    people = [employee(i, dt.date(2015, 1, 1)) for i in ("a", "b", "c", "d")]
    exams = (*both_exams("a", 90, 90), *both_exams("b", 80, 90), *both_exams("c", 90, 80),
             ExamRecord("d", "2026", "general", 99), ExamRecord("d", "2025", "professional", 99))
    decisions = batch(mini, organisation(people, exams=exams))

    assert check(decisions["a"], 1, "knowledge").actual == "rank 1 of 3, score 180.0 (sitting 2026)"
    assert check(decisions["b"], 1, "knowledge").actual == "rank 2 of 3, score 170.0 (sitting 2026)"
    assert check(decisions["c"], 1, "knowledge").actual == "rank 2 of 3, score 170.0 (sitting 2026)"
    assert check(decisions["d"], 1, "knowledge").outcome.value == "missing"


def test_the_rank_decides_how_many_levels_above_the_current_one_may_be_applied_for(mini: Standard) -> None:
    people = [employee(f"p{i}", dt.date(2015, 1, 1)) for i in range(10)]
    exams = tuple(x for i in range(10) for x in both_exams(f"p{i}", 100 - i, 100 - i))
    decisions = batch(mini, organisation(people, exams=exams))

    # top 20% of 10 = ranks 1-2: two levels above level 0; top 80% = ranks 1-8: one level
    assert [check(decisions[f"p{i}"], 2, "knowledge").outcome.value for i in range(10)] == \
        ["pass"] * 2 + ["fail"] * 8
    assert [check(decisions[f"p{i}"], 1, "knowledge").outcome.value for i in range(10)] == \
        ["pass"] * 8 + ["fail"] * 2
    assert check(decisions["p0"], 3, "knowledge").outcome.value == "fail"


def test_people_of_another_job_family_are_skipped(mini: Standard) -> None:
    org = organisation([employee("a", dt.date(2015, 1, 1)),
                        employee("x", dt.date(2015, 1, 1), family="other")])
    result = evaluate_batch(mini, from_organisation(org), AS_OF, "screening")

    assert result.people.get_column("employee_id").to_list() == ["a"]
    assert result.skipped.to_dicts() == [{"employee_id": "x", "job_family": "other"}]
    assert result.counts()["skipped"] == 1


def test_highest_eligible_level_and_gaps_to_the_next_level(mini: Standard) -> None:
    people = [employee("a", dt.date(2024, 1, 1), level=0), employee("b", dt.date(2026, 6, 1), level=0)]
    org = organisation(people, performance=good_quarters("a") + good_quarters("b"),
                       exams=both_exams("a", 90, 90) + both_exams("b", 80, 80))
    result = evaluate_batch(mini, from_organisation(org), AS_OF, "screening")

    summary = {row["employee_id"]: row for row in result.summary.iter_rows(named=True)}
    assert summary["a"]["highest_eligible_level"] == 2  # 34 months; rank 1 of 2: two levels above
    assert summary["a"]["level_1"] == "eligible"
    assert summary["b"]["highest_eligible_level"] == 0  # hired five months ago
    gaps = result.gaps.filter(pl.col("employee_id") == "b")
    assert gaps.get_column("level").to_list() == [1, 1]
    assert gaps.get_column("rule").cast(pl.String).to_list() == ["company_experience", "family_experience"]
    assert "2027-06-01" in gaps.get_column("message_en")[0]


def test_the_checks_frame_has_every_check_in_decision_order(mini: Standard) -> None:
    org = organisation([employee("a", dt.date(2015, 1, 1)), employee("b", dt.date(2026, 1, 1))])
    result = evaluate_batch(mini, from_organisation(org), AS_OF, "screening")

    checks = result.checks
    assert checks.columns[:8] == ["employee_id", "level", "rule", "outcome", "actual", "required",
                                  "message_zh", "message_en"]
    assert checks.height == 2 * 5 * 4
    assert checks.head(4).get_column("rule").cast(pl.String).to_list() == [
        "company_experience", "family_experience", "performance", "knowledge"]
    failing = result.checks_frame(failing_only=True)
    assert set(failing.get_column("outcome").cast(pl.String).to_list()) <= {"fail", "missing"}
    assert failing.height == checks.filter(pl.col("outcome") != "pass").height


def test_evidence_dated_after_the_as_of_date_does_not_count(mini: Standard) -> None:
    evidence = tuple(
        EvidenceRecord("a", f"e{i}", "presentation", day, audience="province-om-director")
        for i, day in enumerate((dt.date(2026, 1, 1), dt.date(2026, 12, 1))))
    decisions = batch(mini, organisation([employee("a", dt.date(2015, 1, 1))], evidence=evidence),
                      stage="certification")

    measure = check(decisions["a"], 1, "measure:talks")
    assert (measure.outcome.value, measure.actual) == ("fail", "talks 1")


def test_the_lowest_assessor_rating_counts(mini: Standard) -> None:
    ratings = (RatingRecord("a", 1, "talk-prep", "A1", "exceeds"),
               RatingRecord("a", 1, "talk-prep", "A2", "partial"),
               RatingRecord("a", 2, "talk-prep", "A1", "meets"))
    decisions = batch(mini, organisation([employee("a", dt.date(2015, 1, 1))], ratings=ratings),
                      stage="certification")

    assert check(decisions["a"], 1, "behaviour:talk-prep").actual == "partial (lowest of 2)"
    assert check(decisions["a"], 1, "behaviour:talk-prep").outcome.value == "fail"
    assert check(decisions["a"], 2, "behaviour:talk-prep").outcome.value == "pass"
    assert check(decisions["a"], 3, "behaviour:talk-prep").outcome.value == "missing"


@pytest.mark.parametrize("stage", ["screening", "certification"])
def test_decisions_on_the_sample_folder_equal_the_reference(stage: str, mini: Standard) -> None:
    frames = read_hr_data(FIXTURES / "hr" / "good", mini)
    org = to_organisation(frames)
    standings = rank_knowledge(mini, org.employees, org.exams)

    decisions = evaluate_batch(mini, frames, AS_OF, stage).to_decisions()

    reference = [evaluate(mini, person, as_of=AS_OF, stage=stage, knowledge=standings.get(e.employee_id))
                 for e in org.employees if e.job_family == mini.family
                 for person in [org.person(e.employee_id)] if person is not None]
    assert decisions == reference
    assert [d.as_json("zh") for d in decisions] == [d.as_json("zh") for d in reference]


def test_a_repeated_employee_id_is_an_error_not_a_guess(mini: Standard) -> None:
    org = organisation([employee("a", dt.date(2015, 1, 1)), employee("a", dt.date(2016, 1, 1))])

    with pytest.raises(QualifyError) as caught:
        evaluate_batch(mini, from_organisation(org), AS_OF, "screening")
    assert caught.value.code == "duplicate-employee"
