"""An unknown part of a standard is never met silently: ``standard.unknown`` at certification."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qualify.core.decision import CheckOutcome, Decision, LevelOutcome, Stage
from qualify.core.evaluate import evaluate
from qualify.core.facts import UnknownFacts, UnknownPart
from qualify.core.knowledge import KnowledgeStanding
from qualify.core.records import Employee, EvidenceRecord, PerformanceRecord, PersonRecord, RatingRecord
from qualify.core.standard import Standard
from qualify.core.unknown import unknown_parts
from qualify.formats.standard_yaml import load_standard
from qualify.services.standards import get_standard, shipped_files

SHIPPED = next((p for p in shipped_files() if p.stem == "service-marketing@2.0"), None)
pytestmark = pytest.mark.skipif(SHIPPED is None, reason="the shipped standard is not there")
AS_OF = dt.date(2026, 11, 26)


def accepting_copy(tmp_path: Path) -> Standard:
    """The shipped standard with the owner's ``completeness.unknown_requirements: accept``."""
    assert SHIPPED is not None
    text = SHIPPED.read_text(encoding="utf-8")
    assert "\ncompleteness:\n" in text
    copy = tmp_path / SHIPPED.name
    copy.write_text(text.replace("\ncompleteness:\n", "\ncompleteness:\n  unknown_requirements: accept\n", 1),
                    encoding="utf-8")
    return load_standard(copy)


def strong_person(standard: Standard) -> PersonRecord:
    """Someone at level 5 who meets everything the standard says at levels 3-5: long service, A
    ratings, both exams sat, every element rated "meets", evidence for every requirement."""
    i = "E1"
    evidence = []
    for level in (3, 4, 5):
        for _, measure in standard.measures_at(level):
            for req in measure.requirements:
                for n in range(req.min_count):
                    evidence.append(EvidenceRecord(
                        i, f"{level}-{req.code}-{n}", req.activity, dt.date(2026, 5, 1),
                        role=req.roles[0] if req.roles else None, audience=req.min_audience,
                        scope=req.min_scope, project_kind=req.project_kinds[0] if req.project_kinds else None,
                        outcome=req.outcome, deliverables=tuple(req.deliverables)))
    ratings = [RatingRecord(i, level, element.code, "A1", "meets")
               for level in (3, 4, 5) for _, element, _ in standard.elements_at(level)]
    return PersonRecord(
        employee=Employee(i, "", "", standard.family, 5, dt.date(2010, 1, 1), dt.date(2010, 1, 1)),
        performance=tuple(PerformanceRecord(i, p, "A") for p in ("2026Q1", "2026Q2", "2026Q3")),
        evidence=tuple(evidence), ratings=tuple(ratings))


def decide(standard: Standard, stage: Stage = Stage.certification) -> Decision:
    standing = KnowledgeStanding(sitting="2026", missing=(), score=180.0, rank=1, cohort=10)
    return evaluate(standard, strong_person(standard), as_of=AS_OF, stage=stage, knowledge=standing)


def test_business_guidance_levels_3_to_5_are_incomplete_by_default_naming_the_unknown_part() -> None:
    decision = decide(get_standard("service-marketing@2.0"))
    for number in (3, 4, 5):
        level = decision.level(number)
        assert level is not None
        assert level.outcome is LevelOutcome.incomplete
        open_ = [c for c in level.checks if c.outcome is not CheckOutcome.passed]
        assert [c.rule for c in open_] == ["standard.unknown"]
        assert open_[0].outcome is CheckOutcome.missing
        assert "measurement standard of \"Business guidance\" is unknown" in open_[0].message_en
        assert "业务指导" in open_[0].message_zh
        assert open_[0].facts_json()["accepted"] is False
        assert {"kind": "measure", "module": "business-guidance", "element": None} in \
            open_[0].facts_json()["parts"]
        assert open_[0].gap_en
    assert decision.highest_eligible_level < 3


def test_levels_1_and_2_have_no_unknown_check_because_business_guidance_asks_nothing_there() -> None:
    decision = decide(get_standard("service-marketing@2.0"))
    for number in (1, 2):
        level = decision.level(number)
        assert level is not None
        assert "standard.unknown" not in [c.rule for c in level.checks]


def test_owner_accepting_unknown_parts_makes_levels_3_to_5_eligible_with_a_warning(tmp_path: Path) -> None:
    standard = accepting_copy(tmp_path)
    assert standard.completeness.unknown_requirements == "accept"
    decision = decide(standard)
    assert decision.highest_eligible_level == 5
    for number in (3, 4, 5):
        level = decision.level(number)
        assert level is not None and level.outcome is LevelOutcome.eligible
        unknown = next(c for c in level.checks if c.rule == "standard.unknown")
        assert unknown.outcome is CheckOutcome.passed and unknown.warns
        assert unknown.message_en.startswith("warning:") and "注意" in unknown.message_zh
        assert unknown.facts_json()["accepted"] is True


def test_the_default_policy_is_not_to_accept_unknown_parts() -> None:
    assert get_standard("service-marketing@2.0").completeness.unknown_requirements == "incomplete"


def test_training_level_5_is_marked_as_cut_off_by_the_end_of_the_source() -> None:
    standard = get_standard("service-marketing@2.0")
    assert UnknownPart("cut_off", "business-guidance", "training") in unknown_parts(standard, 5)
    assert all(p.kind != "cut_off" for level in (1, 2, 3, 4) for p in unknown_parts(standard, level))
    level = decide(standard).level(5)
    assert level is not None
    unknown = next(c for c in level.checks if c.rule == "standard.unknown")
    assert "criterion of \"Training\" is cut off by the end of the source" in unknown.message_en
    assert isinstance(unknown.facts, UnknownFacts)


def test_screening_does_not_judge_measurement_standards_so_it_has_no_unknown_check() -> None:
    decision = decide(get_standard("service-marketing@2.0"), Stage.screening)
    assert all(c.rule != "standard.unknown" for level in decision.levels for c in level.checks)
    assert decision.highest_eligible_level == 5
