"""In CI (CI=true) a skipped test fails the run: nothing may pass by not running."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT_CONFTEST = Path(__file__).parents[2] / "conftest.py"


def run_pytest(folder: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER"}}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:django", "-p", "no:xdist", "-p", "no:cacheprovider",
         str(folder)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False)


def make_suite(tmp_path: Path, body: str) -> Path:
    shutil.copy(ROOT_CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_sample.py").write_text(body, encoding="utf-8")
    return tmp_path


SKIPPING = "import pytest\n\ndef test_runs():\n    pass\n\n@pytest.mark.skip\ndef test_skipped():\n    pass\n"


def test_a_skipped_test_fails_the_run_in_ci(tmp_path: Path) -> None:
    result = run_pytest(make_suite(tmp_path, SKIPPING), ci=True)
    assert result.returncode == 1, result.stdout
    assert "skipped or xfailed; in CI that fails the run" in result.stdout


def test_outside_ci_a_skipped_test_is_only_reported(tmp_path: Path) -> None:
    assert run_pytest(make_suite(tmp_path, SKIPPING), ci=False).returncode == 0


def test_a_run_without_skips_passes_in_ci(tmp_path: Path) -> None:
    result = run_pytest(make_suite(tmp_path, "def test_runs():\n    pass\n"), ci=True)
    assert result.returncode == 0, result.stdout
