"""HR's pages on the database: batch work with its confirmation, the certificate register, the
publication list (公示名单), the overview's charts, xlsx exports, the person page's certification
history; and who may not reach them."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qualify.core.cycle import ApplicationState, PanelChoice
from qualify.formats.table_xlsx import read_table
from qualify.services import certification as svc
from qualify.web.certification import models as m
from qualify.web.certification.repository import DjangoRepository
from qualify.web.people.models import ExamResult, OrgUnit, PerformanceRating
from tests.integration import test_cycle_flow as flow
from tests.integration.test_cycle_flow import ALL_MEET, Clock, scored, submitted_application
from tests.integration.test_cycle_flow import open_cycle as open_a_cycle

clock, repo, people = flow.clock, flow.repo, flow.people  # the cycle flow's fixtures


@pytest.fixture
def world(repo: DjangoRepository, people: dict[str, Any], clock: Clock, org: Any) -> dict[str, Any]:
    """A cycle of ``mini`` (today in real time): E001's application submitted, E002 nominated (draft)."""
    clock.at = timezone.now()
    e2 = org.people["E002"]
    for period, rating in [("2025Q4", "B"), ("2026Q1", "B+"), ("2026Q2", "A"), ("2026Q3", "B")]:
        PerformanceRating.objects.create(person=e2, period=period, rating=rating)
    ExamResult.objects.create(person=e2, sitting="2026", exam="general", score=80)
    ExamResult.objects.create(person=e2, sitting="2026", exam="professional", score=70)
    cycle = open_a_cycle(repo, people["hr"])
    first = submitted_application(repo, people, cycle)
    second = svc.apply(repo, people["hr"], cycle.id, employee_id="E002", target_level=2).id
    return {"cycle": cycle, "first": first, "second": second}


def chart_data(page: str) -> dict[str, Any]:
    """The overview's charts as ECharts receives them: key → the page's ``json_script`` figures."""
    data = r'<script id="chart-data-([a-z_]+)" type="application/json">(.*?)</script>'
    found = re.findall(data, page, re.S)
    return {key: json.loads(text) for key, text in found}


