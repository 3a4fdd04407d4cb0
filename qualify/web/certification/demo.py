"""Demo data for the certification cycle: an earlier cycle that ran to the end (certificates issued)
and an open cycle with applications in several states, all made through the services (so the audit
record and the rules apply as they would for real users).

``seed_demo_cycle(standard)`` is called by ``qualify demo`` after the people and accounts exist; it
does nothing if the demo cycles are already there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualify.core.cycle import PanelChoice
from qualify.core.errors import QualifyError
from qualify.core.standard import Standard
from qualify.services import certification as svc
from qualify.web.certification import models as m
from qualify.web.certification.repository import DjangoRepository, actor_for

CURRENT = "2026 年度任职资格认证 (demo)"
EARLIER = "2026 上半年任职资格认证 (demo)"
LADDER_PICKS = ("meets", "exceeds", "meets", "partial", "meets")


def _assessor2(standard: Standard, exclude: set[str]) -> Any:
    """A second assessor for the panels (the demo's ``assessor`` account is the other)."""
    from qualify.web.demo import DEMO_PASSWORD
    from qualify.web.people.models import Person

    user, created = get_user_model().objects.get_or_create(username="assessor2")
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    person = (Person.objects.filter(job_family=standard.family).exclude(employee_id__in=exclude)
              .order_by("-current_level", "-employee_id").first())
    profile = user.profile
    profile.roles, profile.person = ["employee", "assessor"], person
    profile.save()
    return user


def _rate_all(repo: DjangoRepository, user: Any, app_id: int, offset: int, submit: bool = True) -> None:
    me = actor_for(user)
    sheet = next(a for a in svc.my_assignments(repo, me) if a.application_id == app_id and a.kind == "review")
    view = svc.score_sheet(repo, me, app_id)
    for i, element in enumerate(view.elements):
        svc.rate(repo, me, sheet.id, element, LADDER_PICKS[(i + offset) % len(LADDER_PICKS)],
                 "演示评语 / demo comment")
    if submit:
        svc.submit_rating(repo, me, sheet.id)


def _consolidate(repo: DjangoRepository, lead: Any, app_id: int) -> None:
    me = actor_for(lead)
    view = svc.score_sheet(repo, me, app_id)
    choices = {e: PanelChoice(min(view.others.get(e, {"x": "meets"}).values(),
                                  key=("not_met", "partial", "meets", "exceeds").index),
                              "评委组合议 / panel's reason" if e in view.spreads else "")
               for e in view.elements}
    svc.consolidate(repo, me, app_id, choices)


def _candidates(repo: DjangoRepository, hr: svc.Actor, cycle: svc.CycleView, exclude: set[str]) -> list[str]:
    screened = svc.screen_cycle(repo, hr, cycle.id)
    people = {p.employee_id: p for p in (repo.person(s.employee_id) for s in screened if s.eligible_levels)}
    return [s.employee_id for s in screened
            if s.eligible_levels and s.employee_id not in exclude
            and people[s.employee_id].current_level + 1 in s.eligible_levels]


def _apply(repo: DjangoRepository, hr: svc.Actor, cycle_id: int, employee_id: str) -> int | None:
    try:
        return svc.apply(repo, hr, cycle_id, employee_id=employee_id).id  # nominated by HR
    except QualifyError:
        return None


def seed_demo_cycle(standard: Standard) -> list[str]:
    """Make the demo cycles; returns one line per thing made (for the demo's output)."""
    if m.Cycle.objects.filter(name__in=[CURRENT, EARLIER]).exists():
        return []
    User = get_user_model()
    hr_user = User.objects.get(username="hr")
    lead_user = User.objects.get(username="assessor")
    hr = actor_for(hr_user)
    now = timezone.now()
    today = timezone.localdate()
    taken = {actor_for(u).employee_id or "" for u in User.objects.filter(
        username__in=["employee", "manager", "assessor"])}
    member_user = _assessor2(standard, taken)
    taken.add(actor_for(member_user).employee_id or "")
    made: list[str] = []

    # --- an earlier cycle, run two months ago, to the end ----------------------------------------
    clock = {"at": now - dt.timedelta(days=70)}
    past = DjangoRepository(clock=lambda: clock["at"])
    earlier = svc.create_cycle(past, hr, svc.NewCycle(
        name=EARLIER, standard_id=standard.id, opens_on=today - dt.timedelta(days=75),
        closes_on=today - dt.timedelta(days=60), as_of=today - dt.timedelta(days=70),
        levels=tuple(standard.level_numbers), notice_days=7))
    svc.open_cycle(past, hr, earlier.id)
    candidates = _candidates(past, hr, earlier, taken)
    review = svc.form_panel(past, hr, earlier.id, name="评委组 A / Panel A", lead_user_id=lead_user.pk,
                            member_user_ids=[member_user.pk])
    earlier_apps = [a for a in (_apply(past, hr, earlier.id, eid) for eid in candidates[:3]) if a]
    for app_id in earlier_apps:
        svc_evidence(past, app_id, standard)
        _submit_as_system(past, app_id)
        svc.assign_panel(past, hr, app_id, review.id)
        _rate_all(past, lead_user, app_id, 0)
        _rate_all(past, member_user, app_id, 1)
        _consolidate(past, lead_user, app_id)
        svc.decide(past, hr, app_id)
    svc.close_applications(past, hr, earlier.id)
    if earlier_apps:
        first = past.current_decision(earlier_apps[0])
        if first is not None and not first.passed:
            svc.override(past, hr, earlier_apps[0], passed=True,
                         reason="演示：证据已在线下核实 / demo: the evidence was checked offline")
        svc.publish(past, hr, earlier.id)
        clock["at"] = now - dt.timedelta(days=50)
        svc.finish(past, hr, earlier.id)
        svc.close_cycle(past, hr, earlier.id)
    made.append(f"{EARLIER}: {len(earlier_apps)} applications, "
                f"{m.Certificate.objects.count()} certificate(s)")

    # --- the current cycle, open, with applications in several states ------------------------------
    repo = DjangoRepository()
    current = svc.create_cycle(repo, hr, svc.NewCycle(
        name=CURRENT, standard_id=standard.id, opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=30), as_of=today, levels=tuple(standard.level_numbers),
        notice_days=7, manager_opinion="optional"))
    svc.open_cycle(repo, hr, current.id)
    used = taken | {past.application(a).employee_id for a in earlier_apps}
    pool = _candidates(repo, hr, current, used)
    panel = svc.form_panel(repo, hr, current.id, name="评委组 B / Panel B", lead_user_id=member_user.pk,
                           member_user_ids=[lead_user.pk])
    states: list[tuple[str, int]] = []
    # the last one is in review too, scored by the lead only: the demo's assessor still has to score it
    steps = ("draft", "submitted", "in_review", "consolidated", "decided", "in_review_2")
    for step, employee_id in zip(steps, pool, strict=False):
        applied = _apply(repo, hr, current.id, employee_id)
        if applied is None:
            continue
        app_id = applied
        svc_evidence(repo, app_id, standard)
        if step != "draft":
            _submit_as_system(repo, app_id)
        if step in {"in_review", "consolidated", "decided", "in_review_2"}:
            svc.assign_panel(repo, hr, app_id, panel.id)
            _rate_all(repo, member_user, app_id, 2)  # the lead (assessor2) has scored
            if step in {"consolidated", "decided"}:
                _rate_all(repo, lead_user, app_id, 0)
                _consolidate(repo, member_user, app_id)
            if step == "decided":
                svc.decide(repo, hr, app_id)
        states.append((step.removesuffix("_2"), app_id))
    made.append(f"{CURRENT}: applications {', '.join(f'#{i} {s}' for s, i in states)}; "
                "log in as assessor to score, as assessor2 (the lead, same password) to consolidate")
    return made


def _submit_as_system(repo: DjangoRepository, app_id: int) -> None:
    """Submit on the applicant's behalf (demo people have no accounts): the applicant role is theirs."""
    app = repo.application(app_id)
    applicant = svc.Actor(user_id=None, username=f"demo:{app.employee_id}", employee_id=app.employee_id,
                          roles=frozenset({"employee"}))
    svc.submit(repo, applicant, app_id)


def svc_evidence(repo: DjangoRepository, app_id: int, standard: Standard) -> None:
    """One evidence record in the standard's vocabulary, as the applicant."""
    app = repo.application(app_id)
    applicant = svc.Actor(user_id=None, username=f"demo:{app.employee_id}", employee_id=app.employee_id,
                          roles=frozenset({"employee"}))
    vocab = standard.vocabularies
    elements = [e.code for _, e, _ in standard.elements_at(app.target_level)][:2]
    svc.add_evidence(repo, applicant, app_id, svc.EvidenceInput(
        activity=vocab.activities[0].code, date=repo.now().date() - dt.timedelta(days=40),
        role=vocab.roles[-1].code if vocab.roles else "", audience=vocab.audience_ranks[-1].code,
        scope=vocab.scopes[-1].code, note="演示举证 / demo evidence", elements=tuple(elements)))
