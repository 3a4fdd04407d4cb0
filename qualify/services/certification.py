"""The certification cycle's use cases: one function per step, called by the pages, the API and the CLI.

Each function takes a ``CertificationRepository`` (the database behind a Protocol: the Django one is
``qualify.web.certification.repository.DjangoRepository``), the ``Actor`` doing it, and the step's
input; it checks who may do what with the table in ``qualify.core.cycle``, applies the cycle's rules,
and writes through the repository in one transaction. The repository records every change in the
audit record (who, when, before, after).

Refusals are ``QualifyError`` with a stable code. An object the actor may not see is ``NotFound``
(a 404 in the web app), never a hint that it exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from qualify.core import cycle as rules
from qualify.core.cycle import (
    Action,
    ApplicationState,
    AssignmentState,
    CycleState,
    PanelChoice,
    Role,
    transition,
)
from qualify.core.decision import Decision, LevelOutcome, Stage
from qualify.core.errors import InvalidInput, NotFound, Problem, QualifyError
from qualify.core.evaluate import evaluate
from qualify.core.knowledge import KnowledgeStanding, allowed_levels_above, rank_knowledge
from qualify.core.records import Employee, EvidenceRecord, ExamRecord, PersonRecord, RatingRecord
from qualify.core.standard import Standard
from qualify.formats.standard_yaml import standard_from_data, standard_to_data
from qualify.services.standards import get_standard

HR_ROLES = frozenset({"hr", "admin"})


# --- values that cross the repository boundary --------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who is acting: an account's id and name, its employee record, its roles and HR scope.

    ``hr_families`` is ``None`` for "every family" (admin). ``handle`` is the web app's user object,
    passed back to the repository for the audit record.
    """

    user_id: int | None
    username: str
    employee_id: str | None = None
    roles: frozenset[str] = frozenset()
    hr_families: tuple[str, ...] | None = ()
    handle: object = None

    def administers(self, family: str) -> bool:
        if "admin" in self.roles:
            return True
        return "hr" in self.roles and (self.hr_families is None or family in self.hr_families)


SYSTEM = Actor(user_id=None, username="system", roles=frozenset({"admin"}), hr_families=None)


@dataclass(frozen=True)
class NewCycle:
    name: str
    standard_id: str
    opens_on: dt.date
    closes_on: dt.date
    as_of: dt.date
    levels: tuple[int, ...]
    notice_days: int = 7


@dataclass(frozen=True)
class CycleView:
    id: int
    name: str
    family: str
    standard_id: str
    standard_sha256: str
    state: CycleState
    opens_on: dt.date
    closes_on: dt.date
    as_of: dt.date
    levels: tuple[int, ...]
    notice_days: int


@dataclass(frozen=True)
class PersonView:
    employee_id: str
    name: str
    job_family: str
    current_level: int


@dataclass(frozen=True)
class ApplicationView:
    id: int
    cycle_id: int
    employee_id: str
    person_name: str
    current_level: int
    target_level: int
    state: ApplicationState
    jump_reason: str = ""
    nominated_by: str = ""
    submitted_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    notice_ends_at: dt.datetime | None = None
    version: int = 1


@dataclass(frozen=True)
class EvidenceInput:
    activity: str
    date: dt.date
    role: str = ""
    audience: str = ""
    scope: str = ""
    project_kind: str = ""
    outcome: str = ""
    deliverables: tuple[str, ...] = ()
    note: str = ""
    elements: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceView:
    id: int
    application_id: int
    item: EvidenceInput
    files: tuple[FileView, ...] = ()


@dataclass(frozen=True)
class FileView:
    id: int
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class PanelView:
    id: int
    cycle_id: int
    name: str
    kind: str  # "review" | "appeal"
    lead_user_id: int
    member_user_ids: tuple[int, ...]


@dataclass(frozen=True)
class AccountView:
    """An account as a panel sees it: id, name, employee record, roles."""

    user_id: int
    username: str
    employee_id: str | None
    roles: frozenset[str]


@dataclass(frozen=True)
class AssignmentView:
    id: int
    application_id: int
    panel_id: int
    user_id: int
    username: str
    employee_id: str | None
    is_lead: bool
    kind: str  # "review" | "appeal"
    state: AssignmentState


@dataclass(frozen=True)
class ScoreView:
    assignment_id: int
    element: str
    rating: str
    comment: str
    version: int


@dataclass(frozen=True)
class PanelRatingView:
    element: str
    rating: str
    comment: str


@dataclass(frozen=True)
class DecisionView:
    id: int
    application_id: int
    kind: str  # "computed" | "override" | "appeal"
    passed: bool
    level: int
    outcome: str  # the level outcome computed from the standard (eligible, not_eligible, incomplete)
    trace: Mapping[str, Any]
    reason: str
    decided_by: str
    decided_at: dt.datetime
    supersedes_id: int | None


@dataclass(frozen=True)
class AppealView:
    id: int
    application_id: int
    reason: str
    filed_at: dt.datetime
    outcome: str  # "" while open, "upheld" or "dismissed"
    decision_reason: str = ""
    files: tuple[FileView, ...] = ()


@dataclass(frozen=True)
class CertificateView:
    id: int
    number: str
    employee_id: str
    person_name: str
    level: int
    standard_id: str
    valid_from: dt.date
    valid_until: dt.date
    application_id: int | None


@dataclass(frozen=True)
class Notice:
    """A notification: the event, whom it is for (employee ids and account ids), and what it is about."""

    event: str  # application-received, assigned-to-panel, result-published, appeal-decided
    employee_ids: tuple[str, ...] = ()
    user_ids: tuple[int, ...] = ()
    cycle_name: str = ""
    application_id: int | None = None
    level: int | None = None


class EditConflict(QualifyError):
    """Somebody else saved the same record since it was read; nothing was overwritten."""


def edit_conflict(what: str, **fields: Any) -> EditConflict:
    return EditConflict(
        code="edit-conflict",
        message_en=f"someone else saved this {what} after you opened it; reload to see their change, "
        "then save again",
        message_zh="在您打开之后已有他人保存了此记录；请重新加载查看其修改后再保存",
        fields=fields,
    )


