"""The standards pages and their API, with every role: the catalogue, a standard's page, the
comparison table (ladder, two levels, two versions), the xlsx download, and who may see drafts.

The shipped folder is replaced for each test by ``install_test_standards``: the real shipped
standards, the mini fixture as a draft ``mini@1.0``, and a published ``mini@1.1`` with known changes.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from django.conf import settings
from django.test import Client

from qualify.cli.main import main as cli_main
from qualify.services.standards import get_standard, list_standards
from tests.support.standards import MINI_1_1_CHANGES, build_test_standards, mini_1_1, use_standards

MINI = Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml"
CHANGE = MINI_1_1_CHANGES


@pytest.fixture(scope="module")
def standards_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_test_standards(tmp_path_factory.mktemp("standards"), MINI)


@pytest.fixture(autouse=True)
def standards(standards_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_standards(standards_folder, monkeypatch)


@pytest.fixture
def as_role(client_for: Callable[[str], Client]) -> Callable[..., Client]:
    """``as_role("hr", "en")``: a logged-in client whose pages speak that language."""

    def make(role: str, language: str = "zh-hans") -> Client:
        client = client_for(role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return make


def text(response: Any) -> str:
    return response.content.decode("utf-8")


def row_cells(html: str, row_key: str) -> dict[int, tuple[str, str]]:
    """The cells of one row of the comparison table: level → (kind, the cell's HTML)."""
    match = re.search(rf'<tr [^>]*data-row="{re.escape(row_key)}".*?</tr>', html, re.S)
    assert match, f"no row {row_key}"
    cells = {}
    for cell in re.finditer(r'<td class="cell[^"]*" data-kind="(\w+)" data-level="(\d+)">(.*?)</td>',
                            match.group(0), re.S):
        cells[int(cell.group(2))] = (cell.group(1), cell.group(3))
    return cells


def added_items(cell_html: str) -> list[str]:
    found = re.findall(r'<li class="i-added"[^>]*>.*?<span class="t"[^>]*>(.*?)</span>', cell_html, re.S)
    return [re.sub(r"<[^>]+>", "", m).strip() for m in found]


def published_shipped() -> list[Any]:
    return [s for s in list_standards() if s.status.value == "published" and not s.family.startswith("mini")]


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/standards/", "/standards/mini@1.1/", "/standards/mini@1.1/compare/",
                                  "/standards/mini@1.1/export.xlsx"])
def test_anonymous_visitors_are_sent_to_the_login_page(as_role: Any, path: str, users: Any) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_catalogue_shows_drafts_only_to_hr_and_administrators(as_role: Any) -> None:
    for role in ("employee", "manager", "assessor"):
        page = text(as_role(role).get("/standards/"))
        assert 'data-standard="mini@1.1"' in page, role
        assert 'data-standard="mini@1.0"' not in page, role
    for role in ("hr", "admin"):
        page = text(as_role(role).get("/standards/"))
        assert 'data-standard="mini@1.0"' in page, role


@pytest.mark.parametrize("role", ["employee", "manager", "assessor"])
def test_a_draft_does_not_exist_for_employees_managers_and_assessors(as_role: Any, role: str) -> None:
    client = as_role(role)
    for path in ("/standards/mini@1.0/", "/standards/mini@1.0/compare/", "/standards/mini@1.0/export.xlsx",
                 "/standards/mini@1.0/compare/?a=1&b=2"):
        assert client.get(path).status_code == 404, path
    response = client.get("/api/standards/mini@1.0")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not-found"


def test_hr_reads_a_draft(as_role: Any) -> None:
    response = as_role("hr", "en").get("/standards/mini@1.0/")
    assert response.status_code == 200
    assert "draft" in text(response)


def test_an_id_that_is_not_a_shipped_standard_is_not_found_and_never_read_as_a_file(as_role: Any) -> None:
    client = as_role("admin")
    for ref in ("mini@9.9", "pyproject.toml", "mini@1.0.yaml"):
        assert client.get(f"/standards/{ref}/").status_code == 404, ref
        assert client.get(f"/api/standards/{ref}").status_code == 404, ref


