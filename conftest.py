"""Suite-wide rules. In CI (``CI=true``) a skipped test is a failure: nothing may pass by not running."""

from __future__ import annotations

import os

import pytest


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not _in_ci():
        return
    skipped = len(reporter.stats.get("skipped", [])) + len(reporter.stats.get("xfailed", []))
    if skipped:
        reporter.write_line(f"CI: {skipped} test(s) skipped or xfailed; in CI that fails the run", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
