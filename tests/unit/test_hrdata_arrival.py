"""HR data as it really arrives (issue 11): tables split over sheets and files, repeated ratings,
impossible scores, empty or missing employees, GB18030 CSV, title rows, Chinese dates and quarters,
full-width and lower-case codes. Every file is generated here."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from qualify.core.errors import InvalidInput, Problem
from qualify.core.standard import Standard
from qualify.formats.hrdata import HRFrames, read_hr_data
from qualify.formats.standard_yaml import load_standard

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

HEADERS = {
    "employees": ["employee_id", "name", "org_unit", "job_family", "current_level", "hire_date",
                  "family_start_date"],
    "performance": ["employee_id", "period", "rating"],
    "exams": ["employee_id", "sitting", "exam", "score"],
    "evidence": ["employee_id", "evidence_id", "activity", "date", "role", "audience", "scope",
                 "project_kind", "outcome", "deliverables", "note"],
    "ratings": ["employee_id", "level", "element", "assessor", "rating", "comment"],
}
EMPLOYEES = [["00123", "张三", "总部", "mini", 1, "2020-01-05", "2021-03-01"],
             ["00124", "李四", "总部", "mini", 0, "2024-06-30", "2024-06-30"]]


def evidence_row(employee: str, number: int) -> list[object]:
    return [employee, f"EV{number}", "presentation", "2026-03-01", "lead", "", "", "", "", "slides", ""]


@pytest.fixture(scope="module")
def mini() -> Standard:
    return load_standard(FIXTURES / "mini@1.0.yaml")


def workbook(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> Path:
    """Sheets in this order; each a title, then its rows (header included)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def problems_of(path: Path, standard: Standard) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        read_hr_data(path, standard)
    return caught.value.problems


def codes(notes: tuple[Problem, ...]) -> list[str]:
    return [n.code for n in notes]


# --- split sheets and files -------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [("举证", "举证2"), ("evidence", "evidence 2"),
                                                ("evidence", "举证"), ("evidence", "evidence (2)")])
def test_a_table_split_over_two_sheets_is_read_whole(first: str, second: str, tmp_path: Path,
                                                     mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [
        ("employees", [HEADERS["employees"], *EMPLOYEES]),
        (first, [HEADERS["evidence"], evidence_row("00123", 1), evidence_row("00123", 2)]),
        (second, [HEADERS["evidence"], evidence_row("00124", 3)]),
    ])

    frames = read_hr_data(path, mini)

    assert frames.evidence.get_column("evidence_id").to_list() == ["EV1", "EV2", "EV3"]
    split = [n for n in frames.notes if n.code == "split-table"]
    assert len(split) == 1 and f"{first} + {second}" in split[0].message_en


def test_split_csv_files_are_read_whole(tmp_path: Path, mini: Standard) -> None:
    folder = tmp_path / "hr"
    csv_file(folder / "employees.csv", [HEADERS["employees"], *EMPLOYEES])
    csv_file(folder / "evidence.csv", [HEADERS["evidence"], evidence_row("00123", 1)])
    csv_file(folder / "举证.csv", [HEADERS["evidence"], evidence_row("00124", 2)])

    frames = read_hr_data(folder, mini)

    assert sorted(frames.evidence.get_column("evidence_id").to_list()) == ["EV1", "EV2"]
    assert "split-table" in codes(frames.notes)


def test_a_problem_in_the_second_sheet_names_that_sheet_and_its_row(tmp_path: Path, mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [
        ("employees", [HEADERS["employees"], *EMPLOYEES]),
        ("举证", [HEADERS["evidence"], evidence_row("00123", 1)]),
        ("举证2", [HEADERS["evidence"], evidence_row("00124", 2), evidence_row("00999", 3)]),
    ])

    problems = problems_of(path, mini)

    assert [(p.code, p.sheet, p.row) for p in problems] == [("unknown-employee", "举证2", 3)]


