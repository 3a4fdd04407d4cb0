"""``qualify assess``, ``qualify explain`` and ``qualify generate`` end to end, on files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qualify.cli.main import main


@pytest.fixture(autouse=True)
def english_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English error lines; Chinese is the default (tested in test_cli_errors)."""
    monkeypatch.setenv("QUALIFY_LANG", "en")


MINI = str(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")
AS_OF = "2026-11-26"

EMPLOYEES = [
    ["employee_id", "name", "org_unit", "job_family", "current_level", "hire_date", "family_start_date"],
    ["00026", "Ada", "East/Shanghai", "mini", "0", "2025-11-26", "2025-11-26"],
    ["00027", "=HYPERLINK(\"http://x\")", "-East", "mini", "0", "2025-11-27", "2025-11-27"],
    ["00100", "Bo", "East/Nanjing", "mini", "1", "2015-03-01", "2016-01-01"],
    ["X0001", "Other", "West", "finance", "2", "2010-01-01", "2010-01-01"],
]
PERFORMANCE = [["employee_id", "period", "rating"]] + [
    [who, period, rating]
    for who in ("00026", "00027", "00100") for period, rating in (("2026Q1", "B"), ("2026Q2", "B+"))
] + [["00026", "2026Q3", "A"], ["00027", "2026Q3", "B"], ["00100", "2026Q3", "C"]]
EXAMS = [["employee_id", "sitting", "exam", "score"]] + [
    [who, "2026", exam, score]
    for who, score in (("00026", "80"), ("00027", "70"), ("00100", "90"))
    for exam in ("general", "professional")
]
EVIDENCE = [
    ["employee_id", "evidence_id", "activity", "date", "role", "audience", "scope", "project_kind", "outcome",
     "deliverables", "note"],
    ["00100", "V1", "presentation", "2026-02-01", "lead", "province-om-director", "", "", "", "", ""],
    ["00100", "V2", "presentation-material", "2026-03-01", "", "", "", "", "", "slides;brochure", ""],
]
RATINGS = [
    ["employee_id", "level", "element", "assessor", "rating", "comment"],
    ["00100", "2", "talk-prep", "A1", "meets", ""],
    ["00100", "2", "talk-prep", "A2", "partial", "needs more structure"],
]


def write_csvs(folder: Path, **changes: list[list[str]]) -> Path:
    sheets = {"employees": EMPLOYEES, "performance": PERFORMANCE, "exams": EXAMS, "evidence": EVIDENCE,
              "ratings": RATINGS}
    sheets.update(changes)
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_csvs(tmp_path / "org")


def run(*args: str) -> int:
    return main(list(args))


def test_assess_prints_one_contract_decision_per_employee_of_the_family(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("assess", str(data), "--standard", MINI, "--as-of", AS_OF) == 0
    out, err = capsys.readouterr()
    decisions = [json.loads(line) for line in out.splitlines()]
    assert [d["employee_id"] for d in decisions] == ["00026", "00027", "00100"]
    first = decisions[0]
    assert list(first) == ["employee_id", "standard", "as_of", "stage", "current_level",
                           "highest_eligible_level", "levels", "gaps"]
    assert (first["standard"], first["as_of"], first["stage"]) == ("mini@1.0", AS_OF, "screening")
    assert [level["level"] for level in first["levels"]] == [1, 2, 3, 4, 5]
    assert first["levels"][0]["checks"][0] == {
        "rule": "company_experience", "outcome": "pass", "actual": "12 months", "required": "12 months",
        "message": "12 whole months in the company since 2025-11-26; 12 required (one year)",
        "facts": {"months": 12, "required_months": 12, "start": "2025-11-26", "met_on": "2026-11-26"}}
    assert first["highest_eligible_level"] == 1
    assert decisions[1]["highest_eligible_level"] == 0
    assert decisions[1]["gaps"][0] == {"level": 1, "rule": "company_experience",
                                       "message": "1 more month in the company: met on 2026-11-27"}
    assert "assessed 3 employees" in err and "skipped 1 of other job families" in err
    assert "highest eligible level: 0: 1 · 1: 1" in err


def test_assess_in_chinese_writes_the_messages_in_chinese(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("assess", str(data), "--standard", MINI, "--as-of", AS_OF, "--lang", "zh") == 0
    out, err = capsys.readouterr()
    first = json.loads(out.splitlines()[0])
    assert first["levels"][0]["checks"][0]["message"].startswith("自 2025-11-26 入职公司，满 12 个月")
    assert "已评估 3 人" in err


def test_certification_adds_behaviour_and_measure_checks(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "decisions.jsonl"
    assert run("assess", str(data), "--standard", MINI, "--as-of", AS_OF, "--stage", "certification",
               "-o", str(out)) == 0
    bo = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()][2]
    level_2 = {c["rule"]: c for c in bo["levels"][1]["checks"]}
    assert level_2["behaviour:talk-prep"]["outcome"] == "fail"
    assert level_2["behaviour:talk-prep"]["actual"] == "partial (lowest of 2)"
    assert level_2["measure:talks"]["actual"] == "projects 0, slides 1"
    assert bo["gaps"][0]["level"] == 2


def test_a_rejected_input_exits_2_with_sheet_row_and_column_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_csvs(tmp_path / "bad", performance=[*PERFORMANCE, ["00100", "2026Q4", "E"]])
    out = tmp_path / "out" / "decisions.xlsx"
    assert run("assess", str(bad), "--standard", MINI, "--as-of", AS_OF, "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert "performance" in err and "row" in err and "column rating" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_a_rejected_input_leaves_an_earlier_output_file_untouched(tmp_path: Path) -> None:
    bad = write_csvs(tmp_path / "bad", employees=[*EMPLOYEES, ["00026", "Dup", "", "mini", "0", "2020-01-01",
                                                                  "2020-01-01"]])
    out = tmp_path / "decisions.jsonl"
    out.write_text("earlier\n", encoding="utf-8")
    assert run("assess", str(bad), "--standard", MINI, "--as-of", AS_OF, "-o", str(out)) == 2
    assert out.read_text(encoding="utf-8") == "earlier\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_bad_as_of_date_exits_2(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("assess", str(data), "--standard", MINI, "--as-of", "26/11/2026") == 2
    assert "--as-of '26/11/2026' is not a date" in capsys.readouterr().err


def test_an_xlsx_output_needs_a_file(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("assess", str(data), "--standard", MINI, "--as-of", AS_OF, "--format", "xlsx") == 2
    assert "-o" in capsys.readouterr().err


def test_the_xlsx_for_hr_has_a_row_per_person_and_the_failing_checks_with_filters_and_frozen_headers(
        data: Path, tmp_path: Path) -> None:
    out = tmp_path / "assessment.xlsx"
    assert run("assess", str(data), "--standard", MINI, "--as-of", AS_OF, "-o", str(out)) == 0
    workbook = load_workbook(out)
    people, checks = workbook.worksheets
    rows = list(people.iter_rows(values_only=True))
    assert rows[0] == ("employee id", "name", "org unit", "current level", "highest eligible level",
                       "level 1", "level 2", "level 3", "level 4", "level 5")
    assert rows[1][:6] == ("00026", "Ada", "East/Shanghai", 0, 1, "eligible")
    assert people.freeze_panes == "B2" and people.auto_filter.ref == "A1:J4"
    assert people.column_dimensions["C"].width > 20
    # a name or unit that looks like a formula is written as text, not as a formula
    assert rows[2][1] == "'=HYPERLINK(\"http://x\")" and rows[2][2] == "'-East"
    assert all(cell.data_type != "f" for row in people.iter_rows() for cell in row)
    check_rows = list(checks.iter_rows(values_only=True))
    assert check_rows[0][-3:] == ("message", "what to do", "facts (JSON)")
    failing = [r for r in check_rows[1:] if r[0] == "00027" and r[3] == 1]
    assert failing == [("00027", "'=HYPERLINK(\"http://x\")", "'-East", 1, "company_experience",
                        "company experience", "fail", "11 months", "12 months",
                        "11 whole months in the company since 2025-11-27; 12 required (one year): 1 short",
                        "1 more month in the company: met on 2026-11-27",
                        '{"months": 11, "required_months": 12, "start": "2025-11-27", '
                        '"met_on": "2026-11-27"}')]
    assert checks.auto_filter.ref == f"A1:L{len(check_rows)}"


def test_the_text_format_lists_each_person_with_the_checks_short_of_pass(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("assess", str(data), "--standard", MINI, "--as-of", AS_OF, "--format", "text") == 0
    out = capsys.readouterr().out
    assert "00027 · =HYPERLINK" in out
    assert "✗ company experience [fail] 11 whole months in the company since 2025-11-27" in out


def test_explain_prints_every_check_of_a_person_and_the_gaps_to_the_next_level(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("explain", str(data), "--employee", "00100", "--standard", MINI, "--as-of", AS_OF,
               "--stage", "certification") == 0
    out = capsys.readouterr().out
    assert out.startswith("00100 · Bo · East/Nanjing · current level 1 · highest eligible level")
    assert "L2 Service marketing level 2: not eligible" in out
    assert ('✗ Preparation [fail] Preparation: the lowest of 2 assessor ratings at level 2 is '
            '"partially meets"') in out
    assert "actual: partial (lowest of 2) · required: exceeds or meets" in out
    assert "gaps to level 2:" in out
    assert "  - Talks (measure): Talks: 2 more successful project at province level or above" in out


def test_explain_one_level_in_chinese(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("explain", str(data), "--employee", "00026", "--level", "2", "--lang", "zh",
               "--standard", MINI, "--as-of", AS_OF, "--stage", "screening") == 0
    out = capsys.readouterr().out
    assert "L2 服务营销二级: 不符合" in out
    assert "L1 " not in out and "距 1 级的差距" not in out
    assert ("✗ 公司工作经验 [未通过] 自 2025-11-26 入职公司，满 12 个月；"
            "要求 24 个月（二年），还差 12 个月") in out
    assert "→ 还需在公司工作 12 个月：2027-11-26 起满足" in out


def test_explain_an_unknown_employee_exits_2(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("explain", str(data), "--employee", "nobody", "--standard", MINI, "--as-of", AS_OF) == 2
    assert "no employee 'nobody'" in capsys.readouterr().err


def test_generate_writes_an_organisation_that_assess_reads(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "generated"
    assert run("generate", "--employees", "40", "--seed", "7", "--as-of", AS_OF, "--standard", MINI,
               "-o", str(folder)) == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "employees.csv", "evidence.csv", "exams.csv", "performance.csv", "ratings.csv"]
    capsys.readouterr()
    assert run("assess", str(folder), "--standard", MINI, "--as-of", AS_OF) == 0
    assert len(capsys.readouterr().out.splitlines()) == 40


def test_generate_a_workbook(tmp_path: Path) -> None:
    out = tmp_path / "org.xlsx"
    assert run("generate", "--employees", "10", "--as-of", AS_OF, "--standard", MINI, "-o", str(out)) == 0
    assert {"employees", "performance", "exams", "evidence", "ratings"} <= set(load_workbook(out).sheetnames)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org.xlsx"]


def test_the_xlsx_lists_checks_within_reach_unless_all_checks_are_asked_for(
        data: Path, tmp_path: Path) -> None:
    def levels_of_00026(*extra: str) -> set[int]:
        out = tmp_path / f"assessment{len(extra)}.xlsx"
        assert run("assess", str(data), "--standard", MINI, "--as-of", AS_OF, "-o", str(out), *extra) == 0
        rows = list(load_workbook(out).worksheets[1].iter_rows(min_row=2, values_only=True))
        return {row[3] for row in rows if row[0] == "00026"}

    # current level 0; the knowledge policy lets the best apply two levels above
    assert levels_of_00026() == {2}
    assert levels_of_00026("--all-checks") == {2, 3, 4, 5}


def test_explain_fail_exits_1_only_when_the_person_is_not_eligible_for_the_level(data: Path) -> None:
    common = ["--standard", MINI, "--as-of", AS_OF, "--stage", "screening", "--level", "1", "--fail"]
    assert run("explain", str(data), "--employee", "00026", *common) == 0  # 12 months on 2026-11-26
    assert run("explain", str(data), "--employee", "00027", *common) == 1  # 11 months: not yet


def test_assess_and_explain_give_the_same_stage_and_as_of_by_default(
        data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from qualify.services import clock

    # 00:30 in China is still the day before in UTC: both commands say the China date
    monkeypatch.setattr(clock, "utc_now", lambda: dt.datetime(2026, 12, 3, 16, 30, tzinfo=dt.UTC))
    monkeypatch.delenv("TIME_ZONE", raising=False)
    assert run("assess", str(data), "--standard", MINI) == 0
    decision = json.loads(capsys.readouterr().out.splitlines()[0])
    assert run("explain", str(data), "--employee", decision["employee_id"], "--standard", MINI) == 0
    header = capsys.readouterr().out.splitlines()[1]
    assert (decision["stage"], decision["as_of"]) == ("screening", "2026-12-04")
    assert header.endswith("as of 2026-12-04 · stage screening")


def test_checks_failing_leaves_out_the_passed_checks_and_the_summary_states_the_output_size(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    every, failing = tmp_path / "all.jsonl", tmp_path / "failing.jsonl"
    assert run("assess", str(data), "--standard", MINI, "--as-of", AS_OF, "-o", str(every)) == 0
    assert f"output 24.1 kB ({every.stat().st_size} bytes)" in capsys.readouterr().err
    assert run("assess", str(data), "--standard", MINI, "--as-of", AS_OF, "--checks", "failing",
               "-o", str(failing)) == 0
    full = [json.loads(line) for line in every.read_text(encoding="utf-8").splitlines()]
    short = [json.loads(line) for line in failing.read_text(encoding="utf-8").splitlines()]
    assert [d["levels"][0]["outcome"] for d in short] == [d["levels"][0]["outcome"] for d in full]
    assert [d["gaps"] for d in short] == [d["gaps"] for d in full]
    for mine, theirs in zip(short, full, strict=True):
        for level, whole in zip(mine["levels"], theirs["levels"], strict=True):
            assert level["checks"] == [c for c in whole["checks"] if c["outcome"] != "pass"]
    assert any(c["outcome"] == "pass" for d in full for lv in d["levels"] for c in lv["checks"])
    assert failing.stat().st_size < every.stat().st_size


def test_parquet_has_one_row_per_check_for_analysts(data: Path, tmp_path: Path) -> None:
    import polars as pl

    out = tmp_path / "decisions.parquet"
    assert run("assess", str(data), "--standard", MINI, "--as-of", AS_OF, "-o", str(out)) == 0
    frame = pl.read_parquet(out)
    assert frame.columns[:8] == ["employee_id", "current_level", "highest_eligible_level", "level",
                                 "level_outcome", "rule", "outcome", "warning"]
    ada = frame.filter(pl.col("employee_id") == "00026", pl.col("level") == 1)
    assert ada.get_column("rule").cast(pl.String).to_list() == [
        "company_experience", "family_experience", "performance", "knowledge"]
    assert set(frame.get_column("employee_id")) == {"00026", "00027", "00100"}


def test_a_parquet_output_needs_a_file(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("assess", str(data), "--standard", MINI, "--format", "parquet") == 2
    assert "needs -o" in capsys.readouterr().err
