"""Hypothesis in CI: derandomised (the same examples on every run) and printing the blob that
reproduces a failure; elsewhere, new examples on each run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT_CONFTEST = Path(__file__).parents[2] / "conftest.py"
SAMPLE = """
from hypothesis import given, settings, strategies as st


def test_the_profile():
    print("PROFILE", settings.default.derandomize, settings.default.print_blob, settings.default.deadline)


@given(st.integers())
def test_fails_on_some_number(n):
    assert n < 10**6
"""


def run_sample(tmp_path: Path, *, ci: bool) -> str:
    shutil.copy(ROOT_CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in {"CI", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "HYPOTHESIS_PROFILE"}}
    if ci:
        env["CI"] = "true"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:django", "-p", "no:xdist",
         "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    return result.stdout


@pytest.mark.parametrize(("ci", "profile"), [(True, "PROFILE True True None"),
                                             (False, "PROFILE False False None")])
def test_ci_runs_hypothesis_derandomised_and_without_deadlines(
        tmp_path: Path, ci: bool, profile: str) -> None:
    out = run_sample(tmp_path, ci=ci)
    assert profile in out
    assert "1 failed, 1 passed" in out
    assert ("@reproduce_failure" in out) is ci