class CertificationRepository(Protocol):
    """The database, as the certification use cases need it. Every write records an audit entry."""

    def atomic(self) -> AbstractContextManager[Any]: ...
    def now(self) -> dt.datetime: ...

    # people and accounts
    def person(self, employee_id: str) -> PersonView: ...
    def person_record(self, employee_id: str) -> PersonRecord: ...
    def family_people(self, family: str) -> list[PersonRecord]: ...
    def family_exams(self, family: str) -> tuple[list[Employee], list[ExamRecord]]: ...
    def manages(self, user_id: int, employee_id: str) -> bool: ...
    def account(self, user_id: int) -> AccountView: ...
    def set_current_level(self, actor: Actor, employee_id: str, level: int) -> None: ...

    # cycles
    def add_cycle(
        self, actor: Actor, new: NewCycle, family: str, standard_text: str, sha256: str
    ) -> CycleView: ...
    def cycle(self, cycle_id: int) -> CycleView: ...
    def cycle_standard_text(self, cycle_id: int) -> str: ...
    def cycles(self) -> list[CycleView]: ...
    def set_cycle_state(self, actor: Actor, cycle_id: int, action: str, state: CycleState) -> CycleView: ...
    def save_screening(self, actor: Actor, cycle_id: int, rows: list[tuple[str, int, list[int]]]) -> None: ...

    # applications
    def add_application(
        self,
        actor: Actor,
        cycle_id: int,
        employee_id: str,
        current_level: int,
        target_level: int,
        jump_reason: str,
        nominated_by: str,
    ) -> ApplicationView: ...
    def application(self, application_id: int) -> ApplicationView: ...
    def applications(self, cycle_id: int, *, employee_id: str | None = None) -> list[ApplicationView]: ...
    def update_application(
        self,
        actor: Actor,
        application_id: int,
        action: str,
        *,
        expected_version: int | None = None,
        **changes: Any,
    ) -> ApplicationView: ...

    # evidence and self-assessment
    def add_evidence(self, actor: Actor, application_id: int, item: EvidenceInput) -> EvidenceView: ...
    def evidence(self, application_id: int) -> list[EvidenceView]: ...
    def remove_evidence(self, actor: Actor, evidence_id: int) -> None: ...
    def evidence_item(self, evidence_id: int) -> EvidenceView: ...
    def add_evidence_file(
        self, actor: Actor, evidence_id: int, name: str, content_type: str, content: bytes
    ) -> FileView: ...
    def save_self_assessment(
        self, actor: Actor, application_id: int, element: str, rating: str, comment: str
    ) -> None: ...
    def self_assessment(self, application_id: int) -> dict[str, PanelRatingView]: ...

    # panels, assignments, scores
    def add_panel(
        self,
        actor: Actor,
        cycle_id: int,
        name: str,
        kind: str,
        lead_user_id: int,
        member_user_ids: Sequence[int],
    ) -> PanelView: ...
    def panel(self, panel_id: int) -> PanelView: ...
    def panels(self, cycle_id: int) -> list[PanelView]: ...
    def assignments(self, application_id: int, kind: str | None = None) -> list[AssignmentView]: ...
    def assignments_of_user(self, user_id: int) -> list[AssignmentView]: ...
    def assignment(self, assignment_id: int) -> AssignmentView: ...
    def replace_assignments(self, actor: Actor, application_id: int, panel: PanelView, kind: str) -> None: ...
    def set_assignment_state(
        self, actor: Actor, assignment_id: int, action: str, state: AssignmentState
    ) -> None: ...
    def scores(self, application_id: int) -> list[ScoreView]: ...
    def save_score(
        self,
        actor: Actor,
        assignment_id: int,
        element: str,
        rating: str,
        comment: str,
        expected_version: int | None,
    ) -> ScoreView: ...
    def save_panel_ratings(
        self, actor: Actor, application_id: int, ratings: Mapping[str, PanelChoice]
    ) -> None: ...
    def panel_ratings(self, application_id: int) -> dict[str, PanelRatingView]: ...

    # decisions, publication, appeals, certificates
    def add_decision(
        self,
        actor: Actor,
        application_id: int,
        kind: str,
        passed: bool,
        level: int,
        outcome: str,
        trace: Mapping[str, Any],
        reason: str,
        supersedes_id: int | None,
    ) -> DecisionView: ...
    def current_decision(self, application_id: int) -> DecisionView | None: ...
    def decisions(self, application_id: int) -> list[DecisionView]: ...
    def publish(
        self,
        actor: Actor,
        cycle_id: int,
        application_ids: Sequence[int],
        published_at: dt.datetime,
        ends_at: dt.datetime,
    ) -> None: ...
    def add_appeal(self, actor: Actor, application_id: int, reason: str) -> AppealView: ...
    def appeal(self, application_id: int) -> AppealView | None: ...
    def add_appeal_file(
        self, actor: Actor, appeal_id: int, name: str, content_type: str, content: bytes
    ) -> FileView: ...
    def decide_appeal(
        self, actor: Actor, appeal_id: int, outcome: str, reason: str, decision_id: int
    ) -> AppealView: ...
    def next_certificate_sequence(self, family: str, year: int) -> int: ...
    def add_certificate(
        self,
        actor: Actor,
        application_id: int,
        number: str,
        level: int,
        standard_id: str,
        valid_from: dt.date,
        valid_until: dt.date,
    ) -> CertificateView: ...
    def certificates(self, *, valid_until_before: dt.date | None = None) -> list[CertificateView]: ...
    def certificate_for(self, application_id: int) -> CertificateView | None: ...

    def notify(self, notice: Notice) -> None: ...


# --- the frozen standard of a cycle ---------------------------------------------------------------

_FROZEN: dict[str, Standard] = {}  # sha256 → parsed standard; immutable values, safe to share


