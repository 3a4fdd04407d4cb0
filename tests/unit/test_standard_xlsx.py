"""The comparison table (比较表) as an Excel workbook: what HR sees and prints, and the way back."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from qualify.core.errors import InvalidInput
from qualify.core.lint import lint_standard
from qualify.core.standard import CriterionStatus, Standard
from qualify.core.text import Lang
from qualify.formats.standard_xlsx import META_SHEET, parse_items, read_workbook, workbook_bytes
from qualify.formats.standard_yaml import load_standard
from qualify.services.standards import shipped_files

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml"


@functools.cache
def fixture_data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(FIXTURE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return loaded


def mini(change: Callable[[dict[str, Any]], object] | None = None) -> Standard:
    raw = copy.deepcopy(fixture_data())
    if change is not None:
        change(raw)
    return Standard.model_validate(raw)


def export(tmp_path: Path, standard: Standard, lang: Lang = "zh") -> Path:
    path = tmp_path / f"{standard.id}-{lang}.xlsx"
    path.write_bytes(workbook_bytes(standard, lang))
    return path


class Table:
    """The exported table, addressed by row key (hidden last column) and level."""

    def __init__(self, path: Path) -> None:
        self.book = openpyxl.load_workbook(path)
        self.sheet = self.book.worksheets[0]
        self.key_column = self.sheet.max_column
        self.rows = {self.sheet.cell(r, self.key_column).value: r for r in range(1, self.sheet.max_row + 1)}

    def cell(self, key: str, column: int) -> Any:
        return self.sheet.cell(self.rows[key], column)

    def level(self, key: str, level: int) -> Any:
        return self.cell(key, 2 + level).value

    def edit(self, path: Path, key: str, column: int, value: str) -> Path:
        self.cell(key, column).value = value
        self.book.save(path)
        return path

    def edit_level(self, path: Path, key: str, level: int, value: str) -> Path:
        return self.edit(path, key, 2 + level, value)


# --- what HR sees -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_then_import_gives_the_same_standard(tmp_path: Path, lang: Lang) -> None:
    standard = mini()
    imported = read_workbook(export(tmp_path, standard, lang))
    assert imported.standard == standard
    assert imported.edits == []


def test_the_table_has_a_title_and_a_header_with_one_column_per_level(tmp_path: Path) -> None:
    table = Table(export(tmp_path, mini()))
    assert table.sheet.title == "比较表"
    assert table.cell("title", 1).value == "测试用迷你标准（非真实标准）"
    header = [table.cell("header", c).value for c in range(1, 8)]
    assert header == ["行为模块", "行为要素", "一级测评标准", "二级测评标准", "三级测评标准", "四级测评标准",
                      "五级测评标准"]


def test_the_english_table_has_english_labels_and_texts(tmp_path: Path) -> None:
    table = Table(export(tmp_path, mini(), "en"))
    assert table.sheet.title == "Comparison table"
    assert [table.cell("header", c).value for c in (1, 2, 3)] == ["Behaviour module", "Behaviour element",
                                                                   "Level 1 assessment criteria"]
    assert table.level("element:talk-prep", 1) == "1. level 1 item one"
    assert table.level("element:talk-prep", 4) == "none"
    assert table.level("measure:talks", 5) == "(unknown in the source)"


def test_experience_performance_and_knowledge_come_before_the_modules(tmp_path: Path) -> None:
    table = Table(export(tmp_path, mini()))
    assert table.cell("gate:company_experience", 2).value == "公司工作经验（必要条件一）"
    years = [table.level("gate:company_experience", n) for n in range(1, 6)]
    assert years == ["一年", "二年", "三年", "四年", "五年"]
    assert table.cell("gate:family_experience", 2).value == "服务营销工作经验（必要条件二）"
    assert table.level("gate:performance", 4) == "前三个季度的绩效，没有D，且不能有2个C"
    assert table.level("gate:description", 1) == "1级服务营销工程师，是服务营销业务开展的基础力量"
    assert table.level("knowledge:text", 1).startswith("参加大比武中综合知识")
    assert table.rows["knowledge:text"] < table.rows["element:talk-prep"]


def test_criteria_items_are_numbered_on_separate_lines_and_a_level_without_reads_none(tmp_path: Path) -> None:
    def two_items(raw: dict[str, Any]) -> None:
        raw["modules"][0]["elements"][0]["criteria"][0]["items"].append({"zh": "第二条", "en": "second"})

    table = Table(export(tmp_path, mini(two_items)))
    assert table.level("element:talk-prep", 1) == "1、第1级条目一\n2、第二条"
    assert table.level("element:talk-prep", 4) == "无"
    assert table.cell("element:talk-prep", 3).alignment.wrap_text


def test_an_unknown_cell_says_so_and_the_measure_row_follows_the_elements(tmp_path: Path) -> None:
    table = Table(export(tmp_path, mini()))
    assert table.level("measure:talks", 5) == "（原文未知）"
    assert table.cell("measure:talks", 2).value == "衡量标准"
    assert table.level("measure:talks", 1) == "进行过2次针对地区局副主任以上级客户的宣讲"
    assert table.rows["measure:talks"] == table.rows["element:talk-delivery"] + 1


def test_the_module_name_is_merged_over_its_elements_and_its_measure(tmp_path: Path) -> None:
    table = Table(export(tmp_path, mini()))
    first, last = table.rows["element:talk-prep"], table.rows["measure:talks"]
    assert f"A{first}:A{last}" in {str(r) for r in table.sheet.merged_cells.ranges}
    assert table.sheet.cell(first, 1).value == "宣讲"


def test_a_note_row_says_where_the_known_source_ends(tmp_path: Path) -> None:
    def incomplete(raw: dict[str, Any]) -> None:
        raw["completeness"] = {"complete": False, "ends_at_module": "talks",
                               "ends_at_element": "talk-delivery", "ends_at_level": 4,
                               "note": {"zh": "原文止于讲解四级。", "en": "The source ends."}}

    table = Table(export(tmp_path, mini(incomplete)))
    assert table.cell("note:completeness", 1).value == "原文完整性：原文止于讲解四级。"
    assert table.rows["note:completeness"] > table.rows["measure:reports"]


def test_the_sheet_prints_on_a3_landscape_one_page_wide_with_the_header_on_every_page(tmp_path: Path) -> None:
    sheet = Table(export(tmp_path, mini())).sheet
    assert int(sheet.page_setup.paperSize) == 8  # A3
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.freeze_panes == "C3"


def test_rows_with_more_text_are_taller_so_that_nothing_is_cut_off(tmp_path: Path) -> None:
    def long_items(raw: dict[str, Any]) -> None:
        raw["modules"][1]["elements"][0]["criteria"][2]["items"] = [
            {"zh": "深入分析服务产品在本区域已有销售量、市场竞争地位、客户平台现状等情况" * 2, "en": "x"}] * 4

    table = Table(export(tmp_path, mini(long_items)))
    short = table.sheet.row_dimensions[table.rows["element:talk-prep"]].height
    tall = table.sheet.row_dimensions[table.rows["element:reporting"]].height
    assert tall > 4 * short


def test_a_text_that_starts_like_a_formula_is_neutralised_and_comes_back_unchanged(tmp_path: Path) -> None:
    standard = mini(lambda raw: raw["modules"][0]["elements"][0]["name"].update(zh="=HYPERLINK(\"x\")"))
    path = export(tmp_path, standard)
    cell = Table(path).cell("element:talk-prep", 2)
    assert cell.value == "'=HYPERLINK(\"x\")" and cell.data_type == "s"
    assert read_workbook(path).standard == standard


def test_the_hidden_sheet_holds_the_complete_standard_and_the_vocabularies_are_listed(tmp_path: Path) -> None:
    standard = mini()
    book = openpyxl.load_workbook(export(tmp_path, standard))
    assert book[META_SHEET].sheet_state == "veryHidden"
    assert book.sheetnames[1] == "词汇表"
    codes = {book["词汇表"].cell(r, 2).value for r in range(2, book["词汇表"].max_row + 1)}
    assert {"presentation", "province-om-director", "B+", "not_met", "general"} <= codes
    chunks = [str(row[1].value)[1:] for row in book[META_SHEET].iter_rows() if row[0].value == "json"]
    assert Standard.model_validate(json.loads("".join(chunks))) == standard


# --- edits HR makes -----------------------------------------------------------------------------


def test_an_edited_criterion_is_taken_in_the_exported_language_and_the_other_is_kept(tmp_path: Path) -> None:
    path = export(tmp_path, mini())
    Table(path).edit_level(path, "element:reporting", 3, "1、改写的第三级条目")
    imported = read_workbook(path)
    criterion = imported.standard.element("reporting")[1].criterion(3)  # type: ignore[index]
    assert [(i.zh, i.en) for i in criterion.items] == [("改写的第三级条目", "level 3 item one")]
    assert [e.cell for e in imported.edits] == ["E" + str(Table(path).rows["element:reporting"])]
    assert "reporting" in imported.edits[0].message_en


def test_an_added_item_has_no_translation_yet_and_lint_says_so(tmp_path: Path) -> None:
    path = export(tmp_path, mini(), "en")
    added = "1. level 1 item one\n2. a second item\nover two lines"
    Table(path).edit_level(path, "element:reporting", 1, added)
    standard = read_workbook(path).standard
    items = standard.element("reporting")[1].criterion(1).items  # type: ignore[index]
    assert [(i.zh, i.en) for i in items] == [("第1级条目一", "level 1 item one"),
                                             ("", "a second item\nover two lines")]
    assert ("QS030", "modules[1].elements[0].criteria[0].items[1].zh") in {
        (f.code, f.path) for f in lint_standard(standard)}


def test_writing_none_in_a_criterion_cell_removes_the_criterion(tmp_path: Path) -> None:
    path = export(tmp_path, mini())
    Table(path).edit_level(path, "element:reporting", 5, "无")
    criterion = read_workbook(path).standard.element("reporting")[1].criterion(5)  # type: ignore[index]
    assert (criterion.status, criterion.items) == (CriterionStatus.none, [])


def test_an_edited_measure_text_is_taken_and_its_machine_requirements_are_kept(tmp_path: Path) -> None:
    path = export(tmp_path, mini())
    Table(path).edit_level(path, "measure:talks", 1, "进行过3次宣讲")
    measure = read_workbook(path).standard.module("talks").measure(1)  # type: ignore[union-attr]
    assert measure.text.zh == "进行过3次宣讲"  # type: ignore[union-attr]
    assert [r.code for r in measure.requirements] == ["talks"]


def test_an_edited_element_name_is_taken(tmp_path: Path) -> None:
    path = export(tmp_path, mini(), "en")
    Table(path).edit(path, "element:talk-prep", 2, "Getting ready")
    assert read_workbook(path).standard.element("talk-prep")[1].name.en == "Getting ready"  # type: ignore[index]


def rejected(path: Path) -> list[str]:
    with pytest.raises(InvalidInput) as error:
        read_workbook(path)
    return error.value.lines()


def test_editing_a_condition_is_rejected_naming_the_sheet_and_the_cell(tmp_path: Path) -> None:
    path = export(tmp_path, mini())
    row = Table(path).rows["gate:company_experience"]
    Table(path).edit_level(path, "gate:company_experience", 1, "两年")
    assert rejected(path) == [f"{path}, sheet 比较表, row {row}, column C: xlsx this cell stands for data "
                              "(months, ratings, policy bands) and cannot be edited in the workbook; change "
                              "it in the YAML file"]


def test_a_formula_typed_into_the_table_is_rejected(tmp_path: Path) -> None:
    path = export(tmp_path, mini())
    Table(path).edit_level(path, "element:talk-prep", 1, "=A1")
    assert "formulas are not allowed" in rejected(path)[0]


def test_a_row_added_with_content_is_rejected(tmp_path: Path) -> None:
    path = export(tmp_path, mini())
    table = Table(path)
    table.sheet.cell(table.sheet.max_row + 2, 2, "新要素")
    table.book.save(path)
    assert "a row was added with content" in rejected(path)[0]


def test_a_deleted_element_row_is_rejected(tmp_path: Path) -> None:
    path = export(tmp_path, mini())
    table = Table(path)
    table.cell("element:reporting", table.key_column).value = None
    table.book.save(path)
    assert any("'element:reporting' was deleted" in line for line in rejected(path))


def test_a_workbook_not_exported_by_qualify_is_rejected_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    assert rejected(path) == [f"{path}, sheet _qualify: xlsx no sheet _qualify: this workbook was not "
                              "exported by `qualify standard export` (the hidden sheet holds the complete "
                              "standard; export again and edit that copy)"]


def test_a_changed_hidden_sheet_is_rejected(tmp_path: Path) -> None:
    path = export(tmp_path, mini())
    book = openpyxl.load_workbook(path)
    meta = book[META_SHEET]
    last = meta.cell(meta.max_row, 2)
    last.value = str(last.value).replace("第1级条目一", "偷改", 1)
    book.save(path)
    assert "checksum does not match" in rejected(path)[0]


def test_a_file_that_is_not_a_workbook_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("just text", encoding="utf-8")
    assert rejected(path)[0].startswith(f"{path}: xlsx not an Excel workbook (.xlsx)")


def test_items_are_read_back_from_numbered_lines() -> None:
    assert parse_items("1、甲\n2. 乙\n续行\n\n3）丙") == ["甲", "乙\n续行", "丙"]
    assert parse_items("没有编号") == ["没有编号"]


# --- blank source cells and unnumbered items (issue 15) ------------------------------------------


def blank_level_4(raw: dict[str, Any]) -> None:
    """talk-prep's level 4 and the talks measure's level 3: blank in the source, not 无."""
    raw["modules"][0]["elements"][0]["criteria"][3]["blank"] = True
    raw["modules"][0]["measures"][2]["blank"] = True


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_blank_source_cell_is_exported_empty_while_an_explicit_none_still_reads_none(
        tmp_path: Path, lang: Lang) -> None:
    standard = mini(blank_level_4)
    path = export(tmp_path, standard, lang)
    table = Table(path)
    none = "无" if lang == "zh" else "none"
    assert table.level("element:talk-prep", 4) is None
    assert table.level("element:talk-prep", 5) == none
    assert table.level("measure:talks", 3) is None
    assert table.level("measure:talks", 4) == none
    comment = table.cell("element:talk-prep", 2 + 4).comment
    says = "原文此格空白" if lang == "zh" else "Blank in the source"
    assert comment is not None and comment.text.startswith(says)
    imported = read_workbook(path)
    assert (imported.standard, imported.edits) == (standard, [])


def test_writing_none_in_a_blank_cell_records_an_explicit_none_and_emptying_a_none_cell_a_blank_one(
        tmp_path: Path) -> None:
    path = export(tmp_path, mini(blank_level_4))
    Table(path).edit_level(path, "element:talk-prep", 4, "无")
    Table(path).edit_level(path, "element:talk-prep", 5, "")
    criteria = read_workbook(path).standard.element("talk-prep")[1]  # type: ignore[index]
    four, five = criteria.criterion(4), criteria.criterion(5)
    assert four is not None and (four.status, four.blank) == (CriterionStatus.none, None)
    assert five is not None and (five.status, five.blank) == (CriterionStatus.none, True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_single_item_the_source_leaves_unnumbered_has_no_number_but_a_numbered_one_keeps_it(
        tmp_path: Path, lang: Lang) -> None:
    standard = mini(lambda raw: raw["modules"][0]["elements"][0]["criteria"][1].update(numbered=False))
    path = export(tmp_path, standard, lang)
    table = Table(path)
    assert table.level("element:talk-prep", 2) == ("第2级条目一" if lang == "zh" else "level 2 item one")
    numbered = "1、第1级条目一" if lang == "zh" else "1. level 1 item one"
    assert table.level("element:talk-prep", 1) == numbered
    imported = read_workbook(path)
    assert (imported.standard, imported.edits) == (standard, [])


def test_the_shipped_standard_shows_blank_cells_empty_and_its_unnumbered_criteria_without_numbers(
        tmp_path: Path) -> None:
    shipped = load_standard(next(p for p in shipped_files() if p.stem == "service-marketing@2.0"))
    table = Table(export(tmp_path, shipped))
    assert table.level("element:project-process-control", 3) is None  # blank in the source
    assert table.level("element:project-planning", 4) == "无"  # 无 in the source
    assert table.level("element:project-planning", 5) is None
    assert table.level("measure:customer-platform", 4) is None
    assert table.level("element:slide-making", 2).startswith("针对用户的服务需求")
    assert table.level("element:post-presentation-follow-up", 1).startswith("1、对不能现场回答的问题")
