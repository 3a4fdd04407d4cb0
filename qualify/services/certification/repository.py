"""The database as the certification use cases need it (a Protocol), and the edit conflict it raises."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from qualify.core.cycle import AssignmentState, CycleState, PanelChoice
from qualify.core.errors import QualifyError
from qualify.core.knowledge import KnowledgeStanding
from qualify.core.records import Employee, ExamRecord, PersonRecord
from qualify.core.standard import Standard
from qualify.services.certification.values import (
    AccountView,
    Actor,
    AppealView,
    ApplicationView,
    AssignmentView,
    CertificateView,
    CycleView,
    DecisionView,
    EvidenceInput,
    EvidenceView,
    FileView,
    NewCycle,
    Notice,
    PanelRatingView,
    PanelView,
    PersonView,
    ScoreView,
)


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
    def now(self) -> dt.datetime:
        """Now, aware and in the deployment's time zone (``TIME_ZONE``, default Asia/Shanghai), so
        that ``now().date()`` is the local date every window, notice and validity is counted in."""
        ...

    # people and accounts
    def person(self, employee_id: str) -> PersonView: ...
    def person_record(self, employee_id: str) -> PersonRecord: ...
    def family_people(self, family: str) -> list[PersonRecord]: ...
    def family_exams(self, family: str) -> tuple[list[Employee], list[ExamRecord]]: ...
    def knowledge_standing(self, standard: Standard, employee_id: str) -> KnowledgeStanding | None:
        """One person's knowledge standing within their whole job family (the web app reads the
        family's stored standings: it never ranks the whole family for one person)."""
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
