"""measure:MODULE: evidence counted against a module's measurement standard at a level."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qualify.core.decision import CheckOutcome
from qualify.core.evaluate import measure_check
from qualify.core.records import EvidenceRecord
from qualify.core.standard import Measure
from qualify.formats.standard_yaml import load_standard

MINI = load_standard(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")
TALKS = MINI.module("talks")
assert TALKS is not None
AS_OF = dt.date(2026, 11, 26)
DAY = dt.date(2026, 5, 1)


def talk(i: str, audience: str | None, day: dt.date = DAY) -> EvidenceRecord:
    return EvidenceRecord("E1", i, "presentation", day, role="lead", audience=audience)


def project(i: str, **changes: object) -> EvidenceRecord:
    fields: dict[str, object] = {
        "role": "lead", "scope": "province", "project_kind": "major", "outcome": "success",
        "deliverables": ("project-plan", "slides")}
    fields.update(changes)
    return EvidenceRecord("E1", i, "project", DAY, **fields)  # type: ignore[arg-type]


def at(level: int, *evidence: EvidenceRecord) -> tuple[CheckOutcome, str, str, str]:
    assert TALKS is not None
    measure = TALKS.measure(level)
    assert measure is not None
    result = measure_check(MINI, TALKS, measure, evidence, AS_OF)
    return result.outcome, result.actual, result.message_en, result.gap_en


def test_two_presentations_to_the_minimum_audience_rank_pass_level_1() -> None:
    outcome, actual, _, _ = at(1, talk("a", "prefecture-deputy-director"), talk("b", "province-om-director"))
    assert (outcome, actual) == (CheckOutcome.passed, "talks 2")


def test_an_audience_below_the_minimum_rank_does_not_count_and_the_message_says_what_is_missing() -> None:
    outcome, actual, message, gap = at(1, talk("a", "prefecture-deputy-director"),
                                       talk("b", "city-om-deputy-director"))
    assert (outcome, actual) == (CheckOutcome.failed, "talks 1")
    assert message.endswith(
        "1 more presentation to a customer of prefecture bureau deputy director rank or above")
    assert gap == ("Talks: 1 more presentation to a customer of prefecture bureau deputy director "
                   "rank or above")


def test_a_presentation_without_an_audience_does_not_count_when_a_rank_is_required() -> None:
    assert at(1, talk("a", None), talk("b", "province-deputy-director"))[1] == "talks 1"


def test_evidence_dated_after_the_as_of_date_does_not_count() -> None:
    later = AS_OF + dt.timedelta(days=1)
    assert at(1, talk("a", "province-deputy-director"), talk("b", "province-deputy-director", later))[1] \
        == "talks 1"
    assert at(1, talk("a", "province-deputy-director"), talk("b", "province-deputy-director", AS_OF))[1] \
        == "talks 2"


def test_no_evidence_fails_and_counts_every_requirement() -> None:
    outcome, actual, _, gap = at(2)
    assert (outcome, actual) == (CheckOutcome.failed, "projects 0, slides 0")
    assert gap == "Talks: 2 more successful project at province level or above; 1 more slide making"


def test_a_project_counts_only_with_every_condition_met() -> None:
    slides = EvidenceRecord("E1", "s", "presentation-material", DAY, deliverables=("slides",))
    assert at(2, project("p1"), project("p2"), slides)[0] is CheckOutcome.passed
    for spoiled in ({"role": "participant"}, {"scope": "prefecture"}, {"project_kind": "special"},
                    {"outcome": None}, {"deliverables": ("slides",)}):
        outcome, actual, _, _ = at(2, project("p1"), project("p2", **spoiled), slides)
        assert (outcome, actual) == (CheckOutcome.failed, "projects 1, slides 1"), spoiled


def test_a_scope_above_the_minimum_counts() -> None:
    slides = EvidenceRecord("E1", "s", "presentation-material", DAY, deliverables=("slides",))
    assert at(2, project("p1", scope="national"), project("p2", scope="region"), slides)[0] \
        is CheckOutcome.passed


def test_one_record_may_count_for_several_requirements() -> None:
    assert TALKS is not None
    measure = Measure.model_validate({"level": 1, "requirements": [
        {"code": "any-talk", "text": {"zh": "宣讲", "en": "presentation"}, "activity": "presentation"},
        {"code": "senior-talk", "text": {"zh": "高层宣讲", "en": "senior presentation"},
         "activity": "presentation", "min_audience": "province-om-director"},
    ]})
    result = measure_check(MINI, TALKS, measure, (talk("a", "province-deputy-director"),), AS_OF)
    assert (result.outcome, result.actual) == (CheckOutcome.passed, "any-talk 1, senior-talk 1")


def test_a_measure_without_countable_requirements_is_left_to_the_assessors() -> None:
    assert TALKS is not None
    measure = Measure.model_validate({"level": 1, "text": {"zh": "文字", "en": "text"}})
    result = measure_check(MINI, TALKS, measure, (), AS_OF)
    assert (result.outcome, result.actual, result.required) == (CheckOutcome.missing, "none", "none")
    assert "assessors" in result.message_en
