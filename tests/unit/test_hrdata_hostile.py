"""Hostile workbooks are refused before a parser sees them, with one line that names the file
(issue 11). Memory is measured in ``bench/hostile.py``; here: what the user sees."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from qualify.core.errors import InvalidInput
from qualify.core.standard import Standard
from qualify.formats.hrdata import read_hr_data
from qualify.formats.standard_yaml import load_standard
from qualify.formats.xlsx_guard import Limits, check_workbook

TESTS = Path(__file__).resolve().parents[1]


def _hostile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_qualify_hostile_xlsx", TESTS / "hostile_xlsx.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hostile = _hostile()

EXPECTED = {
    "huge-dimension": "workbook-too-many-cells",
    "wide-dimension": "workbook-too-many-cells",
    "far-cell": "workbook-too-many-cells",
    "zip-bomb": "workbook-too-large",
    "sheet-bomb": "workbook-compression-ratio",
    "many-entries": "workbook-too-many-entries",
    "lying-size": "workbook-compression-ratio",
}


@pytest.fixture(scope="module")
def mini() -> Standard:
    return load_standard(TESTS / "fixtures" / "mini@1.0.yaml")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {name: make(folder / f"{name}.xlsx") for name, make in hostile.HOSTILE.items()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_workbook_is_refused_with_one_line_naming_the_file(
        name: str, files: dict[str, Path], mini: Standard) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_hr_data(files[name], mini)

    [problem] = caught.value.problems
    assert (problem.code, problem.file) == (EXPECTED[name], str(files[name]))
    assert "QUALIFY_XLSX_" in problem.message_en and "QUALIFY_XLSX_" in problem.message_zh


def test_every_hostile_file_is_small_on_disk(files: dict[str, Path]) -> None:
    sizes = {name: path.stat().st_size for name, path in files.items()}

    assert max(sizes.values()) < 4 * 1024 * 1024, sizes


def test_a_good_workbook_passes_the_guard_and_is_read(tmp_path: Path, mini: Standard) -> None:
    path = hostile.good_workbook(tmp_path / "hr.xlsx")

    check_workbook(path)
    assert read_hr_data(path, mini).employees.height == 1


def test_the_limits_are_configurable(tmp_path: Path, mini: Standard, monkeypatch: pytest.MonkeyPatch) -> None:
    path = hostile.zip_bomb(tmp_path / "big.xlsx", megabytes=12)
    monkeypatch.setenv("QUALIFY_XLSX_MAX_RATIO", "2000")

    assert read_hr_data(path, mini).employees.height == 1  # the big part is an image: never read

    monkeypatch.setenv("QUALIFY_XLSX_MAX_UNCOMPRESSED_MB", "10")
    with pytest.raises(InvalidInput) as caught:
        read_hr_data(path, mini)
    assert "more than 10 MB" in caught.value.problems[0].message_en


def test_limits_from_a_bad_environment_fall_back_to_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALIFY_XLSX_MAX_CELLS", "lots")
    monkeypatch.setenv("QUALIFY_XLSX_MAX_ENTRIES", "-1")

    assert Limits.from_environment() == Limits()


def test_a_file_that_is_not_a_zip_is_left_to_the_reader_to_report(tmp_path: Path, mini: Standard) -> None:
    (tmp_path / "hr.xlsx").write_bytes(b"not a workbook")

    check_workbook(tmp_path / "hr.xlsx")
    with pytest.raises(InvalidInput) as caught:
        read_hr_data(tmp_path / "hr.xlsx", mini)
    assert [p.code for p in caught.value.problems] == ["unreadable"]


def test_an_exported_comparison_table_that_is_a_bomb_is_refused_too(tmp_path: Path) -> None:
    from qualify.formats.standard_xlsx import read_workbook

    path = hostile.far_cell(tmp_path / "比较表.xlsx")

    with pytest.raises(InvalidInput) as caught:
        read_workbook(path)

    assert [p.code for p in caught.value.problems] == ["workbook-too-many-cells"]
