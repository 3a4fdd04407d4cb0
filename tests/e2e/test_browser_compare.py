"""The comparison table in Chromium: HR picks two levels, then two others, switches the language and
then compares two versions; the highlighted differences follow each choice. On a phone-sized window
the table scrolls sideways with the first column held in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.standards import MINI_1_1_CHANGES, build_test_standards, use_standards

MINI = Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml"
CHANGE = MINI_1_1_CHANGES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def standards_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_test_standards(tmp_path_factory.mktemp("standards"), MINI)


@pytest.fixture(autouse=True)
def standards(standards_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_standards(standards_folder, monkeypatch)


def cell(page: Any, row: str, level: int) -> Any:
    return page.locator(f'#compare-table tr[data-row="{row}"] td[data-level="{level}"]')


def compare_levels(page: Any, a: int, b: int) -> None:
    page.select_option("#id_a", str(a))
    page.select_option("#id_b", str(b))
    with page.expect_navigation():
        page.click("#levels-form button[type=submit]")


def test_the_comparison_page_follows_the_chosen_levels_language_and_version(
        page: Any, login: Any, live_server: Any) -> None:
    login("hr")
    page.goto(f"{live_server.url}/standards/mini@1.1/compare/")
    assert page.locator("#compare-table thead th.colhead").count() == 5

    # level 2 against level 1: the second item of "preparation" is new at level 2
    compare_levels(page, 1, 2)
    assert "a=1" in page.url and "b=2" in page.url
    assert page.locator("#compare-table thead th.colhead").all_inner_texts()[1].lstrip().startswith("2")
    prep = cell(page, "element:talk-prep", 2)
    assert prep.get_attribute("data-kind") == "changed"
    assert prep.locator("li.i-added .t").all_inner_texts() == [CHANGE["added_item"]["zh"]]

    # level 3 against level 2: nothing is new in "preparation", an item is dropped instead
    compare_levels(page, 2, 3)
    prep = cell(page, "element:talk-prep", 3)
    assert prep.locator("li.i-added").count() == 0
    assert prep.locator("li.i-dropped").count() == 1
    assert cell(page, "element:talk-prep", 1).count() == 0  # level 1 is no longer on the table

    # the language switch keeps the levels and shows the standard's own texts in English
    with page.expect_navigation():
        page.click('.lang-switch button[value="en"]')
    assert page.locator("html").get_attribute("lang") == "en"
    assert "a=2" in page.url and "b=3" in page.url
    prep = cell(page, "element:talk-prep", 3)
    assert prep.locator("li.i-dropped del").inner_text() == CHANGE["added_item"]["en"]
    assert "Level 3 against level 2" in page.locator("#compare-mode").inner_text()

    # two versions: what mini@1.1 adds to mini@1.0 is highlighted, level by level
    page.select_option("#id_other", "mini@1.0")
    with page.expect_navigation():
        page.click("#versions-form button[type=submit]")
    review = cell(page, "element:review", 3)
    assert review.get_attribute("data-kind") == "added"
    assert review.locator("li.i-added .t").inner_text() == CHANGE["new_element_item"]["en"]
    assert cell(page, "condition:company_experience", 4).get_attribute("data-kind") == "changed"
    assert page.locator("#other-changes").is_visible()


def test_on_a_phone_the_table_scrolls_sideways_with_the_first_column_held(
        page: Any, login: Any, live_server: Any) -> None:
    login("employee")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/standards/mini@1.1/compare/")
    wrap = page.locator(".compare-wrap")
    head = page.locator('#compare-table tr[data-row="element:talk-prep"] th.rowhead')
    wrap.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself does not scroll
    before = head.bounding_box()
    level_5 = cell(page, "element:talk-prep", 5)
    assert level_5.bounding_box()["x"] > 390  # off screen to the right
    wrap.evaluate("el => el.scrollLeft = el.scrollWidth")
    after = head.bounding_box()
    assert after["x"] == pytest.approx(before["x"], abs=1)
    assert level_5.bounding_box()["x"] < 390
