"""The standard's schema: what a standard file must look like, and what reading it reports."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qualify.core.errors import InvalidInput
from qualify.core.standard import CriterionStatus, Standard
from qualify.core.text import t
from qualify.formats.standard_yaml import dump_standard, load_standard, yaml_layout

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml"


def write(tmp_path: Path, text: str, name: str = "mini@1.0.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_fixture_loads_and_its_id_is_family_at_version() -> None:
    standard = load_standard(FIXTURE)
    assert standard.id == "mini@1.0"
    assert standard.level_numbers == [1, 2, 3, 4, 5]


def test_a_version_written_as_a_number_is_read_as_a_label(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace("version: '1.0'", "version: 2.0", 1)
    assert load_standard(write(tmp_path, text)).version == "2.0"


def test_an_unknown_field_is_rejected_with_its_yaml_path(tmp_path: Path) -> None:
    element = "  - code: talk-prep\n"
    text = FIXTURE.read_text(encoding="utf-8").replace(element, element + "    colour: red\n", 1)
    with pytest.raises(InvalidInput) as error:
        load_standard(write(tmp_path, text))
    assert [(p.code, p.path) for p in error.value.problems] == [("schema", "modules[0].elements[0].colour")]


def test_a_code_with_capitals_or_spaces_is_rejected(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace("code: talk-prep", "code: Talk Prep", 1)
    with pytest.raises(InvalidInput) as error:
        load_standard(write(tmp_path, text))
    assert error.value.problems[0].path == "modules[0].elements[0].code"
    assert "pattern" in error.value.problems[0].message_en


def test_a_missing_file_is_reported_as_not_found() -> None:
    with pytest.raises(InvalidInput) as error:
        load_standard(FIXTURE.parent / "does-not-exist.yaml")
    assert error.value.problems[0].code == "not-found"


def test_a_broken_yaml_file_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as error:
        load_standard(write(tmp_path, "family: mini\nlevels: [1, 2\n"))
    assert error.value.problems[0].path.startswith("line 3")


def test_elements_at_a_level_are_only_those_with_a_criterion_there() -> None:
    standard = load_standard(FIXTURE)
    assert [e.code for _, e, _ in standard.elements_at(1)] == ["talk-prep", "reporting"]
    assert [e.code for _, e, _ in standard.elements_at(4)] == ["talk-delivery", "reporting"]
    assert [m.code for m, _ in standard.measures_at(2)] == ["talks"]
    assert standard.measures_at(5) == []


def test_a_criterion_without_a_status_is_present_and_applies() -> None:
    element = load_standard(FIXTURE).element("talk-prep")
    assert element is not None
    criterion = element[1].criterion(1)
    assert criterion is not None and criterion.status is CriterionStatus.present and criterion.applies
    none = element[1].criterion(4)
    assert none is not None and not none.applies


def test_ladders_are_ordered_lowest_first() -> None:
    vocabularies = load_standard(FIXTURE).vocabularies
    assert vocabularies.rank("scopes", "national") > vocabularies.rank("scopes", "city")
    assert vocabularies.rank("scopes", "moon") == -1


def test_a_text_falls_back_to_the_other_language_and_says_what_is_missing() -> None:
    assert t("甲", "").get("en") == "甲"
    assert t("", "a").missing() == ["zh"]


def test_a_standard_written_back_to_yaml_reads_the_same() -> None:
    standard = load_standard(FIXTURE)
    assert Standard.model_validate(yaml.safe_load(dump_standard(standard))) == standard


def test_the_yaml_layout_gives_the_line_of_each_path() -> None:
    lines, repeated = yaml_layout("a: 1\nb:\n  - c: 2\n    c: 3\n")
    assert (lines["a"], lines["b[0].c"]) == (1, 3)
    assert repeated == [("b[0].c", 4)]
