"""Suite-wide rules. In CI (``CI=true``) a skipped test is a failure: nothing may pass by not running."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings


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


# --- hypothesis ------------------------------------------------------------------------------------
# Property tests are never timed (speed goals live in bench/), so no deadline. In CI the examples are
# derandomised, the same on every run, and a failure prints the blob that reproduces it
# (@reproduce_failure); elsewhere each run explores new examples.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.load_profile("ci" if _in_ci() else os.environ.get("HYPOTHESIS_PROFILE", "dev"))