# --- the catalogue and a standard's page ------------------------------------------------------------


def test_the_catalogue_counts_levels_and_modules_and_flags_an_incomplete_source(as_role: Any) -> None:
    page = text(as_role("employee", "en").get("/standards/"))
    cards = {card.split('"', 1)[0]: card for card in page.split('data-standard="')[1:]}
    for std in published_shipped():
        card = cards[std.id]
        assert f"<b>{len(std.levels)}</b> levels" in card
        assert f"<b>{len(std.modules)}</b> behaviour modules" in card
        assert ("Incomplete source" in card) == (not std.completeness.complete)


def test_the_standard_page_shows_every_module_and_element_of_each_shipped_standard(as_role: Any) -> None:
    client = as_role("employee")
    for std in published_shipped():
        page = text(client.get(f"/standards/{std.id}/"))
        for module in std.modules:
            assert f'id="module-{module.code}"' in page
            assert module.name.zh in page
            for element in module.elements:
                assert f'id="element-{element.code}"' in page
                assert element.name.zh in page
        for reading in std.readings:
            assert f'id="reading-{reading.code}"' in page


def test_a_reading_about_a_ladder_or_the_knowledge_names_it_in_the_readers_language(as_role: Any) -> None:
    client = as_role("employee")
    page = text(client.get("/standards/service-marketing@2.0/"))
    row = page[page.index('id="reading-reading-scopes"'):]
    assert "范围（由小到大）" in row[:row.index("</tr>")]
    assert "vocabularies.scopes" not in page
    row = page[page.index('id="reading-reading-knowledge-ranking"'):]
    assert "知识要求" in row[:row.index("</tr>")]