def test_an_evidence_id_repeated_across_the_parts_names_both_sheets(tmp_path: Path, mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [
        ("employees", [HEADERS["employees"], *EMPLOYEES]),
        ("evidence", [HEADERS["evidence"], evidence_row("00123", 1)]),
        ("evidence 2", [HEADERS["evidence"], evidence_row("00124", 1)]),
    ])

    [problem] = problems_of(path, mini)

    assert (problem.code, problem.sheet, problem.row) == ("duplicate", "evidence 2", 2)
    assert "row 2 of evidence" in problem.message_en


def test_a_sheet_that_names_no_table_is_listed_as_ignored(tmp_path: Path, mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [
        ("employees", [HEADERS["employees"], *EMPLOYEES]),
        ("说明", [["这是填表说明"]]),
    ])

    frames = read_hr_data(path, mini)

    ignored = [n for n in frames.notes if n.code == "ignored-sheet"]
    assert [n.sheet for n in ignored] == ["说明"]
    assert "ignored" in ignored[0].message_en and "已忽略" in ignored[0].message_zh


# --- repeated ratings ---------------------------------------------------------------------------------


def ratings_book(tmp_path: Path, rows: list[list[object]], header: list[str]) -> Path:
    return workbook(tmp_path / "hr.xlsx", [
        ("employees", [HEADERS["employees"], *EMPLOYEES]),
        ("ratings", [header, *rows]),
    ])


def test_a_repeated_rating_without_dates_is_rejected_naming_both_rows(tmp_path: Path, mini: Standard) -> None:
    path = ratings_book(tmp_path, [["00123", 2, "talk-prep", "A01", "meets", ""],
                                   ["00123", 2, "talk-prep", "A01", "partial", ""]], HEADERS["ratings"])

    [problem] = problems_of(path, mini)

    assert (problem.code, problem.sheet, problem.row) == ("duplicate", "ratings", 3)
    assert "first on row 2" in problem.message_en


def test_with_a_date_column_the_latest_rating_counts_and_the_superseded_are_counted(
        tmp_path: Path, mini: Standard) -> None:
    header = [*HEADERS["ratings"], "评分日期"]
    path = ratings_book(tmp_path, [["00123", 2, "talk-prep", "A01", "meets", "", "2026-05-01"],
                                   ["00123", 2, "talk-prep", "A01", "partial", "", "2026-06-01"],
                                   ["00123", 2, "talk-prep", "A02", "meets", "", "2026-04-01"]], header)

    frames = read_hr_data(path, mini)

    assert frames.ratings.select("assessor", "rating").rows() == [("A01", "partial"), ("A02", "meets")]
    [note] = [n for n in frames.notes if n.code == "superseded-ratings"]
    assert note.message_en.startswith("1 rating superseded")


def test_two_ratings_of_the_same_latest_date_are_still_a_duplicate(tmp_path: Path, mini: Standard) -> None:
    header = [*HEADERS["ratings"], "date"]
    path = ratings_book(tmp_path, [["00123", 2, "talk-prep", "A01", "meets", "", "2026-05-01"],
                                   ["00123", 2, "talk-prep", "A01", "partial", "", "2026-05-01"]], header)

    assert [p.code for p in problems_of(path, mini)] == ["duplicate"]


# --- scores -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "code"), [("nan", "not-finite"), ("inf", "not-finite"),
                                             ("-inf", "not-finite"), (100.5, "above-maximum")])
def test_an_impossible_score_is_rejected(score: object, code: str, tmp_path: Path, mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [
        ("employees", [HEADERS["employees"], *EMPLOYEES]),
        ("exams", [HEADERS["exams"], ["00123", "2026", "general", 80],
                   ["00123", "2026", "professional", score]]),
    ])

    [problem] = problems_of(path, mini)

    assert (problem.code, problem.row, problem.column) == (code, 3, "score")


def test_the_maximum_score_is_the_standards(tmp_path: Path, mini: Standard) -> None:
    knowledge = mini.knowledge.model_copy(update={"exams": [
        e.model_copy(update={"max_score": 150}) for e in mini.knowledge.exams]})
    generous = mini.model_copy(update={"knowledge": knowledge})
    path = workbook(tmp_path / "hr.xlsx", [
        ("employees", [HEADERS["employees"], *EMPLOYEES]),
        ("exams", [HEADERS["exams"], ["00123", "2026", "general", 120]]),
    ])

    assert read_hr_data(path, generous).exams.get_column("score").to_list() == [120.0]
    [problem] = problems_of(path, mini)
    assert "maximum score 100" in problem.message_en and "满分" in problem.message_zh


