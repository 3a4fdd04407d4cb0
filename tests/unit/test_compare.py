"""Comparing two levels of a standard, and two standards."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from qualify.core.compare import compare_levels, compare_standards, diff_items, ladder
from qualify.core.errors import NotFound
from qualify.core.standard import Standard
from qualify.core.text import t

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml"


@functools.cache
def fixture_data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(FIXTURE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return loaded


def data() -> dict[str, Any]:
    return copy.deepcopy(fixture_data())


def mini(change: Any = None) -> Standard:
    raw = data()
    if change is not None:
        change(raw)
    return Standard.model_validate(raw)


def element_cell(result: Any, module: str, element: str) -> Any:
    found = next(m for m in result.modules if m.code == module)
    return next(e for e in found.elements if e.code == element).cell


def test_an_element_whose_criterion_ends_at_the_higher_level_is_dropped_with_its_text() -> None:
    cell = element_cell(compare_levels(mini(), 3, 4), "talks", "talk-prep")
    assert cell.kind == "dropped"
    assert [i.zh for i in cell.before] == ["第3级条目一"]
    assert cell.after == [] and cell.after_status == "none"


def test_an_element_that_starts_at_the_higher_level_is_added() -> None:
    cell = element_cell(compare_levels(mini(), 1, 2), "talks", "talk-delivery")
    assert (cell.kind, cell.before_status) == ("added", "none")
    assert [(i.kind, i.after.zh) for i in cell.items] == [("added", "第2级条目一")]


def test_a_reworded_criterion_is_changed_with_both_texts() -> None:
    cell = element_cell(compare_levels(mini(), 1, 2), "reports", "reporting")
    assert cell.kind == "changed"
    assert [(i.kind, i.before.zh, i.after.zh) for i in cell.items] == [
        ("changed", "第1级条目一", "第2级条目一")]


def test_the_same_criterion_at_both_levels_is_same() -> None:
    def same_text(raw: dict[str, Any]) -> None:
        criteria = raw["modules"][1]["elements"][0]["criteria"]
        criteria[1]["items"] = criteria[0]["items"] + [{"zh": "新增条目", "en": "new item"}]

    result = compare_levels(mini(same_text), 1, 2)
    cell = element_cell(result, "reports", "reporting")
    assert cell.kind == "changed"
    assert [i.kind for i in cell.items] == ["same", "added"]
    assert element_cell(compare_levels(mini(), 2, 2), "reports", "reporting").kind == "same"


def test_neither_level_having_a_criterion_is_none_and_an_unknown_cell_is_unknown() -> None:
    result = compare_levels(mini(), 4, 5)
    assert element_cell(result, "talks", "talk-prep").kind == "none"
    talks = next(m for m in result.modules if m.code == "talks")
    assert talks.measure.cell.kind == "unknown"


def test_a_measure_with_the_same_text_but_a_higher_count_is_changed() -> None:
    def raise_count(raw: dict[str, Any]) -> None:
        measures = raw["modules"][0]["measures"]
        measures[2] = {**measures[0], "level": 3}
        measures[2]["requirements"] = [{**measures[0]["requirements"][0], "min_count": 5}]

    result = compare_levels(mini(raise_count), 1, 3)
    measure = next(m for m in result.modules if m.code == "talks").measure
    assert measure.cell.kind == "changed"
    assert [(r.code, r.kind, r.before.min_count, r.after.min_count) for r in measure.requirements] == [
        ("talks", "changed", 2, 5)]


def test_the_conditions_show_both_levels_and_whether_they_changed() -> None:
    conditions = {c.rule: c for c in compare_levels(mini(), 3, 4).conditions}
    company = conditions["company_experience"]
    assert (company.before_value, company.after_value, company.kind) == (36, 48, "changed")
    assert conditions["family_experience"].kind == "same"
    assert conditions["performance"].kind == "changed"
    assert conditions["performance"].after.zh == "前三个季度的绩效，没有D，且不能有2个C"


def test_the_summary_counts_the_cells_of_each_kind() -> None:
    summary = compare_levels(mini(), 1, 2).summary
    # talk-prep changed, talk-delivery added, reporting changed, talks measure changed, reports none
    assert (summary.added, summary.changed, summary.dropped, summary.same) == (1, 3, 0, 0)


def test_the_ladder_compares_each_level_with_the_one_below_and_the_first_with_nothing() -> None:
    steps = ladder(mini())
    assert [(s.level_before, s.level_after) for s in steps] == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    first = steps[0]
    assert element_cell(first, "talks", "talk-prep").kind == "added"
    assert element_cell(first, "talks", "talk-delivery").kind == "none"
    assert first.name_before is None and first.conditions[0].kind == "added"


def test_comparing_a_level_the_standard_does_not_have_is_not_found() -> None:
    with pytest.raises(NotFound) as error:
        compare_levels(mini(), 2, 9)
    assert "no level 9" in error.value.message_en and "9 级" in error.value.message_zh


def test_the_level_comparison_serialises_to_json_for_the_web_app() -> None:
    dumped = compare_levels(mini(), 1, 2).model_dump(mode="json")
    assert dumped["modules"][0]["elements"][0]["cell"]["kind"] == "changed"
    before = dumped["modules"][0]["elements"][0]["cell"]["before"]
    assert before == [{"zh": "第1级条目一", "en": "level 1 item one"}]


def test_items_moved_down_a_list_keep_their_identity() -> None:
    a, b, c = t("甲", "a"), t("乙", "b"), t("丙", "c")
    assert [i.kind for i in diff_items([a, b], [c, a, b])] == ["added", "same", "same"]
    assert [i.kind for i in diff_items([a, b, c], [a, c])] == ["same", "dropped", "same"]


# --- two standards ------------------------------------------------------------------------------


def test_a_standard_compared_with_itself_has_no_differences() -> None:
    assert compare_standards(mini(), mini()).identical


def test_a_new_version_with_a_reworded_item_shows_one_criteria_change_with_its_path() -> None:
    def reword(raw: dict[str, Any]) -> None:
        raw["version"] = "1.1"
        raw["modules"][0]["elements"][0]["criteria"][1]["items"][0]["zh"] = "改写的条目"

    result = compare_standards(mini(), mini(reword))
    assert result.after == "mini@1.1"
    assert [(c.section, c.kind, c.path) for c in result.changes] == [
        ("identity", "changed", "version"),
        ("criteria", "changed", "modules[talks].elements[talk-prep].criteria[level 2].items"),
    ]
    assert result.changes[1].after == [{"zh": "改写的条目", "en": "level 2 item one"}]


def test_a_changed_requirement_is_a_measures_change_and_a_new_term_a_vocabulary_change() -> None:
    def change(raw: dict[str, Any]) -> None:
        raw["modules"][0]["measures"][0]["requirements"][0]["min_count"] = 3
        raw["vocabularies"]["outcomes"].append({"code": "partial", "name": {"zh": "部分", "en": "partly"}})

    result = compare_standards(mini(), mini(change))
    assert [(c.section, c.kind, c.path, c.before, c.after) for c in result.changes] == [
        ("measures", "changed", "modules[talks].measures[level 1].requirements[talks].min_count", 2, 3),
        ("vocabularies", "added", "vocabularies.outcomes[partial]", None,
         {"code": "partial", "name": {"zh": "部分", "en": "partly"}, "description": None}),
    ]


def test_reordering_a_ladder_is_reported_because_the_order_is_its_meaning() -> None:
    result = compare_standards(mini(), mini(lambda raw: raw["vocabularies"]["scopes"].reverse()))
    assert [(c.section, c.kind) for c in result.changes] == [("vocabularies", "reordered")]
    assert result.changes[0].after[0] == "national"


def test_a_changed_gate_is_in_the_gates_section() -> None:
    longer = mini(lambda raw: raw["levels"][0]["company_experience"].update(months=18))
    result = compare_standards(mini(), longer)
    assert [(c.section, c.path, c.before, c.after) for c in result.changes] == [
        ("gates", "levels[level 1].company_experience.months", 12, 18)]


def test_a_reworded_item_is_changed_but_an_unrelated_one_is_dropped_and_added() -> None:
    before = [t("对不能现场回答的问题，会后同用户达成共识", "a"), t("把握时机递交服务方案", "b")]
    after = [t("对不能现场回答的问题，会后达成共识", "a2"), t("积极引导用户参观公司或样板点", "c")]
    kinds = [(d.kind, (d.before or d.after or t("", "")).zh) for d in diff_items(before, after)]
    assert kinds == [("changed", "对不能现场回答的问题，会后同用户达成共识"),
                     ("added", "积极引导用户参观公司或样板点"),
                     ("dropped", "把握时机递交服务方案")]
