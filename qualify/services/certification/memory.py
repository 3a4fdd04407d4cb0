"""``CertificationRepository`` in memory: the certification use cases run without a database.

For tests only (``tests/unit/test_cycle_in_memory.py``); nothing in the application wires it. It keeps
the same promises as the Django repository (``qualify.web.certification.repository``):

- ``atomic()`` is all or nothing: a use case that raises inside it leaves every table as it was;
- saves that may race (applications, scores) compare versions and raise ``EditConflict``;
- a record asked for by an id that does not exist is ``NotFound``;
- every write appends an audit entry (``audit``: who, action, what, before, after) and notices are
  kept in ``notices`` instead of being sent;
- decisions are appended, never changed: the current one is the last that nothing supersedes.

It is one file on purpose, so that a change of the Protocol is one change here.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from qualify.core.cycle import ApplicationState, AssignmentState, CycleState, PanelChoice
from qualify.core.knowledge import KnowledgeStanding, rank_knowledge
from qualify.core.records import Employee, ExamRecord, PersonRecord
from qualify.core.standard import Standard
from qualify.services.certification.access import not_found
from qualify.services.certification.repository import CertificationRepository, edit_conflict
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


@dataclass(frozen=True)
class AuditEntry:
    username: str
    action: str
    object_type: str
    object_id: object
    before: Any
    after: Any


@dataclass
class _Application:
    view: ApplicationView
    extra: dict[str, Any] = field(default_factory=dict)  # fields the view does not carry (close_reason …)


@dataclass
class _Assignment:
    view: AssignmentView
    active: bool = True


@dataclass
class _State:
    """Every table; ``atomic`` copies it on the way in and puts the copy back if the block raises."""

    people: dict[str, PersonRecord] = field(default_factory=dict)
    cycles: dict[int, CycleView] = field(default_factory=dict)
    standard_texts: dict[int, str] = field(default_factory=dict)
    screenings: dict[int, list[tuple[str, int, list[int]]]] = field(default_factory=dict)
    applications: dict[int, _Application] = field(default_factory=dict)
    evidence: dict[int, EvidenceView] = field(default_factory=dict)
    files: dict[int, bytes] = field(default_factory=dict)
    self_assessments: dict[int, dict[str, PanelRatingView]] = field(default_factory=dict)
    panels: dict[int, PanelView] = field(default_factory=dict)
    assignments: dict[int, _Assignment] = field(default_factory=dict)
    scores: dict[tuple[int, str], ScoreView] = field(default_factory=dict)
    panel_ratings: dict[int, dict[str, PanelRatingView]] = field(default_factory=dict)
    decisions: dict[int, DecisionView] = field(default_factory=dict)
    appeals: dict[int, AppealView] = field(default_factory=dict)
    certificates: dict[int, CertificateView] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    next_id: int = 1


class MemoryCertificationRepository:
    """The certification store in dictionaries.

    ``people``: the HR records (their job family and current level are the person's); ``accounts``:
    the accounts panels are formed of; ``managers``: for a manager's account id, the employee ids of
    the people they manage; ``clock``: the time (a test moves it on).
    """

    def __init__(
        self,
        people: Iterable[PersonRecord] = (),
        accounts: Iterable[AccountView] = (),
        managers: Mapping[int, Collection[str]] | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._state = _State(people={p.employee.employee_id: p for p in people})
        self._accounts = {a.user_id: a for a in accounts}
        self._managers = {k: frozenset(v) for k, v in (managers or {}).items()}
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    # --- what a test reads --------------------------------------------------------------------------

    @property
    def audit(self) -> list[AuditEntry]:
        return list(self._state.audit)

    @property
    def notices(self) -> list[Notice]:
        return list(self._state.notices)

    def actions(self, object_type: str, object_id: object) -> list[str]:
        """The audit actions recorded on one object, oldest first."""
        return [
            e.action for e in self._state.audit if (e.object_type, e.object_id) == (object_type, object_id)
        ]

    def file_content(self, file_id: int) -> bytes:
        return self._state.files[file_id]

    # --- the transaction, the clock, ids, the audit record ---------------------------------------------

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        saved = copy.deepcopy(self._state)
        try:
            yield
        except BaseException:
            self._state = saved
            raise

    def atomic(self) -> Any:
        return self._atomic()

    def now(self) -> dt.datetime:
        return self._clock()

    def _id(self) -> int:
        self._state.next_id += 1
        return self._state.next_id - 1

    def _audit(
        self, actor: Actor, action: str, object_type: str, object_id: object, before: Any, after: Any
    ) -> None:
        self._state.audit.append(AuditEntry(actor.username, action, object_type, object_id, before, after))

    # --- people and accounts ----------------------------------------------------------------------------

    def _record(self, employee_id: str) -> PersonRecord:
        found = self._state.people.get(employee_id)
        if found is None:
            raise not_found("person", employee_id)
        return found

    def person(self, employee_id: str) -> PersonView:
        e = self._record(employee_id).employee
        return PersonView(
            employee_id=e.employee_id, name=e.name, job_family=e.job_family, current_level=e.current_level
        )

    def person_record(self, employee_id: str) -> PersonRecord:
        return self._record(employee_id)

    def family_people(self, family: str) -> list[PersonRecord]:
        return [p for i, p in sorted(self._state.people.items()) if p.employee.job_family == family]

    def family_exams(self, family: str) -> tuple[list[Employee], list[ExamRecord]]:
        people = self.family_people(family)
        return [p.employee for p in people], [x for p in people for x in p.exams]

    def knowledge_standing(self, standard: Standard, employee_id: str) -> KnowledgeStanding | None:
        employees, exams = self.family_exams(standard.family)
        return rank_knowledge(standard, employees, exams).get(employee_id)

    def manages(self, user_id: int, employee_id: str) -> bool:
        account = self._accounts.get(user_id)
        if account is None or "manager" not in account.roles:
            return False
        return employee_id in self._managers.get(user_id, frozenset())

    def account(self, user_id: int) -> AccountView:
        found = self._accounts.get(user_id)
        if found is None:
            raise not_found("account", user_id)
        return found

    def set_current_level(self, actor: Actor, employee_id: str, level: int) -> None:
        record = self._record(employee_id)
        before = record.employee.current_level
        self._state.people[employee_id] = replace(
            record, employee=replace(record.employee, current_level=level)
        )
        self._audit(
            actor, "certify", "person", employee_id, {"current_level": before}, {"current_level": level}
        )

    # --- cycles -----------------------------------------------------------------------------------------

    def add_cycle(
        self, actor: Actor, new: NewCycle, family: str, standard_text: str, sha256: str
    ) -> CycleView:
        import json

        data = json.loads(standard_text)
        cycle = CycleView(
            id=self._id(),
            name=new.name,
            family=family,
            standard_id=f"{data['family']}@{data['version']}",
            standard_sha256=sha256,
            state=CycleState.draft,
            opens_on=new.opens_on,
            closes_on=new.closes_on,
            as_of=new.as_of,
            levels=tuple(new.levels),
            notice_days=new.notice_days,
            manager_opinion=new.manager_opinion,
        )
        self._state.cycles[cycle.id] = cycle
        self._state.standard_texts[cycle.id] = standard_text
        self._audit(
            actor, "create", "cycle", cycle.id, None, {"name": new.name, "standard": cycle.standard_id}
        )
        return cycle

    def cycle(self, cycle_id: int) -> CycleView:
        found = self._state.cycles.get(cycle_id)
        if found is None:
            raise not_found("cycle", cycle_id)
        return found

    def cycle_standard_text(self, cycle_id: int) -> str:
        self.cycle(cycle_id)
        return self._state.standard_texts[cycle_id]

    def cycles(self) -> list[CycleView]:
        return [self._state.cycles[k] for k in sorted(self._state.cycles)]

    def set_cycle_state(self, actor: Actor, cycle_id: int, action: str, state: CycleState) -> CycleView:
        before = self.cycle(cycle_id)
        after = self._state.cycles[cycle_id] = replace(before, state=state)
        self._audit(actor, action, "cycle", cycle_id, {"state": before.state.value}, {"state": state.value})
        return after

    def save_screening(self, actor: Actor, cycle_id: int, rows: list[tuple[str, int, list[int]]]) -> None:
        self._state.screenings[cycle_id] = [r for r in rows if r[0] in self._state.people]
        counts: dict[str, int] = {}
        for _, _, levels in rows:
            for level in levels:
                counts[str(level)] = counts.get(str(level), 0) + 1
        self._audit(actor, "screen", "cycle", cycle_id, None, {"screened": len(rows), "eligible": counts})

    def screening(self, cycle_id: int) -> list[tuple[str, int, list[int]]]:
        """The cycle's stored screening (a test reads it; the Protocol has no reader)."""
        return list(self._state.screenings.get(cycle_id, []))

    # --- applications -------------------------------------------------------------------------------------

    def _application(self, application_id: int) -> _Application:
        found = self._state.applications.get(application_id)
        if found is None:
            raise not_found("application", application_id)
        return found

    def add_application(
        self,
        actor: Actor,
        cycle_id: int,
        employee_id: str,
        current_level: int,
        target_level: int,
        jump_reason: str,
        nominated_by: str,
    ) -> ApplicationView:
        self.cycle(cycle_id)
        person = self.person(employee_id)
        view = ApplicationView(
            id=self._id(),
            cycle_id=cycle_id,
            employee_id=employee_id,
            person_name=person.name,
            current_level=current_level,
            target_level=target_level,
            state=ApplicationState.draft,
            jump_reason=jump_reason,
            nominated_by=nominated_by,
        )
        self._state.applications[view.id] = _Application(view)
        self._audit(
            actor, "apply" if not nominated_by else "nominate", "application", view.id, None, _plain(view)
        )
        return view

    def application(self, application_id: int) -> ApplicationView:
        return self._application(application_id).view

    def applications(self, cycle_id: int, *, employee_id: str | None = None) -> list[ApplicationView]:
        return [
            a.view
            for _, a in sorted(self._state.applications.items())
            if a.view.cycle_id == cycle_id and (employee_id is None or a.view.employee_id == employee_id)
        ]

    def update_application(
        self,
        actor: Actor,
        application_id: int,
        action: str,
        *,
        expected_version: int | None = None,
        **changes: Any,
    ) -> ApplicationView:
        row = self._application(application_id)
        before = row.view
        if expected_version is not None and expected_version != before.version:
            raise edit_conflict("application", application=application_id)
        view_fields = {k: v for k, v in changes.items() if k in ApplicationView.__dataclass_fields__}
        if "state" in view_fields:
            view_fields["state"] = ApplicationState(view_fields["state"])
        row.extra.update({k: v for k, v in changes.items() if k not in view_fields})
        row.view = replace(before, version=before.version + 1, **view_fields)
        self._audit(actor, action, "application", application_id, _plain(before), _plain(row.view))
        return row.view

    def application_extra(self, application_id: int) -> dict[str, Any]:
        """What an update stored that the view does not show (``close_reason``, ``jump_approved_by``)."""
        return dict(self._application(application_id).extra)

    # --- evidence and self-assessment -------------------------------------------------------------------

    def add_evidence(self, actor: Actor, application_id: int, item: EvidenceInput) -> EvidenceView:
        self._application(application_id)
        view = EvidenceView(id=self._id(), application_id=application_id, item=item)
        self._state.evidence[view.id] = view
        self._audit(actor, "add_evidence", "evidence", view.id, None, _plain(item))
        return view

    def evidence(self, application_id: int) -> list[EvidenceView]:
        return [e for _, e in sorted(self._state.evidence.items()) if e.application_id == application_id]

    def evidence_item(self, evidence_id: int) -> EvidenceView:
        found = self._state.evidence.get(evidence_id)
        if found is None:
            raise not_found("evidence", evidence_id)
        return found

    def remove_evidence(self, actor: Actor, evidence_id: int) -> None:
        found = self.evidence_item(evidence_id)
        del self._state.evidence[evidence_id]
        for f in found.files:
            self._state.files.pop(f.id, None)
        self._audit(actor, "remove_evidence", "evidence", evidence_id, _plain(found.item), None)

    def _store(self, actor: Actor, name: str, content_type: str, content: bytes) -> FileView:
        view = FileView(id=self._id(), name=name, content_type=content_type, size=len(content))
        self._state.files[view.id] = content
        self._audit(
            actor,
            "upload",
            "file",
            view.id,
            None,
            {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()},
        )
        return view

    def add_evidence_file(
        self, actor: Actor, evidence_id: int, name: str, content_type: str, content: bytes
    ) -> FileView:
        item = self.evidence_item(evidence_id)
        made = self._store(actor, name, content_type, content)
        self._state.evidence[evidence_id] = replace(item, files=(*item.files, made))
        return made

    def save_self_assessment(
        self, actor: Actor, application_id: int, element: str, rating: str, comment: str
    ) -> None:
        self._application(application_id)
        mine = self._state.self_assessments.setdefault(application_id, {})
        before = mine.get(element)
        mine[element] = PanelRatingView(element, rating, comment)
        self._audit(
            actor,
            "self_assess",
            "self_assessment",
            (application_id, element),
            _plain(before) if before else None,
            _plain(mine[element]),
        )

    def self_assessment(self, application_id: int) -> dict[str, PanelRatingView]:
        return dict(self._state.self_assessments.get(application_id, {}))

    # --- panels, assignments, scores ------------------------------------------------------------------

    def add_panel(
        self,
        actor: Actor,
        cycle_id: int,
        name: str,
        kind: str,
        lead_user_id: int,
        member_user_ids: Sequence[int],
    ) -> PanelView:
        self.cycle(cycle_id)
        members = tuple(dict.fromkeys(u for u in member_user_ids if u != lead_user_id))
        view = PanelView(
            id=self._id(),
            cycle_id=cycle_id,
            name=name,
            kind=kind,
            lead_user_id=lead_user_id,
            member_user_ids=members,
        )
        self._state.panels[view.id] = view
        self._audit(
            actor,
            "form_panel",
            "panel",
            view.id,
            None,
            {"name": name, "kind": kind, "lead": lead_user_id, "members": list(members)},
        )
        return view

    def panel(self, panel_id: int) -> PanelView:
        found = self._state.panels.get(panel_id)
        if found is None:
            raise not_found("panel", panel_id)
        return found

    def panels(self, cycle_id: int) -> list[PanelView]:
        return [p for _, p in sorted(self._state.panels.items()) if p.cycle_id == cycle_id]

    def _active(self) -> list[AssignmentView]:
        return [a.view for _, a in sorted(self._state.assignments.items()) if a.active]

    def assignments(self, application_id: int, kind: str | None = None) -> list[AssignmentView]:
        return [
            a
            for a in self._active()
            if a.application_id == application_id and (kind is None or a.kind == kind)
        ]

    def assignments_of_user(self, user_id: int) -> list[AssignmentView]:
        return sorted((a for a in self._active() if a.user_id == user_id), key=lambda a: -a.id)

    def assignment(self, assignment_id: int) -> AssignmentView:
        found = self._state.assignments.get(assignment_id)
        if found is None or not found.active:
            raise not_found("assignment", assignment_id)
        return found.view

    def replace_assignments(self, actor: Actor, application_id: int, panel: PanelView, kind: str) -> None:
        old = [a.user_id for a in self.assignments(application_id, kind)]
        for row in self._state.assignments.values():
            if row.active and row.view.application_id == application_id and row.view.kind == kind:
                row.active = False
        for user_id in (panel.lead_user_id, *panel.member_user_ids):
            account = self.account(user_id)
            view = AssignmentView(
                id=self._id(),
                application_id=application_id,
                panel_id=panel.id,
                user_id=user_id,
                username=account.username,
                employee_id=account.employee_id,
                is_lead=user_id == panel.lead_user_id,
                kind=kind,
                state=AssignmentState.pending,
            )
            self._state.assignments[view.id] = _Assignment(view)
        self._audit(
            actor,
            "assign_panel" if kind == "review" else "assign_appeal_panel",
            "application",
            application_id,
            {"assessors": old},
            {"panel": panel.id, "assessors": [panel.lead_user_id, *panel.member_user_ids]},
        )

    def set_assignment_state(
        self, actor: Actor, assignment_id: int, action: str, state: AssignmentState
    ) -> None:
        row = self._state.assignments.get(assignment_id)
        if row is None:
            raise not_found("assignment", assignment_id)
        before = row.view.state
        row.view = replace(row.view, state=state)
        self._audit(
            actor, action, "assignment", assignment_id, {"state": before.value}, {"state": state.value}
        )

    def scores(self, application_id: int) -> list[ScoreView]:
        active = {a.id for a in self.assignments(application_id)}
        return [s for s in self._state.scores.values() if s.assignment_id in active]

    def save_score(
        self,
        actor: Actor,
        assignment_id: int,
        element: str,
        rating: str,
        comment: str,
        expected_version: int | None,
    ) -> ScoreView:
        found = self._state.scores.get((assignment_id, element))
        if found is None:
            if expected_version not in (None, 0):
                raise edit_conflict("rating", element=element)
            made = ScoreView(assignment_id, element, rating, comment, 1)
        else:
            if expected_version is None or expected_version != found.version:
                raise edit_conflict("rating", element=element, version=found.version)
            made = ScoreView(assignment_id, element, rating, comment, found.version + 1)
        self._state.scores[(assignment_id, element)] = made
        self._audit(
            actor,
            "rate",
            "element_score",
            (assignment_id, element),
            _plain(found) if found else None,
            _plain(made),
        )
        return made

    def save_panel_ratings(
        self, actor: Actor, application_id: int, ratings: Mapping[str, PanelChoice]
    ) -> None:
        before = {
            e: [p.rating, p.comment] for e, p in self._state.panel_ratings.get(application_id, {}).items()
        }
        self._state.panel_ratings[application_id] = {
            e: PanelRatingView(e, c.rating, c.comment) for e, c in ratings.items()
        }
        self._audit(
            actor,
            "consolidate",
            "application",
            application_id,
            before or None,
            {e: [c.rating, c.comment] for e, c in ratings.items()},
        )

    def panel_ratings(self, application_id: int) -> dict[str, PanelRatingView]:
        return dict(self._state.panel_ratings.get(application_id, {}))

    # --- decisions, publication, appeals, certificates --------------------------------------------------

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
    ) -> DecisionView:
        self._application(application_id)
        if supersedes_id is not None and any(
            d.supersedes_id == supersedes_id for d in self._state.decisions.values()
        ):
            raise ValueError(f"decision {supersedes_id} is already superseded")  # the one-to-one column
        view = DecisionView(
            id=self._id(),
            application_id=application_id,
            kind=kind,
            passed=passed,
            level=level,
            outcome=outcome,
            trace=copy.deepcopy(dict(trace)),
            reason=reason,
            decided_by=actor.username,
            decided_at=self.now(),
            supersedes_id=supersedes_id,
        )
        self._state.decisions[view.id] = view
        self._audit(
            actor,
            f"decision:{kind}",
            "decision",
            view.id,
            None,
            {
                "application": application_id,
                "kind": kind,
                "passed": passed,
                "level": level,
                "outcome": outcome,
                "reason": reason,
                "supersedes": supersedes_id,
            },
        )
        return view

    def current_decision(self, application_id: int) -> DecisionView | None:
        superseded = {d.supersedes_id for d in self._state.decisions.values()}
        current = [d for d in self.decisions(application_id) if d.id not in superseded]
        return current[-1] if current else None

    def decisions(self, application_id: int) -> list[DecisionView]:
        return [d for _, d in sorted(self._state.decisions.items()) if d.application_id == application_id]

    def publish(
        self,
        actor: Actor,
        cycle_id: int,
        application_ids: Sequence[int],
        published_at: dt.datetime,
        ends_at: dt.datetime,
    ) -> None:
        publication = self._id()
        for app_id in application_ids:
            row = self._application(app_id)
            before = row.view
            row.view = replace(
                before,
                state=ApplicationState.published,
                published_at=published_at,
                notice_ends_at=ends_at,
                version=before.version + 1,
            )
            self._audit(actor, "publish", "application", app_id, _plain(before), _plain(row.view))
        self._audit(
            actor,
            "publish",
            "cycle",
            cycle_id,
            None,
            {
                "publication": publication,
                "applications": list(application_ids),
                "published_at": published_at.isoformat(),
                "ends_at": ends_at.isoformat(),
            },
        )

    def add_appeal(self, actor: Actor, application_id: int, reason: str) -> AppealView:
        self._application(application_id)
        if self.appeal(application_id) is not None:
            raise ValueError(f"application {application_id} already has an appeal")  # a one-to-one column
        view = AppealView(
            id=self._id(), application_id=application_id, reason=reason, filed_at=self.now(), outcome=""
        )
        self._state.appeals[view.id] = view
        self._audit(actor, "appeal", "appeal", view.id, None, _plain(view))
        return view

    def appeal(self, application_id: int) -> AppealView | None:
        return next((a for a in self._state.appeals.values() if a.application_id == application_id), None)

    def _appeal(self, appeal_id: int) -> AppealView:
        found = self._state.appeals.get(appeal_id)
        if found is None:
            raise not_found("appeal", appeal_id)
        return found

    def add_appeal_file(
        self, actor: Actor, appeal_id: int, name: str, content_type: str, content: bytes
    ) -> FileView:
        appeal = self._appeal(appeal_id)
        made = self._store(actor, name, content_type, content)
        self._state.appeals[appeal_id] = replace(appeal, files=(*appeal.files, made))
        return made

    def decide_appeal(
        self, actor: Actor, appeal_id: int, outcome: str, reason: str, decision_id: int
    ) -> AppealView:
        before = self._appeal(appeal_id)
        after = self._state.appeals[appeal_id] = replace(before, outcome=outcome, decision_reason=reason)
        self._audit(
            actor,
            "decide_appeal",
            "appeal",
            appeal_id,
            _plain(before),
            {**_plain(after), "decision": decision_id},
        )
        return after

    def next_certificate_sequence(self, family: str, year: int) -> int:
        numbers = [
            c.number
            for c in self._state.certificates.values()
            if c.number.startswith(f"{family.upper()}-") and f"-{year}-" in c.number
        ]
        tail = max((int(n.rsplit("-", 1)[-1]) for n in numbers), default=0)
        return max(len(numbers), tail) + 1

    def add_certificate(
        self,
        actor: Actor,
        application_id: int,
        number: str,
        level: int,
        standard_id: str,
        valid_from: dt.date,
        valid_until: dt.date,
    ) -> CertificateView:
        app = self.application(application_id)
        if any(c.number == number for c in self._state.certificates.values()):
            raise ValueError(f"certificate number {number} is taken")  # a unique column
        view = CertificateView(
            id=self._id(),
            number=number,
            employee_id=app.employee_id,
            person_name=self.person(app.employee_id).name,
            level=level,
            standard_id=standard_id,
            valid_from=valid_from,
            valid_until=valid_until,
            application_id=application_id,
        )
        self._state.certificates[view.id] = view
        self._audit(actor, "certify", "certificate", view.id, None, _plain(view))
        return view

    def certificates(self, *, valid_until_before: dt.date | None = None) -> list[CertificateView]:
        found = [
            c
            for c in self._state.certificates.values()
            if valid_until_before is None or c.valid_until <= valid_until_before
        ]
        return sorted(found, key=lambda c: c.valid_until)

    def certificate_for(self, application_id: int) -> CertificateView | None:
        return next(
            (c for c in self._state.certificates.values() if c.application_id == application_id), None
        )

    def notify(self, notice: Notice) -> None:
        self._state.notices.append(notice)


def _plain(value: Any) -> dict[str, Any]:
    """A view as plain values for the audit record (dates as ISO text, states as their value)."""
    out: dict[str, Any] = {}
    for key in value.__dataclass_fields__:
        v = getattr(value, key)
        if isinstance(v, dt.date | dt.datetime):
            v = v.isoformat()
        elif hasattr(v, "value"):
            v = v.value
        elif isinstance(v, tuple):
            v = [x if isinstance(x, str | int) else repr(x) for x in v]
        out[key] = v
    return out


def _conforms(repo: MemoryCertificationRepository) -> CertificationRepository:
    return repo  # mypy checks here that the memory repository implements the whole Protocol