def english(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.mark.django_db
def test_hr_reviews_who_a_batch_affects_before_anything_changes_then_confirms(
    world: dict[str, Any], repo: DjangoRepository, people: dict[str, Any], client_for: Any
) -> None:
    cycle, first, second = world["cycle"], world["first"], world["second"]
    panel = svc.form_panel(
        repo,
        people["hr"],
        cycle.id,
        name="评委组一",
        lead_user_id=people["assessor"].user_id,
        member_user_ids=[people["assessor2"].user_id],
    )
    hr = english(client_for("hr"))
    page = hr.get(f"/cycles/{cycle.id}/").content.decode()
    assert f'name="ids" value="{first}"' in page and "Review who is affected" in page

    chosen = {"action": "assign_panel", "panel": panel.id, "ids": [first, second]}
    preview = hr.post(f"/cycles/{cycle.id}/batch/", chosen)
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "This changes 1 application" in text and "张伟" in text
    assert "Not affected, and why" in text and "王芳" in text
    assert repo.application(first).state is ApplicationState.submitted  # the preview changed nothing
    assert not m.Assignment.objects.filter(application_id=first).exists()

    done = hr.post(f"/cycles/{cycle.id}/batch/", {**chosen, "ids": [first], "confirm": "1"}, follow=True)
    assert "done for 1 application" in done.content.decode()
    assert repo.application(first).state is ApplicationState.in_review
    assert repo.application(second).state is ApplicationState.draft


@pytest.mark.django_db
def test_a_batch_without_a_selection_or_panel_says_what_is_missing_and_changes_nothing(
    world: dict[str, Any], repo: DjangoRepository, client_for: Any
) -> None:
    hr = english(client_for("hr"))
    cycle = world["cycle"]
    empty = hr.post(f"/cycles/{cycle.id}/batch/", {"action": "decide"}, follow=True).content.decode()
    assert "Select at least one application." in empty
    no_panel = hr.post(
        f"/cycles/{cycle.id}/batch/", {"action": "assign_panel", "ids": [world["first"]], "confirm": "1"},
        follow=True,
    ).content.decode()
    assert "Choose the panel to assign." in no_panel
    stranger = hr.post(f"/cycles/{cycle.id}/batch/", {"action": "decide", "ids": ["99999"]}, follow=True)
    assert "is not one of this cycle" in stranger.content.decode()
    assert repo.application(world["first"]).state is ApplicationState.submitted


@pytest.mark.django_db
def test_nobody_but_hr_of_the_family_reaches_the_batch_the_register_or_the_overview(
    world: dict[str, Any], client_for: Any, users: dict[str, Any]
) -> None:
    from tests.support.org import make_user

    cycle = world["cycle"]
    other_hr = Client()
    other_hr.force_login(make_user("hr_other", ["hr"], hr_families=["other"]))
    for client in (client_for("employee"), client_for("manager"), client_for("assessor"), other_hr):
        batch = client.post(f"/cycles/{cycle.id}/batch/", {"action": "decide", "ids": [world["first"]]})
        assert batch.status_code == 404
        assert client.get(f"/cycles/{cycle.id}/applications.xlsx").status_code == 404
    for client in (client_for("employee"), client_for("manager"), client_for("assessor")):
        for url in ("/certificates/", "/certificates/register.xlsx", "/overview/", "/overview.xlsx"):
            assert client.get(url).status_code == 404, url
    assert svc.run_batch  # the API and the page call the same service (test_batch_work.py)


def certificate(org: Any, employee_id: str, number: str, level: int, valid_until: dt.date) -> m.Certificate:
    person = org.people[employee_id]
    return m.Certificate.objects.create(
        number=number,
        person=person,
        holder_name=person.name,
        holder_employee_id=employee_id,
        holder_unit=str(person.org_unit),
        job_family=person.job_family,
        level=level,
        standard_id=f"{person.job_family}@1.0",
        standard_version="1.0",
        valid_from=valid_until - dt.timedelta(days=730),
        valid_until=valid_until,
        issued_at=timezone.now(),
    )


@pytest.mark.django_db
def test_the_register_searches_filters_and_exports_the_certificates_of_hrs_families(
    org: Any, client_for: Any
) -> None:
    today = timezone.localdate()
    certificate(org, "E002", "MINI-L2-2025-00001", 2, today + dt.timedelta(days=30))
    certificate(org, "E003", "MINI-L2-2025-00002", 2, today + dt.timedelta(days=400))
    certificate(org, "M001", "MINI-L3-2024-00001", 3, today - dt.timedelta(days=1))
    certificate(org, "E004", "OTHER-L1-2025-00001", 1, today + dt.timedelta(days=30))
    hr = english(client_for("hr"))

    everything = hr.get("/certificates/").content.decode()
    assert "MINI-L2-2025-00001" in everything and "MINI-L3-2024-00001" in everything
    assert "OTHER-L1-2025-00001" not in everything  # another family's HR keeps it
    expiring = hr.get("/certificates/?status=expiring").content.decode()
    assert "MINI-L2-2025-00001" in expiring and "MINI-L2-2025-00002" not in expiring
    assert "MINI-L3-2024-00001" in hr.get("/certificates/?status=expired").content.decode()
    found = hr.get("/certificates/?q=李娜").content.decode()
    assert "MINI-L2-2025-00002" in found and "MINI-L2-2025-00001" not in found
    south = hr.get(f"/certificates/?unit={org.units['south'].pk}").content.decode()
    assert "MINI-L2-2025-00002" in south and "MINI-L2-2025-00001" not in south
    level3 = hr.get("/certificates/?level=3").content.decode()
    assert "MINI-L3-2024-00001" in level3 and "MINI-L2-2025-00001" not in level3
    odd = hr.get("/certificates/?level=abc&unit=x&status=<b>&page=zz")
    assert odd.status_code == 200 and "&lt;b&gt;" not in odd.content.decode()

    export = hr.get("/certificates/register.xlsx?status=expiring")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_table(export.content)
    assert rows[0][0] == "Number" and [r[0] for r in rows[1:]] == ["MINI-L2-2025-00001"]
    assert rows[1][-1] == "expiring"


@pytest.mark.django_db
def test_a_certificate_holder_is_offered_re_certification_in_an_open_cycle_of_the_level(
    world: dict[str, Any], org: Any, client_for: Any
) -> None:
    certificate(org, "E001", "MINI-L2-2025-00009", 2, timezone.localdate() + dt.timedelta(days=20))
    cycle = world["cycle"]
    mine = english(client_for("employee")).get("/people/E001/").content.decode()
    assert "Certification history" in mine and "MINI-L2-2025-00009" in mine
    assert f"/cycles/{cycle.id}/apply/?level=2" in mine and "Apply for re-certification" in mine
    hr_view = english(client_for("hr")).get("/people/E001/").content.decode()
    assert f"/cycles/{cycle.id}/apply/?level=2&amp;employee=E001" in hr_view
    register = english(client_for("hr")).get("/certificates/").content.decode()
    assert f"/cycles/{cycle.id}/apply/?employee=E001&amp;level=2" in register
    apply_page = english(client_for("hr")).get(f"/cycles/{cycle.id}/apply/?level=2&employee=E001")
    assert 'value="E001"' in apply_page.content.decode()


def published(repo: DjangoRepository, people: dict[str, Any], world: dict[str, Any]) -> int:
    cycle, first = world["cycle"], world["first"]
    scored(repo, people, cycle, first, ALL_MEET, ALL_MEET)
    svc.consolidate(repo, people["assessor"], first, {e: PanelChoice(r) for e, r in ALL_MEET.items()})
    svc.decide(repo, people["hr"], first)
    svc.close_applications(repo, people["hr"], cycle.id)
    svc.publish(repo, people["hr"], cycle.id)
    return first


@pytest.mark.django_db
def test_everyone_sees_the_publication_list_with_only_its_columns_and_the_applicant_may_appeal(
    world: dict[str, Any], repo: DjangoRepository, people: dict[str, Any], client_for: Any
) -> None:
    app_id = published(repo, people, world)
    cycle = world["cycle"]
    colleague = english(client_for("assessor")).get(f"/cycles/{cycle.id}/publication/")
    assert colleague.status_code == 200
    text = colleague.content.decode()
    assert "张伟" in text and "Beijing" in text and "passed" in text and "in notice" in text
    assert "E001" not in text and "王芳" not in text  # no employee id; a draft is not published
    assert f"/applications/{app_id}/appeal/" not in text
    own = english(client_for("employee")).get(f"/cycles/{cycle.id}/publication/").content.decode()
    assert f"/applications/{app_id}/appeal/" in own
    assert Client().get(f"/cycles/{cycle.id}/publication/").status_code == 302  # log in first
    cycle_page = client_for("assessor").get(f"/cycles/{cycle.id}/").content.decode()
    assert f"/cycles/{cycle.id}/publication/" in cycle_page  # the cycle's page links to it

    rows = read_table(english(client_for("manager")).get(f"/cycles/{cycle.id}/publication.xlsx").content)
    assert rows[0] == ["Name", "Unit", "Level", "Result", "Notice window"]
    assert rows[1][:4] == ["张伟", "Beijing", 2, "passed"]


@pytest.mark.django_db
def test_the_overview_gives_five_charts_their_figures_with_table_twins_counted_in_the_database(
    world: dict[str, Any], repo: DjangoRepository, people: dict[str, Any], org: Any, client_for: Any
) -> None:
    published(repo, people, world)
    certificate(org, "E003", "MINI-L2-2025-00002", 2, timezone.localdate() + dt.timedelta(days=40))
    OrgUnit.objects.filter(name_en="North").update(name_en="</script><script>alert(1)</script>")
    hr = english(client_for("hr"))
    page = hr.get(f"/overview/?cycle={world['cycle'].id}").content.decode()
    charts = chart_data(page)
    assert list(charts) == ["levels_by_unit", "eligible_certified", "funnel", "score_spread", "expiring"]
    for key in charts:
        label = charts[key]["title"].replace("'", "&#x27;")
        assert f'data-echart="{key}" role="img" aria-label="{label}"' in page
        assert f'aria-describedby="d-{key}"' in page and f'data-chart="{key}"' in page
    assert "/static/qualify/vendor/echarts/5.6.0/echarts.min.js" in page
    assert "<script>alert(1)" not in page  # a unit's name stays data inside the chart's JSON
    units = charts["levels_by_unit"]
    assert units["title"] == "Levels by unit" and units["stacked"] is True and units["axis"] == "Unit"
    assert "</script><script>alert(1)</script>" in units["labels"]
    per_unit = {label: sum(s["values"][i] for s in units["series"])
                for i, label in enumerate(units["labels"])}
    assert per_unit["Beijing"] == 2 and per_unit["</script><script>alert(1)</script>"] == 1
    funnel = charts["funnel"]
    assert funnel["labels"] == ["eligible", "applied", "decided", "certified"]  # translated on the server
    assert funnel["series"][0]["name"] == "people" and funnel["series"][0]["values"][1:] == [1, 1, 0]
    assert charts["score_spread"]["labels"] == ["评委组一"]  # the panel's spread
    assert [s["name"] for s in charts["score_spread"]["series"]] == ["exceeds", "meets", "partial", "not met"]
    assert sum(sum(s["values"]) for s in charts["score_spread"]["series"]) > 0
    month = (timezone.localdate() + dt.timedelta(days=40)).strftime("%Y-%m")
    expiring = charts["expiring"]
    assert expiring["series"][0]["values"][expiring["labels"].index(month)] == 1
    chinese = chart_data(client_for("hr").get(f"/overview/?cycle={world['cycle'].id}").content.decode())
    assert chinese["funnel"]["title"] != funnel["title"] and chinese["funnel"]["labels"][0] != "eligible"
    OrgUnit.objects.filter(name_en__startswith="</script>").update(name_en="North")

    sheets = {}
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(hr.get("/overview.xlsx").content), read_only=True)
    for ws in book.worksheets:
        sheets[ws.title] = [list(r) for r in ws.iter_rows(values_only=True)]
    assert len(sheets) == 5
    units = {row[0]: row[1:] for row in sheets["Levels by unit"][1:]}
    assert sum(units["Beijing"]) == 2 and sum(units["North"]) == 1  # E001, E002; M001 (E004: other family)
    funnel = {row[0]: row[1] for row in sheets["The cycle's funnel"][1:]}
    assert funnel["applied"] == 1 and funnel["decided"] == 1 and funnel["certified"] == 0
    month = (timezone.localdate() + dt.timedelta(days=40)).strftime("%Y-%m")
    assert {r[0]: r[1] for r in sheets["Certificates expiring by month"][1:]}[month] == 1


