"""A whole certification cycle through the services on the database (SQLite here, PostgreSQL in CI).

The small organisation of ``tests.support.org`` and the mini standard: E001 (level 1) applies for
level 2 with evidence; a panel of two assessors scores with a spread; the lead consolidates; HR
decides, publishes; E001 appeals; the appeal panel decides; the certificate is issued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from qualify.core.cycle import Action, ApplicationState, CycleState, PanelChoice
from qualify.core.errors import InvalidInput, NotFound, QualifyError
from qualify.services import certification as svc
from qualify.web.accounts.audit import verify
from qualify.web.accounts.models import AuditEntry
from qualify.web.certification import models as m
from qualify.web.certification.repository import DjangoRepository, actor_for
from qualify.web.notifications.delivery import deliver
from qualify.web.people.models import Person
from tests.support.org import make_user

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")
TODAY = dt.date(2026, 11, 26)


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def repo(clock: Clock) -> DjangoRepository:
    return DjangoRepository(clock=clock)


@pytest.fixture
def people(users: dict[str, Any], org: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    extra = {
        "assessor2": make_user("assessor2", ["employee", "assessor"], person=org.people["E002"]),
        "appeal_lead": make_user("appeal_lead", ["assessor"]),
        "appeal_member": make_user("appeal_member", ["assessor"]),
        "boss": make_user(
            "boss",
            ["employee", "manager", "assessor"],
            person=org.people["M001"],
            managed_unit=org.units["north"],
        ),
    }
    everyone = {**users, **extra}
    for name, user in everyone.items():
        user.email = f"{name}@example.com"
        user.save()
    return {name: actor_for(user) for name, user in everyone.items()}


def new_cycle(**changes: Any) -> svc.NewCycle:
    values: dict[str, Any] = {
        "name": "2026 冬季认证",
        "standard_id": MINI,
        "opens_on": TODAY - dt.timedelta(days=1),
        "closes_on": TODAY + dt.timedelta(days=30),
        "as_of": TODAY,
        "levels": (2, 3),
        "notice_days": 7,
    }
    values.update(changes)
    return svc.NewCycle(**values)


def open_cycle(repo: DjangoRepository, hr: svc.Actor) -> svc.CycleView:
    cycle = svc.create_cycle(repo, hr, new_cycle())
    return svc.open_cycle(repo, hr, cycle.id)


EVIDENCE = [
    svc.EvidenceInput(
        activity="project",
        date=dt.date(2026, 3, 1),
        role="lead",
        scope="province",
        project_kind="major",
        outcome="success",
        deliverables=("project-plan",),
        elements=("talk-prep",),
        measures=("talks",),
    ),
    svc.EvidenceInput(
        activity="project",
        date=dt.date(2026, 6, 1),
        role="lead",
        scope="national",
        project_kind="maintenance",
        outcome="success",
        deliverables=("project-plan",),
        measures=("talks",),
    ),
    svc.EvidenceInput(
        activity="presentation-material",
        date=dt.date(2026, 7, 1),
        deliverables=("slides",),
        measures=("talks",),
    ),
]


def submitted_application(repo: DjangoRepository, people: dict[str, Any], cycle: svc.CycleView) -> int:
    app = svc.apply(repo, people["employee"], cycle.id)
    for item in EVIDENCE:
        svc.add_evidence(repo, people["employee"], app.id, item)
    svc.self_assess(repo, people["employee"], app.id, "talk-prep", "meets", "two projects led")
    svc.submit(repo, people["employee"], app.id)
    return app.id


def scored(
    repo: DjangoRepository,
    people: dict[str, Any],
    cycle: svc.CycleView,
    app_id: int,
    lead_ratings: dict[str, str],
    member_ratings: dict[str, str],
) -> None:
    panel = svc.form_panel(
        repo,
        people["hr"],
        cycle.id,
        name="评委组一",
        lead_user_id=people["assessor"].user_id,
        member_user_ids=[people["assessor2"].user_id],
    )
    svc.assign_panel(repo, people["hr"], app_id, panel.id)
    for who, ratings in (("assessor", lead_ratings), ("assessor2", member_ratings)):
        sheet = next(a for a in svc.my_assignments(repo, people[who]) if a.application_id == app_id)
        for element, rating in ratings.items():
            svc.rate(repo, people[who], sheet.id, element, rating, f"{who} on {element}")
        svc.submit_rating(repo, people[who], sheet.id)


ALL_MEET = {"talk-prep": "meets", "talk-delivery": "meets", "reporting": "exceeds"}


@pytest.mark.django_db(transaction=False)
def test_a_whole_cycle_from_opening_to_certificate_with_an_appeal(
    repo: DjangoRepository, people: dict[str, Any], clock: Clock, django_capture_on_commit_callbacks: Any
) -> None:
    hr, employee = people["hr"], people["employee"]
    with django_capture_on_commit_callbacks(execute=True):
        cycle = open_cycle(repo, hr)
        assert cycle.state is CycleState.open
        screened = {s.employee_id: s.eligible_levels for s in svc.screen_cycle(repo, hr, cycle.id)}
        assert screened["E001"] == [2, 3]  # ranked first of one: the policy allows a jump of two

        app_id = submitted_application(repo, people, cycle)
        assert repo.application(app_id).state is ApplicationState.submitted
        # the applicant cannot change a submitted application
        with pytest.raises(QualifyError, match="submitted"):
            svc.add_evidence(repo, employee, app_id, EVIDENCE[0])

        # two assessors, two steps apart on talk-prep
        scored(
            repo,
            people,
            cycle,
            app_id,
            lead_ratings={**ALL_MEET, "talk-prep": "meets"},
            member_ratings={**ALL_MEET, "talk-prep": "not_met"},
        )
        sheet = svc.score_sheet(repo, people["assessor"], app_id)
        assert sheet.spreads == {"talk-prep": 2}
        assert svc.progress(repo, hr, cycle.id).spreads == {app_id: {"talk-prep": 2}}

        with pytest.raises(QualifyError) as caught:
            svc.consolidate(repo, people["assessor"], app_id, {e: PanelChoice("meets") for e in ALL_MEET})
        assert caught.value.code == "spread-needs-comment"
        svc.consolidate(
            repo,
            people["assessor"],
            app_id,
            {
                "talk-prep": PanelChoice("partial", "preparation not shown for the national project"),
                "talk-delivery": PanelChoice("meets"),
                "reporting": PanelChoice("exceeds"),
            },
        )

        computed = svc.decide(repo, hr, app_id)
        assert computed.passed is False
        checks = {c["rule"]: c["outcome"] for c in computed.trace["en"]["levels"][1]["checks"]}
        assert checks == {
            "company_experience": "pass",
            "family_experience": "pass",
            "performance": "pass",
            "knowledge": "pass",
            "behaviour:talk-prep": "fail",
            "behaviour:talk-delivery": "pass",
            "behaviour:reporting": "pass",
            "measure:talks": "pass",
        }

        svc.close_applications(repo, hr, cycle.id)
        svc.publish(repo, hr, cycle.id)
        assert repo.cycle(cycle.id).state is CycleState.notice

        clock.at += dt.timedelta(days=2)
        svc.appeal(repo, employee, app_id, "The national project shows the preparation; see the plan.")
        appeal_panel = svc.form_panel(
            repo,
            hr,
            cycle.id,
            name="申诉评委组",
            kind="appeal",
            lead_user_id=people["appeal_lead"].user_id,
            member_user_ids=[people["appeal_member"].user_id],
        )
        svc.assign_appeal_panel(repo, hr, app_id, appeal_panel.id)
        upheld = svc.decide_appeal(
            repo,
            people["appeal_lead"],
            app_id,
            upheld=True,
            passed=True,
            reason="The project plan documents the preparation.",
        )
        assert upheld.passed is True and upheld.supersedes_id == computed.id

        # the changed result is published again, with a notice period of its own, before any certificate
        clock.at += dt.timedelta(days=6)  # the first notice is over by now: it does not count
        with pytest.raises(QualifyError) as early:
            svc.certify(repo, hr, app_id)
        assert early.value.code == "republish-first"
        assert svc.finish(repo, hr, cycle.id) == {
            "certified": 0,
            "closed": 0,
            "in_notice": 0,
            "to_publish": 1,
        }
        assert [a.id for a in svc.publish(repo, hr, cycle.id)] == [app_id]
        again = repo.application(app_id)
        assert again.state is ApplicationState.published
        assert again.notice_ends_at is not None and again.notice_ends_at > clock.at + dt.timedelta(days=7)
        with pytest.raises(QualifyError) as in_notice:
            svc.certify(repo, hr, app_id)
        assert in_notice.value.code == "notice-not-over"
        with pytest.raises(QualifyError) as twice:
            svc.appeal(repo, employee, app_id, "once more")
        assert twice.value.code == "already-appealed"
        clock.at += dt.timedelta(days=8)
        certificate = svc.certify(repo, hr, app_id)

    assert certificate.number == "MINI-L2-2026-00001"
    assert (certificate.valid_from, certificate.valid_until) == (dt.date(2026, 12, 12), dt.date(2028, 12, 11))
    assert Person.objects.get(employee_id="E001").current_level == 2
    decisions = repo.decisions(app_id)
    assert [d.kind for d in decisions] == ["computed", "appeal"]
    assert decisions[0].passed is False  # the first decision is kept as it was
    assert svc.close_cycle(repo, hr, cycle.id).state is CycleState.closed

    assert mail.outbox == []  # nothing is sent from the step itself: the worker sends the outbox
    assert deliver()["failed"] == 0
    subjects = [msg.subject for msg in mail.outbox if msg.to == ["employee@example.com"]]
    assert sum("Result published" in s for s in subjects) == 2
    assert any("Application received" in s for s in subjects)
    assert any("Appeal decided" in s for s in subjects)
    assert any("Certificate issued" in s for s in subjects)
    assert any("assigned to your panel" in msg.subject for msg in mail.outbox
               if msg.to == ["assessor@example.com"])
    assert verify() is None
    actions = set(
        AuditEntry.objects.filter(object_type="application", object_id=str(app_id)).values_list(
            "action", flat=True
        )
    )
    assert {
        "apply",
        "submit",
        "assign_panel",
        "consolidate",
        "decide",
        "appeal",
        "decide_appeal",
        "publish",
        "certify",
    } <= actions


@pytest.mark.django_db
def test_a_passed_application_is_certified_only_after_the_notice_period(
    repo: DjangoRepository, people: dict[str, Any], clock: Clock
) -> None:
    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    scored(repo, people, cycle, app_id, ALL_MEET, ALL_MEET)
    svc.consolidate(repo, people["assessor"], app_id, {e: PanelChoice(r) for e, r in ALL_MEET.items()})
    assert svc.decide(repo, hr, app_id).passed is True
    svc.close_applications(repo, hr, cycle.id)
    svc.publish(repo, hr, cycle.id)
    with pytest.raises(QualifyError) as caught:
        svc.certify(repo, hr, app_id)
    assert caught.value.code == "notice-not-over"
    clock.at += dt.timedelta(days=8)
    with pytest.raises(QualifyError) as late:
        svc.appeal(repo, people["employee"], app_id, "too late")
    assert late.value.code == "appeal-outside-notice"
    assert svc.finish(repo, hr, cycle.id) == {"certified": 1, "closed": 0, "in_notice": 0, "to_publish": 0}
    assert repo.application(app_id).state is ApplicationState.certified


@pytest.mark.django_db
def test_the_system_refuses_a_panel_member_who_manages_the_applicant_and_says_why(
    repo: DjangoRepository, people: dict[str, Any]
) -> None:
    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    panel = svc.form_panel(
        repo,
        hr,
        cycle.id,
        name="含主管",
        lead_user_id=people["boss"].user_id,
        member_user_ids=[people["assessor"].user_id],
    )
    with pytest.raises(QualifyError) as caught:
        svc.assign_panel(repo, hr, app_id, panel.id)
    assert caught.value.code == "panel-conflict"
    assert str(caught.value) == "panel-conflict boss: an assessor may not assess someone they manage"
    assert repo.application(app_id).state is ApplicationState.submitted


@pytest.mark.django_db
def test_an_assessor_does_not_see_the_others_ratings_until_they_submit(
    repo: DjangoRepository, people: dict[str, Any]
) -> None:
    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    panel = svc.form_panel(
        repo,
        hr,
        cycle.id,
        name="p",
        lead_user_id=people["assessor"].user_id,
        member_user_ids=[people["assessor2"].user_id],
    )
    svc.assign_panel(repo, hr, app_id, panel.id)
    lead_sheet = next(a for a in svc.my_assignments(repo, people["assessor"]) if a.application_id == app_id)
    for element, rating in ALL_MEET.items():
        svc.rate(repo, people["assessor"], lead_sheet.id, element, rating)
    svc.submit_rating(repo, people["assessor"], lead_sheet.id)
    member_view = svc.score_sheet(repo, people["assessor2"], app_id)
    assert member_view.hidden is True and member_view.others == {}
    assert svc.score_sheet(repo, people["assessor"], app_id).others["talk-prep"] == {"assessor": "meets"}


@pytest.mark.django_db
def test_one_open_application_per_person_per_cycle(repo: DjangoRepository, people: dict[str, Any]) -> None:
    cycle = open_cycle(repo, people["hr"])
    svc.apply(repo, people["employee"], cycle.id)
    with pytest.raises(QualifyError) as caught:
        svc.apply(repo, people["employee"], cycle.id)
    assert caught.value.code == "application-already-open"


@pytest.mark.django_db
def test_a_manager_nominates_someone_of_their_unit_but_not_of_another(
    repo: DjangoRepository, people: dict[str, Any]
) -> None:
    cycle = open_cycle(repo, people["hr"])
    nominated = svc.apply(repo, people["manager"], cycle.id, employee_id="E001")
    assert nominated.nominated_by == "manager" and nominated.state is ApplicationState.draft
    with pytest.raises(NotFound):
        svc.apply(repo, people["manager"], cycle.id, employee_id="E003")


@pytest.mark.django_db
def test_an_override_keeps_the_computed_decision_and_needs_a_reason(
    repo: DjangoRepository, people: dict[str, Any]
) -> None:
    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    scored(repo, people, cycle, app_id, ALL_MEET, ALL_MEET)
    svc.consolidate(repo, people["assessor"], app_id, {e: PanelChoice(r) for e, r in ALL_MEET.items()})
    first = svc.decide(repo, hr, app_id)
    with pytest.raises(QualifyError) as caught:
        svc.override(repo, hr, app_id, passed=False, reason=" ")
    assert caught.value.code == "override-reason-required"
    second = svc.override(repo, hr, app_id, passed=False, reason="a complaint about the evidence is upheld")
    assert second.supersedes_id == first.id
    assert repo.current_decision(app_id) == second
    decision = m.Decision.objects.get(pk=first.id)
    decision.reason = "edited"
    with pytest.raises(m.DecisionEditRefused):
        decision.save()


@pytest.mark.django_db
def test_a_published_standard_file_that_changes_does_not_change_a_running_cycle(
    repo: DjangoRepository, people: dict[str, Any], tmp_path: Path
) -> None:
    copy = tmp_path / "mini@1.0.yaml"
    copy.write_text(Path(MINI).read_text(encoding="utf-8"), encoding="utf-8")
    cycle = svc.create_cycle(repo, people["hr"], new_cycle(standard_id=str(copy)))
    copy.write_text(
        Path(MINI).read_text(encoding="utf-8").replace("validity_months: 24", "validity_months: 6"),
        encoding="utf-8",
    )
    assert svc.cycle_standard(repo, repo.cycle(cycle.id)).certificate.validity_months == 24
    assert repo.cycle(cycle.id).standard_id == "mini@1.0"


@pytest.mark.django_db
def test_hr_of_another_family_cannot_open_a_cycle(repo: DjangoRepository, people: dict[str, Any]) -> None:
    outsider = svc.Actor(user_id=None, username="x", roles=frozenset({"hr"}), hr_families=("other",))
    with pytest.raises(QualifyError) as caught:
        svc.create_cycle(repo, outsider, new_cycle())
    assert caught.value.code == "role-may-not-do-action"


@pytest.mark.django_db
def test_an_evidence_code_the_standard_does_not_know_is_refused(
    repo: DjangoRepository, people: dict[str, Any]
) -> None:
    cycle = open_cycle(repo, people["hr"])
    app = svc.apply(repo, people["employee"], cycle.id)
    with pytest.raises(InvalidInput) as caught:
        svc.add_evidence(
            repo,
            people["employee"],
            app.id,
            svc.EvidenceInput(activity="juggling", date=TODAY, elements=("talk-prep", "nope")),
        )
    assert [p.path for p in caught.value.problems] == ["activity", "elements"]


# --- local dates: every window, notice and validity is counted in the deployment's local date --------

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 4)
LOCAL_TIMES = pytest.mark.parametrize("local_time", [dt.time(0, 30), dt.time(23, 30)], ids=["00:30", "23:30"])


def freeze_local(
    monkeypatch: pytest.MonkeyPatch, day: dt.date, at: dt.time
) -> Callable[[dt.timedelta], None]:
    """Freeze ``timezone.now`` at ``day`` ``at`` China time; returns a function that moves it on."""
    moment = [dt.datetime.combine(day, at, tzinfo=SHANGHAI).astimezone(dt.UTC)]
    monkeypatch.setattr(timezone, "now", lambda: moment[0])

    def move(by: dt.timedelta) -> None:
        moment[0] += by

    return move


@pytest.mark.django_db
@LOCAL_TIMES
@pytest.mark.parametrize(
    ("opens", "closes", "accepted"),
    [(0, 0, True), (-3, 0, True), (0, 3, True), (1, 5, False), (-5, -1, False)],
    ids=["opens-and-closes-today", "closes-today", "opens-today", "opens-tomorrow", "closed-yesterday"],
)
def test_the_application_window_is_read_in_local_dates_at_any_hour(
    people: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    local_time: dt.time,
    opens: int,
    closes: int,
    accepted: bool,
) -> None:
    freeze_local(monkeypatch, DAY, local_time)
    repo = DjangoRepository()
    cycle = svc.create_cycle(
        repo,
        people["hr"],
        new_cycle(
            opens_on=DAY + dt.timedelta(days=opens), closes_on=DAY + dt.timedelta(days=closes), as_of=DAY
        ),
    )
    svc.open_cycle(repo, people["hr"], cycle.id)
    if accepted:
        assert svc.apply(repo, people["employee"], cycle.id).state is ApplicationState.draft
    else:
        with pytest.raises(QualifyError) as caught:
            svc.apply(repo, people["employee"], cycle.id)
        assert caught.value.code == "outside-window"


@pytest.mark.django_db
@LOCAL_TIMES
def test_the_notice_period_and_the_certificate_count_local_days(
    people: dict[str, Any], monkeypatch: pytest.MonkeyPatch, local_time: dt.time
) -> None:
    move = freeze_local(monkeypatch, DAY, local_time)
    repo = DjangoRepository()
    hr = people["hr"]
    cycle = svc.create_cycle(repo, hr, new_cycle(opens_on=DAY, closes_on=DAY, as_of=DAY, notice_days=7))
    svc.open_cycle(repo, hr, cycle.id)
    app_id = submitted_application(repo, people, cycle)
    scored(repo, people, cycle, app_id, ALL_MEET, ALL_MEET)
    svc.consolidate(repo, people["assessor"], app_id, {e: PanelChoice(r) for e, r in ALL_MEET.items()})
    svc.decide(repo, hr, app_id)
    svc.close_applications(repo, hr, cycle.id)
    svc.publish(repo, hr, cycle.id)
    ends = timezone.localtime(repo.application(app_id).notice_ends_at)
    assert (ends.date(), ends.time()) == (DAY + dt.timedelta(days=8), dt.time(0, 0))  # the end of the 7th day
    # the last local day of the notice is still in it, whatever the hour of publication
    move(
        dt.datetime.combine(DAY + dt.timedelta(days=7), dt.time(23, 59), tzinfo=SHANGHAI)
        - timezone.localtime(timezone.now())
    )
    with pytest.raises(QualifyError) as caught:
        svc.certify(repo, hr, app_id)
    assert caught.value.code == "notice-not-over"
    move(dt.timedelta(minutes=31))  # 00:30 local, the day after: UTC still says the day before
    certificate = svc.certify(repo, hr, app_id)
    issued = DAY + dt.timedelta(days=8)
    assert certificate.valid_from == issued
    assert certificate.number.endswith(f"-{issued.year}-00001")
    row = m.Certificate.objects.get(number=certificate.number)
    assert timezone.localtime(row.issued_at).date() == row.valid_from == issued


@pytest.mark.django_db
@LOCAL_TIMES
def test_evidence_dated_after_the_local_today_is_refused(
    people: dict[str, Any], monkeypatch: pytest.MonkeyPatch, local_time: dt.time
) -> None:
    freeze_local(monkeypatch, DAY, local_time)
    repo = DjangoRepository()
    cycle = svc.create_cycle(repo, people["hr"], new_cycle(opens_on=DAY, closes_on=DAY, as_of=DAY))
    svc.open_cycle(repo, people["hr"], cycle.id)
    app = svc.apply(repo, people["employee"], cycle.id)
    svc.add_evidence(repo, people["employee"], app.id, replace(EVIDENCE[2], date=DAY))
    with pytest.raises(InvalidInput) as caught:
        tomorrow = replace(EVIDENCE[2], date=DAY + dt.timedelta(days=1))
        svc.add_evidence(repo, people["employee"], app.id, tomorrow)
    assert [p.path for p in caught.value.problems] == ["date"]
    assert "after today (2026-12-04)" in caught.value.problems[0].message_en
    assert len(repo.evidence(app.id)) == 1


# --- appeals ------------------------------------------------------------------------------------------


def appealed(repo: DjangoRepository, people: dict[str, Any], clock: Clock, ratings: dict[str, str]) -> int:
    """An application decided from ``ratings`` (both assessors), published, and appealed a day later."""
    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    scored(repo, people, cycle, app_id, ratings, ratings)
    svc.consolidate(repo, people["assessor"], app_id, {e: PanelChoice(r) for e, r in ratings.items()})
    svc.decide(repo, hr, app_id)
    svc.close_applications(repo, hr, cycle.id)
    svc.publish(repo, hr, cycle.id)
    clock.at += dt.timedelta(days=1)
    svc.appeal(repo, people["employee"], app_id, "please look again")
    return app_id


def appeal_panel(repo: DjangoRepository, people: dict[str, Any], app_id: int, lead: str, member: str) -> int:
    cycle_id = repo.application(app_id).cycle_id
    return svc.form_panel(
        repo,
        people["hr"],
        cycle_id,
        name=f"申诉 {lead}",
        kind="appeal",
        lead_user_id=people[lead].user_id,
        member_user_ids=[people[member].user_id],
    ).id


@pytest.mark.django_db
def test_an_appeal_panel_that_shares_a_member_with_the_review_panel_is_refused(
    repo: DjangoRepository, people: dict[str, Any], clock: Clock
) -> None:
    app_id = appealed(repo, people, clock, ALL_MEET)
    shared = appeal_panel(repo, people, app_id, "appeal_lead", "assessor2")
    with pytest.raises(QualifyError) as caught:
        svc.assign_appeal_panel(repo, people["hr"], app_id, shared)
    assert caught.value.code == "appeal-panel-not-independent"
    assert "assessor2" in caught.value.message_en and "assessor2" in caught.value.message_zh
    assert repo.assignments(app_id, "appeal") == []
    independent = appeal_panel(repo, people, app_id, "appeal_lead", "appeal_member")
    assert svc.assign_appeal_panel(repo, people["hr"], app_id, independent).state is ApplicationState.appealed


@pytest.mark.django_db
def test_the_standards_owner_may_allow_a_shared_appeal_panel_which_is_then_named(
    repo: DjangoRepository, people: dict[str, Any], clock: Clock, tmp_path: Path
) -> None:
    allowing = tmp_path / "mini@1.0.yaml"
    allowing.write_text(
        Path(MINI)
        .read_text(encoding="utf-8")
        .replace("validity_months: 24", "validity_months: 24\n  appeal_panel_may_share_members: true"),
        encoding="utf-8",
    )
    hr = people["hr"]
    cycle = svc.open_cycle(repo, hr, svc.create_cycle(repo, hr, new_cycle(standard_id=str(allowing))).id)
    assert svc.cycle_standard(repo, cycle).certificate.appeal_panel_may_share_members is True
    app_id = submitted_application(repo, people, cycle)
    scored(repo, people, cycle, app_id, ALL_MEET, ALL_MEET)
    svc.consolidate(repo, people["assessor"], app_id, {e: PanelChoice(r) for e, r in ALL_MEET.items()})
    svc.decide(repo, hr, app_id)
    svc.close_applications(repo, hr, cycle.id)
    svc.publish(repo, hr, cycle.id)
    svc.appeal(repo, people["employee"], app_id, "please look again")
    shared = appeal_panel(repo, people, app_id, "appeal_lead", "assessor2")
    svc.assign_appeal_panel(repo, hr, app_id, shared)
    app = repo.application(app_id)
    assert svc.shared_members(repo, app, repo.panel(shared)) == ["assessor2"]


@pytest.mark.django_db
def test_a_dismissed_appeal_keeps_the_result_and_certifies_without_a_second_notice(
    repo: DjangoRepository, people: dict[str, Any], clock: Clock
) -> None:
    app_id = appealed(repo, people, clock, ALL_MEET)
    svc.assign_appeal_panel(
        repo, people["hr"], app_id, appeal_panel(repo, people, app_id, "appeal_lead", "appeal_member")
    )
    svc.decide_appeal(repo, people["appeal_lead"], app_id, upheld=False, reason="the result stands")
    assert svc.changed_on_appeal(repo, app_id) is False
    assert svc.certify(repo, people["hr"], app_id).level == 2


@pytest.mark.django_db
def test_a_passed_result_offers_only_certify_and_a_failed_one_only_close(
    repo: DjangoRepository, people: dict[str, Any], clock: Clock
) -> None:
    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    scored(repo, people, cycle, app_id, ALL_MEET, ALL_MEET)
    svc.consolidate(repo, people["assessor"], app_id, {e: PanelChoice(r) for e, r in ALL_MEET.items()})
    svc.decide(repo, hr, app_id)
    svc.close_applications(repo, hr, cycle.id)
    svc.publish(repo, hr, cycle.id)
    app = repo.application(app_id)
    assert Action.certify in svc.allowed(repo, hr, app) and Action.close not in svc.allowed(repo, hr, app)
    clock.at += dt.timedelta(days=1)
    svc.appeal(repo, people["employee"], app_id, "please look again")
    svc.assign_appeal_panel(
        repo, hr, app_id, appeal_panel(repo, people, app_id, "appeal_lead", "appeal_member")
    )
    svc.decide_appeal(
        repo, people["appeal_lead"], app_id, upheld=True, passed=False, reason="evidence is not his"
    )
    changed = repo.application(app_id)
    assert not {Action.certify, Action.close} & set(svc.allowed(repo, hr, changed))
    assert Action.publish in svc.allowed(repo, hr, changed)
    svc.publish(repo, hr, cycle.id)
    clock.at += dt.timedelta(days=9)
    failed = repo.application(app_id)
    assert Action.close in svc.allowed(repo, hr, failed) and Action.certify not in svc.allowed(
        repo, hr, failed
    )
