"""Lint: every meaning check has a stable code, the YAML path of the problem and a message in zh and en."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from qualify.core.lint import Finding, lint_data
from qualify.services.standards import lint_file

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml"


@functools.cache
def fixture_data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(FIXTURE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return loaded

EXAMPLE: dict[str, Any] = {
    "code": "lint-example",
    "description": {"zh": "示例", "en": "example"},
    "as_of": "2026-11-26",
    "people": [{
        "employee_id": "E1", "job_family": "mini", "current_level": 1,
        "hire_date": "2020-01-01", "family_start_date": "2020-01-01",
        "performance": [{"period": "2026Q2", "rating": "B"}, {"period": "2026Q3", "rating": "A"}],
        "exams": [{"sitting": "2026", "exam": "general", "score": 80}],
        "evidence": [{"evidence_id": "V1", "activity": "presentation", "date": "2026-03-01",
                      "role": "lead", "audience": "province-om-director"}],
        "ratings": [{"level": 2, "element": "talk-prep", "assessor": "A1", "rating": "meets"}],
    }],
    "expect": [{"employee_id": "E1", "highest_eligible_level": 2, "levels": {2: "eligible"},
                "checks": [{"level": 2, "rule": "behaviour:talk-prep", "outcome": "pass"},
                           {"level": 2, "rule": "measure:talks", "outcome": "pass"}]}],
}


def clean() -> dict[str, Any]:
    """The mini fixture, given one example case of our own."""
    data = copy.deepcopy(fixture_data())
    data["examples"] = [copy.deepcopy(EXAMPLE)]
    return data


def findings_after(change: Callable[[dict[str, Any]], object]) -> list[Finding]:
    data = clean()
    change(data)
    return lint_data(data, file="mini@1.0.yaml", file_stem="mini@1.0")


def where(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.path) for f in findings}


def note(text: str = "a") -> dict[str, str]:
    return {"zh": "甲", "en": text}


def person(data: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = data["examples"][0]["people"][0]
    return first


def talks(data: dict[str, Any]) -> dict[str, Any]:
    module: dict[str, Any] = data["modules"][0]
    assert module["code"] == "talks"
    return module


def test_the_consistent_fixture_has_no_findings() -> None:
    assert lint_data(clean(), file_stem="mini@1.0") == []


def test_a_schema_error_is_qs001_at_its_yaml_path() -> None:
    found = findings_after(lambda d: d["levels"][1]["company_experience"].update(months=-1))
    assert [(f.code, f.path) for f in found] == [("QS001", "levels[1].company_experience.months")]
    assert "schema" in found[0].message_en and found[0].message_zh


def test_a_file_that_is_a_list_is_a_schema_finding_not_a_crash() -> None:
    assert [f.code for f in lint_data([1, 2])] == ["QS001"]


def test_a_requirement_with_an_undeclared_activity_or_rank_is_qs002() -> None:
    def change(d: dict[str, Any]) -> None:
        requirement = talks(d)["measures"][0]["requirements"][0]
        requirement["activity"] = "juggling"
        requirement["min_audience"] = "king"

    found = findings_after(change)
    assert where(found) == {("QS002", "modules[0].measures[0].requirements[0].activity"),
                            ("QS002", "modules[0].measures[0].requirements[0].min_audience")}
    assert "juggling" in found[0].message_en and "presentation" in found[0].message_en


def test_an_undeclared_deliverable_in_a_requirement_is_qs002_at_its_index() -> None:
    found = findings_after(lambda d: talks(d)["measures"][1]["requirements"][0]["deliverables"].append("ode"))
    assert where(found) == {("QS002", "modules[0].measures[1].requirements[0].deliverables[1]")}


def test_an_example_with_an_undeclared_evidence_code_or_exam_is_qs003() -> None:
    def change(d: dict[str, Any]) -> None:
        someone = person(d)
        someone["evidence"][0]["audience"] = "emperor"
        someone["exams"][0]["exam"] = "chess"
        someone["performance"][0]["rating"] = "Z"

    assert where(findings_after(change)) == {
        ("QS003", "examples[0].people[0].evidence[0].audience"),
        ("QS003", "examples[0].people[0].exams[0].exam"),
        ("QS003", "examples[0].people[0].performance[0].rating"),
    }


def test_a_file_named_after_another_id_is_qs004() -> None:
    found = lint_data(clean(), file_stem="mini@9.9")
    assert [f.code for f in found] == ["QS004"]
    assert "mini@1.0" in found[0].message_en


def test_a_repeated_yaml_key_is_qs005_with_its_line(tmp_path: Path) -> None:
    text = yaml.safe_dump(clean(), allow_unicode=True, sort_keys=False)
    text = text.replace("family: mini\n", "family: mini\nfamily: mini\n", 1)
    path = tmp_path / "mini@1.0.yaml"
    path.write_text(text, encoding="utf-8")
    found = lint_file(path)
    assert [(f.code, f.path) for f in found] == [("QS005", "family")]
    assert found[0].yaml_line == text.splitlines().index("family: mini") + 2


@pytest.mark.parametrize(("code", "change", "path"), [
    ("QS010", lambda d: d["modules"][1].update(code="talks"), "modules[1].code"),
    ("QS011", lambda d: d["modules"][1]["elements"][0].update(code="talk-prep"),
     "modules[1].elements[0].code"),
    ("QS012", lambda d: talks(d)["measures"][1]["requirements"][1].update(code="projects"),
     "modules[0].measures[1].requirements[1].code"),
    ("QS013", lambda d: d["vocabularies"]["roles"].append(d["vocabularies"]["roles"][0]),
     "vocabularies.roles[4].code"),
    ("QS014", lambda d: d.update(readings=[{"code": "r", "at": "talks", "note": note()}] * 2),
     "readings[1].code"),
    ("QS015", lambda d: talks(d)["elements"][0]["criteria"].append({"level": 1, "status": "none"}),
     "modules[0].elements[0].criteria[5].level"),
    ("QS016", lambda d: d["knowledge"]["exams"].append(d["knowledge"]["exams"][0]),
     "knowledge.exams[2].code"),
    ("QS017", lambda d: d["examples"].append(copy.deepcopy(d["examples"][0])), "examples[1].code"),
], ids=["module", "element", "requirement", "vocabulary", "reading", "criterion-level", "exam", "example"])
def test_each_kind_of_duplicate_code_has_its_own_stable_code(
        code: str, change: Callable[[dict[str, Any]], object], path: str) -> None:
    assert (code, path) in where(findings_after(change))


def test_a_criterion_for_an_undeclared_level_is_qs020() -> None:
    no_criterion = {"level": 7, "status": "none"}
    found = findings_after(lambda d: talks(d)["elements"][0]["criteria"].append(no_criterion))
    assert where(found) == {("QS020", "modules[0].elements[0].criteria[5].level")}
    assert "[1, 2, 3, 4, 5]" in found[0].message_en


def test_levels_that_skip_a_number_are_qs021() -> None:
    found = findings_after(lambda d: d["levels"][2].update(level=6))
    assert ("QS021", "levels") in where(found)


def test_an_element_without_an_entry_for_a_level_is_qs022() -> None:
    found = findings_after(lambda d: talks(d)["elements"][1]["criteria"].pop(2))
    assert where(found) == {("QS022", "modules[0].elements[1].criteria")}
    assert "level 3" in found[0].message_en and "3 级" in found[0].message_zh


def test_a_module_without_a_measure_entry_for_a_level_is_qs023() -> None:
    found = findings_after(lambda d: talks(d)["measures"].pop(3))
    assert where(found) == {("QS023", "modules[0].measures")}


def test_status_and_content_that_contradict_each_other_are_qs024() -> None:
    def change(d: dict[str, Any]) -> None:
        talks(d)["elements"][0]["criteria"][0]["items"] = []
        talks(d)["elements"][0]["criteria"][3]["items"] = [{"zh": "甲", "en": "a"}]

    assert where(findings_after(change)) == {("QS024", "modules[0].elements[0].criteria[0]"),
                                             ("QS024", "modules[0].elements[0].criteria[3]")}


def test_a_measure_that_applies_without_requirements_is_qs025() -> None:
    found = findings_after(lambda d: talks(d)["measures"][0].update(requirements=[]))
    assert where(found) == {("QS025", "modules[0].measures[0]")}


def test_a_missing_english_text_is_qs030_at_the_language() -> None:
    found = findings_after(lambda d: talks(d)["elements"][0]["criteria"][1]["items"][0].update(en=""))
    assert where(found) == {("QS030", "modules[0].elements[0].criteria[1].items[0].en")}
    assert found[0].message_zh == "缺少英文文本"


def test_a_missing_chinese_vocabulary_name_is_qs030() -> None:
    found = findings_after(lambda d: d["vocabularies"]["scopes"][2]["name"].update(zh=" "))
    assert where(found) == {("QS030", "vocabularies.scopes[2].name.zh")}


def test_an_example_rating_of_an_unknown_element_or_a_level_without_criterion_is_qs040() -> None:
    def change(d: dict[str, Any]) -> None:
        ratings = person(d)["ratings"]
        ratings.append({"level": 2, "element": "juggling", "assessor": "A1", "rating": "meets"})
        ratings.append({"level": 4, "element": "talk-prep", "assessor": "A1", "rating": "meets"})

    assert where(findings_after(change)) == {("QS040", "examples[0].people[0].ratings[1].element"),
                                             ("QS040", "examples[0].people[0].ratings[2].element")}


def test_an_example_rating_outside_the_scale_is_qs041() -> None:
    found = findings_after(lambda d: person(d)["ratings"][0].update(rating="superb"))
    assert where(found) == {("QS041", "examples[0].people[0].ratings[0].rating")}


def test_a_malformed_period_is_a_schema_finding_and_a_repeated_one_is_qs042() -> None:
    malformed = findings_after(lambda d: person(d)["performance"][0].update(period="2026-3"))
    assert where(malformed) == {("QS001", "examples[0].people[0].performance[0].period")}
    repeated = findings_after(lambda d: person(d)["performance"][0].update(period="2026Q3"))
    assert where(repeated) == {("QS042", "examples[0].people[0].performance[1].period")}


def test_an_expected_rule_that_cannot_exist_at_its_level_is_qs043() -> None:
    def change(d: dict[str, Any]) -> None:
        checks = d["examples"][0]["expect"][0]["checks"]
        checks.append({"level": 4, "rule": "behaviour:talk-prep", "outcome": "fail"})  # none at level 4
        checks.append({"level": 3, "rule": "measure:talks", "outcome": "fail"})  # none at level 3
        checks.append({"level": 2, "rule": "charisma", "outcome": "fail"})

    assert where(findings_after(change)) == {("QS043", f"examples[0].expect[0].checks[{i}].rule")
                                             for i in (2, 3, 4)}


def test_an_expectation_for_someone_not_in_the_example_is_qs044() -> None:
    found = findings_after(lambda d: d["examples"][0]["expect"][0].update(employee_id="NOBODY"))
    assert where(found) == {("QS044", "examples[0].expect[0].employee_id")}


def test_a_repeated_employee_in_an_example_is_qs045() -> None:
    found = findings_after(lambda d: d["examples"][0]["people"].append(copy.deepcopy(person(d))))
    assert ("QS045", "examples[0].people[1].employee_id") in where(found)


def test_an_expected_level_out_of_range_is_qs020() -> None:
    found = findings_after(lambda d: d["examples"][0]["expect"][0].update(highest_eligible_level=8))
    assert where(found) == {("QS020", "examples[0].expect[0].highest_eligible_level")}


def test_a_performance_gate_naming_an_undeclared_rating_is_qs050() -> None:
    found = findings_after(lambda d: d["levels"][3]["performance"].update(max_count={"E": 1}))
    assert where(found) == {("QS050", "levels[3].performance.max_count.E")}


def test_knowledge_bands_out_of_order_are_qs051() -> None:
    found = findings_after(lambda d: d["knowledge"]["policy"]["bands"].reverse())
    assert [f.code for f in found] == ["QS051"]
    assert found[0].path == "knowledge.policy.bands[1].top_percent"


def test_a_band_over_100_percent_is_rejected_by_the_schema() -> None:
    found = findings_after(lambda d: d["knowledge"]["policy"]["bands"][1].update(top_percent=120))
    assert where(found) == {("QS001", "knowledge.policy.bands[1].top_percent")}


def test_a_passing_behaviour_rating_that_is_not_on_the_scale_is_qs052() -> None:
    found = findings_after(lambda d: d["behaviour_rule"].update(passing=["meets", "great"]))
    assert where(found) == {("QS052", "behaviour_rule.passing[1]")}


def test_an_incomplete_standard_that_does_not_say_where_it_ends_is_qs053() -> None:
    found = findings_after(lambda d: d.update(completeness={"complete": False, "note": note()}))
    assert where(found) == {("QS053", "completeness")}


def test_a_complete_standard_with_an_unknown_cell_is_qs053() -> None:
    found = findings_after(lambda d: d.update(completeness={"complete": True, "note": note()}))
    assert where(found) == {("QS053", "modules[0].measures[4].status")}


def test_an_end_in_an_unknown_element_is_qs053() -> None:
    found = findings_after(lambda d: d["completeness"].update(ends_at_element="nowhere", ends_at_level=9))
    assert where(found) == {("QS053", "completeness.ends_at_element"),
                            ("QS020", "completeness.ends_at_level")}


def test_a_reading_about_an_unknown_code_is_qs054() -> None:
    found = findings_after(lambda d: d.update(readings=[{"code": "r1", "at": "talk-prep", "note": note()},
                                                        {"code": "r2", "at": "ghost", "note": note("b")}]))
    assert where(found) == {("QS054", "readings[1].at")}


def test_a_reading_may_concern_a_field_path_like_a_ladder_or_the_knowledge_but_not_an_unknown_one() -> None:
    paths = ["knowledge", "vocabularies.scopes", "levels.performance", "vocabularies.ladders",
             "knowledge.weights"]
    readings = [{"code": f"r{i}", "at": at, "note": note(str(i))} for i, at in enumerate(paths)]
    found = findings_after(lambda d: d.update(readings=readings))
    assert where(found) == {("QS054", "readings[3].at"), ("QS054", "readings[4].at")}


def test_a_finding_prints_as_file_line_path_code_and_message() -> None:
    finding = Finding("QS011", "modules[1].elements[0].code", "duplicate element code 'x'",
                      "行为要素编码 'x' 重复", file="a.yaml", yaml_line=42)
    assert finding.line() == "a.yaml:42: modules[1].elements[0].code: QS011 duplicate element code 'x'"
    assert finding.line("zh").endswith("QS011 行为要素编码 'x' 重复")
    assert finding.as_problem().path == "modules[1].elements[0].code"


def test_a_blank_cell_that_is_not_status_none_is_qs024_and_several_unnumbered_items_are_qs026() -> None:
    def change(d: dict[str, Any]) -> None:
        talks(d)["elements"][0]["criteria"][0]["blank"] = True
        talks(d)["measures"][0]["blank"] = True
        talks(d)["elements"][0]["criteria"][1].update(
            numbered=False, items=[{"zh": "甲", "en": "a"}, {"zh": "乙", "en": "b"}])

    found = findings_after(change)
    assert where(found) == {("QS024", "modules[0].elements[0].criteria[0].blank"),
                            ("QS024", "modules[0].measures[0].blank"),
                            ("QS026", "modules[0].elements[0].criteria[1].numbered")}


def test_an_example_score_above_the_exams_maximum_is_qs046() -> None:
    found = findings_after(lambda d: person(d)["exams"][0].update(score=100.5))
    assert where(found) == {("QS046", "examples[0].people[0].exams[0].score")}
