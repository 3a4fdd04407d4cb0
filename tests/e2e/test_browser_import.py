"""In Chromium: HR imports a workbook with errors, reads the report row by row, fixes it, imports it;
the background worker checks and applies each upload while the page waits and refreshes itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qualify.services.standards import get_standard
from qualify.web.people.importing import default_standard_id
from qualify.web.people.models import Person
from tests.support.imports import work
from tests.support.org import edit_workbook, hr_workbook, make_user, read_cell

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return hr_workbook(tmp_path / "人事数据.xlsx", get_standard(default_standard_id()), people=15)


def test_hr_fixes_a_rejected_workbook_and_imports_it(page: Any, live_server: Any, users: dict[str, Any],
                                                      workbook: Path, tmp_path: Path) -> None:
    standard = get_standard(default_standard_id())
    make_user("hr-sm", ["hr"], hr_families=[standard.family])
    good_date = read_cell(workbook, "employees", 4, "hire_date")
    edit_workbook(workbook, {("employees", 4, "hire_date"): "2026-13-45",
                             ("performance", 6, "rating"): "A++"})

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "hr-sm")
    page.fill("#id_password", "demo-password-2026")
    page.click("button[type=submit].primary")
    page.goto(f"{live_server.url}/import/")
    assert page.locator("h1").inner_text() == "导入人事数据"

    page.set_input_files("#id_file", str(workbook))
    page.click("form.upload button[type=submit]")
    page.wait_for_url("**/import/*/")
    assert page.locator("[data-import-waiting]").is_visible()  # stored and queued: nothing read yet
    assert work() == 1
    page.wait_for_selector(".callout.error", timeout=15_000)  # the page noticed by itself and reloaded
    assert "被拒绝" in page.locator(".callout.error").inner_text()
    rows = page.locator("table.problems tbody tr")
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    assert cells[0][:3] == ["employees", "4", "hire_date"]
    assert "不是日期" in cells[0][3]
    assert cells[1][:3] == ["performance", "6", "rating"]
    assert Person.objects.filter(job_family=standard.family).count() == 0

    # the same report in English
    page.click("header form.lang button[value=en]")
    page.wait_for_load_state()
    assert "is not a date" in page.locator("table.problems").inner_text()

    # fix the two cells and upload the file again from the report page
    edit_workbook(workbook, {("employees", 4, "hire_date"): good_date,
                             ("performance", 6, "rating"): read_cell(workbook, "performance", 5, "rating")})
    page.set_input_files("#id_file", str(workbook))
    page.click("form.upload button[type=submit]")
    page.wait_for_url("**/import/*/")
    assert work() == 1
    page.wait_for_selector(".stat", timeout=15_000)
    assert page.locator(".stat").first.inner_text().startswith("15")
    assert Person.objects.filter(job_family=standard.family).count() == 0  # not yet: waiting for confirmation

    page.click("text=Import now")
    page.wait_for_load_state()
    assert "the background worker imports the data" in page.locator(".messages").inner_text()
    assert Person.objects.filter(job_family=standard.family).count() == 0  # the request wrote nothing
    assert work() == 2  # the import, then the refresh of its job family's stored standings
    page.wait_for_selector(".callout.success", timeout=15_000)
    assert "Imported" in page.locator(".callout.success").inner_text()
    assert Person.objects.filter(job_family=standard.family).count() == 15
    page.screenshot(path=str(tmp_path / "import-done.png"), full_page=True)
