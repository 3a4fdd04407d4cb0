"""Reading HR data: a workbook or a CSV folder into typed frames, or every problem with its place."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from qualify.core.errors import InvalidInput
from qualify.core.standard import Standard
from qualify.formats.hrdata import (
    MAX_PROBLEMS,
    SCREENING_SHEETS,
    from_organisation,
    read_hr_data,
    to_organisation,
)
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


def good_rows() -> dict[str, list[list[object]]]:
    """A small valid organisation for the mini standard (data rows only, header excluded)."""
    return {
        "employees": [
            ["00123", "张三", "总部/华北区", "mini", 1, "2020-01-05", "2021-03-01"],
            ["00124", "李四", "总部", "mini", 0, "2024-06-30", "2024-06-30"],
            ["00125", "王五", "总部", "mini", 2, "2015-03-31", "2016-01-01"],
        ],
        "performance": [["00123", "2026Q1", "B+"], ["00123", "2026Q2", "B"], ["00124", "2026Q2", "C"]],
        "exams": [["00123", "2026", "general", 81.5], ["00123", "2026", "professional", 77]],
        "evidence": [
            ["00123", "EV1", "presentation", "2026-03-01", "lead", "province-om-deputy-director", "", "", "",
             "slides;brochure", "客户交流"],
            ["00124", "EV2", "project", "2026-04-01", "lead", "", "province", "major", "success",
             "project-plan", ""],
        ],
        "ratings": [["00123", 2, "talk-prep", "A01", "meets", "好"]],
    }


@pytest.fixture(scope="module")
def mini() -> Standard:
    return load_standard(FIXTURES / "mini@1.0.yaml")


def write_csv_folder(folder: Path, sheets: dict[str, list[list[object]]],
                     headers: dict[str, list[str]] = HEADERS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(headers[name])
            writer.writerows(rows)
    return folder


def write_workbook(path: Path, sheets: dict[str, list[list[object]]],
                   headers: dict[str, list[str]] = HEADERS, titles: dict[str, str] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        ws = workbook.create_sheet((titles or {}).get(name, name))
        ws.append(headers[name])
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write(fmt: str, tmp_path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    return write_csv_folder(tmp_path / "hr", sheets) if fmt == "csv" else write_workbook(
        tmp_path / "hr.xlsx", sheets)


def problems_of(path: Path, standard: Standard) -> list:
    with pytest.raises(InvalidInput) as caught:
        read_hr_data(path, standard)
    return caught.value.problems


# --- good input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_good_organisation_is_read_into_typed_frames(fmt: str, tmp_path: Path, mini: Standard) -> None:
    frames = read_hr_data(write(fmt, tmp_path, good_rows()), mini)

    assert frames.counts() == {"employees": 3, "performance": 3, "exams": 2, "evidence": 2, "ratings": 1}
    assert frames.employees.schema["hire_date"] == pl.Date
    assert frames.employees.schema["current_level"] == pl.Int64
    assert frames.exams.get_column("score").to_list() == [81.5, 77.0]
    assert frames.evidence.get_column("deliverables").to_list() == [["slides", "brochure"], ["project-plan"]]
    assert frames.evidence.get_column("audience").to_list() == ["province-om-deputy-director", None]
    assert frames.evidence.get_column("note").to_list() == ["客户交流", ""]
    assert frames.employees.row(0) == ("00123", "张三", "总部/华北区", "mini", 1, dt.date(2020, 1, 5),
                                       dt.date(2021, 3, 1))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_leading_zeros_of_ids_are_kept(fmt: str, tmp_path: Path, mini: Standard) -> None:
    frames = read_hr_data(write(fmt, tmp_path, good_rows()), mini)

    assert frames.employees.get_column("employee_id").to_list() == ["00123", "00124", "00125"]
    assert frames.performance.get_column("employee_id").to_list() == ["00123", "00123", "00124"]
    assert frames.exams.get_column("sitting").to_list() == ["2026", "2026"]


def test_excel_date_cells_and_serial_numbers_are_dates(tmp_path: Path, mini: Standard) -> None:
    rows = good_rows()
    rows["employees"][0][5] = dt.date(2020, 1, 5)  # a real date cell
    rows["employees"][0][6] = 45000  # a serial number: 2023-03-15
    rows["employees"][1][5] = dt.datetime(2024, 6, 30, 0, 0)  # a date-time cell
    frames = read_hr_data(write_workbook(tmp_path / "hr.xlsx", rows), mini)

    hired = frames.employees.get_column("hire_date").to_list()
    assert hired[:2] == [dt.date(2020, 1, 5), dt.date(2024, 6, 30)]
    assert frames.employees.get_column("family_start_date").to_list()[0] == dt.date(2023, 3, 15)


def test_a_csv_date_may_be_an_excel_serial_or_use_slashes(tmp_path: Path, mini: Standard) -> None:
    rows = good_rows()
    rows["employees"][0][5] = "45000"
    rows["employees"][1][5] = "2024/6/30"
    frames = read_hr_data(write_csv_folder(tmp_path / "hr", rows), mini)

    hired = frames.employees.get_column("hire_date").to_list()
    assert hired[:2] == [dt.date(2023, 3, 15), dt.date(2024, 6, 30)]


def test_chinese_sheet_names_headers_and_code_names_are_accepted(tmp_path: Path, mini: Standard) -> None:
    chinese = {
        "employees": ["员工编号", "姓名", "部门", "职位族", "当前等级", "入职日期", "任职族开始日期"],
        "performance": ["员工编号", "季度", "绩效"],
        "exams": ["工号", "考试批次", "考试", "成绩"],
        "evidence": ["员工编号", "举证编号", "活动", "日期", "角色", "对象级别", "范围", "项目类型", "结果",
                     "交付件", "备注"],
        "ratings": ["员工编号", "等级", "行为要素", "评委", "评分", "评语"],
    }
    titles = {"employees": "员工", "performance": "绩效", "exams": "考试", "evidence": "举证",
              "ratings": "评委评分"}
    rows = good_rows()
    rows["ratings"][0][4] = "符合"  # the Chinese name of "meets"
    rows["evidence"][0][9] = "胶片；彩页"  # Chinese names, full-width separator
    frames = read_hr_data(write_workbook(tmp_path / "hr.xlsx", rows, chinese, titles), mini)

    assert frames.counts() == {"employees": 3, "performance": 3, "exams": 2, "evidence": 2, "ratings": 1}
    assert frames.ratings.get_column("rating").to_list() == ["meets"]
    assert frames.evidence.get_column("deliverables").to_list()[0] == ["slides", "brochure"]
    assert frames.performance.columns == ["employee_id", "period", "rating"]


def test_spaces_around_values_and_a_lower_case_quarter_are_forgiven(tmp_path: Path, mini: Standard) -> None:
    rows = good_rows()
    rows["performance"][0] = [" 00123 ", "2026q1", " B+"]
    rows["evidence"][0][9] = "slides ; brochure;"
    frames = read_hr_data(write_csv_folder(tmp_path / "hr", rows), mini)

    assert frames.performance.row(0) == ("00123", "2026Q1", "B+")
    assert frames.evidence.get_column("deliverables").to_list()[0] == ["slides", "brochure"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_optional_sheets_may_be_missing(fmt: str, tmp_path: Path, mini: Standard) -> None:
    frames = read_hr_data(write(fmt, tmp_path, {"employees": good_rows()["employees"]}), mini)

    assert frames.counts() == {"employees": 3, "performance": 0, "exams": 0, "evidence": 0, "ratings": 0}
    assert frames.evidence.schema["deliverables"] == pl.List(pl.String)
    assert frames.exams.schema["score"] == pl.Float64


def test_empty_sheets_are_fine(tmp_path: Path, mini: Standard) -> None:
    path = write_workbook(tmp_path / "hr.xlsx", {"employees": good_rows()["employees"], "performance": []})
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("evidence")  # nothing at all, not even a header
    workbook.save(path)
    frames = read_hr_data(path, mini)

    assert frames.counts()["performance"] == 0
    assert frames.counts()["evidence"] == 0


def test_only_the_sheets_asked_for_are_read(tmp_path: Path, mini: Standard) -> None:
    rows = good_rows()
    rows["evidence"][0][2] = "not-an-activity"  # not read, so not a problem
    frames = read_hr_data(write_csv_folder(tmp_path / "hr", rows), mini, sheets=SCREENING_SHEETS)

    assert frames.counts() == {"employees": 3, "performance": 3, "exams": 2, "evidence": 0, "ratings": 0}


def test_the_sample_folders_read_and_fail_as_documented(mini: Standard) -> None:
    assert read_hr_data(FIXTURES / "hr" / "good", mini).counts()["employees"] == 4
    problems = problems_of(FIXTURES / "hr" / "bad", mini)
    assert len(problems) == 21
    assert {p.sheet for p in problems} == {"employees", "performance", "exams", "evidence", "ratings"}


def test_frames_and_core_records_convert_both_ways(tmp_path: Path, mini: Standard) -> None:
    frames = read_hr_data(write_csv_folder(tmp_path / "hr", good_rows()), mini)
    organisation = to_organisation(frames)

    assert organisation.person("00123").evidence[0].deliverables == ("slides", "brochure")
    back = from_organisation(organisation)
    for name in ("employees", "performance", "exams", "evidence", "ratings"):
        assert back.sheet(name).equals(frames.sheet(name)), name


# --- bad input: one problem each, with its sheet, row and column -----------------------------------

BAD = [
    # (sheet, data row, column, value, problem code, column as reported)
    ("evidence", 0, "employee_id", "00999", "unknown-employee", "employee_id"),
    ("ratings", 0, "employee_id", "00999", "unknown-employee", "employee_id"),
    ("employees", 2, "employee_id", "00123", "duplicate", "employee_id"),
    ("performance", 1, "period", "2026Q1", "duplicate", "employee_id, period"),
    ("exams", 1, "exam", "general", "duplicate", "employee_id, sitting, exam"),
    ("evidence", 1, "evidence_id", "EV1", "duplicate", "evidence_id"),
    ("employees", 0, "hire_date", "2020-02-30", "bad-date", "hire_date"),
    ("evidence", 1, "date", "yesterday", "bad-date", "date"),
    ("performance", 0, "rating", "E", "out-of-scale", "rating"),
    ("ratings", 0, "rating", "great", "out-of-scale", "rating"),
    ("evidence", 0, "activity", "talk", "unknown-code", "activity"),
    ("evidence", 0, "role", "boss", "unknown-code", "role"),
    ("evidence", 0, "audience", "ceo", "unknown-code", "audience"),
    ("evidence", 1, "scope", "galaxy", "unknown-code", "scope"),
    ("evidence", 1, "project_kind", "tiny", "unknown-code", "project_kind"),
    ("evidence", 1, "outcome", "failed", "unknown-code", "outcome"),
    ("evidence", 0, "deliverables", "slides;poster", "unknown-code", "deliverables"),
    ("ratings", 0, "element", "talk-xx", "unknown-code", "element"),
    ("exams", 0, "exam", "math", "unknown-code", "exam"),
    ("employees", 0, "current_level", 9, "level-out-of-range", "current_level"),
    ("employees", 0, "current_level", "two", "bad-integer", "current_level"),
    ("ratings", 0, "level", 7, "level-out-of-range", "level"),
    ("exams", 0, "score", -1, "negative", "score"),
    ("exams", 0, "score", "abc", "bad-number", "score"),
    ("performance", 2, "period", "2026-3", "bad-period", "period"),
    ("employees", 1, "job_family", "", "missing-value", "job_family"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("sheet", "index", "column", "value", "code", "reported"), BAD,
                         ids=[f"{b[0]}-{b[2]}-{b[4]}" for b in BAD])
def test_a_bad_row_rejects_the_input_with_one_problem_that_says_where(
        fmt: str, sheet: str, index: int, column: str, value: object, code: str, reported: str,
        tmp_path: Path, mini: Standard) -> None:
    rows = good_rows()
    rows[sheet][index][HEADERS[sheet].index(column)] = value

    problems = problems_of(write(fmt, tmp_path, rows), mini)

    assert [(p.code, p.sheet, p.row, p.column) for p in problems] == [(code, sheet, index + 2, reported)]
    assert problems[0].message_en and problems[0].message_zh


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_missing_required_column_is_reported_once(fmt: str, tmp_path: Path, mini: Standard) -> None:
    rows = good_rows()
    headers = {**HEADERS, "exams": ["employee_id", "sitting", "exam", "points"]}
    path = write_csv_folder(tmp_path / "hr", rows, headers) if fmt == "csv" else write_workbook(
        tmp_path / "hr.xlsx", rows, headers)

    problems = problems_of(path, mini)

    assert [(p.code, p.sheet, p.column) for p in problems] == [("missing-column", "exams", "score")]


def test_a_missing_employees_sheet_is_reported(tmp_path: Path, mini: Standard) -> None:
    path = write_workbook(tmp_path / "hr.xlsx", {"performance": good_rows()["performance"]})

    problems = problems_of(path, mini)

    assert problems[0].code == "missing-sheet"


def test_a_problem_names_the_header_as_the_user_wrote_it(tmp_path: Path, mini: Standard) -> None:
    headers = {**HEADERS, "exams": ["工号", "考试批次", "考试", "成绩"]}
    rows = good_rows()
    rows["exams"][0][3] = -5
    problems = problems_of(write_workbook(tmp_path / "hr.xlsx", rows, headers), mini)

    assert [(p.code, p.row, p.column) for p in problems] == [("negative", 2, "成绩")]


def test_blank_rows_keep_the_row_numbers_the_user_sees(tmp_path: Path, mini: Standard) -> None:
    rows = good_rows()
    rows["performance"].insert(1, ["", "", ""])
    rows["performance"][3][2] = "E"  # now on row 5 of the sheet
    for fmt in ("csv", "xlsx"):
        problems = problems_of(write(fmt, tmp_path / fmt, rows), mini)
        assert [(p.code, p.row) for p in problems] == [("out-of-scale", 5)], fmt


def test_empty_rows_above_the_header_of_a_sheet_are_counted(tmp_path: Path, mini: Standard) -> None:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "employees"
    ws.append([])
    ws.append([])
    ws.append(HEADERS["employees"])
    ws.append(["00123", "张三", "总部", "mini", 1, "2020-01-05", "not a date"])
    workbook.save(tmp_path / "hr.xlsx")

    problems = problems_of(tmp_path / "hr.xlsx", mini)

    assert [(p.code, p.row) for p in problems] == [("bad-date", 4)]


def test_the_report_stops_at_its_cap_and_says_how_many_more(tmp_path: Path, mini: Standard) -> None:
    rows = good_rows()
    rows["performance"] = [[f"X{i:05d}", "2026Q1", "B"] for i in range(MAX_PROBLEMS + 50)]

    problems = problems_of(write_csv_folder(tmp_path / "hr", rows), mini)

    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].code == "more-problems"
    assert "50 more" in problems[-1].message_en
    assert problems[0].row == 2


def test_a_path_that_is_not_hr_data_is_one_problem(tmp_path: Path, mini: Standard) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")

    assert [p.code for p in problems_of(tmp_path / "notes.txt", mini)] == ["unsupported-input"]
    assert [p.code for p in problems_of(tmp_path / "nowhere", mini)] == ["not-found"]


def test_a_csv_file_neither_utf8_nor_gb18030_is_one_problem(tmp_path: Path, mini: Standard) -> None:
    folder = write_csv_folder(tmp_path / "hr", {"employees": good_rows()["employees"]})
    (folder / "employees.csv").write_bytes((folder / "employees.csv").read_text(encoding="utf-8")
                                           .encode("utf-16"))

    problems = problems_of(folder, mini)

    assert [(p.code, p.sheet) for p in problems] == [("unreadable", "employees")]
    assert "UTF-8" in problems[0].message_en and "GB18030" in problems[0].message_en


def test_a_damaged_workbook_is_one_problem(tmp_path: Path, mini: Standard) -> None:
    (tmp_path / "hr.xlsx").write_bytes(b"not a workbook")

    assert [p.code for p in problems_of(tmp_path / "hr.xlsx", mini)] == ["unreadable"]


def test_an_unreadable_employees_sheet_named_in_chinese_is_not_also_reported_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualify.core.errors import Problem
    from qualify.formats import hrdata_raw

    damaged = Problem("unreadable", "cannot read the sheet: damaged", "无法读取工作表：damaged",
                      file="hr.xlsx", sheet="员工")
    monkeypatch.setattr(hrdata_raw, "read_workbook",
                        lambda path, wanted: hrdata_raw.RawData({}, [damaged]))
    (tmp_path / "hr.xlsx").write_bytes(b"")

    assert [(p.code, p.sheet) for p in hrdata_raw.read_raw(tmp_path / "hr.xlsx").problems] == [
        ("unreadable", "员工")]
