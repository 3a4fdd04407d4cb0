"""HR's batch work on the in-memory repository: a dry run lists who is affected and changes nothing;
the real run does the same, one application at a time, and a refusal does not stop the others."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from qualify.core.cycle import ApplicationState, PanelChoice
from qualify.core.errors import NotFound, QualifyError
from qualify.services import certification as svc
from qualify.services.certification.memory import MemoryCertificationRepository
from tests.unit.test_cycle_in_memory import (
    ACCOUNTS,
    ALL_MEET,
    E001,
    MANAGED,
    PEOPLE,
    Clock,
    open_cycle,
    scored,
    submitted_application,
)

# E005: a colleague of E001 with the same record, so that two people may apply in one cycle.
E005 = replace(
    E001,
    employee=replace(E001.employee, employee_id="E005", name="赵磊"),
    performance=tuple(replace(r, employee_id="E005") for r in E001.performance),
    exams=tuple(replace(r, employee_id="E005") for r in E001.exams),
    evidence=(),
)
MORE = {**ACCOUNTS, "colleague": (10, "E005", {"employee"}, ())}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def repo(clock: Clock) -> MemoryCertificationRepository:
    accounts = [svc.AccountView(uid, n, eid, frozenset(roles)) for n, (uid, eid, roles, _) in MORE.items()]
    return MemoryCertificationRepository([*PEOPLE, E005], accounts, MANAGED, clock=clock)


@pytest.fixture
def people() -> dict[str, svc.Actor]:
    return {
        name: svc.Actor(user_id=uid, username=name, employee_id=eid, roles=frozenset(roles), hr_families=fam)
        for name, (uid, eid, roles, fam) in MORE.items()
    }


def two_applications(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> tuple[svc.CycleView, int, int]:
    """E001's submitted application and E005's draft."""
    cycle = open_cycle(repo, people["hr"])
    submitted = submitted_application(repo, people, cycle)
    draft = svc.apply(repo, people["colleague"], cycle.id, target_level=2).id
    return cycle, submitted, draft


def panel(repo: MemoryCertificationRepository, people: dict[str, svc.Actor], cycle_id: int) -> int:
    return svc.form_panel(
        repo,
        people["hr"],
        cycle_id,
        name="评委组一",
        lead_user_id=people["assessor"].user_id or 0,
        member_user_ids=[people["assessor2"].user_id or 0],
    ).id


def test_a_dry_run_lists_who_would_get_the_panel_and_who_not_and_changes_nothing(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    cycle, submitted, draft = two_applications(repo, people)
    panel_id = panel(repo, people, cycle.id)
    audit, notices = len(repo.audit), len(repo.notices)

    preview = svc.run_batch(
        repo, people["hr"], cycle.id, "assign_panel", [submitted, draft], panel_id=panel_id
    )

    assert preview.dry_run is True
    assert [line.application.id for line in preview.done] == [submitted]
    assert [(line.application.id, line.refusal.code) for line in preview.refused if line.refusal] == [
        (draft, "action-not-allowed-in-state")
    ]
    assert repo.application(submitted).state is ApplicationState.submitted
    assert repo.assignments(submitted) == []
    assert (len(repo.audit), len(repo.notices)) == (audit, notices)


def test_the_real_run_assigns_the_panel_to_those_it_may_and_leaves_the_refused_as_they_were(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    cycle, submitted, draft = two_applications(repo, people)
    panel_id = panel(repo, people, cycle.id)

    done = svc.run_batch(
        repo, people["hr"], cycle.id, "assign_panel", [submitted, draft], panel_id=panel_id, dry_run=False
    )

    assert [line.application.id for line in done.done] == [submitted]
    assert repo.application(submitted).state is ApplicationState.in_review
    assert len(repo.assignments(submitted)) == 2
    assert repo.application(draft).state is ApplicationState.draft
    assert any(n.event == "assigned-to-panel" for n in repo.notices)


def test_decide_and_publish_in_a_batch_publish_only_the_selected_with_one_notice_period(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor], clock: Clock
) -> None:
    cycle, submitted, draft = two_applications(repo, people)
    scored(repo, people, cycle, submitted, ALL_MEET, ALL_MEET)
    svc.consolidate(repo, people["assessor"], submitted, {e: PanelChoice(r) for e, r in ALL_MEET.items()})
    decided = svc.run_batch(repo, people["hr"], cycle.id, "decide", [submitted, draft], dry_run=False)
    assert [line.application.id for line in decided.done] == [submitted]
    assert repo.current_decision(submitted) is not None
    svc.close_applications(repo, people["hr"], cycle.id)

    preview = svc.run_batch(repo, people["hr"], cycle.id, "publish", [submitted])
    assert [line.application.id for line in preview.done] == [submitted]
    assert repo.application(submitted).state is ApplicationState.decided

    svc.run_batch(repo, people["hr"], cycle.id, "publish", [submitted], dry_run=False)
    published = repo.application(submitted)
    assert published.state is ApplicationState.published
    assert published.notice_ends_at is not None

    early = svc.run_batch(repo, people["hr"], cycle.id, "certify", [submitted])
    assert [line.refusal.code for line in early.refused if line.refusal] == ["notice-not-over"]
    clock.at += dt.timedelta(days=8)
    certified = svc.run_batch(repo, people["hr"], cycle.id, "certify", [submitted], dry_run=False)
    assert certified.done and repo.application(submitted).state is ApplicationState.certified


def test_only_hr_of_the_cycle_may_run_a_batch_and_only_on_the_cycles_applications(
    repo: MemoryCertificationRepository, people: dict[str, svc.Actor]
) -> None:
    cycle, submitted, _ = two_applications(repo, people)
    for who in ("employee", "manager", "assessor"):
        with pytest.raises(NotFound):
            svc.run_batch(repo, people[who], cycle.id, "decide", [submitted])
    other = open_cycle(repo, people["hr"], name="another")
    with pytest.raises(NotFound):
        svc.run_batch(repo, people["hr"], other.id, "decide", [submitted])


@pytest.mark.parametrize(
    ("action", "ids", "panel_id", "code"),
    [
        ("decide", [], None, "batch-empty"),
        ("promote", [1], None, "batch-action-unknown"),
        ("assign_panel", [1], None, "batch-panel-required"),
        ("decide", list(range(1, svc.MAX_BATCH + 2)), None, "batch-too-large"),
    ],
)
def test_a_batch_that_cannot_be_run_is_refused_whole_with_a_code(
    repo: MemoryCertificationRepository,
    people: dict[str, svc.Actor],
    action: str,
    ids: list[int],
    panel_id: int | None,
    code: str,
) -> None:
    cycle = open_cycle(repo, people["hr"])
    with pytest.raises(QualifyError) as refused:
        svc.run_batch(repo, people["hr"], cycle.id, action, ids, panel_id=panel_id)
    assert refused.value.code == code