# --- employees ------------------------------------------------------------------------------------------


def test_an_empty_employees_sheet_is_an_error_not_nobody_to_assess(tmp_path: Path, mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [("employees", [HEADERS["employees"]])])

    assert [(p.code, p.sheet) for p in problems_of(path, mini)] == [("empty-sheet", "employees")]


def test_an_empty_employees_file_is_an_error(tmp_path: Path, mini: Standard) -> None:
    folder = tmp_path / "hr"
    csv_file(folder / "employees.csv", [HEADERS["employees"]])

    assert [p.code for p in problems_of(folder, mini)] == ["empty-sheet"]


def test_a_missing_employees_sheet_is_one_line_not_one_per_row_of_the_others(
        tmp_path: Path, mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [
        ("performance", [HEADERS["performance"], ["00123", "2026Q1", "B"], ["00124", "2026Q1", "B"]]),
        ("evidence", [HEADERS["evidence"], evidence_row("00123", 1)]),
    ])

    assert [p.code for p in problems_of(path, mini)] == ["missing-sheet"]


# --- encodings, titles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "reported"), [("gb18030", "GB18030"), ("gbk", "GB18030"),
                                                    ("utf-8-sig", "UTF-8 (BOM)"), ("utf-8", "UTF-8")])
def test_csv_in_gb18030_or_utf8_with_or_without_bom_is_read_and_its_encoding_reported(
        encoding: str, reported: str, tmp_path: Path, mini: Standard) -> None:
    folder = tmp_path / "hr"
    header = ["工号", "姓名", "部门", "职位族", "当前等级", "入职日期", "任职族开始日期"]
    csv_file(folder / "员工.csv", [header, *EMPLOYEES], encoding=encoding)

    frames = read_hr_data(folder, mini)

    assert frames.employees.get_column("name").to_list() == ["张三", "李四"]
    [note] = [n for n in frames.notes if n.code == "encoding"]
    assert f"员工.csv {reported}" in note.message_en


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_title_row_above_the_header_is_skipped_and_rows_keep_their_numbers(
        fmt: str, tmp_path: Path, mini: Standard) -> None:
    rows: list[list[object]] = [["XX公司2026年花名册", "", "", "", "", "", ""], ["", "", "", "", "", "", ""],
                                HEADERS["employees"], *EMPLOYEES,
                                ["00125", "王五", "总部", "mini", "two", "2020-01-05", "2021-03-01"]]

    def write() -> Path:
        if fmt == "csv":
            return csv_file(tmp_path / "hr" / "employees.csv", rows).parent
        return workbook(tmp_path / "hr.xlsx", [("employees", rows)])

    [problem] = problems_of(write(), mini)
    assert (problem.code, problem.row) == ("bad-integer", 6)

    rows.pop()
    frames = read_hr_data(write(), mini)
    assert frames.employees.height == 2
    [note] = [n for n in frames.notes if n.code == "header-row"]
    assert note.row == 3


def test_a_merged_banner_above_the_header_is_skipped(tmp_path: Path, mini: Standard) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "员工信息"
    ws.append(["XX公司2026年花名册"])
    ws.merge_cells("A1:G1")
    ws.append(HEADERS["employees"])
    for row in EMPLOYEES:
        ws.append(row)
    book.save(tmp_path / "hr.xlsx")

    frames = read_hr_data(tmp_path / "hr.xlsx", mini)

    assert frames.employees.get_column("employee_id").to_list() == ["00123", "00124"]


# --- dates, quarters, full width, case -----------------------------------------------------------------


