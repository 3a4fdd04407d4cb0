"""The certification cycle's use cases on the in-memory repository: no database, no Django.

The same small organisation as ``tests.support.org`` and the mini standard: E001 (level 1) applies for
level 2 with evidence; a panel of two assessors scores; the lead consolidates; HR decides and publishes;
E001 appeals; the appeal panel decides; the certificate is issued.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from qualify.core.cycle import ApplicationState, CycleState, PanelChoice
from qualify.core.errors import InvalidInput, NotFound, QualifyError
from qualify.core.records import Employee, EvidenceRecord, ExamRecord, PerformanceRecord, PersonRecord
from qualify.services import certification as svc
from qualify.services.certification.memory import MemoryCertificationRepository

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")
TODAY = dt.date(2026, 11, 26)
HIRED = dt.date(2018, 3, 1)


def person(
    employee_id: str, unit: str, level: int, name: str, family: str = "mini", **records: Any
) -> PersonRecord:
    employee = Employee(
        employee_id=employee_id,
        name=name,
        org_unit=unit,
        job_family=family,
        current_level=level,
        hire_date=HIRED,
        family_start_date=HIRED,
    )
    return PersonRecord(employee=employee, **records)


E001 = person(
    "E001",
    "bj",
    1,
    "张伟",
    performance=tuple(
        PerformanceRecord("E001", p, r)
        for p, r in [("2025Q4", "B"), ("2026Q1", "B+"), ("2026Q2", "A"), ("2026Q3", "B")]
    ),
    exams=(ExamRecord("E001", "2026", "general", 82), ExamRecord("E001", "2026", "professional", 75)),
    evidence=(
        EvidenceRecord(
            "E001",
            "EV1",
            "presentation",
            dt.date(2026, 5, 10),
            role="lead",
            audience="city-om-deputy-director",
            scope="city",
            deliverables=("slides",),
            note="客户交流",
        ),
    ),
)
PEOPLE = [
    E001,
    person("E002", "bj", 2, "王芳"),
    person("E003", "south", 2, "李娜"),
    person("E004", "north", 1, "刘洋", family="other"),
    person("M001", "north", 3, "陈静"),
]

ACCOUNTS = {  # name: (user id, employee id, roles, HR families)
    "employee": (1, "E001", {"employee"}, ()),
    "manager": (2, "M001", {"employee", "manager"}, ()),
    "assessor": (3, "E003", {"employee", "assessor"}, ()),
    "assessor2": (4, "E002", {"employee", "assessor"}, ()),
    "hr": (5, None, {"hr"}, ("mini",)),
    "admin": (6, None, {"admin"}, None),
    "boss": (7, "M001", {"employee", "manager", "assessor"}, ()),
    "appeal_lead": (8, None, {"assessor"}, ()),  # an appeal panel shares no member with the review panel
    "appeal_member": (9, None, {"assessor"}, ()),
}
MANAGED = {2: {"E001", "E002", "E004"}, 7: {"E001", "E002", "E004"}}  # the unit north and below


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def repo(clock: Clock) -> MemoryCertificationRepository:
    accounts = [
        svc.AccountView(uid, name, eid, frozenset(roles)) for name, (uid, eid, roles, _) in ACCOUNTS.items()
    ]
    return MemoryCertificationRepository(PEOPLE, accounts, MANAGED, clock=clock)


@pytest.fixture
def people() -> dict[str, svc.Actor]:
    return {
        name: svc.Actor(
            user_id=uid, username=name, employee_id=eid, roles=frozenset(roles), hr_families=families
        )
        for name, (uid, eid, roles, families) in ACCOUNTS.items()
    }


def open_cycle(repo: MemoryCertificationRepository, hr: svc.Actor, **changes: Any) -> svc.CycleView:
    values: dict[str, Any] = {
        "name": "2026 冬季认证",
        "standard_id": MINI,
        "opens_on": TODAY - dt.timedelta(days=1),
        "closes_on": TODAY + dt.timedelta(days=30),
        "as_of": TODAY,
        "levels": (2, 3),
        "notice_days": 7,
        **changes,
    }
    cycle = svc.create_cycle(repo, hr, svc.NewCycle(**values))
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
ALL_MEET = {"talk-prep": "meets", "talk-delivery": "meets", "reporting": "exceeds"}


def submitted_application(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor], cycle: svc.CycleView
) -> int:
    app = svc.apply(repo, people["employee"], cycle.id)
    for item in EVIDENCE:
        svc.add_evidence(repo, people["employee"], app.id, item)
    svc.self_assess(repo, people["employee"], app.id, "talk-prep", "meets", "two projects led")
    svc.submit(repo, people["employee"], app.id)
    return app.id


def scored(
    repo: MemoryCertificationRepository,
    people: dict[str, svc.Actor],
    cycle: svc.CycleView,
    app_id: int,
    lead: dict[str, str],
    member: dict[str, str],
) -> None:
    panel = svc.form_panel(
        repo,
        people["hr"],
        cycle.id,
        name="评委组一",
        lead_user_id=people["assessor"].user_id or 0,
        member_user_ids=[people["assessor2"].user_id or 0],
    )
    svc.assign_panel(repo, people["hr"], app_id, panel.id)
    for who, ratings in (("assessor", lead), ("assessor2", member)):
        sheet = next(a for a in svc.my_assignments(repo, people[who]) if a.application_id == app_id)
        for element, rating in ratings.items():
            svc.rate(repo, people[who], sheet.id, element, rating, f"{who} on {element}")
        svc.submit_rating(repo, people[who], sheet.id)


def test_a_whole_cycle_runs_from_opening_to_certificate_with_an_appeal_without_a_database(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor], clock: Clock
) -> None:
    hr, employee = people["hr"], people["employee"]
    cycle = open_cycle(repo, hr)
    assert cycle.state is CycleState.open and cycle.standard_id == "mini@1.0"
    screened = {s.employee_id: s.eligible_levels for s in svc.screen_cycle(repo, hr, cycle.id)}
    assert screened["E001"] == [2, 3]  # first of one in the ranking: the policy allows a jump of two
    assert "E004" not in screened  # another job family
    assert {row[0] for row in repo.screening(cycle.id)} == {"E001", "E002", "E003", "M001"}

    app_id = submitted_application(repo, people, cycle)
    assert repo.application(app_id).state is ApplicationState.submitted
    with pytest.raises(QualifyError, match="submitted"):
        svc.add_evidence(repo, employee, app_id, EVIDENCE[0])

    scored(
        repo, people, cycle, app_id, {**ALL_MEET, "talk-prep": "meets"}, {**ALL_MEET, "talk-prep": "not_met"}
    )
    assert svc.score_sheet(repo, people["assessor"], app_id).spreads == {"talk-prep": 2}
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
    assert checks["behaviour:talk-prep"] == "fail" and checks["measure:talks"] == "pass"

    svc.close_applications(repo, hr, cycle.id)
    svc.publish(repo, hr, cycle.id)
    assert repo.cycle(cycle.id).state is CycleState.notice
    assert repo.application(app_id).state is ApplicationState.published

    clock.at += dt.timedelta(days=2)
    svc.appeal(repo, employee, app_id, "The national project shows the preparation; see the plan.")
    appeal_panel = svc.form_panel(
        repo,
        hr,
        cycle.id,
        name="申诉评委组",
        kind="appeal",
        lead_user_id=people["appeal_lead"].user_id or 0,
        member_user_ids=[people["appeal_member"].user_id or 0],
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
    assert repo.current_decision(app_id) == upheld

    # the changed result is published again, with a notice period of its own, before any certificate
    with pytest.raises(QualifyError) as early:
        svc.certify(repo, hr, app_id)
    assert early.value.code == "republish-first"
    assert [a.id for a in svc.publish(repo, hr, cycle.id)] == [app_id]
    with pytest.raises(QualifyError) as in_notice:
        svc.certify(repo, hr, app_id)
    assert in_notice.value.code == "notice-not-over"
    clock.at += dt.timedelta(days=8)
    certificate = svc.certify(repo, hr, app_id)
    assert certificate.number == "MINI-L2-2026-00001"
    assert (certificate.valid_from, certificate.valid_until) == (dt.date(2026, 12, 6), dt.date(2028, 12, 5))
    assert repo.person("E001").current_level == 2
    assert [d.kind for d in repo.decisions(app_id)] == ["computed", "appeal"]
    assert repo.decisions(app_id)[0].passed is False  # the first decision is kept as it was
    assert svc.close_cycle(repo, hr, cycle.id).state is CycleState.closed

    assert {
        "apply",
        "submit",
        "assign_panel",
        "consolidate",
        "decide",
        "appeal",
        "decide_appeal",
        "certify",
    } <= set(repo.actions("application", app_id))
    events = [n.event for n in repo.notices]
    assert {"application-received", "assigned-to-panel", "result-published", "appeal-decided"} <= set(events)


def test_a_passed_application_is_certified_only_after_the_notice_period(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor], clock: Clock
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


def test_a_panel_member_who_manages_the_applicant_is_refused_and_nothing_is_assigned(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    panel = svc.form_panel(
        repo,
        hr,
        cycle.id,
        name="含主管",
        lead_user_id=people["boss"].user_id or 0,
        member_user_ids=[people["assessor"].user_id or 0],
    )
    with pytest.raises(QualifyError) as caught:
        svc.assign_panel(repo, hr, app_id, panel.id)
    assert str(caught.value) == "panel-conflict boss: an assessor may not assess someone they manage"
    assert repo.application(app_id).state is ApplicationState.submitted
    assert repo.assignments(app_id) == []


def test_an_assessor_does_not_see_the_others_ratings_until_they_submit(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    panel = svc.form_panel(
        repo,
        hr,
        cycle.id,
        name="p",
        lead_user_id=people["assessor"].user_id or 0,
        member_user_ids=[people["assessor2"].user_id or 0],
    )
    svc.assign_panel(repo, hr, app_id, panel.id)
    lead_sheet = next(a for a in svc.my_assignments(repo, people["assessor"]) if a.application_id == app_id)
    for element, rating in ALL_MEET.items():
        svc.rate(repo, people["assessor"], lead_sheet.id, element, rating)
    svc.submit_rating(repo, people["assessor"], lead_sheet.id)
    member_view = svc.score_sheet(repo, people["assessor2"], app_id)
    assert member_view.hidden is True and member_view.others == {}
    assert svc.score_sheet(repo, people["assessor"], app_id).others["talk-prep"] == {"assessor": "meets"}


def test_two_saves_of_the_same_rating_from_the_same_version_make_the_second_a_conflict(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    panel = svc.form_panel(
        repo,
        hr,
        cycle.id,
        name="p",
        lead_user_id=people["assessor"].user_id or 0,
        member_user_ids=[people["assessor2"].user_id or 0],
    )
    svc.assign_panel(repo, hr, app_id, panel.id)
    sheet = next(a for a in svc.my_assignments(repo, people["assessor"]) if a.application_id == app_id)
    first = svc.rate(repo, people["assessor"], sheet.id, "talk-prep", "meets")
    svc.rate(repo, people["assessor"], sheet.id, "talk-prep", "exceeds", expected_version=first.version)
    with pytest.raises(svc.EditConflict):
        svc.rate(repo, people["assessor"], sheet.id, "talk-prep", "partial", expected_version=first.version)
    assert [s.rating for s in repo.scores(app_id)] == ["exceeds"]


def test_a_use_case_that_fails_half_way_leaves_nothing_written(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    cycle = open_cycle(repo, people["hr"])
    before = (repo.applications(cycle.id), len(repo.audit))

    def apply_then_fail() -> None:
        with repo.atomic():
            repo.add_application(people["employee"], cycle.id, "E001", 1, 2, "", "")
            raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        apply_then_fail()
    assert (repo.applications(cycle.id), len(repo.audit)) == before


def test_one_open_application_per_person_per_cycle(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    cycle = open_cycle(repo, people["hr"])
    svc.apply(repo, people["employee"], cycle.id)
    with pytest.raises(QualifyError) as caught:
        svc.apply(repo, people["employee"], cycle.id)
    assert caught.value.code == "application-already-open"


def test_a_manager_nominates_someone_of_their_unit_but_not_of_another(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    cycle = open_cycle(repo, people["hr"])
    nominated = svc.apply(repo, people["manager"], cycle.id, employee_id="E001")
    assert nominated.nominated_by == "manager" and nominated.state is ApplicationState.draft
    with pytest.raises(NotFound):
        svc.apply(repo, people["manager"], cycle.id, employee_id="E003")


def test_an_override_keeps_the_computed_decision_and_needs_a_reason(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
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
    assert second.supersedes_id == first.id and repo.current_decision(app_id) == second
    assert [d.passed for d in repo.decisions(app_id)] == [True, False]


def test_hr_of_another_family_cannot_open_a_cycle(repo: MemoryCertificationRepository) -> None:
    outsider = svc.Actor(user_id=None, username="x", roles=frozenset({"hr"}), hr_families=("other",))
    with pytest.raises(QualifyError) as caught:
        open_cycle(repo, outsider)
    assert caught.value.code == "role-may-not-do-action"
    assert repo.cycles() == []


def test_an_evidence_code_the_standard_does_not_know_is_refused(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
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
    assert repo.evidence(app.id) == []


def test_someone_elses_application_is_not_found_for_an_employee(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    cycle = open_cycle(repo, people["hr"])
    app = svc.apply(repo, people["employee"], cycle.id)
    with pytest.raises(NotFound):
        svc.visible_application(repo, people["assessor"], app.id)


# --- who sees a decision before publication (qualify.services.visibility) ----------------------------


def test_a_decision_is_seen_by_hr_only_until_it_is_published_then_by_the_applicant_and_the_panel(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    from qualify.services.visibility import visible_decision, visible_decisions

    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    scored(repo, people, cycle, app_id, ALL_MEET, ALL_MEET)
    svc.consolidate(repo, people["assessor"], app_id, {e: PanelChoice(r) for e, r in ALL_MEET.items()})
    made = svc.decide(repo, hr, app_id)
    app = repo.application(app_id)
    assert visible_decision(repo, hr, app) == made
    for who in ("employee", "manager", "assessor", "assessor2"):  # applicant, manager, lead, member
        assert visible_decision(repo, people[who], app) is None, who
        assert visible_decisions(repo, people[who], app) == [], who
    svc.close_applications(repo, hr, cycle.id)
    svc.publish(repo, hr, cycle.id)
    app = repo.application(app_id)
    for who in ("employee", "manager", "assessor", "assessor2"):
        assert visible_decision(repo, people[who], app) == made, who


def test_a_certificate_shows_among_those_expiring_once_it_is_within_the_warning_period(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor], clock: Clock
) -> None:
    hr = people["hr"]
    cycle = open_cycle(repo, hr)
    app_id = submitted_application(repo, people, cycle)
    scored(repo, people, cycle, app_id, ALL_MEET, ALL_MEET)
    svc.consolidate(repo, people["assessor"], app_id, {e: PanelChoice(r) for e, r in ALL_MEET.items()})
    svc.decide(repo, hr, app_id)
    svc.close_applications(repo, hr, cycle.id)
    svc.publish(repo, hr, cycle.id)
    clock.at += dt.timedelta(days=8)
    certificate = svc.certify(repo, hr, app_id)
    assert svc.expiring_certificates(repo, hr, today=certificate.valid_from) == []
    late = certificate.valid_until - dt.timedelta(days=10)
    assert [c.number for c in svc.expiring_certificates(repo, hr, today=late)] == [certificate.number]
    with pytest.raises(QualifyError):
        svc.expiring_certificates(repo, people["employee"], today=late)


def test_hr_rejects_an_application_with_a_reason_the_store_keeps(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    cycle = open_cycle(repo, people["hr"])
    app_id = submitted_application(repo, people, cycle)
    with pytest.raises(QualifyError) as caught:
        svc.reject(repo, people["hr"], app_id, "  ")
    assert caught.value.code == "reject-reason-required"
    svc.reject(repo, people["hr"], app_id, "the evidence is from another job family")
    assert repo.application(app_id).state is ApplicationState.rejected
    assert repo.application_extra(app_id)["close_reason"] == "the evidence is from another job family"
