"""``/api/screening/``: queue a run, follow it, read its results, with the page's permissions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from qualify.services import standards
from qualify.web.screening.models import ScreeningRun
from qualify.web.screening.worker import run_worker

ClientFor = Callable[[str], Client]
MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml"


@pytest.fixture(autouse=True)
def mini_is_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, MINI])


def post(client: Client, **body: Any) -> Any:
    payload = {"standard": "mini@1.0", "as_of": "2026-11-26", **body}
    return client.post("/api/screening/", payload, content_type="application/json")


def test_a_script_queues_a_run_follows_it_and_reads_the_results(client_for: ClientFor) -> None:
    hr = client_for("hr")
    created = post(hr, org_unit="bj")
    assert created.status_code == 201
    run = created.json()
    assert run["status"] == "queued" and run["org_unit"] == "bj" and run["result_xlsx"] is None
    run_worker(once=True)
    done = hr.get(f"/api/screening/{run['id']}").json()
    assert done["status"] == "done" and done["progress"] == 100 and done["people"] == 2
    assert done["result_xlsx"] == f"/screening/{run['id']}/result.xlsx"
    results = hr.get(f"/api/screening/{run['id']}/results").json()
    assert results["count"] == 2
    assert {r["employee_id"]: r["highest_eligible_level"] for r in results["items"]} == {"E001": 3, "E002": 0}
    only = hr.get(f"/api/screening/{run['id']}/results", {"highest": 3}).json()
    assert [r["employee_id"] for r in only["items"]] == ["E001"]
    listed = hr.get("/api/screening/").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == run["id"]


def test_a_unit_outside_the_callers_scope_is_refused_in_the_error_shape(client_for: ClientFor) -> None:
    response = post(client_for("hr"), org_unit="nowhere")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid-input" and error["fields"]["problems"][0]["code"] == "unknown-unit"
    assert not ScreeningRun.objects.exists()


def test_an_unknown_standard_is_refused(client_for: ClientFor) -> None:
    response = post(client_for("hr"), standard="nope@9")
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["problems"][0]["code"] == "unknown-standard"


def test_a_bad_date_is_refused_by_the_request_check(client_for: ClientFor) -> None:
    response = post(client_for("hr"), as_of="26/11/2026")
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid-request"


@pytest.mark.parametrize("role", ["employee", "manager", "assessor"])
def test_only_hr_and_admins_use_the_screening_api(client_for: ClientFor, role: str) -> None:
    run = post(client_for("hr")).json()
    client = client_for(role)
    assert post(client).status_code == 404
    assert client.get("/api/screening/").status_code == 404
    assert client.get(f"/api/screening/{run['id']}").status_code == 404
    assert client.get(f"/api/screening/{run['id']}/results").status_code == 404


def test_the_screening_api_wants_a_login(client_for: ClientFor) -> None:
    response = client_for("anonymous").get("/api/screening/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