def test_the_standard_page_says_where_an_incomplete_source_ends(as_role: Any, standards: Path) -> None:
    data = mini_1_1(yaml.safe_load(MINI.read_text(encoding="utf-8")))
    data["version"] = "1.2"
    data["completeness"] = {"complete": False, "ends_at_module": "reports", "ends_at_element": "reporting",
                            "ends_at_level": 4,
                            "note": {"zh": "原文止于报告四级", "en": "the source stops at reports"}}
    (standards / "mini@1.2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        page = text(as_role("employee", "en").get("/standards/mini@1.2/"))
    finally:
        (standards / "mini@1.2.yaml").unlink()
    assert "This standard is incomplete" in page
    assert "the source stops at reports" in page
    assert "The known source ends at:</b> Reports › Reporting › level 4" in page
    assert 'id="element-reporting"' in page
    reporting = page[page.index('id="element-reporting"'):]
    assert "the known source ends here" in reporting[:600]
    for std in published_shipped():
        if not std.completeness.complete:
            shipped = text(as_role("employee", "en").get(f"/standards/{std.id}/"))
            assert "This standard is incomplete" in shipped


def test_the_standard_page_shows_the_knowledge_policy_as_the_owners_and_the_downloads(as_role: Any) -> None:
    page = text(as_role("employee", "en").get("/standards/mini@1.1/"))
    std = get_standard("mini@1.1")
    assert "owner&#x27;s policy, not in the source" in page or "owner's policy, not in the source" in page
    assert "top 20%" in page
    assert "/standards/mini@1.1/export.xlsx?lang=zh" in page
    assert "/standards/mini@1.1/export.xlsx?lang=en" in page
    assert std.knowledge.text.en[:40] in page


def test_the_standards_own_texts_follow_the_language_of_the_page(as_role: Any) -> None:
    std = get_standard("mini@1.1")
    english = text(as_role("employee", "en").get("/standards/mini@1.1/"))
    chinese = text(as_role("employee", "zh-hans").get("/standards/mini@1.1/"))
    assert std.levels[0].title.en in english
    assert std.levels[0].title.zh not in english
    assert std.levels[0].title.zh in chinese
    assert std.levels[0].title.en not in chinese


# --- the comparison table ---------------------------------------------------------------------------


def test_the_ladder_highlights_what_is_new_at_each_level_against_the_one_below(as_role: Any) -> None:
    page = text(as_role("employee", "en").get("/standards/mini@1.1/compare/"))
    prep = row_cells(page, "element:talk-prep")
    assert prep[1][0] == "base"  # the first level is the baseline: nothing highlighted
    assert prep[2][0] == "changed"
    assert added_items(prep[2][1]) == [CHANGE["added_item"]["en"]]
    assert prep[4][0] == "dropped"  # level 3 had a criterion, level 4 has none
    delivery = row_cells(page, "element:talk-delivery")
    assert delivery[2][0] == "added"
    assert "new at this level" in delivery[2][1]
    experience = row_cells(page, "condition:company_experience")
    assert experience[4][0] == "changed"
    assert "five years" in experience[4][1]


def test_two_levels_put_level_b_against_level_a(as_role: Any) -> None:
    response = as_role("employee", "en").get("/standards/mini@1.1/compare/", {"a": "1", "b": "3"})
    page = text(response)
    assert response.context["mode"] == "levels"
    assert [c.level for c in response.context["table"].columns] == [1, 3]
    delivery = row_cells(page, "element:talk-delivery")
    assert set(delivery) == {1, 3}
    assert delivery[1][0] == "base"
    assert delivery[3][0] == "added"
    review = row_cells(page, "element:review")
    assert review[3][0] == "added"
    assert added_items(review[3][1]) == [CHANGE["new_element_item"]["en"]]
    assert "Level 3 against level 1" in page


def test_other_levels_highlight_other_differences(as_role: Any) -> None:
    client = as_role("employee", "en")
    one_two = row_cells(text(client.get("/standards/mini@1.1/compare/?a=1&b=2")), "element:talk-prep")
    two_three = row_cells(text(client.get("/standards/mini@1.1/compare/?a=2&b=3")), "element:talk-prep")
    assert added_items(one_two[2][1]) == [CHANGE["added_item"]["en"]]
    assert added_items(two_three[3][1]) == []
    assert "i-dropped" in two_three[3][1]  # level 3 has one item where level 2 had two


def test_only_rows_with_differences_hides_the_rows_that_are_the_same(as_role: Any) -> None:
    client = as_role("employee", "en")
    every = client.get("/standards/mini@1.1/compare/?a=2&b=3").context["table"]
    only = client.get("/standards/mini@1.1/compare/?a=2&b=3&changes=on").context["table"]
    rows = [r for b in every.blocks for r in b.rows]
    kept = [r for b in only.blocks for r in b.rows]
    assert 0 < len(kept) < len(rows)
    assert all(r.differs for r in kept)
    assert only.hidden_rows == len(rows) - len(kept)


def test_choosing_one_level_only_says_that_two_are_needed(as_role: Any) -> None:
    response = as_role("employee", "en").get("/standards/mini@1.1/compare/?a=2")
    assert response.status_code == 200
    assert "Choose two levels, or neither" in text(response)
    assert response.context["mode"] == "ladder"


def test_two_versions_highlight_what_the_newer_one_changed(as_role: Any) -> None:
    response = as_role("hr", "en").get("/standards/mini@1.1/compare/", {"other": "mini@1.0"})
    page = text(response)
    assert response.context["mode"] == "versions"
    prep = row_cells(page, "element:talk-prep")
    assert prep[2][0] == "changed"
    assert added_items(prep[2][1]) == [CHANGE["added_item"]["en"]]
    assert CHANGE["revised_item"]["en"] in prep[2][1]
    assert prep[1][0] == "same"
    assert row_cells(page, "element:review")[3][0] == "added"
    assert row_cells(page, "condition:company_experience")[4][0] == "changed"
    assert row_cells(page, "condition:company_experience")[3][0] == "same"
    assert "vocabularies.activities[webinar]" in page  # a change outside the table is listed below it


def test_an_employee_cannot_compare_with_a_draft_version(as_role: Any) -> None:
    response = as_role("employee", "en").get("/standards/mini@1.1/compare/", {"other": "mini@1.0"})
    assert response.status_code == 200
    assert response.context["mode"] == "ladder"
    assert 'value="mini@1.0"' not in text(response)


def test_the_comparison_page_of_each_shipped_standard_has_a_column_per_level(as_role: Any) -> None:
    for std in published_shipped():
        response = as_role("employee").get(f"/standards/{std.id}/compare/")
        table = response.context["table"]
        assert [c.level for c in table.columns] == std.level_numbers
        assert len(table.blocks) == 1 + len(std.modules)


# --- the xlsx ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "name_part"), [("zh", "比较表"), ("en", "comparison-table")])
def test_the_xlsx_is_an_attachment_in_the_chosen_language(as_role: Any, lang: str, name_part: str) -> None:
    response = as_role("employee").get("/standards/mini@1.1/export.xlsx", {"lang": lang})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "mini%401.1-" in disposition or "mini@1.1-" in disposition
    from urllib.parse import unquote

    assert name_part in unquote(disposition)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = " ".join(str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value)
    std = get_standard("mini@1.1")
    assert std.modules[0].name.get("zh" if lang == "zh" else "en") in cells


def test_an_unknown_language_for_the_xlsx_is_refused(as_role: Any) -> None:
    assert as_role("employee").get("/standards/mini@1.1/export.xlsx", {"lang": "fr"}).status_code == 400


# --- the API -------------------------------------------------------------------------------------------


def test_the_api_lists_the_standards_a_caller_may_read_page_by_page(as_role: Any) -> None:
    body = as_role("employee").get("/api/standards/").json()
    ids = [item["id"] for item in body["items"]]
    assert "mini@1.1" in ids
    assert "mini@1.0" not in ids
    assert body["count"] == len(ids)
    first = as_role("employee").get("/api/standards/?page=1&page_size=1").json()
    assert len(first["items"]) == 1
    assert first["count"] == len(ids)
    hr_ids = [item["id"] for item in as_role("hr").get("/api/standards/").json()["items"]]
    assert "mini@1.0" in hr_ids


def test_the_api_gives_the_complete_standard_as_the_cli_shows_it(as_role: Any, capsys: Any) -> None:
    body = as_role("employee").get("/api/standards/mini@1.1").json()
    assert cli_main(["standard", "show", "mini@1.1", "--format", "json"]) == 0
    assert body == json.loads(capsys.readouterr().out)


def test_the_api_compares_levels_and_versions(as_role: Any) -> None:
    client = as_role("hr")
    ladder = client.get("/api/standards/mini@1.1/compare").json()
    assert ladder["mode"] == "ladder"
    assert [(c["level_before"], c["level_after"]) for c in ladder["comparisons"]] == [
        (0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    levels = client.get("/api/standards/mini@1.1/compare?a=1&b=3").json()
    assert levels["mode"] == "levels"
    assert (levels["comparisons"][0]["level_before"], levels["comparisons"][0]["level_after"]) == (1, 3)
    versions = client.get("/api/standards/mini@1.1/compare?other=mini@1.0").json()
    assert versions["mode"] == "versions"
    assert versions["other"] == "mini@1.0"
    assert any(c["path"] == "vocabularies.activities[webinar]" and c["kind"] == "added"
               for c in versions["changes"])
    level_2 = next(c for c in versions["comparisons"] if c["level_after"] == 2)
    prep = next(e for m in level_2["modules"] for e in m["elements"] if e["code"] == "talk-prep")
    assert prep["cell"]["kind"] == "changed"


def test_the_api_answers_errors_in_the_one_error_shape(as_role: Any, users: Any) -> None:
    anonymous = Client().get("/api/standards/")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    one_level = as_role("employee").get("/api/standards/mini@1.1/compare?a=1")
    assert one_level.status_code == 422
    assert set(one_level.json()["error"]) == {"code", "message", "fields"}
    no_level = as_role("employee").get("/api/standards/mini@1.1/compare?a=1&b=9")
    assert no_level.status_code == 404
    assert no_level.json()["error"]["code"] == "level-not-found"
    draft = as_role("employee").get("/api/standards/mini@1.1/compare?other=mini@1.0")
    assert draft.status_code == 404
    assert as_role("employee").get("/api/standards/?page=0").status_code == 422
