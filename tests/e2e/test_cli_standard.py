"""``qualify standard …`` as a user runs it: output, exit codes, files written (or not)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from qualify.cli.main import main
from qualify.core.standard import Standard
from qualify.services.standards import get_standard


@pytest.fixture(autouse=True)
def english_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read English error lines and output unless they ask for ``--lang zh``; Chinese is the
    default (tested in test_cli_errors)."""
    monkeypatch.setenv("QUALIFY_LANG", "en")


FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml"
Cap = pytest.CaptureFixture[str]


def run(capsys: Cap, *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``qualify ARGV``."""
    try:
        code = main(list(argv))
    except SystemExit as done:  # lint's exit 1 leaves main() as SystemExit
        code = int(done.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def fixture_copy(tmp_path: Path, change: object = None) -> Path:
    """The mini fixture in tmp_path, made consistent (complete: false), optionally changed."""
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["completeness"] = {"complete": False, "note": {"zh": "测试", "en": "test"},
                            "ends_at_module": "talks"}
    if callable(change):
        change(data)
    path = tmp_path / "mini@1.0.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_list_shows_each_shipped_standard_with_its_status(capsys: Cap) -> None:
    code, out, _ = run(capsys, "standard", "list", "--lang", "en")
    assert code == 0
    assert "service-marketing@2.0\tpublished\tincomplete\t5 levels" in out


def test_show_json_is_the_complete_standard_with_every_vocabulary_code(capsys: Cap) -> None:
    code, out, _ = run(capsys, "standard", "show", str(FIXTURE), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert Standard.model_validate(data) == get_standard(str(FIXTURE))
    assert [t["code"] for t in data["vocabularies"]["scopes"]] == ["city", "prefecture", "province", "region",
                                                                   "national"]
    assert data["levels"][0]["name"] == {"zh": "服务营销一级", "en": "Service marketing level 1"}


def test_show_one_level_prints_its_conditions_and_criteria_in_the_chosen_language(
        capsys: Cap) -> None:
    code, out, _ = run(capsys, "standard", "show", str(FIXTURE), "--level", "2", "--lang", "en")
    assert code == 0
    assert "Level 2  Service marketing level 2" in out
    assert "Company experience: two years (24 months)" in out
    assert "level 2 item one" in out and "level 3 item one" not in out
    assert "Elements without a criterion at this level" not in out


def test_show_piped_never_cuts_a_chinese_text(capsys: Cap) -> None:
    code, out, _ = run(capsys, "standard", "show", "service-marketing@2.0", "--lang", "zh")
    assert code == 0
    standard = get_standard("service-marketing@2.0")
    lines = out.splitlines()
    for module in standard.modules:
        for element in module.elements:
            for criterion in element.criteria:
                for n, item in enumerate(criterion.items, 1):
                    assert any(line.endswith(f"{n}、{item.zh}") for line in lines), item.zh
    assert standard.knowledge.policy.note.zh in out


def test_show_an_unknown_level_is_an_error_with_exit_2(capsys: Cap) -> None:
    code, _, err = run(capsys, "standard", "show", str(FIXTURE), "--level", "9")
    assert code == 2
    assert err.strip() == "error: level-not-found mini@1.0 has no level 9; levels: [1, 2, 3, 4, 5]"


def test_compare_two_levels_shows_them_side_by_side_with_what_changed(capsys: Cap) -> None:
    code, out, _ = run(capsys, "standard", "compare", str(FIXTURE), "1", "2", "--lang", "en")
    assert code == 0
    assert "mini@1.0: Level 1 → Level 2" in out
    assert "+1. level 2 item one" in out  # talk-delivery starts at level 2
    assert "1 added, 3 changed, 0 dropped, 0 the same" in out


def test_compare_levels_as_json_is_structured_for_programs(capsys: Cap) -> None:
    code, out, _ = run(capsys, "standard", "compare", str(FIXTURE), "3", "4", "--format", "json")
    assert code == 0
    result = json.loads(out)
    cells = {e["code"]: e["cell"]["kind"] for m in result["modules"] for e in m["elements"]}
    assert cells == {"talk-prep": "dropped", "talk-delivery": "changed", "reporting": "changed"}


def test_compare_two_files_lists_the_differences_by_section(tmp_path: Path,
                                                            capsys: Cap) -> None:
    def bump(data: dict[str, object]) -> None:
        data["version"] = "1.1"
        data["modules"][0]["elements"][0]["criteria"][0]["items"][0]["zh"] = "新的条目"  # type: ignore[index]

    newer = fixture_copy(tmp_path, bump)
    code, out, _ = run(capsys, "standard", "compare", str(FIXTURE), str(newer), "--lang", "zh")
    assert code == 0
    assert "mini@1.0 → mini@1.1" in out
    assert ("~ modules[talks].elements[talk-prep].criteria[level 1].items (变更): "
            "1、第1级条目一 / level 1 item one  →  1、新的条目 / level 1 item one") in out


def test_lint_of_a_clean_file_exits_0(tmp_path: Path, capsys: Cap) -> None:
    code, out, _ = run(capsys, "standard", "lint", str(fixture_copy(tmp_path)), "--lang", "en")
    assert (code, out.strip().splitlines()[-1]) == (0, f"{tmp_path / 'mini@1.0.yaml'}: no findings")


def test_lint_findings_name_file_line_path_and_code_and_exit_1(tmp_path: Path,
                                                               capsys: Cap) -> None:
    path = fixture_copy(tmp_path, lambda d: d["modules"][1].update(code="talks"))
    code, out, _ = run(capsys, "standard", "lint", str(path), "--lang", "en")
    assert code == 1
    line = out.splitlines()[0]
    assert line.startswith(f"{path}:") and ": modules[1].code: QS010 duplicate module code 'talks'" in line
    number = int(line[len(str(path)) + 1:].split(":")[0])
    assert path.read_text(encoding="utf-8").splitlines()[number - 1].endswith("code: talks")


def test_lint_of_something_that_is_not_yaml_exits_2(tmp_path: Path, capsys: Cap) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("family: [mini\n", encoding="utf-8")
    code, out, err = run(capsys, "standard", "lint", str(broken))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {broken}, line 2, column 1: yaml-syntax not valid YAML")
    code, _, err = run(capsys, "standard", "lint", str(tmp_path))
    assert code == 2 and "cannot read the file" in err


def test_export_xlsx_then_import_gives_back_the_same_yaml(tmp_path: Path, capsys: Cap) -> None:
    book, back = tmp_path / "mini.xlsx", tmp_path / "back.yaml"
    assert run(capsys, "standard", "export", str(FIXTURE), "-o", str(book))[0] == 0
    code, out, _ = run(capsys, "standard", "import", str(book), "-o", str(back), "--lang", "en")
    assert code == 0 and f"wrote {back} (mini@1.0, 0 edit(s) taken)" in out
    written = yaml.safe_load(back.read_text(encoding="utf-8"))
    assert Standard.model_validate(written) == get_standard(str(FIXTURE))


def test_an_edit_in_the_workbook_is_reported_and_lands_in_the_yaml(tmp_path: Path,
                                                                   capsys: Cap) -> None:
    book, back = tmp_path / "mini.xlsx", tmp_path / "back.yaml"
    run(capsys, "standard", "export", str(FIXTURE), "--lang", "zh", "-o", str(book))
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["比较表"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 8).value == "element:reporting")
    sheet.cell(row, 4).value = "1、修改后的二级条目"
    workbook.save(book)
    code, out, _ = run(capsys, "standard", "import", str(book), "-o", str(back), "--lang", "zh")
    assert code == 0
    assert f"比较表!D{row}: 行为要素 reporting 的 2 级：已采用工作簿中的测评标准条目（1 条）（zh）" in out
    assert "修改后的二级条目" in back.read_text(encoding="utf-8")


def test_export_yaml_to_stdout_and_json_to_a_file(tmp_path: Path, capsys: Cap) -> None:
    code, out, _ = run(capsys, "standard", "export", str(FIXTURE), "--format", "yaml")
    assert code == 0 and Standard.model_validate(yaml.safe_load(out)) == get_standard(str(FIXTURE))
    target = tmp_path / "mini.json"
    assert run(capsys, "standard", "export", str(FIXTURE), "--format", "json", "-o", str(target))[0] == 0
    assert json.loads(target.read_text(encoding="utf-8"))["family"] == "mini"


def test_export_xlsx_without_an_output_file_is_an_error(capsys: Cap) -> None:
    code, out, err = run(capsys, "standard", "export", str(FIXTURE), "--lang", "en")
    assert (code, out) == (2, "")
    assert err.strip() == "error: usage exporting xlsx: give the output file with -o FILE"


def test_a_bad_workbook_gets_one_line_per_problem_exit_2_and_writes_nothing(
        tmp_path: Path, capsys: Cap) -> None:
    book, back = tmp_path / "mini.xlsx", tmp_path / "back.yaml"
    run(capsys, "standard", "export", str(FIXTURE), "--lang", "zh", "-o", str(book))
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["比较表"]
    rows = {sheet.cell(r, 8).value: r for r in range(1, sheet.max_row + 1)}
    sheet.cell(rows["gate:company_experience"], 3).value = "两年"
    sheet.cell(rows["gate:performance"], 5).value = "=1+1"
    workbook.save(book)
    code, out, err = run(capsys, "standard", "import", str(book), "-o", str(back))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"error: {book}, sheet 比较表, row {rows['gate:company_experience']}, column C: xlsx this cell "
        "stands for data (months, ratings, policy bands) and cannot be edited in the workbook; change it "
        "in the YAML file",
        f"error: {book}, sheet 比较表, row {rows['gate:performance']}, column E: xlsx formulas are not "
        "allowed in the table",
    ]
    assert not back.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["mini.xlsx"]


def test_a_file_that_is_not_a_workbook_is_rejected_without_a_traceback(
        tmp_path: Path, capsys: Cap) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("hello", encoding="utf-8")
    code, _, err = run(capsys, "standard", "import", str(fake), "-o", str(tmp_path / "out.yaml"))
    assert code == 2
    assert err.splitlines() == [f"error: {fake}: xlsx not an Excel workbook (.xlsx): File is not a zip file"]
    assert "Traceback" not in err


def test_the_installed_console_script_lints_with_exit_codes_a_script_can_rely_on(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "qualify"
    command = str(script) if script.exists() else shutil.which("qualify")
    assert command, "the qualify console script is not installed (pip install -e .)"
    bad = fixture_copy(tmp_path, lambda d: d["behaviour_rule"].update(passing=["great"]))
    done = subprocess.run([command, "standard", "lint", str(bad), "--lang", "en"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "behaviour_rule.passing[0]: QS052 rating 'great' is not among the behaviour ratings" in done.stdout
    clean = subprocess.run([command, "standard", "lint", "service-marketing@2.0"], capture_output=True,
                           text=True, timeout=60, check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_show_of_a_malformed_standard_prints_one_line_per_problem_and_exits_2(
        tmp_path: Path, capsys: Cap) -> None:
    def break_it(data: dict[str, object]) -> None:
        data["levels"][0]["company_experience"]["months"] = "a year"  # type: ignore[index]
        data["modules"][1]["elements"][0]["colour"] = "red"  # type: ignore[index]

    path = fixture_copy(tmp_path, break_it)
    code, out, err = run(capsys, "standard", "show", str(path))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"error: {path}, levels[0].company_experience.months: schema Input should be a valid integer, unable "
        "to parse string as an integer",
        f"error: {path}, modules[1].elements[0].colour: schema Extra inputs are not permitted",
    ]


def test_lint_reads_an_exported_workbook_too(tmp_path: Path, capsys: Cap) -> None:
    book = tmp_path / "sm.xlsx"
    run(capsys, "standard", "export", "service-marketing@2.0", "--lang", "en", "-o", str(book))
    code, out, _ = run(capsys, "standard", "lint", str(book), "--lang", "en")
    assert (code, out.strip()) == (0, f"{book}: no findings")
