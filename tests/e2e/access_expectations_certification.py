"""Who gets what from the certification cycle's pages and API (rows for ``test_access_matrix.py``).

The setup opens a cycle on the mini standard in which the employee (E001) has a draft application
with one evidence file, and gives E001 a certificate. E001's manager, HR of ``mini`` and the admin
may see the application; the assessor (E003, on no panel) may not: 404, no hint that it exists.
A page that only takes a POST answers a GET with 405 (after the login check).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import tempfile
from pathlib import Path
from typing import Any

_spec = importlib.util.spec_from_file_location(
    "_qualify_access_expectations_for_certification", Path(__file__).with_name("access_expectations.py")
)
assert _spec is not None and _spec.loader is not None
_base = sys.modules.setdefault(_spec.name, importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(_base)
expect, hr_only, api_everyone = _base.expect, _base.hr_only, _base.api_everyone

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")


def _cycle_world(world: Any) -> dict[str, Any]:
    """Make (once per walk) the cycle, E001's application with a file, and E001's certificate."""
    if getattr(world, "certification", None):
        return world.certification
    from django.conf import settings
    from django.utils import timezone

    from qualify.services import certification as svc
    from qualify.web.certification import models as m
    from qualify.web.certification.repository import DjangoRepository, actor_for

    if str(settings.MEDIA_ROOT).startswith(str(settings.HOME)):  # never into ./var/uploads
        settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="qualify-uploads-")
    repo = DjangoRepository()
    today = timezone.localdate()
    hr, employee = actor_for(world.users["hr"]), actor_for(world.users["employee"])
    cycle = svc.create_cycle(
        repo,
        hr,
        svc.NewCycle(
            name="c",
            standard_id=MINI,
            opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=30),
            as_of=today,
            levels=(2, 3),
        ),
    )
    svc.open_cycle(repo, hr, cycle.id)
    app = svc.apply(repo, employee, cycle.id, target_level=2)
    evidence = svc.add_evidence(
        repo, employee, app.id, svc.EvidenceInput(activity="presentation", date=today)
    )
    stored = svc.add_evidence_file(repo, employee, evidence.id, "talk.pdf", b"%PDF-1.4 test")
    cert = m.Certificate.objects.create(
        number="MINI-L2-2026-99999",
        person=world.org.people["E001"],
        holder_name=world.org.people["E001"].name,
        holder_employee_id="E001",
        job_family="mini",
        level=2,
        standard_id="mini@1.0",
        standard_version="1.0",
        valid_from=today,
        valid_until=today + dt.timedelta(days=30),
        issued_at=timezone.now(),
    )
    world.certification = {
        "cycle_id": cycle.id,
        "application_id": app.id,
        "evidence_id": evidence.id,
        "file_id": stored.id,
        "number": cert.number,
    }
    return world.certification


def _kwargs(*names: str) -> Any:
    return lambda world: {name: _cycle_world(world)[name] for name in names}


CYCLE = _kwargs("cycle_id")
APP = _kwargs("application_id")
# the application's people: the applicant, their manager, HR of the family, the admin
SEEN_BY_ITS_PEOPLE = {"default": 200, "assessor": 404}
POST_ONLY = {"default": 405}
NOBODY = {"default": 404}

EXPECTATIONS: dict[str, Any] = {
    "certification:cycles": expect(),
    "certification:cycle-new": hr_only(),
    "certification:cycle": expect(kwargs=CYCLE),
    "certification:cycle-action": expect(kwargs=CYCLE, **POST_ONLY),
    "certification:apply": expect(kwargs=CYCLE),
    "certification:panels": hr_only(kwargs=CYCLE),
    "certification:assignments": expect(default=404, assessor=200, admin=200),
    "certification:application": expect(kwargs=APP, **SEEN_BY_ITS_PEOPLE),
    "certification:application-action": expect(kwargs=APP, **POST_ONLY),
    "certification:add-evidence": expect(kwargs=APP, **POST_ONLY),
    "certification:remove-evidence": expect(kwargs=_kwargs("application_id", "evidence_id"), **POST_ONLY),
    "certification:self-assess": expect(kwargs=APP, **POST_ONLY),
    "certification:assign-panel": expect(kwargs=APP, **POST_ONLY),
    "certification:override": expect(kwargs=APP, **POST_ONLY),
    "certification:reject": expect(kwargs=APP, **POST_ONLY),
    "certification:score": expect(kwargs=APP, **NOBODY),  # nobody is on a panel yet
    "certification:consolidate": expect(kwargs=APP, **NOBODY),
    "certification:appeal": expect(kwargs=APP, default=404, employee=200),  # only the applicant
    "certification:decide-appeal": expect(kwargs=APP, default=404, hr=200, admin=200),
    "certification:file": expect(kwargs=_kwargs("file_id"), **SEEN_BY_ITS_PEOPLE),
    "certification:expiring": hr_only(),
    "certification:certificate": expect(kwargs=_kwargs("number"), **SEEN_BY_ITS_PEOPLE),
    "certification:certificate-pdf": expect(kwargs=_kwargs("number"), **SEEN_BY_ITS_PEOPLE),
    # public: anyone holding a certificate's number may check it (number, name, level, validity, status)
    "certification:verify-certificate": expect(kwargs=_kwargs("number"), default=200, anonymous=200),
    # --- API -------------------------------------------------------------------------------------
    "api:list_cycles": api_everyone(),
    "api:create_cycle": api_everyone(),  # the same URL as the list: a GET lists
    "api:get_cycle": api_everyone(kwargs=CYCLE),
    "api:cycle_step": expect(kwargs=lambda w: {**CYCLE(w), "step": "open"}, default=405, anonymous=405),
    "api:list_applications": api_everyone(kwargs=CYCLE),
    "api:create_application": api_everyone(kwargs=CYCLE),
    "api:list_panels": expect(kwargs=CYCLE, default=404, anonymous=401, hr=200, admin=200),
    "api:create_panel": expect(kwargs=CYCLE, default=404, anonymous=401, hr=200, admin=200),
    "api:get_application": expect(kwargs=APP, anonymous=401, **SEEN_BY_ITS_PEOPLE),
    "api:application_step": expect(kwargs=lambda w: {**APP(w), "step": "submit"}, default=405, anonymous=405),
    "api:list_evidence": expect(kwargs=APP, anonymous=401, **SEEN_BY_ITS_PEOPLE),
    "api:add_evidence": expect(kwargs=APP, anonymous=401, **SEEN_BY_ITS_PEOPLE),
    "api:self_assessment": expect(kwargs=APP, default=405, anonymous=405),
    "api:assign_panel": expect(kwargs=APP, default=405, anonymous=405),
    "api:score_sheet": expect(kwargs=APP, anonymous=401, **SEEN_BY_ITS_PEOPLE),
    "api:my_assignments": api_everyone(),
    "api:rate": expect(kwargs={"assignment_id": 1, "element": "talk-prep"}, default=405, anonymous=405),
    "api:submit_sheet": expect(kwargs={"assignment_id": 1}, default=405, anonymous=405),
    "api:consolidate": expect(kwargs=APP, default=405, anonymous=405),
    "api:decisions": expect(kwargs=APP, anonymous=401, **SEEN_BY_ITS_PEOPLE),
    "api:override": expect(kwargs=APP, default=405, anonymous=405),
    "api:appeal": expect(kwargs=APP, default=405, anonymous=405),
    "api:decide_appeal": expect(kwargs=APP, default=405, anonymous=405),
    "api:expiring": expect(default=404, anonymous=401, hr=200, admin=200),
    "api:certificate": expect(kwargs=_kwargs("number"), anonymous=401, **SEEN_BY_ITS_PEOPLE),
}