def freeze_standard(standard: Standard) -> tuple[str, str]:
    """The standard as the canonical JSON text a cycle keeps, and its SHA-256."""
    text = json.dumps(standard_to_data(standard), ensure_ascii=False, separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def cycle_standard(repo: CertificationRepository, cycle: CycleView) -> Standard:
    """The standard exactly as it was when the cycle was created (whatever the file says now)."""
    found = _FROZEN.get(cycle.standard_sha256)
    if found is not None:
        return found
    text = repo.cycle_standard_text(cycle.id)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != cycle.standard_sha256:
        raise QualifyError(
            code="frozen-standard-altered",
            message_en=f"the stored copy of {cycle.standard_id} in cycle {cycle.id} was altered",
            message_zh=f"周期 {cycle.id} 保存的标准 {cycle.standard_id} 副本被改动",
            fields={"cycle": cycle.id},
        )
    standard = standard_from_data(json.loads(text), file=cycle.standard_id)
    _FROZEN[cycle.standard_sha256] = standard
    return standard


# --- who the actor is to an application ----------------------------------------------------------


def roles_for_cycle(actor: Actor, cycle: CycleView) -> set[Role]:
    roles: set[Role] = set()
    if "admin" in actor.roles:
        roles.add(Role.admin)
    if actor.administers(cycle.family) and "hr" in actor.roles:
        roles.add(Role.hr)
    if "manager" in actor.roles:
        roles.add(Role.manager)
    if actor.employee_id:
        roles.add(Role.applicant)
    return roles


def roles_for_application(
    repo: CertificationRepository, actor: Actor, app: ApplicationView, cycle: CycleView | None = None
) -> set[Role]:
    cycle = cycle or repo.cycle(app.cycle_id)
    roles: set[Role] = set()
    if "admin" in actor.roles:
        roles.add(Role.admin)
    if "hr" in actor.roles and actor.administers(cycle.family):
        roles.add(Role.hr)
    if actor.employee_id is not None and actor.employee_id == app.employee_id:
        roles.add(Role.applicant)
    if (
        "manager" in actor.roles
        and actor.user_id is not None
        and actor.employee_id != app.employee_id
        and repo.manages(actor.user_id, app.employee_id)
    ):
        roles.add(Role.manager)
    if actor.user_id is not None:
        kind = (
            "appeal"
            if app.state in {ApplicationState.appealed, ApplicationState.appeal_decided}
            else "review"
        )
        for assignment in repo.assignments(app.id):
            if assignment.user_id == actor.user_id:
                roles.add(Role.assessor)
                if assignment.is_lead and assignment.kind == kind:
                    roles.add(Role.lead)
    return roles


def visible_application(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    """The application if the actor has any role on it; ``NotFound`` otherwise."""
    app = repo.application(application_id)
    if not roles_for_application(repo, actor, app):
        raise _not_found("application", application_id)
    return app


def visible_cycle(repo: CertificationRepository, actor: Actor, cycle_id: int) -> CycleView:
    """Every signed-in account with an employee record, a manager scope, an assessor or HR role sees
    the cycles (they are announced to all); an HR user outside the family sees it but cannot run it."""
    cycle = repo.cycle(cycle_id)
    if not actor.roles:
        raise _not_found("cycle", cycle_id)
    return cycle


def _not_found(what: str, ident: object) -> NotFound:
    return NotFound(
        code="not-found",
        message_en=f"no {what} {ident}",
        message_zh=f"没有此{what}：{ident}",
        fields={"what": what, "id": ident},
    )


# --- 1. open a cycle --------------------------------------------------------------------------------


def create_cycle(repo: CertificationRepository, actor: Actor, new: NewCycle) -> CycleView:
    """A cycle in draft on a frozen copy of the standard (HR of the standard's family)."""
    standard = get_standard(new.standard_id)
    if not actor.administers(standard.family):
        raise QualifyError(
            code="role-may-not-do-action",
            message_en=f"only HR of the job family {standard.family} may open a cycle on it",
            message_zh=f"只有职位族 {standard.family} 的人力资源可以开启该认证周期",
            fields={"family": standard.family},
        )
    problems = []
    if not new.name.strip():
        problems.append(Problem("required", "a name is required", "须填写名称", path="name"))
    if new.closes_on < new.opens_on:
        problems.append(
            Problem(
                "window", "the window closes before it opens", "申请截止日期早于开始日期", path="closes_on"
            )
        )
    unknown = [level for level in new.levels if level not in standard.level_numbers]
    if not new.levels or unknown:
        problems.append(
            Problem(
                "levels",
                f"levels offered must be among {standard.level_numbers}",
                f"开放的等级须在 {standard.level_numbers} 之中",
                path="levels",
            )
        )
    if not 1 <= new.notice_days <= 60:
        problems.append(
            Problem("notice", "the notice period is 1 to 60 days", "公示期为 1 至 60 天", path="notice_days")
        )
    if problems:
        raise InvalidInput(problems, source="cycle")
    text, sha = freeze_standard(standard)
    with repo.atomic():
        return repo.add_cycle(
            actor,
            replace(new, levels=tuple(sorted(set(new.levels))), name=new.name.strip()),
            standard.family,
            text,
            sha,
        )


def _cycle_step(repo: CertificationRepository, actor: Actor, cycle_id: int, action: Action) -> CycleView:
    with repo.atomic():
        cycle = repo.cycle(cycle_id)
        state = transition(cycle.state, action, roles_for_cycle(actor, cycle))
        return repo.set_cycle_state(actor, cycle_id, action.value, state)


def open_cycle(repo: CertificationRepository, actor: Actor, cycle_id: int) -> CycleView:
    return _cycle_step(repo, actor, cycle_id, Action.open)


def close_applications(repo: CertificationRepository, actor: Actor, cycle_id: int) -> CycleView:
    return _cycle_step(repo, actor, cycle_id, Action.close_applications)


def cancel_cycle(repo: CertificationRepository, actor: Actor, cycle_id: int) -> CycleView:
    return _cycle_step(repo, actor, cycle_id, Action.cancel)


def close_cycle(repo: CertificationRepository, actor: Actor, cycle_id: int) -> CycleView:
    """Close a cycle whose every application is over (certified, closed, withdrawn or rejected)."""
    with repo.atomic():
        cycle = repo.cycle(cycle_id)
        transition(cycle.state, Action.close, roles_for_cycle(actor, cycle))
        still_open = [
            a.id for a in repo.applications(cycle_id) if a.state not in rules.TERMINAL_APPLICATION_STATES
        ]
        if still_open:
            raise QualifyError(
                code="applications-still-open",
                message_en=f"{len(still_open)} application(s) are not finished yet",
                message_zh=f"尚有 {len(still_open)} 份申请未结束",
                fields={"applications": still_open},
            )
        return _cycle_step(repo, actor, cycle_id, Action.close)


# --- 2. screen ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screening:
    employee_id: str
    highest_eligible_level: int
    eligible_levels: list[int]


def _standings(repo: CertificationRepository, standard: Standard) -> dict[str, KnowledgeStanding]:
    employees, exams = repo.family_exams(standard.family)
    return rank_knowledge(standard, employees, exams)


def screen_cycle(repo: CertificationRepository, actor: Actor, cycle_id: int) -> list[Screening]:
    """Who may apply for which of the levels offered, on the cycle's as-of date (HR)."""
    cycle = repo.cycle(cycle_id)
    transition(cycle.state, Action.screen, roles_for_cycle(actor, cycle))
    standard = cycle_standard(repo, cycle)
    standings = _standings(repo, standard)
    results = []
    for person in repo.family_people(cycle.family):
        decision = evaluate(
            standard,
            person,
            as_of=cycle.as_of,
            stage=Stage.screening,
            knowledge=standings.get(person.employee.employee_id),
        )
        eligible = [
            ld.level
            for ld in decision.levels
            if ld.level in cycle.levels and ld.outcome is LevelOutcome.eligible
        ]
        results.append(Screening(person.employee.employee_id, decision.highest_eligible_level, eligible))
    with repo.atomic():
        repo.save_screening(
            actor, cycle_id, [(s.employee_id, s.highest_eligible_level, s.eligible_levels) for s in results]
        )
    return results


def screening_decision(repo: CertificationRepository, cycle: CycleView, employee_id: str) -> Decision:
    standard = cycle_standard(repo, cycle)
    standings = _standings(repo, standard)
    return evaluate(
        standard,
        repo.person_record(employee_id),
        as_of=cycle.as_of,
        stage=Stage.screening,
        knowledge=standings.get(employee_id),
    )


# --- 3. apply or nominate ------------------------------------------------------------------------------


def apply(
    repo: CertificationRepository,
    actor: Actor,
    cycle_id: int,
    *,
    employee_id: str | None = None,
    target_level: int | None = None,
    reason: str = "",
) -> ApplicationView:
    """An application in draft: by the employee (``employee_id`` None or their own) or nominated by
    their manager or HR. The target level defaults to the next level offered; the screening decision
    must find the person eligible for it; a jump needs the knowledge policy, a reason and approval."""
    cycle = repo.cycle(cycle_id)
    own = employee_id is None or employee_id == actor.employee_id
    subject = actor.employee_id if own else employee_id
    if subject is None:
        raise QualifyError(
            code="no-employee-record",
            message_en="this account has no employee record to apply with",
            message_zh="此账号没有关联的员工记录，无法申请",
        )
    person = repo.person(subject)
    if own:
        transition(cycle.state, Action.apply, {Role.applicant})
    else:
        roles = roles_for_cycle(actor, cycle) - {Role.applicant, Role.manager}
        if "manager" in actor.roles and actor.user_id is not None and repo.manages(actor.user_id, subject):
            roles.add(Role.manager)
        if not roles:
            raise _not_found("person", subject)
        transition(cycle.state, Action.nominate, roles)
    today = repo.now().date()
    if not cycle.opens_on <= today <= cycle.closes_on:
        raise QualifyError(
            code="outside-window",
            message_en=f"applications are accepted from {cycle.opens_on} to {cycle.closes_on}",
            message_zh=f"申请时间为 {cycle.opens_on} 至 {cycle.closes_on}",
            fields={"opens_on": cycle.opens_on.isoformat(), "closes_on": cycle.closes_on.isoformat()},
        )
    if person.job_family != cycle.family:
        raise QualifyError(
            code="other-family",
            message_en=f"{subject} is not in the job family {cycle.family} of this cycle",
            message_zh=f"{subject} 不属于本周期的职位族 {cycle.family}",
        )
    standard = cycle_standard(repo, cycle)
    target = (
        target_level
        if target_level is not None
        else rules.default_target_level(person.current_level, cycle.levels)
    )
    if target is None:
        raise QualifyError(
            code="level-not-offered",
            message_en="this cycle offers no level above the current one",
            message_zh="本周期没有高于当前等级的认证",
        )
    standings = _standings(repo, standard)
    standing = standings.get(subject)
    allows = (
        allowed_levels_above(standing.rank, standing.cohort, standard.knowledge.policy)
        if standing is not None and standing.rank is not None
        else None
    )
    request = rules.check_target_level(
        current_level=person.current_level,
        target_level=target,
        offered=cycle.levels,
        knowledge_allows=allows,
        reason=reason,
    )
    decision = evaluate(
        standard, repo.person_record(subject), as_of=cycle.as_of, stage=Stage.screening, knowledge=standing
    )
    level = decision.level(target)
    if level is None or level.outcome is not LevelOutcome.eligible:
        failing = [c for c in (level.checks if level else []) if c.outcome.value != "pass"]
        raise QualifyError(
            code="not-eligible",
            message_en=f"{subject} does not meet the screening conditions of level {target}: "
            + "; ".join(c.message_en for c in failing),
            message_zh=f"{subject} 未满足 {target} 级的资格审查条件："
            + "；".join(c.message_zh for c in failing),
            fields={"level": target, "checks": [c.rule for c in failing]},
        )
    with repo.atomic():
        rules.require_no_open_application(a.state for a in repo.applications(cycle_id, employee_id=subject))
        return repo.add_application(
            actor,
            cycle_id,
            subject,
            person.current_level,
            request.target_level,
            reason.strip() if request.needs_approval else "",
            "" if own else actor.username,
        )


# --- 4. evidence and self-assessment ------------------------------------------------------------------


def _applicant_step(
    repo: CertificationRepository, actor: Actor, application_id: int, action: Action
) -> tuple[ApplicationView, CycleView]:
    app = visible_application(repo, actor, application_id)
    cycle = repo.cycle(app.cycle_id)
    transition(app.state, action, roles_for_application(repo, actor, app, cycle))
    return app, cycle


def check_evidence(standard: Standard, item: EvidenceInput, level: int) -> list[Problem]:
    """Every code in the evidence must be one the standard declares; elements and measures of the level."""
    vocab = standard.vocabularies
    problems = []

    def bad(field_name: str, value: str, vocabulary: str) -> None:
        if value and value not in vocab.codes(vocabulary):
            problems.append(
                Problem(
                    "unknown-code",
                    f"{value!r} is not a code of {vocabulary}",
                    f"{value!r} 不是标准中 {vocabulary} 的代码",
                    path=field_name,
                )
            )

    if not item.activity:
        problems.append(Problem("required", "an activity is required", "须选择活动", path="activity"))
    bad("activity", item.activity, "activities")
    bad("role", item.role, "roles")
    bad("audience", item.audience, "audience_ranks")
    bad("scope", item.scope, "scopes")
    bad("project_kind", item.project_kind, "project_kinds")
    bad("outcome", item.outcome, "outcomes")
    for deliverable in item.deliverables:
        bad("deliverables", deliverable, "deliverables")
    elements = {e.code for _, e, _ in standard.elements_at(level)}
    for code in item.elements:
        if code not in elements:
            problems.append(
                Problem(
                    "unknown-element",
                    f"{code!r} is not an element of level {level}",
                    f"{code!r} 不是 {level} 级的行为要素",
                    path="elements",
                )
            )
    modules = {m.code for m, _ in standard.measures_at(level)}
    for code in item.measures:
        if code not in modules:
            problems.append(
                Problem(
                    "unknown-measure",
                    f"{code!r} has no measurement standard at level {level}",
                    f"{code!r} 在 {level} 级没有衡量标准",
                    path="measures",
                )
            )
    return problems


def add_evidence(
    repo: CertificationRepository, actor: Actor, application_id: int, item: EvidenceInput
) -> EvidenceView:
    app, cycle = _applicant_step(repo, actor, application_id, Action.add_evidence)
    problems = check_evidence(cycle_standard(repo, cycle), item, app.target_level)
    if problems:
        raise InvalidInput(problems, source="evidence")
    with repo.atomic():
        return repo.add_evidence(actor, application_id, item)


def remove_evidence(repo: CertificationRepository, actor: Actor, evidence_id: int) -> None:
    item = repo.evidence_item(evidence_id)
    _applicant_step(repo, actor, item.application_id, Action.add_evidence)
    with repo.atomic():
        repo.remove_evidence(actor, evidence_id)


MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    # extension: (content type, accepted leading bytes; empty = any text that decodes as UTF-8)
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
}


def check_upload(name: str, content: bytes) -> str:
    """The content type of an accepted upload; ``QualifyError`` for a file too big or of a refused type.

    The type is decided by the extension AND the file's first bytes (a renamed executable is refused).
    """
    size = len(content)
    if size > MAX_UPLOAD_BYTES:
        raise QualifyError(
            code="file-too-large",
            message_en=f"{name} is {size // 1024} KB; the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB",
            message_zh=f"{name} 大小为 {size // 1024} KB，上限为 {MAX_UPLOAD_BYTES // 1024 // 1024} MB",
            fields={"name": name, "size": size},
        )
    if size == 0:
        raise QualifyError(code="file-empty", message_en=f"{name} is empty", message_zh=f"{name} 是空文件")
    dot = name.rfind(".")
    ext = name[dot:].lower() if dot >= 0 else ""
    accepted = ", ".join(sorted(UPLOAD_TYPES))
    spec = UPLOAD_TYPES.get(ext)
    ok = spec is not None
    if spec is not None:
        _, magics = spec
        if magics:
            ok = any(content.startswith(m) for m in magics)
        else:
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                ok = False
    if not ok or spec is None:
        raise QualifyError(
            code="file-type-refused",
            message_en=f"{name}: only these file types are accepted: {accepted}",
            message_zh=f"{name}：只接受以下文件类型：{accepted}",
            fields={"name": name},
        )
    return spec[0]


def add_evidence_file(
    repo: CertificationRepository, actor: Actor, evidence_id: int, name: str, content: bytes
) -> FileView:
    item = repo.evidence_item(evidence_id)
    _applicant_step(repo, actor, item.application_id, Action.add_evidence)
    content_type = check_upload(name, content)
    with repo.atomic():
        return repo.add_evidence_file(actor, evidence_id, _safe_name(name), content_type, content)


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    return "".join(ch for ch in base if ch.isprintable())[:200]


def self_assess(
    repo: CertificationRepository,
    actor: Actor,
    application_id: int,
    element: str,
    rating: str,
    comment: str = "",
) -> None:
    app, cycle = _applicant_step(repo, actor, application_id, Action.self_assess)
    standard = cycle_standard(repo, cycle)
    _require_element(standard, element, app.target_level)
    rules.check_rating(rating, standard.vocabularies.codes("behaviour_ratings"))
    with repo.atomic():
        repo.save_self_assessment(actor, application_id, element, rating, comment.strip())


def _require_element(standard: Standard, element: str, level: int) -> None:
    if element not in {e.code for _, e, _ in standard.elements_at(level)}:
        raise QualifyError(
            code="element-not-at-level",
            message_en=f"{element!r} has no criterion at level {level}",
            message_zh=f"{element!r} 在 {level} 级没有测评标准",
            fields={"element": element},
        )


def submit(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    """Submit (applicant): read-only from now on; a jump waits for HR's approval first."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        cycle = repo.cycle(app.cycle_id)
        transition(cycle.state, Action.apply, {Role.applicant})  # the cycle still accepts applications
        action = (
            Action.submit_jump
            if app.jump_reason and app.target_level - app.current_level > 1
            else Action.submit
        )
        state = transition(app.state, action, roles_for_application(repo, actor, app, cycle))
        done = repo.update_application(
            actor,
            application_id,
            action.value,
            state=state,
            expected_version=app.version,
            submitted_at=repo.now(),
        )
    repo.notify(
        Notice(
            "application-received",
            employee_ids=(app.employee_id,),
            cycle_name=cycle.name,
            application_id=app.id,
            level=app.target_level,
        )
    )
    return done


def _application_step(
    repo: CertificationRepository, actor: Actor, application_id: int, action: Action, **changes: Any
) -> ApplicationView:
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, action, roles_for_application(repo, actor, app))
        return repo.update_application(
            actor, application_id, action.value, state=state, expected_version=app.version, **changes
        )


def approve_jump(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    return _application_step(
        repo, actor, application_id, Action.approve_jump, jump_approved_by=actor.username
    )


def reject_jump(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    return _application_step(repo, actor, application_id, Action.reject_jump)


def withdraw(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    return _application_step(repo, actor, application_id, Action.withdraw)


def reject(repo: CertificationRepository, actor: Actor, application_id: int, reason: str) -> ApplicationView:
    text = rules.require_text(reason, code="reject-reason-required", what_zh="拒绝理由", what_en="reason")
    return _application_step(repo, actor, application_id, Action.reject, close_reason=text)


# --- 5. panels ----------------------------------------------------------------------------------------


def form_panel(
    repo: CertificationRepository,
    actor: Actor,
    cycle_id: int,
    *,
    name: str,
    lead_user_id: int,
    member_user_ids: Sequence[int],
    kind: str = "review",
) -> PanelView:
    """A panel of a lead assessor (主评委) and members from the assessor pool (HR)."""
    cycle = repo.cycle(cycle_id)
    transition(cycle.state, Action.form_panel, roles_for_cycle(actor, cycle))
    if kind not in {"review", "appeal"}:
        raise QualifyError(
            code="panel-kind",
            message_en="a panel is for review or appeal",
            message_zh="评委组类型须为评审或申诉",
        )
    members = list(dict.fromkeys([lead_user_id, *member_user_ids]))
    problems = []
    if not name.strip():
        problems.append(Problem("required", "a name is required", "须填写名称", path="name"))
    for user_id in members:
        account = repo.account(user_id)
        if "assessor" not in account.roles:
            problems.append(
                Problem(
                    "not-an-assessor",
                    f"{account.username} is not in the assessor pool",
                    f"{account.username} 不在评委库中",
                    path="members",
                )
            )
    if len(members) < 2:
        problems.append(
            Problem(
                "panel-too-small",
                "a panel has a lead and at least one member",
                "评委组须有一名主评委和至少一名成员",
                path="members",
            )
        )
    if problems:
        raise InvalidInput(problems, source="panel")
    with repo.atomic():
        return repo.add_panel(actor, cycle_id, name.strip(), kind, lead_user_id, members[1:])


def panel_conflicts(
    repo: CertificationRepository, panel: PanelView, app: ApplicationView
) -> dict[str, list[rules.Reason]]:
    """For each panel member who may not assess the applicant, why (self, or someone they manage)."""
    found = {}
    for user_id in (panel.lead_user_id, *panel.member_user_ids):
        account = repo.account(user_id)
        managed = [app.employee_id] if repo.manages(user_id, app.employee_id) else []
        reasons = rules.assignment_conflicts(
            account.employee_id or f"user:{user_id}", app.employee_id, managed
        )
        if reasons:
            found[account.username] = reasons
    return found


def _require_no_panel_conflicts(
    repo: CertificationRepository, panel: PanelView, app: ApplicationView
) -> None:
    conflicts = panel_conflicts(repo, panel, app)
    if conflicts:
        raise QualifyError(
            code="panel-conflict",
            message_en="; ".join(
                f"{who}: {', '.join(r.message_en for r in rs)}" for who, rs in conflicts.items()
            ),
            message_zh="；".join(
                f"{who}：{'，'.join(r.message_zh for r in rs)}" for who, rs in conflicts.items()
            ),
            fields={"conflicts": {who: [r.code for r in rs] for who, rs in conflicts.items()}},
        )


def assign_panel(
    repo: CertificationRepository, actor: Actor, application_id: int, panel_id: int
) -> ApplicationView:
    """Assign a review panel to a submitted application; refused, with the reason, when a member would
    assess themselves or someone they manage."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        panel = repo.panel(panel_id)
        if panel.cycle_id != app.cycle_id or panel.kind != "review":
            raise _not_found("panel", panel_id)
        state = transition(app.state, Action.assign_panel, roles_for_application(repo, actor, app))
        if any(a.state is AssignmentState.submitted for a in repo.assignments(app.id, "review")):
            raise QualifyError(
                code="panel-already-scoring",
                message_en="an assessor has already submitted; the panel cannot change",
                message_zh="已有评委提交评分，不能更换评委组",
            )
        _require_no_panel_conflicts(repo, panel, app)
        repo.replace_assignments(actor, app.id, panel, "review")
        done = repo.update_application(
            actor, app.id, Action.assign_panel.value, state=state, expected_version=app.version
        )
    repo.notify(
        Notice(
            "assigned-to-panel",
            user_ids=(panel.lead_user_id, *panel.member_user_ids),
            cycle_name=repo.cycle(app.cycle_id).name,
            application_id=app.id,
            level=app.target_level,
        )
    )
    return done


# --- 6. scoring ---------------------------------------------------------------------------------------


def _own_assignment(repo: CertificationRepository, actor: Actor, assignment_id: int) -> AssignmentView:
    assignment = repo.assignment(assignment_id)
    if actor.user_id is None or assignment.user_id != actor.user_id:
        raise _not_found("assignment", assignment_id)
    return assignment


def _sheet_role(assignment: AssignmentView) -> set[Role]:
    return {Role.lead} if assignment.is_lead else {Role.assessor}


def rate(
    repo: CertificationRepository,
    actor: Actor,
    assignment_id: int,
    element: str,
    rating: str,
    comment: str = "",
    *,
    expected_version: int | None = None,
) -> ScoreView:
    """An assessor's rating of one element with a comment. ``expected_version`` is the version the
    assessor's page showed (``None`` for a first rating): if someone saved it in between, the save is
    refused with ``edit-conflict`` and nothing is overwritten."""
    assignment = _own_assignment(repo, actor, assignment_id)
    app = repo.application(assignment.application_id)
    if assignment.kind != "review" or app.state is not ApplicationState.in_review:
        raise QualifyError(
            code="action-not-allowed-in-state",
            message_en="ratings can only be given while the application is in review",
            message_zh="只有评审中的申请可以评分",
        )
    transition(assignment.state, Action.rate, _sheet_role(assignment))
    standard = cycle_standard(repo, repo.cycle(app.cycle_id))
    _require_element(standard, element, app.target_level)
    rules.check_rating(rating, standard.vocabularies.codes("behaviour_ratings"))
    with repo.atomic():
        return repo.save_score(actor, assignment_id, element, rating, comment.strip(), expected_version)


def submit_rating(repo: CertificationRepository, actor: Actor, assignment_id: int) -> None:
    """Submit a score sheet: every element of the target level must be rated."""
    with repo.atomic():
        assignment = _own_assignment(repo, actor, assignment_id)
        state = transition(assignment.state, Action.submit_rating, _sheet_role(assignment))
        app = repo.application(assignment.application_id)
        standard = cycle_standard(repo, repo.cycle(app.cycle_id))
        rated = {s.element for s in repo.scores(app.id) if s.assignment_id == assignment_id}
        missing = [e.code for _, e, _ in standard.elements_at(app.target_level) if e.code not in rated]
        if missing:
            raise QualifyError(
                code="ratings-incomplete",
                message_en=f"rate every element before submitting: {', '.join(missing)} missing",
                message_zh=f"请先为每个要素评分后再提交，缺少：{'、'.join(missing)}",
                fields={"elements": missing},
            )
        repo.set_assignment_state(actor, assignment_id, Action.submit_rating.value, state)


def reopen_rating(repo: CertificationRepository, actor: Actor, assignment_id: int) -> None:
    """The lead sends a submitted sheet back to its assessor (e.g. after discussing a spread)."""
    with repo.atomic():
        sheet = repo.assignment(assignment_id)
        app = repo.application(sheet.application_id)
        roles = roles_for_application(repo, actor, app)
        if not roles:
            raise _not_found("assignment", assignment_id)
        if app.state is not ApplicationState.in_review:
            raise QualifyError(
                code="action-not-allowed-in-state",
                message_en="the panel has already consolidated",
                message_zh="评委组已合议",
            )
        state = transition(sheet.state, Action.reopen_rating, roles & {Role.lead})
        repo.set_assignment_state(actor, assignment_id, Action.reopen_rating.value, state)


@dataclass(frozen=True)
class ScoreSheet:
    """What one viewer may see of an application's ratings: their own, and the others' once their
    own sheet is submitted (the lead, HR and admins see every submitted sheet after submitting or
    without a sheet)."""

    elements: list[str]
    mine: AssignmentView | None
    my_scores: dict[str, ScoreView]
    others: dict[str, dict[str, str]]  # element → assessor → rating (submitted sheets only)
    others_comments: dict[str, dict[str, str]]
    spreads: dict[str, int]
    pending: list[str]
    hidden: bool = False


def score_sheet(repo: CertificationRepository, actor: Actor, application_id: int) -> ScoreSheet:
    app = visible_application(repo, actor, application_id)
    roles = roles_for_application(repo, actor, app)
    standard = cycle_standard(repo, repo.cycle(app.cycle_id))
    ladder = standard.vocabularies.codes("behaviour_ratings")
    elements = [e.code for _, e, _ in standard.elements_at(app.target_level)]
    sheets = repo.assignments(app.id, "review")
    mine = next((a for a in sheets if a.user_id == actor.user_id), None)
    scores = repo.scores(app.id)
    my_scores = {s.element: s for s in scores if mine is not None and s.assignment_id == mine.id}
    may_see = (mine is not None and mine.state is AssignmentState.submitted) or (
        mine is None and bool(roles & {Role.hr, Role.admin})
    )
    submitted = {a.id: a.username for a in sheets if a.state is AssignmentState.submitted}
    others: dict[str, dict[str, str]] = {}
    comments: dict[str, dict[str, str]] = {}
    all_submitted: dict[str, dict[str, str]] = {}
    for s in scores:
        if s.assignment_id in submitted:
            all_submitted.setdefault(s.element, {})[submitted[s.assignment_id]] = s.rating
            if may_see:
                others.setdefault(s.element, {})[submitted[s.assignment_id]] = s.rating
                comments.setdefault(s.element, {})[submitted[s.assignment_id]] = s.comment
    return ScoreSheet(
        elements=elements,
        mine=mine,
        my_scores=my_scores,
        others=others,
        others_comments=comments,
        spreads=rules.flagged_spreads(all_submitted, ladder) if may_see else {},
        pending=[a.username for a in sheets if a.state is AssignmentState.pending],
        hidden=not may_see,
    )


def consolidate(
    repo: CertificationRepository, actor: Actor, application_id: int, choices: Mapping[str, PanelChoice]
) -> ApplicationView:
    """The lead records the panel's rating of every element (with a reason where the spread is flagged)."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.consolidate, roles_for_application(repo, actor, app))
        standard = cycle_standard(repo, repo.cycle(app.cycle_id))
        sheets = repo.assignments(app.id, "review")
        names = {a.id: a.username for a in sheets}
        ratings: dict[str, dict[str, str]] = {}
        for s in repo.scores(app.id):
            if s.assignment_id in names:
                ratings.setdefault(s.element, {})[names[s.assignment_id]] = s.rating
        checked = rules.check_consolidation(
            elements=[e.code for _, e, _ in standard.elements_at(app.target_level)],
            ladder=standard.vocabularies.codes("behaviour_ratings"),
            ratings=ratings,
            pending_assessors=[a.username for a in sheets if a.state is AssignmentState.pending],
            choices={k: PanelChoice(v.rating, v.comment.strip()) for k, v in choices.items()},
        )
        repo.save_panel_ratings(actor, app.id, checked)
        return repo.update_application(
            actor, app.id, Action.consolidate.value, state=state, expected_version=app.version
        )


# --- 7. decide ----------------------------------------------------------------------------------------


def decision_record(repo: CertificationRepository, app: ApplicationView, cycle: CycleView) -> PersonRecord:
    """The person's record as the cycle's decision sees it: their HR record, plus the application's
    evidence, with the panel's consolidated ratings as the only ratings at the target level."""
    record = repo.person_record(app.employee_id)
    extra = tuple(
        EvidenceRecord(
            employee_id=app.employee_id,
            evidence_id=f"application-{app.id}-{ev.id}",
            activity=ev.item.activity,
            date=ev.item.date,
            role=ev.item.role or None,
            audience=ev.item.audience or None,
            scope=ev.item.scope or None,
            project_kind=ev.item.project_kind or None,
            outcome=ev.item.outcome or None,
            deliverables=tuple(ev.item.deliverables),
            note=ev.item.note,
        )
        for ev in repo.evidence(app.id)
    )
    panel = tuple(
        RatingRecord(
            employee_id=app.employee_id,
            level=app.target_level,
            element=element,
            assessor="panel",
            rating=r.rating,
            comment=r.comment,
        )
        for element, r in repo.panel_ratings(app.id).items()
    )
    others = tuple(r for r in record.ratings if r.level != app.target_level)
    employee = replace(record.employee, current_level=app.current_level)
    return replace(record, employee=employee, evidence=record.evidence + extra, ratings=others + panel)


def compute_decision(repo: CertificationRepository, app: ApplicationView) -> tuple[bool, str, dict[str, Any]]:
    """(passed, level outcome, trace) at the target level, from the cycle's frozen standard."""
    cycle = repo.cycle(app.cycle_id)
    standard = cycle_standard(repo, cycle)
    standings = _standings(repo, standard)
    decision = evaluate(
        standard,
        decision_record(repo, app, cycle),
        as_of=cycle.as_of,
        stage=Stage.certification,
        knowledge=standings.get(app.employee_id),
    )
    level = decision.level(app.target_level)
    outcome = level.outcome if level is not None else LevelOutcome.incomplete
    trace = {"en": decision.as_json("en"), "zh": decision.as_json("zh"), "target_level": app.target_level}
    return outcome is LevelOutcome.eligible, outcome.value, trace


def decide(repo: CertificationRepository, actor: Actor, application_id: int) -> DecisionView:
    """The decision computed from the standard with its full trace (HR)."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.decide, roles_for_application(repo, actor, app))
        passed, outcome, trace = compute_decision(repo, app)
        made = repo.add_decision(
            actor, app.id, "computed", passed, app.target_level, outcome, trace, "", None
        )
        repo.update_application(actor, app.id, Action.decide.value, state=state, expected_version=app.version)
        return made


def override(
    repo: CertificationRepository, actor: Actor, application_id: int, *, passed: bool, reason: str
) -> DecisionView:
    """HR changes the result with a written reason: a new decision that points to the one it replaces."""
    text = rules.require_text(
        reason, code="override-reason-required", what_zh="改判理由", what_en="reason for the override"
    )
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        transition(app.state, Action.override, roles_for_application(repo, actor, app))
        current = repo.current_decision(app.id)
        if current is None:
            raise QualifyError(
                code="no-decision",
                message_en="there is no decision to override",
                message_zh="尚无可改判的决定",
            )
        made = repo.add_decision(
            actor, app.id, "override", passed, current.level, current.outcome, current.trace, text, current.id
        )
        repo.update_application(actor, app.id, Action.override.value, expected_version=app.version)
        return made


# --- 8. publish ---------------------------------------------------------------------------------------


def publish(repo: CertificationRepository, actor: Actor, cycle_id: int) -> list[ApplicationView]:
    """Publish every decided application of the cycle for the notice period (公示)."""
    with repo.atomic():
        cycle = repo.cycle(cycle_id)
        roles = roles_for_cycle(actor, cycle)
        cycle_state = transition(cycle.state, Action.publish, roles)
        decided = [a for a in repo.applications(cycle_id) if a.state is ApplicationState.decided]
        if not decided:
            raise QualifyError(
                code="nothing-to-publish",
                message_en="no decided application to publish",
                message_zh="没有可公示的已决定申请",
            )
        for app in decided:
            transition(app.state, Action.publish, roles)
        now = repo.now()
        ends = rules.notice_ends(now, cycle.notice_days)
        repo.publish(actor, cycle_id, [a.id for a in decided], now, ends)
        if cycle_state is not cycle.state:
            repo.set_cycle_state(actor, cycle_id, Action.publish.value, cycle_state)
        done = [repo.application(a.id) for a in decided]
    for app in done:
        repo.notify(
            Notice(
                "result-published",
                employee_ids=(app.employee_id,),
                cycle_name=cycle.name,
                application_id=app.id,
                level=app.target_level,
            )
        )
    return done


# --- 9. appeal ----------------------------------------------------------------------------------------


def appeal(repo: CertificationRepository, actor: Actor, application_id: int, reason: str) -> AppealView:
    """The applicant appeals during the notice period, with a written reason (files: ``add_appeal_file``)."""
    text = rules.require_text(reason, code="appeal-reason-required", what_zh="申诉理由", what_en="reason")
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.appeal, roles_for_application(repo, actor, app))
        rules.require_appeal_window(app.published_at, app.notice_ends_at, repo.now())
        made = repo.add_appeal(actor, app.id, text)
        repo.update_application(actor, app.id, Action.appeal.value, state=state, expected_version=app.version)
        return made


def add_appeal_file(
    repo: CertificationRepository, actor: Actor, application_id: int, name: str, content: bytes
) -> FileView:
    app = visible_application(repo, actor, application_id)
    found = repo.appeal(app.id)
    if found is None or found.outcome or Role.applicant not in roles_for_application(repo, actor, app):
        raise QualifyError(
            code="action-not-allowed-in-state",
            message_en="no open appeal of yours to attach to",
            message_zh="没有可附加文件的未决申诉",
        )
    content_type = check_upload(name, content)
    with repo.atomic():
        return repo.add_appeal_file(actor, found.id, _safe_name(name), content_type, content)


def assign_appeal_panel(
    repo: CertificationRepository, actor: Actor, application_id: int, panel_id: int
) -> ApplicationView:
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        panel = repo.panel(panel_id)
        if panel.cycle_id != app.cycle_id or panel.kind != "appeal":
            raise _not_found("panel", panel_id)
        state = transition(app.state, Action.assign_appeal_panel, roles_for_application(repo, actor, app))
        _require_no_panel_conflicts(repo, panel, app)
        repo.replace_assignments(actor, app.id, panel, "appeal")
        return repo.update_application(
            actor, app.id, Action.assign_appeal_panel.value, state=state, expected_version=app.version
        )


def decide_appeal(
    repo: CertificationRepository,
    actor: Actor,
    application_id: int,
    *,
    upheld: bool,
    passed: bool | None = None,
    reason: str,
) -> DecisionView:
    """The appeal panel's lead (or HR) decides. Upheld: a new decision with the result ``passed``;
    dismissed: a new decision that confirms the result. Either way it points to the one it replaces."""
    text = rules.require_text(
        reason,
        code="appeal-decision-reason-required",
        what_zh="申诉裁决理由",
        what_en="reason for the appeal decision",
    )
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.decide_appeal, roles_for_application(repo, actor, app))
        current = repo.current_decision(app.id)
        found = repo.appeal(app.id)
        if current is None or found is None:
            raise QualifyError(
                code="no-decision", message_en="there is no appealed decision", message_zh="没有被申诉的决定"
            )
        result = (passed if passed is not None else not current.passed) if upheld else current.passed
        made = repo.add_decision(
            actor, app.id, "appeal", result, current.level, current.outcome, current.trace, text, current.id
        )
        repo.decide_appeal(actor, found.id, "upheld" if upheld else "dismissed", text, made.id)
        repo.update_application(
            actor, app.id, Action.decide_appeal.value, state=state, expected_version=app.version
        )
        cycle = repo.cycle(app.cycle_id)
    repo.notify(
        Notice(
            "appeal-decided",
            employee_ids=(app.employee_id,),
            cycle_name=cycle.name,
            application_id=app.id,
            level=app.target_level,
        )
    )
    return made


# --- 10. certify ----------------------------------------------------------------------------------------


def certify(repo: CertificationRepository, actor: Actor, application_id: int) -> CertificateView:
    """A certificate for a passed application once its notice period is over (or its appeal decided):
    a unique number, the level, the standard version, the validity from the standard; the person's
    current level becomes the certified level."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.certify, roles_for_application(repo, actor, app))
        if app.state is ApplicationState.published:
            rules.require_notice_over(app.notice_ends_at, repo.now())
        current = repo.current_decision(app.id)
        if current is None or not current.passed:
            raise QualifyError(
                code="not-passed",
                message_en="only a passed application is certified",
                message_zh="只有通过的申请可以颁发证书",
            )
        cycle = repo.cycle(app.cycle_id)
        standard = cycle_standard(repo, cycle)
        today = repo.now().date()
        valid_from, valid_until = rules.certificate_validity(today, standard.certificate.validity_months)
        number = rules.certificate_number(
            standard.family,
            app.target_level,
            today,
            repo.next_certificate_sequence(standard.family, today.year),
        )
        made = repo.add_certificate(
            actor, app.id, number, app.target_level, standard.id, valid_from, valid_until
        )
        repo.set_current_level(actor, app.employee_id, app.target_level)
        repo.update_application(
            actor, app.id, Action.certify.value, state=state, expected_version=app.version
        )
        return made


def close_application(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    """Close a published application that did not pass (after the notice period or the appeal)."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.close, roles_for_application(repo, actor, app))
        if app.state is ApplicationState.published:
            rules.require_notice_over(app.notice_ends_at, repo.now())
        current = repo.current_decision(app.id)
        if current is not None and current.passed:
            raise QualifyError(
                code="passed",
                message_en="a passed application is certified, not closed",
                message_zh="通过的申请应颁发证书而非结束",
            )
        return repo.update_application(
            actor, app.id, Action.close.value, state=state, expected_version=app.version
        )


def finish(repo: CertificationRepository, actor: Actor, cycle_id: int) -> dict[str, int]:
    """Certify every passed and close every failed application whose notice is over (HR)."""
    counts = {"certified": 0, "closed": 0}
    for app in repo.applications(cycle_id):
        if app.state not in {ApplicationState.published, ApplicationState.appeal_decided}:
            continue
        if app.state is ApplicationState.published and (
            app.notice_ends_at is None or repo.now() < app.notice_ends_at
        ):
            continue
        current = repo.current_decision(app.id)
        if current is not None and current.passed:
            certify(repo, actor, app.id)
            counts["certified"] += 1
        else:
            close_application(repo, actor, app.id)
            counts["closed"] += 1
    return counts


def expiring_certificates(
    repo: CertificationRepository,
    actor: Actor,
    *,
    today: dt.date | None = None,
    within_days: int = rules.EXPIRY_WARNING_DAYS,
) -> list[CertificateView]:
    """Certificates that expire within ``within_days`` (or have expired), soonest first (HR)."""
    if not actor.roles & HR_ROLES:
        raise QualifyError(
            code="role-may-not-do-action",
            message_en="only HR sees expiring certificates",
            message_zh="只有人力资源可以查看即将到期的证书",
        )
    day = today or repo.now().date()
    found = repo.certificates(valid_until_before=day + dt.timedelta(days=within_days))
    families = actor.hr_families
    if "admin" not in actor.roles and families is not None:
        found = [c for c in found if c.standard_id.split("@")[0] in families]
    return sorted(found, key=lambda c: c.valid_until)


# --- HR's view of a cycle -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    per_state: dict[str, int]
    workload: dict[str, dict[str, int]]  # assessor → {"pending": n, "submitted": n}
    spreads: dict[int, dict[str, int]]  # application id → flagged elements
    results: dict[int, dict[str, int]]  # level → {"passed": n, "failed": n}
    applications: list[ApplicationView] = field(default_factory=list)


def progress(repo: CertificationRepository, actor: Actor, cycle_id: int) -> Progress:
    cycle = repo.cycle(cycle_id)
    if not roles_for_cycle(actor, cycle) & {Role.hr, Role.admin}:
        raise _not_found("cycle", cycle_id)
    standard = cycle_standard(repo, cycle)
    ladder = standard.vocabularies.codes("behaviour_ratings")
    apps = repo.applications(cycle_id)
    per_state = {state.value: 0 for state in ApplicationState}
    workload: dict[str, dict[str, int]] = {}
    spreads: dict[int, dict[str, int]] = {}
    results: dict[int, dict[str, int]] = {level: {"passed": 0, "failed": 0} for level in cycle.levels}
    for app in apps:
        per_state[app.state.value] += 1
        sheets = repo.assignments(app.id, "review")
        for sheet in sheets:
            load = workload.setdefault(sheet.username, {"pending": 0, "submitted": 0})
            load[sheet.state.value] += 1
        names = {a.id: a.username for a in sheets if a.state is AssignmentState.submitted}
        ratings: dict[str, dict[str, str]] = {}
        for score in repo.scores(app.id):
            if score.assignment_id in names:
                ratings.setdefault(score.element, {})[names[score.assignment_id]] = score.rating
        flagged = rules.flagged_spreads(ratings, ladder)
        if flagged:
            spreads[app.id] = flagged
        decision = repo.current_decision(app.id)
        if decision is not None:
            bucket = results.setdefault(app.target_level, {"passed": 0, "failed": 0})
            bucket["passed" if decision.passed else "failed"] += 1
    return Progress(
        per_state={k: v for k, v in per_state.items() if v},
        workload=workload,
        spreads=spreads,
        results=results,
        applications=apps,
    )


def applications_for(repo: CertificationRepository, actor: Actor, cycle_id: int) -> list[ApplicationView]:
    """The applications of a cycle that the actor has a role on (HR: all of their family)."""
    cycle = repo.cycle(cycle_id)
    return [a for a in repo.applications(cycle_id) if roles_for_application(repo, actor, a, cycle)]


def my_assignments(repo: CertificationRepository, actor: Actor) -> list[AssignmentView]:
    return repo.assignments_of_user(actor.user_id) if actor.user_id is not None else []


def allowed(repo: CertificationRepository, actor: Actor, app: ApplicationView) -> list[Action]:
    """The actions the actor may do on the application now (the page shows these buttons)."""
    return rules.allowed_actions(app.state, roles_for_application(repo, actor, app))


def summarise(items: Iterable[ApplicationView]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for app in items:
        counts[app.state.value] = counts.get(app.state.value, 0) + 1
    return counts
