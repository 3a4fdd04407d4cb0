"""The texts a person reads say what the machine checks: a requirement text names the customer rank or
scope its requirement demands ("或以上" / "or above" where higher rungs count too), and a performance
text states the rule its gate applies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualify.core.standard import Requirement, Standard
from qualify.formats.standard_yaml import load_standard
from qualify.services.standards import shipped_files

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml"
STANDARDS = [*shipped_files(), FIXTURE]
NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def ladder_requirements(standard: Standard) -> list[tuple[str, Requirement, str, str]]:
    """Every requirement with a minimum rung: (where, requirement, ladder, code)."""
    found = []
    for module in standard.modules:
        for measure in module.measures:
            for requirement in measure.requirements:
                where = f"{module.code} level {measure.level} {requirement.code}"
                if requirement.min_audience is not None:
                    found.append((where, requirement, "audience_ranks", requirement.min_audience))
                if requirement.min_scope is not None:
                    found.append((where, requirement, "scopes", requirement.min_scope))
    return found


def text_problems(standard: Standard, where: str, requirement: Requirement, ladder: str, code: str
                  ) -> list[str]:
    term = standard.vocabularies.term(ladder, code)
    assert term is not None, f"{where}: {code!r} is not on the ladder {ladder}"
    top = standard.vocabularies.codes(ladder)[-1] == code
    zh, en = requirement.text.zh, requirement.text.en.lower()
    label_zh, label_en = term.name.zh, term.name.en.lower()
    problems = []
    if label_zh not in zh:
        problems.append(f"{where}: the zh text {zh!r} does not name {label_zh!r}")
    elif not top and re.search(re.escape(label_zh) + "级?或以上", zh) is None:
        problems.append(f"{where}: the zh text {zh!r} does not say {label_zh}或以上, though higher rungs "
                        "count")
    if label_en not in en:
        problems.append(f"{where}: the en text {en!r} does not name {label_en!r}")
    elif not top and re.search(re.escape(label_en) + "( rank| level)? or above", en) is None:
        problems.append(f"{where}: the en text {en!r} does not say '{label_en} … or above', though higher "
                        "rungs count")
    return problems


@pytest.mark.parametrize("path", STANDARDS, ids=lambda p: p.stem)
def test_every_requirement_text_names_the_rank_or_scope_its_requirement_demands(path: Path) -> None:
    standard = load_standard(path)
    checked = ladder_requirements(standard)
    assert checked, f"{path.stem} has no requirement with min_audience or min_scope: nothing was checked"
    problems = [p for where, req, ladder, code in checked
                for p in text_problems(standard, where, req, ladder, code)]
    assert problems == [], "\n".join(problems)


def test_a_requirement_text_without_or_above_is_caught() -> None:
    standard = load_standard(FIXTURE)
    where, requirement, ladder, code = next(r for r in ladder_requirements(standard) if r[2] == "scopes")
    silent = requirement.model_copy(update={"text": requirement.text.model_copy(
        update={"zh": "成功的省级项目", "en": "successful provincial project"})})
    assert len(text_problems(standard, where, silent, ladder, code)) == 2


@pytest.mark.parametrize("path", STANDARDS, ids=lambda p: p.stem)
def test_a_performance_text_states_the_most_of_a_rating_its_gate_allows(path: Path) -> None:
    standard = load_standard(path)
    for level in standard.levels:
        for rating, allowed in level.performance.max_count.items():
            said = f"at most {NUMBERS.get(allowed, str(allowed))} {rating}"
            assert said in level.performance.text.en, (
                f"level {level.level}: {level.performance.text.en!r} does not say {said!r}")


def test_level_4_of_service_marketing_allows_at_most_one_c_and_says_so() -> None:
    standard = load_standard(next(p for p in shipped_files() if p.stem == "service-marketing@2.0"))
    level = standard.level(4)
    assert level is not None and level.performance.max_count == {"C": 1}
    assert "no D, and at most one C" in level.performance.text.en
