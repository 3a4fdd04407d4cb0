"""Facts and unknown parts of the standard on the command line: ``explain --format json``, the text
and xlsx outputs of ``assess`` at the certification stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qualify.cli.main import main
from qualify.services.standards import shipped_files

SHIPPED = next((p for p in shipped_files() if p.stem == "service-marketing@2.0"), None)
pytestmark = pytest.mark.skipif(SHIPPED is None, reason="the shipped standard is not there")
AS_OF = "2026-11-26"


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALIFY_LANG", "en")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("org") / "generated"
    assert main(["generate", "--employees", "40", "--seed", "3", "--as-of", AS_OF, "--standard",
                 "service-marketing@2.0", "-o", str(folder)]) == 0
    return folder


def accepting_copy(tmp_path: Path) -> Path:
    assert SHIPPED is not None
    copy = tmp_path / SHIPPED.name
    text = SHIPPED.read_text(encoding="utf-8")
    copy.write_text(text.replace("\ncompleteness:\n", "\ncompleteness:\n  unknown_requirements: accept\n", 1),
                    encoding="utf-8")
    return copy


def first_employee(data: Path) -> str:
    return (data / "employees.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]


def test_explain_as_json_shows_every_checks_facts(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(data), "--employee", first_employee(data), "--as-of", AS_OF,
                 "--standard", "service-marketing@2.0", "--format", "json", "--level", "3",
                 "--stage", "certification"]) == 0
    decided = json.loads(capsys.readouterr().out)
    assert [lv["level"] for lv in decided["levels"]] == [3]
    checks = {c["rule"]: c for c in decided["levels"][0]["checks"]}
    experience = checks["company_experience"]
    assert experience["facts"]["months"] == int(experience["actual"].split()[0])
    assert experience["facts"]["required_months"] == int(experience["required"].split()[0])
    unknown = checks["standard.unknown"]
    assert unknown["outcome"] == "missing" and unknown["facts"]["accepted"] is False


def test_the_xlsx_lists_an_accepted_unknown_part_as_a_pass_with_a_warning(
        data: Path, tmp_path: Path) -> None:
    out = tmp_path / "screening.xlsx"
    assert main(["assess", str(data), "--standard", str(accepting_copy(tmp_path)), "--as-of", AS_OF,
                 "--stage", "certification", "--format", "xlsx", "-o", str(out)]) == 0
    sheet = load_workbook(out, read_only=True).worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    unknown = [r for r in rows[1:] if r[4] == "standard.unknown"]
    assert unknown, "no standard.unknown row"
    assert {r[6] for r in unknown} == {"pass (warning)"}
    assert all(str(r[9]).startswith("warning:") for r in unknown)
    assert all(json.loads(r[11])["accepted"] is True for r in unknown)


def test_the_text_output_marks_an_unknown_part_as_missing_by_default(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(data), "--standard", "service-marketing@2.0", "--as-of", AS_OF,
                 "--stage", "certification", "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "? unknown part of the standard [missing] the standard of level 3 has unknown parts" in out