@pytest.mark.parametrize("written", ["2023年5月1日", "2023.5.1", "20230501", "２０２３-０５-０１",
                                     "2023/05/01"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dates_as_people_write_them_are_read(written: str, fmt: str, tmp_path: Path, mini: Standard) -> None:
    rows: list[list[object]] = [HEADERS["employees"], ["00123", "张三", "总部", "mini", 1, written, written]]
    if fmt == "csv":
        path = tmp_path / "hr"
        csv_file(path / "employees.csv", rows)
    else:
        path = workbook(tmp_path / "hr.xlsx", [("employees", rows)])

    frames = read_hr_data(path, mini)

    assert frames.employees.get_column("hire_date").to_list() == [dt.date(2023, 5, 1)]


@pytest.mark.parametrize("written", ["2026年第3季度", "2026年第三季度", "2026Q3", "2026-Q3", "2026 q3",
                                     "２０２６Ｑ３"])
def test_quarters_as_people_write_them_are_read(written: str, tmp_path: Path, mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [
        ("employees", [HEADERS["employees"], *EMPLOYEES]),
        ("performance", [HEADERS["performance"], ["00123", written, "B"]])])

    assert read_hr_data(path, mini).performance.get_column("period").to_list() == ["2026Q3"]


def test_a_quarter_without_q_is_still_not_a_quarter(tmp_path: Path, mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [
        ("employees", [HEADERS["employees"], *EMPLOYEES]),
        ("performance", [HEADERS["performance"], ["00123", "2026-3", "B"]])])

    assert [p.code for p in problems_of(path, mini)] == ["bad-period"]


def test_codes_match_in_any_case_and_full_width(tmp_path: Path, mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [
        ("employees", [HEADERS["employees"],
                       ["００１２３", "张三", "总部", "mini", "１", "2020-01-05", "2021-03-01"]]),
        ("performance", [HEADERS["performance"], ["00123", "2026Q1", "b"], ["00123", "2026Q2", "Ｂ"],
                         ["00123", "2026Q3", "b+"]]),
        ("evidence", [HEADERS["evidence"], ["00123", "EV1", "Presentation", "2026-03-01", "LEAD", "", "", "",
                                            "", "Slides；BROCHURE", ""]]),
        ("ratings", [HEADERS["ratings"], ["00123", 2, "talk-prep", "A01", "Meets", ""]]),
    ])

    frames = read_hr_data(path, mini)

    assert frames.employees.get_column("employee_id").to_list() == ["00123"]
    assert frames.employees.get_column("current_level").to_list() == [1]
    assert frames.performance.get_column("rating").to_list() == ["B", "B", "B+"]
    assert frames.evidence.select("activity", "role").row(0) == ("presentation", "lead")
    assert frames.evidence.get_column("deliverables").to_list() == [["slides", "brochure"]]
    assert frames.ratings.get_column("rating").to_list() == ["meets"]


def test_a_good_file_reads_without_notes(tmp_path: Path, mini: Standard) -> None:
    path = workbook(tmp_path / "hr.xlsx", [("employees", [HEADERS["employees"], *EMPLOYEES])])

    frames = read_hr_data(path, mini)

    assert isinstance(frames, HRFrames) and frames.notes == ()


# --- formulas ---------------------------------------------------------------------------------------------


def test_a_formula_without_a_cached_value_is_reported_as_such_not_as_missing(
        tmp_path: Path, mini: Standard) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "employees"
    ws.append([])  # an empty first row: the sheet's used range starts below it
    ws.append([None, *HEADERS["employees"]])  # and right of an empty column
    ws.append([None, "00123", "张三", "总部", "mini", "=0+1", "2020-01-05", "2021-03-01"])
    ws.append([None, "00124", "李四", "总部", "mini", None, "2020-01-05", "2021-03-01"])
    book.save(tmp_path / "hr.xlsx")  # openpyxl stores formulas without their values, as programs do

    problems = problems_of(tmp_path / "hr.xlsx", mini)

    assert [(p.code, p.row, p.column) for p in problems] == [
        ("formula-without-value", 3, "current_level"), ("missing-value", 4, "current_level")]
    assert "formula" in problems[0].message_en and "公式" in problems[0].message_zh


def test_a_csv_row_with_more_fields_than_the_header_is_refused(tmp_path: Path, mini: Standard) -> None:
    folder = tmp_path / "hr"
    csv_file(folder / "employees.csv", [HEADERS["employees"], [*EMPLOYEES[0], "EXTRA"]])

    assert [p.code for p in problems_of(folder, mini)] == ["unreadable"]
