"""HR screens a unit in Chromium: the run is queued, the page follows its progress while the worker
(a separate process in production; called here in the test) executes it, then shows the counts per
level, the results and the workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qualify.services import standards
from qualify.web.screening.worker import run_worker

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml"

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def mini_is_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, MINI])


def test_hr_screens_a_unit_and_sees_the_counts(page: Any, login: Any, live_server: Any) -> None:
    login("hr")
    page.goto(f"{live_server.url}/screening/")
    page.select_option("#id_standard", "mini@1.0")
    page.select_option("#id_org_unit", "north")
    page.fill("#id_as_of", "2026-11-26")
    with page.expect_navigation():
        page.click("#start-screening")
    assert page.locator("#run-progress").is_visible()  # queued: the page waits for the worker

    assert run_worker(once=True) == 1
    page.wait_for_selector("#run-counts", timeout=15_000)  # the page noticed by itself and reloaded

    counts = page.locator("#run-counts .stat")
    assert counts.first.locator(".n").inner_text() == "3"  # M001, E001, E002 (E004 is of another family)
    rows = page.locator("#level-counts tbody tr")
    assert rows.count() == 5
    assert page.locator("#results tbody tr").count() == 3
    assert "E001" in page.locator("#results").inner_text()

    with page.expect_download() as download:
        page.click("a[href$='result.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")
