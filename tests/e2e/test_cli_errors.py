"""Error lines of the command line: one line per problem, in the user's language, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualify.cli.main import main


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "employees.csv").write_text("employee_id,name\n001,甲\n", encoding="utf-8")
    return folder


def test_errors_are_in_chinese_by_default_with_sheet_and_column(
        bad_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUALIFY_LANG", raising=False)
    assert main(["assess", str(bad_folder), "--as-of", "2026-11-26"]) == 2
    err = capsys.readouterr().err
    assert "错误: " in err
    assert "工作表 employees，列 hire_date" in err
    assert "Traceback" not in err


def test_lang_en_gives_english_error_lines(bad_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(bad_folder), "--as-of", "2026-11-26", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "error: " in err
    assert "sheet employees, column hire_date" in err


def test_an_unexpected_failure_is_one_line_without_a_traceback(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import qualify.services.standards as standards

    def explode() -> list[object]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(standards, "list_standards", explode)
    monkeypatch.setattr("qualify.cli.standard.list_standards", explode, raising=False)
    assert main(["standard", "list"]) == 2
    err = capsys.readouterr().err
    assert "disk on fire" in err
    assert "Traceback" not in err


def test_qualify_lang_sets_the_language_of_a_commands_output_as_well_as_its_errors(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALIFY_LANG", "en")
    assert main(["standard", "list"]) == 0
    assert "levels" in capsys.readouterr().out
    monkeypatch.delenv("QUALIFY_LANG")
    assert main(["standard", "list"]) == 0
    assert "级" in capsys.readouterr().out


def test_assess_speaks_chinese_by_default_like_its_error_lines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUALIFY_LANG", raising=False)
    fixture = Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml"
    assert main(["generate", "-o", str(tmp_path / "org"), "-n", "5", "--standard", str(fixture)]) == 0
    capsys.readouterr()
    assert main(["assess", str(tmp_path / "org"), "--standard", str(fixture), "--as-of", "2026-11-26"]) == 0
    err = capsys.readouterr().err
    assert "已评估 5 人" in err
    assert "最高符合等级：" in err
