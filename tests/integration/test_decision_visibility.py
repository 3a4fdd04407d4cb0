"""No page shows a certification decision to the applicant or the panel before it is published
(``qualify.services.visibility``): not the application page, not the appeal pages, not the API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from qualify.core.cycle import PanelChoice
from qualify.services import certification as svc
from qualify.web.certification.repository import DjangoRepository, actor_for
from tests.support.org import make_user

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")
TODAY = dt.date(2026, 11, 26)
ALL_MEET = {"talk-prep": "meets", "talk-delivery": "meets", "reporting": "exceeds"}
EVIDENCE = [
    svc.EvidenceInput(activity="project", date=dt.date(2026, 3, 1), role="lead", scope="province",
                      project_kind="major", outcome="success", deliverables=("project-plan",),
                      elements=("talk-prep",), measures=("talks",)),
    svc.EvidenceInput(activity="project", date=dt.date(2026, 6, 1), role="lead", scope="national",
                      project_kind="maintenance", outcome="success", deliverables=("project-plan",),
                      measures=("talks",)),
    svc.EvidenceInput(activity="presentation-material", date=dt.date(2026, 7, 1), deliverables=("slides",),
                      measures=("talks",)),
]


@pytest.fixture
def decided(
    users: dict[str, Any], org: Any, settings: Any, tmp_path: Path
) -> tuple[DjangoRepository, int, Any]:
    """An application decided (passed) but not yet published; the lead assessor is ``assessor``."""
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    users["assessor2"] = make_user("assessor2", ["employee", "assessor"], person=org.people["E002"])
    people = {name: actor_for(user) for name, user in users.items()}
    repo = DjangoRepository(clock=lambda: dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC))
    hr = people["hr"]
    cycle = svc.create_cycle(repo, hr, svc.NewCycle(
        name="冬季", standard_id=MINI, opens_on=TODAY - dt.timedelta(days=1),
        closes_on=TODAY + dt.timedelta(days=30), as_of=TODAY, levels=(2, 3)))
    svc.open_cycle(repo, hr, cycle.id)
    app = svc.apply(repo, people["employee"], cycle.id)
    for item in EVIDENCE:
        svc.add_evidence(repo, people["employee"], app.id, item)
    svc.submit(repo, people["employee"], app.id)
    panel = svc.form_panel(repo, hr, cycle.id, name="p", lead_user_id=people["assessor"].user_id or 0,
                           member_user_ids=[people["assessor2"].user_id or 0])
    svc.assign_panel(repo, hr, app.id, panel.id)
    for who in ("assessor", "assessor2"):
        sheet = next(a for a in svc.my_assignments(repo, people[who]) if a.application_id == app.id)
        for element, rating in ALL_MEET.items():
            svc.rate(repo, people[who], sheet.id, element, rating)
        svc.submit_rating(repo, people[who], sheet.id)
    svc.consolidate(repo, people["assessor"], app.id, {e: PanelChoice(r) for e, r in ALL_MEET.items()})
    svc.decide(repo, hr, app.id)
    return repo, app.id, people


def pages(client: Client, app_id: int) -> dict[str, str]:
    """The pages about the application this client may open (the others are 404)."""
    found = {}
    for url in (f"/applications/{app_id}/", f"/applications/{app_id}/appeal/",
                f"/applications/{app_id}/appeal/decide/"):
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        if response.status_code == 200:
            found[url] = response.content.decode()
    return found


@pytest.mark.django_db
def test_the_applicant_and_the_lead_assessor_see_no_decision_before_publication(
    decided: tuple[DjangoRepository, int, Any], client_for: Any
) -> None:
    _, app_id, _ = decided
    opened = {}
    for who in ("employee", "assessor"):
        client = client_for(who)
        opened[who] = sorted(pages(client, app_id))
        for url, page in pages(client, app_id).items():
            assert 'class="stack checks"' not in page, (who, url)
            assert "The decision appealed" not in page and "申诉所针对的决定" not in page, (who, url)
        assert client.get(f"/api/cycles/applications/{app_id}/decisions").json()["items"] == [], who
    assert opened == {  # the applicant's appeal page: no decision on it; the review panel's lead decides
        # no appeal, so the appeal decision page is not theirs to open at all (404)
        "employee": [f"/applications/{app_id}/", f"/applications/{app_id}/appeal/"],
        "assessor": [f"/applications/{app_id}/"],
    }
    hr_page = client_for("hr").get(f"/applications/{app_id}/").content.decode()
    assert 'class="stack checks"' in hr_page


@pytest.mark.django_db
def test_after_publication_the_applicant_sees_the_decision_on_the_appeal_page(
    decided: tuple[DjangoRepository, int, Any], client_for: Any
) -> None:
    repo, app_id, people = decided
    cycle_id = repo.application(app_id).cycle_id
    svc.close_applications(repo, people["hr"], cycle_id)
    svc.publish(repo, people["hr"], cycle_id)
    response = client_for("employee").get(f"/applications/{app_id}/appeal/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="stack checks"' in page
    decisions = client_for("employee").get(f"/api/cycles/applications/{app_id}/decisions").json()
    assert len(decisions["items"]) == 1
