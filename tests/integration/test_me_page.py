"""My qualification (``/me/``) and its API twin (``/api/me/``): what an employee reads about themselves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from qualify.services import standards
from qualify.web.people.models import ElementRating, Evidence

ClientFor = Callable[[str], Client]
MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml"
AS_OF = "2026-11-26"


@pytest.fixture(autouse=True)
def mini_is_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, MINI])


def test_an_employee_sees_their_level_and_the_next_levels_gap_list(client_for: ClientFor) -> None:
    response = client_for("employee").get("/me/", {"as_of": AS_OF})
    assert response.status_code == 200
    context = response.context
    assert context["person"].employee_id == "E001"
    assert context["next_level"] == 2 and context["target"] == 2
    groups = context["groups"]
    # level 2 asks for evidence (a measure) and behaviour ratings that E001 does not have yet
    assert [c["rule"] for c in groups["evidence"]["failed"]] == ["measure:talks"]
    assert "behaviour:talk-delivery" in [c["rule"] for c in groups["behaviour"]["missing"]]
    assert all(c["todo"] for g in groups.values() for c in g["failed"] + g["missing"])
    assert context["todo"] == 2  # the evidence, and the ratings still to come (one item)
    assert 'id="gap-list"' in response.content.decode()


def test_whether_one_may_apply_is_the_screening_outcome(client_for: ClientFor) -> None:
    context = client_for("employee").get("/me/", {"as_of": AS_OF}).context
    assert context["chosen"]["outcome"] == "eligible"  # level 2: gate conditions and knowledge are met
    assert [lv["outcome"] for lv in context["levels"]][3] == "not_eligible"  # level 4: too far above
    assert context["highest"] == 3
    assert {c["rule"] for c in context["groups"]["gates"]["passed"]} == {
        "company_experience", "family_experience", "performance", "knowledge"}


def test_what_the_next_level_asks_comes_from_the_standard(client_for: ClientFor) -> None:
    asks = client_for("employee").get("/me/", {"as_of": AS_OF}).context["asks"]
    assert asks["level"] == 2
    assert [g["rule"] for g in asks["gates"]] == ["company_experience", "family_experience", "performance"]
    talks = next(m for m in asks["modules"]
                 if m["elements"] and m["elements"][0]["rule"] == "behaviour:talk-prep")
    assert [e["rule"] for e in talks["elements"]] == ["behaviour:talk-prep", "behaviour:talk-delivery"]
    assert [r["count"] for r in talks["measure"]["requirements"]] == [2, 1]


def test_an_employee_self_checks_any_level(client_for: ClientFor) -> None:
    response = client_for("employee").get("/me/", {"as_of": AS_OF, "level": "4"})
    chosen = response.context["chosen"]
    assert chosen["level"] == 4 and chosen["outcome"] == "not_eligible"
    knowledge = next(c for c in response.context["groups"]["gates"]["failed"] if c["rule"] == "knowledge")
    assert knowledge["todo"]
    assert response.context["asks"]["level"] == 4


def test_meeting_the_evidence_removes_it_from_the_gap_list(org: Any, client_for: ClientFor) -> None:
    import datetime as dt

    e1 = org.people["E001"]
    for n in range(2):
        Evidence.objects.create(person=e1, evidence_id=f"P{n}", activity="project",
                                date=dt.date(2026, 3, 1 + n), role="lead", scope="province",
                                outcome="success", project_kind="major",
                                deliverables=["project-plan"])
    Evidence.objects.create(person=e1, evidence_id="S1", activity="presentation-material",
                            date=dt.date(2026, 4, 1), deliverables=["slides"])
    ElementRating.objects.create(person=e1, level=2, element="talk-delivery", assessor="李娜", rating="meets")
    ElementRating.objects.create(person=e1, level=2, element="reporting", assessor="李娜", rating="exceeds")
    context = client_for("employee").get("/me/", {"as_of": AS_OF}).context
    assert context["todo"] == 0 and context["certified"]["outcome"] == "eligible"


def test_an_account_without_an_employee_record_is_told_so(client_for: ClientFor) -> None:
    response = client_for("hr").get("/me/")
    assert response.status_code == 200
    assert response.context["person"] is None


def test_the_page_is_in_english_when_the_user_chose_english(client_for: ClientFor) -> None:
    client = client_for("employee")
    client.cookies["django_language"] = "en"
    page = client.get("/me/", {"as_of": AS_OF}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My qualification" in page and "What to do:" in page
    english = client.get("/me/", {"as_of": AS_OF}).context["groups"]["evidence"]["failed"][0]["todo"]
    chinese = client_for("employee").get("/me/", {"as_of": AS_OF}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.context["groups"]["evidence"]["failed"][0]["todo"] != english


# --- the API twin --------------------------------------------------------------------------------------


def test_the_me_api_gives_my_gap_list(client_for: ClientFor) -> None:
    body = client_for("employee").get("/api/me/", {"as_of": AS_OF}).json()
    assert body["employee_id"] == "E001" and body["next_level"] == 2
    assert body["gaps"] and all(g["level"] == 2 and g["message"] for g in body["gaps"])


def test_the_me_api_gives_one_levels_decision_in_the_contracts_shape(client_for: ClientFor) -> None:
    body = client_for("employee").get("/api/me/decision", {"as_of": AS_OF, "level": 3}).json()
    assert set(body) == {"employee_id", "standard", "as_of", "stage", "current_level",
                         "highest_eligible_level", "levels", "gaps"}
    (level,) = body["levels"]
    assert level["level"] == 3
    assert set(level["checks"][0]) == {"rule", "outcome", "actual", "required", "message", "facts"}


def test_the_me_api_is_404_without_an_employee_record_and_401_without_login(client_for: ClientFor) -> None:
    response = client_for("hr").get("/api/me/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not-found"
    assert client_for("anonymous").get("/api/me/").status_code == 401


def test_the_gap_list_counts_evidence_in_the_standards_words_not_its_codes(client_for: ClientFor) -> None:
    response = client_for("employee").get("/me/", {"as_of": AS_OF})
    page = response.content.decode()
    assert "成功的省级或以上项目：0/2 次" in page  # the requirement's text, what one has of what it asks
    assert "projects 0" not in page and "projects 2" not in page  # the trace's codes stay in the API
    english = client_for("employee")
    english.cookies["django_language"] = "en"
    assert "successful project at province level or above: 0 of 2" in english.get(
        "/me/", {"as_of": AS_OF}).content.decode()
