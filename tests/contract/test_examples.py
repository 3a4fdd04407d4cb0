"""Every example case of every shipped standard, and of the test fixture, gives the expected outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualify.formats.standard_yaml import load_standard
from qualify.services.examples import Engine, report, run_example, run_examples
from qualify.services.standards import shipped_dir, shipped_files

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml"


@pytest.mark.parametrize("engine", ["reference", "batch"])
@pytest.mark.parametrize("path", [*shipped_files(), FIXTURE], ids=lambda p: p.stem)
def test_the_example_cases_of_a_standard_give_the_expected_outcomes(path: Path, engine: Engine) -> None:
    results = run_examples(load_standard(path), engine)
    assert [r.engine for r in results] == [engine] * len(results)
    assert report(results) == ""


def test_the_fixture_has_screening_and_certification_examples() -> None:
    stages = {example.stage for example in load_standard(FIXTURE).examples}
    assert stages == {"screening", "certification"}


def test_the_service_marketing_example_cases_give_the_expected_outcomes() -> None:
    standard = load_standard(shipped_dir() / "service-marketing@2.0.yaml")
    codes = [example.code for example in standard.examples]
    expected = {"experience-boundary", "performance-window", "knowledge-ranks", "certification-level-1"}
    assert expected <= set(codes)
    assert report(run_examples(standard)) == ""
    assert report(run_examples(standard, "batch")) == ""


def test_a_wrong_expectation_is_reported_with_the_person_level_rule_and_what_was_seen() -> None:
    standard = load_standard(FIXTURE)
    example = standard.examples[0]
    expectation = example.expect[0]
    wrong = expectation.model_copy(update={
        "highest_eligible_level": (expectation.highest_eligible_level or 0) + 1,
        "checks": [check.model_copy(update={"outcome": "missing" if check.outcome != "missing" else "pass"})
                   for check in expectation.checks[:1]],
    })
    result = run_example(standard, example.model_copy(update={"expect": [wrong]}))
    text = report([result])
    assert f"example {example.code}:" in text
    assert f"{expectation.employee_id}: highest eligible level: expected" in text
    first = expectation.checks[0]
    assert f"{expectation.employee_id}, level {first.level}, {first.rule}: expected" in text
    assert "(actual " in text


def test_a_wrong_expectation_is_reported_against_the_batch_evaluator_too() -> None:
    standard = load_standard(FIXTURE)
    example = standard.examples[0]
    expectation = example.expect[0]
    higher = (expectation.highest_eligible_level or 0) + 1
    wrong = expectation.model_copy(update={"highest_eligible_level": higher})
    text = report([run_example(standard, example.model_copy(update={"expect": [wrong]}), "batch")])
    assert f"example {example.code} (batch evaluator):" in text
    assert f"{expectation.employee_id}: highest eligible level: expected" in text
