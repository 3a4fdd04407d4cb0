"""``qualify assess`` and ``qualify generate`` on HR data as it really arrives (issue 11): what the
user sees — the exit code, the lines printed, the decisions. Every file is generated here."""

from __future__ import annotations

import csv
import importlib.util
import time
from pathlib import Path

import openpyxl
import pytest

from qualify.cli.main import main

TESTS = Path(__file__).resolve().parents[1]
MINI = str(TESTS / "fixtures" / "mini@1.0.yaml")
AS_OF = "2026-11-26"

EMPLOYEES = [
    ["employee_id", "name", "org_unit", "job_family", "current_level", "hire_date", "family_start_date"],
    ["00026", "Ada", "East", "mini", "1", "2020-11-26", "2020-11-26"],
    ["00100", "Bo", "East", "mini", "1", "2015-03-01", "2016-01-01"],
]
RATINGS_HEADER = ["employee_id", "level", "element", "assessor", "rating", "comment"]
RATINGS = [["00100", "2", "talk-prep", "A1", "meets", ""], ["00100", "2", "talk-delivery", "A1", "meets", ""],
           ["00100", "2", "talk-prep", "A2", "partial", ""], ["00026", "2", "talk-prep", "A1", "meets", ""]]
EVIDENCE_HEADER = ["employee_id", "evidence_id", "activity", "date", "role", "audience", "scope",
                   "project_kind", "outcome", "deliverables", "note"]
EVIDENCE = [["00100", f"V{i}", "presentation-material", "2026-03-01", "", "", "", "", "", "slides", ""]
            for i in range(4)]


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALIFY_LANG", "en")


def workbook(path: Path, sheets: list[tuple[str, list[list[str]]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def assess(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["assess", str(path), "--standard", MINI, "--as-of", AS_OF, "--stage", "certification",
                 *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_table_split_over_two_sheets_gives_the_decisions_of_the_whole_table(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whole = workbook(tmp_path / "whole.xlsx", [("employees", EMPLOYEES),
                                               ("评分", [RATINGS_HEADER, *RATINGS]),
                                               ("举证", [EVIDENCE_HEADER, *EVIDENCE])])
    split = workbook(tmp_path / "split.xlsx", [("employees", EMPLOYEES),
                                               ("评分", [RATINGS_HEADER, *RATINGS[:2]]),
                                               ("评分2", [RATINGS_HEADER, *RATINGS[2:]]),
                                               ("举证", [EVIDENCE_HEADER, *EVIDENCE[:1]]),
                                               ("evidence (2)", [EVIDENCE_HEADER, *EVIDENCE[1:]]),
                                               ("说明", [["how to fill this in"]])])
    first_only = workbook(tmp_path / "first.xlsx", [("employees", EMPLOYEES),
                                                    ("评分", [RATINGS_HEADER, *RATINGS[:2]]),
                                                    ("举证", [EVIDENCE_HEADER, *EVIDENCE[:1]])])

    code_whole, out_whole, _ = assess(whole, capsys)
    code_split, out_split, err = assess(split, capsys)
    _, out_first, _ = assess(first_only, capsys)

    assert (code_whole, code_split) == (0, 0)
    assert out_split == out_whole
    assert out_first != out_whole  # what reading only the first sheet used to decide
    assert "note: " in err
    assert "the ratings table is read from 2 sheets or files together: 评分 + 评分2" in err
    assert "sheet 说明: sheet '说明' names no table of the HR data" in err


def test_a_hostile_workbook_exits_2_with_one_line_and_no_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("_qualify_hostile_xlsx", TESTS / "hostile_xlsx.py")
    assert spec is not None and spec.loader is not None
    hostile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hostile)
    path = hostile.far_cell(tmp_path / "far.xlsx")

    code, out, err = assess(path, capsys)

    assert code == 2 and out == ""
    [line] = err.strip().splitlines()
    assert line.startswith(f"error: {path}: workbook-too-many-cells")
    assert "Traceback" not in err


def test_an_empty_employees_sheet_exits_2_instead_of_assessing_nobody(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(tmp_path / "hr.xlsx", [("employees", EMPLOYEES[:1]),
                                           ("评分", [RATINGS_HEADER, *RATINGS])])

    code, out, err = assess(path, capsys)

    assert code == 2 and out == ""
    assert "sheet employees: empty-sheet the employees sheet has no rows" in err
    assert "unknown-employee" not in err and "assessed 0" not in err


def test_a_gb18030_csv_folder_is_assessed_and_its_encoding_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "org"
    folder.mkdir()
    with (folder / "员工.csv").open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows([
            ["XX公司2026年花名册"],
            ["工号", "姓名", "部门", "职位族", "当前等级", "入职日期", "任职族开始日期"],
            ["00026", "张三", "华东", "mini", "1", "2020年11月26日", "2020.11.26"]])

    code, out, err = assess(folder, capsys)

    assert code == 0 and '"employee_id": "00026"' in out
    assert "CSV encoding detected: 员工.csv GB18030" in err
    assert "the header is on row 2" in err


def _later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock an hour on: a file stamped with the time of writing would differ."""
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3600)


def test_the_xlsx_decisions_are_byte_identical_across_runs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    path = workbook(tmp_path / "hr.xlsx", [("employees", EMPLOYEES), ("ratings", [RATINGS_HEADER, *RATINGS])])
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"

    assert assess(path, capsys, "--format", "xlsx", "-o", str(one))[0] == 0
    _later(monkeypatch)
    assert assess(path, capsys, "--format", "xlsx", "-o", str(two))[0] == 0

    assert one.read_bytes() == two.read_bytes()


def test_a_generated_workbook_is_byte_identical_across_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"

    assert main(["generate", "--employees", "30", "--seed", "5", "--standard", MINI, "--as-of", AS_OF,
                 "-o", str(one)]) == 0
    _later(monkeypatch)
    assert main(["generate", "--employees", "30", "--seed", "5", "--standard", MINI, "--as-of", AS_OF,
                 "-o", str(two)]) == 0

    assert one.read_bytes() == two.read_bytes()
