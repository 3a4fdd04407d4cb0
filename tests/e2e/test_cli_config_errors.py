"""A bad setting stops `qualify serve`, `demo` and `manage` with one line naming it, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("command", [["manage", "check"], ["serve", "--port", "1"], ["demo", "--port", "1"]])
def test_the_commands_print_one_line_for_a_bad_setting_not_a_traceback(
        tmp_path: Path, command: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUALIFY_", "DJANGO_", "PYTEST_"))}
    env.update({"QUALIFY_SESSION_HOURS": "abc", "QUALIFY_LANG": "en", "QUALIFY_HOME": str(tmp_path),
                "SECRET_KEY": "x" * 40})
    result = subprocess.run([sys.executable, "-m", "qualify", *command], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: bad-config QUALIFY_SESSION_HOURS=abc (in the environment): not a whole number"
    ]
