"""Writing decisions: atomic files, neutralised cells, readable rule names."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from qualify.formats.decisions import atomic_path, neutralise, rule_label
from qualify.formats.standard_yaml import load_standard

MINI = load_standard(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")


def test_a_write_that_fails_half_way_leaves_the_earlier_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "decisions.jsonl"
    target.write_text("earlier\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "earlier\n"
    assert [p.name for p in tmp_path.iterdir()] == ["decisions.jsonl"]


def test_a_new_file_gets_the_permissions_the_umask_gives_and_a_replaced_one_keeps_its_own(
        tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "decisions.jsonl"
        with atomic_path(target) as temporary:
            temporary.write_text("new\n", encoding="utf-8")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644  # not the temporary file's 0600
        target.chmod(0o640)
        with atomic_path(target) as temporary:
            temporary.write_text("newer\n", encoding="utf-8")
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_a_complete_write_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "decisions.jsonl"
    with atomic_path(target) as temporary:
        temporary.write_text("new\n", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new\n"


def test_cells_that_could_run_as_formulas_are_neutralised() -> None:
    assert [neutralise(v) for v in ("=1+1", "+1", "-1", "@x", "a=b", 3, None)] == [
        "'=1+1", "'+1", "'-1", "'@x", "a=b", 3, None]


def test_rules_are_named_in_the_reader_s_language() -> None:
    assert rule_label(MINI, "company_experience", "zh") == "公司工作经验"
    assert rule_label(MINI, "behaviour:talk-prep", "en") == "Preparation"
    assert rule_label(MINI, "measure:talks", "zh") == "宣讲衡量标准"
    assert rule_label(MINI, "measure:unknown", "en") == "measure:unknown"