@pytest.mark.django_db
def test_the_api_previews_a_batch_by_default_and_does_it_when_asked(
    world: dict[str, Any], repo: DjangoRepository, client_for: Any
) -> None:
    cycle, first, second = world["cycle"], world["first"], world["second"]
    url = f"/api/cycles/{cycle.id}/batch"
    body = {"action": "decide", "application_ids": [first, second]}
    preview = client_for("hr").post(url, body, content_type="application/json").json()
    assert preview["dry_run"] is True and preview["done"] == 0 and preview["refused"] == 2
    assert {line["error"]["code"] for line in preview["lines"]} == {"action-not-allowed-in-state"}
    empty = client_for("hr").post(url, {**body, "application_ids": []}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "batch-empty"
    outsider = client_for("employee").post(url, body, content_type="application/json")
    assert outsider.status_code == 404
    assert repo.application(first).state is ApplicationState.submitted


@pytest.mark.django_db
def test_the_people_list_and_the_expiring_certificates_export_what_the_page_lists(
    org: Any, client_for: Any
) -> None:
    certificate(org, "E002", "MINI-L2-2025-00001", 2, timezone.localdate() + dt.timedelta(days=30))
    hr = english(client_for("hr"))
    people = read_table(hr.get("/people/?format=xlsx&q=E00").content)
    assert people[0][:2] == ["Employee ID", "Name"]
    assert sorted(r[0] for r in people[1:]) == ["E001", "E002", "E003"]  # E004 is another family's
    managed = read_table(english(client_for("manager")).get("/people/?format=xlsx").content)
    assert sorted(r[0] for r in managed[1:]) == ["E001", "E002", "E004", "M001"]  # north and below
    assert client_for("employee").get("/people/?format=xlsx").status_code == 404
    expiring = read_table(hr.get("/certificates/expiring/?days=90&format=xlsx").content)
    assert [r[0] for r in expiring[1:]] == ["MINI-L2-2025-00001"]


@pytest.mark.django_db
@flow.LOCAL_TIMES
def test_the_register_counts_validity_in_china_time_at_half_past_midnight_too(
    org: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch, local_time: dt.time
) -> None:
    flow.freeze_local(monkeypatch, flow.DAY, local_time)
    certificate(org, "E002", "MINI-L2-2024-00001", 2, flow.DAY)  # its last valid day is today
    certificate(org, "E003", "MINI-L2-2024-00002", 2, flow.DAY - dt.timedelta(days=1))  # ended yesterday
    hr = english(client_for("hr"))
    assert "MINI-L2-2024-00001" in hr.get("/certificates/?status=expiring").content.decode()
    expired = hr.get("/certificates/?status=expired").content.decode()
    assert "MINI-L2-2024-00002" in expired and "MINI-L2-2024-00001" not in expired
