"""The certification cycle's database, behind ``qualify.services.certification.CertificationRepository``.

Every write records an audit entry (``qualify.web.accounts.audit.record``) with who, before and after.
Saves that may race (scores, panel ratings, applications) use a version column: the UPDATE names the
version that was read, and if another save got there first no row matches and ``EditConflict`` is
raised: nothing is silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.forms.models import model_to_dict
from django.utils import timezone

from qualify.core.cycle import ApplicationState, AssignmentState, CycleState, PanelChoice
from qualify.core.errors import NotFound
from qualify.core.records import Employee, ExamRecord, PersonRecord
from qualify.services.certification import (
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
    edit_conflict,
)
from qualify.web.accounts import access
from qualify.web.accounts.audit import record
from qualify.web.certification import models as m
from qualify.web.people.models import ExamResult, Person
from qualify.web.people.records import employee_of, person_record


def uploads_dir() -> Path:
    """Where uploaded files live: outside the web root and the static files, never served directly."""
    configured = getattr(settings, "QUALIFY_UPLOADS_DIR", None)
    return Path(configured) if configured else Path(settings.HOME) / "uploads"


def _plain(obj: Any, *, exclude: Sequence[str] = ()) -> dict[str, Any]:
    data = model_to_dict(obj, exclude=list(exclude))
    return {
        k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v)
        for k, v in data.items()
        if not isinstance(v, list) or all(isinstance(x, str | int) for x in v)
    }


def _missing(what: str, ident: object) -> NotFound:
    return NotFound(
        code="not-found",
        message_en=f"no {what} {ident}",
        message_zh=f"没有此{what}：{ident}",
        fields={"what": what, "id": ident},
    )


# --- conversions --------------------------------------------------------------------------------


def cycle_view(c: m.Cycle) -> CycleView:
    return CycleView(
        id=c.pk,
        name=c.name,
        family=c.family,
        standard_id=c.standard_id,
        standard_sha256=c.standard_sha256,
        state=CycleState(c.state),
        opens_on=c.opens_on,
        closes_on=c.closes_on,
        as_of=c.as_of,
        levels=tuple(c.levels),
        notice_days=c.notice_days,
    )


def application_view(a: m.Application) -> ApplicationView:
    pub = a.publication
    return ApplicationView(
        id=a.pk,
        cycle_id=a.cycle_id,
        employee_id=a.person.employee_id,
        person_name=a.person.name,
        current_level=a.current_level,
        target_level=a.target_level,
        state=ApplicationState(a.state),
        jump_reason=a.jump_reason,
        nominated_by=a.nominated_by,
        submitted_at=a.submitted_at,
        published_at=pub.published_at if pub else None,
        notice_ends_at=pub.ends_at if pub else None,
        version=a.version,
    )


def file_view(f: m.StoredFile) -> FileView:
    return FileView(id=f.pk, name=f.name, content_type=f.content_type, size=f.size)


def evidence_view(e: m.EvidenceItem) -> EvidenceView:
    item = EvidenceInput(
        activity=e.activity,
        date=e.date,
        role=e.role,
        audience=e.audience,
        scope=e.scope,
        project_kind=e.project_kind,
        outcome=e.outcome,
        deliverables=tuple(e.deliverables),
        note=e.note,
        elements=tuple(e.elements),
        measures=tuple(e.measures),
    )
    return EvidenceView(
        id=e.pk, application_id=e.application_id, item=item, files=tuple(file_view(f) for f in e.files.all())
    )


def panel_view(p: m.Panel) -> PanelView:
    return PanelView(
        id=p.pk,
        cycle_id=p.cycle_id,
        name=p.name,
        kind=p.kind,
        lead_user_id=p.lead_id,
        member_user_ids=tuple(sorted(u.pk for u in p.members.all())),
    )


def assignment_view(a: m.Assignment) -> AssignmentView:
    profile = access.profile_of(a.assessor)
    person = profile.person if profile is not None else None
    return AssignmentView(
        id=a.pk,
        application_id=a.application_id,
        panel_id=a.panel_id,
        user_id=a.assessor_id,
        username=a.assessor.get_username(),
        employee_id=person.employee_id if person else None,
        is_lead=a.is_lead,
        kind=a.kind,
        state=AssignmentState(a.state),
    )


def score_view(s: m.ElementScore) -> ScoreView:
    return ScoreView(
        assignment_id=s.assignment_id,
        element=s.element,
        rating=s.rating,
        comment=s.comment,
        version=s.version,
    )


def decision_view(d: m.Decision) -> DecisionView:
    return DecisionView(
        id=d.pk,
        application_id=d.application_id,
        kind=d.kind,
        passed=d.passed,
        level=d.level,
        outcome=d.outcome,
        trace=d.trace,
        reason=d.reason,
        decided_by=d.decided_by_name,
        decided_at=d.decided_at,
        supersedes_id=d.supersedes_id,
    )


def appeal_view(a: m.Appeal) -> AppealView:
    return AppealView(
        id=a.pk,
        application_id=a.application_id,
        reason=a.reason,
        filed_at=a.filed_at,
        outcome=a.outcome,
        decision_reason=a.decision_reason,
        files=tuple(file_view(f) for f in a.files.all()),
    )


def certificate_view(c: m.Certificate) -> CertificateView:
    return CertificateView(
        id=c.pk,
        number=c.number,
        employee_id=c.person.employee_id,
        person_name=c.person.name,
        level=c.level,
        standard_id=c.standard_id,
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        application_id=c.application_id,
    )


def actor_for(user: Any) -> Actor:
    """The service layer's view of a Django user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user_id=None, username="anonymous")
    person = access.own_person(user)
    families = access.hr_families(user)
    return Actor(
        user_id=user.pk,
        username=user.get_username(),
        employee_id=person.employee_id if person else None,
        roles=frozenset(access.roles_of(user)),
        hr_families=None if families is None else tuple(families),
        handle=user,
    )


class DjangoRepository:
    """``CertificationRepository`` on the Django ORM. ``clock`` replaces the time (tests, demo data)."""

    def __init__(self, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.clock = clock or timezone.now

    def atomic(self) -> AbstractContextManager[Any]:
        return transaction.atomic()

    def now(self) -> dt.datetime:
        return self.clock()

    def _audit(
        self, actor: Actor, action: str, obj_type: str, obj_id: object, before: Any, after: Any
    ) -> None:
        record(actor.handle, action, obj_type, obj_id, before, after)

    # --- people and accounts ------------------------------------------------------------------------

    def _person(self, employee_id: str) -> Person:
        try:
            return Person.objects.select_related("org_unit").get(employee_id=employee_id)
        except Person.DoesNotExist:
            raise _missing("person", employee_id) from None

    def person(self, employee_id: str) -> PersonView:
        p = self._person(employee_id)
        return PersonView(
            employee_id=p.employee_id, name=p.name, job_family=p.job_family, current_level=p.current_level
        )

    def person_record(self, employee_id: str) -> PersonRecord:
        return person_record(self._person(employee_id))

    def family_people(self, family: str) -> list[PersonRecord]:
        from qualify.web.people.records import organisation_for

        org = organisation_for(Person.objects.filter(job_family=family))
        found = (org.person(e.employee_id) for e in org.employees)
        return [r for r in found if r is not None]

    def family_exams(self, family: str) -> tuple[list[Employee], list[ExamRecord]]:
        people = list(Person.objects.filter(job_family=family).select_related("org_unit"))
        employees = [employee_of(p) for p in people]
        exams = [
            ExamRecord(employee_id=eid, sitting=sitting, exam=exam, score=score)
            for eid, sitting, exam, score in ExamResult.objects.filter(person__job_family=family).values_list(
                "person__employee_id", "sitting", "exam", "score"
            )
        ]
        return employees, exams

    def manages(self, user_id: int, employee_id: str) -> bool:
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None or not access.is_manager(user):
            return False
        profile = access.profile_of(user)
        if profile is None or profile.managed_unit_id is None:
            return False
        return Person.objects.filter(
            employee_id=employee_id, org_unit__path__startswith=profile.managed_unit.path
        ).exists()

    def account(self, user_id: int) -> AccountView:
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None:
            raise _missing("account", user_id)
        person = access.own_person(user)
        return AccountView(
            user_id=user.pk,
            username=user.get_username(),
            employee_id=person.employee_id if person else None,
            roles=frozenset(access.roles_of(user)),
        )

    def set_current_level(self, actor: Actor, employee_id: str, level: int) -> None:
        person = self._person(employee_id)
        before = person.current_level
        person.current_level = level
        person.save(update_fields=["current_level", "updated_at"])
        self._audit(
            actor, "certify", "person", employee_id, {"current_level": before}, {"current_level": level}
        )

    # --- cycles -----------------------------------------------------------------------------------------

    def _cycle(self, cycle_id: int) -> m.Cycle:
        try:
            return m.Cycle.objects.get(pk=cycle_id)
        except m.Cycle.DoesNotExist:
            raise _missing("cycle", cycle_id) from None

    def add_cycle(
        self, actor: Actor, new: NewCycle, family: str, standard_text: str, sha256: str
    ) -> CycleView:
        c = m.Cycle.objects.create(
            name=new.name,
            family=family,
            standard_id=standard_id_of(standard_text),
            standard_text=standard_text,
            standard_sha256=sha256,
            opens_on=new.opens_on,
            closes_on=new.closes_on,
            as_of=new.as_of,
            levels=list(new.levels),
            notice_days=new.notice_days,
            created_by=_user(actor),
        )
        self._audit(actor, "create", "cycle", c.pk, None, _plain(c, exclude=["standard_text"]))
        return cycle_view(c)

    def cycle(self, cycle_id: int) -> CycleView:
        return cycle_view(self._cycle(cycle_id))

    def cycle_standard_text(self, cycle_id: int) -> str:
        return self._cycle(cycle_id).standard_text

    def cycles(self) -> list[CycleView]:
        return [cycle_view(c) for c in m.Cycle.objects.all()]

    def set_cycle_state(self, actor: Actor, cycle_id: int, action: str, state: CycleState) -> CycleView:
        c = self._cycle(cycle_id)
        before = c.state
        c.state = state.value
        c.save(update_fields=["state"])
        self._audit(actor, action, "cycle", c.pk, {"state": before}, {"state": c.state})
        return cycle_view(c)

    def save_screening(self, actor: Actor, cycle_id: int, rows: list[tuple[str, int, list[int]]]) -> None:
        ids = dict(
            Person.objects.filter(employee_id__in=[r[0] for r in rows]).values_list("employee_id", "pk")
        )
        m.ScreeningEntry.objects.filter(cycle_id=cycle_id).delete()
        m.ScreeningEntry.objects.bulk_create(
            [
                m.ScreeningEntry(
                    cycle_id=cycle_id, person_id=ids[eid], highest_eligible_level=high, eligible_levels=levels
                )
                for eid, high, levels in rows
                if eid in ids
            ],
            batch_size=1000,
        )
        counts: dict[str, int] = {}
        for _, _, levels in rows:
            for level in levels:
                counts[str(level)] = counts.get(str(level), 0) + 1
        self._audit(actor, "screen", "cycle", cycle_id, None, {"screened": len(rows), "eligible": counts})

    # --- applications ---------------------------------------------------------------------------------

    def _application(self, application_id: int) -> m.Application:
        try:
            return m.Application.objects.select_related("person", "publication").get(pk=application_id)
        except m.Application.DoesNotExist:
            raise _missing("application", application_id) from None

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
        a = m.Application.objects.create(
            cycle_id=cycle_id,
            person=self._person(employee_id),
            current_level=current_level,
            target_level=target_level,
            jump_reason=jump_reason,
            nominated_by=nominated_by,
        )
        self._audit(actor, "apply" if not nominated_by else "nominate", "application", a.pk, None, _plain(a))
        return application_view(self._application(a.pk))

    def application(self, application_id: int) -> ApplicationView:
        return application_view(self._application(application_id))

    def applications(self, cycle_id: int, *, employee_id: str | None = None) -> list[ApplicationView]:
        qs = m.Application.objects.filter(cycle_id=cycle_id).select_related("person", "publication")
        if employee_id is not None:
            qs = qs.filter(person__employee_id=employee_id)
        return [application_view(a) for a in qs.order_by("id")]

    def update_application(
        self,
        actor: Actor,
        application_id: int,
        action: str,
        *,
        expected_version: int | None = None,
        **changes: Any,
    ) -> ApplicationView:
        a = self._application(application_id)
        before = _plain(a)
        values = {k: (v.value if isinstance(v, ApplicationState) else v) for k, v in changes.items()}
        version = a.version if expected_version is None else expected_version
        updated = m.Application.objects.filter(pk=a.pk, version=version).update(
            version=F("version") + 1, **values
        )
        if not updated:
            raise edit_conflict("application", application=a.pk)
        after = self._application(a.pk)
        self._audit(actor, action, "application", a.pk, before, _plain(after))
        return application_view(after)

    # --- evidence and self-assessment ------------------------------------------------------------------

    def add_evidence(self, actor: Actor, application_id: int, item: EvidenceInput) -> EvidenceView:
        e = m.EvidenceItem.objects.create(
            application_id=application_id,
            activity=item.activity,
            date=item.date,
            role=item.role,
            audience=item.audience,
            scope=item.scope,
            project_kind=item.project_kind,
            outcome=item.outcome,
            deliverables=list(item.deliverables),
            note=item.note,
            elements=list(item.elements),
            measures=list(item.measures),
        )
        self._audit(actor, "add_evidence", "evidence", e.pk, None, _plain(e))
        return evidence_view(e)

    def _evidence(self, evidence_id: int) -> m.EvidenceItem:
        try:
            return m.EvidenceItem.objects.get(pk=evidence_id)
        except m.EvidenceItem.DoesNotExist:
            raise _missing("evidence", evidence_id) from None

    def evidence(self, application_id: int) -> list[EvidenceView]:
        return [
            evidence_view(e)
            for e in m.EvidenceItem.objects.filter(application_id=application_id).prefetch_related("files")
        ]

    def evidence_item(self, evidence_id: int) -> EvidenceView:
        return evidence_view(self._evidence(evidence_id))

    def remove_evidence(self, actor: Actor, evidence_id: int) -> None:
        e = self._evidence(evidence_id)
        before = _plain(e)
        paths = [f.path for f in e.files.all()]
        e.delete()
        for rel in paths:
            (uploads_dir() / rel).unlink(missing_ok=True)
        self._audit(actor, "remove_evidence", "evidence", evidence_id, before, None)

    def _store(
        self, actor: Actor, content: bytes, name: str, content_type: str, **owner: Any
    ) -> m.StoredFile:
        rel = f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
        target = uploads_dir() / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        f = m.StoredFile.objects.create(
            name=name,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            path=rel,
            uploaded_by=_user(actor),
            **owner,
        )
        self._audit(actor, "upload", "file", f.pk, None, _plain(f))
        return f

    def add_evidence_file(
        self, actor: Actor, evidence_id: int, name: str, content_type: str, content: bytes
    ) -> FileView:
        return file_view(
            self._store(actor, content, name, content_type, evidence=self._evidence(evidence_id))
        )

    def save_self_assessment(
        self, actor: Actor, application_id: int, element: str, rating: str, comment: str
    ) -> None:
        found = m.SelfAssessment.objects.filter(application_id=application_id, element=element).first()
        before = _plain(found) if found else None
        row, _ = m.SelfAssessment.objects.update_or_create(
            application_id=application_id, element=element, defaults={"rating": rating, "comment": comment}
        )
        self._audit(actor, "self_assess", "self_assessment", row.pk, before, _plain(row))

    def self_assessment(self, application_id: int) -> dict[str, PanelRatingView]:
        return {
            s.element: PanelRatingView(s.element, s.rating, s.comment)
            for s in m.SelfAssessment.objects.filter(application_id=application_id)
        }

    # --- panels, assignments, scores ---------------------------------------------------------------------

    def add_panel(
        self,
        actor: Actor,
        cycle_id: int,
        name: str,
        kind: str,
        lead_user_id: int,
        member_user_ids: Sequence[int],
    ) -> PanelView:
        p = m.Panel.objects.create(cycle_id=cycle_id, name=name, kind=kind, lead_id=lead_user_id)
        p.members.set(member_user_ids)
        view = panel_view(p)
        self._audit(
            actor,
            "form_panel",
            "panel",
            p.pk,
            None,
            {"name": name, "kind": kind, "lead": lead_user_id, "members": list(view.member_user_ids)},
        )
        return view

    def panel(self, panel_id: int) -> PanelView:
        try:
            return panel_view(m.Panel.objects.get(pk=panel_id))
        except m.Panel.DoesNotExist:
            raise _missing("panel", panel_id) from None

    def panels(self, cycle_id: int) -> list[PanelView]:
        return [panel_view(p) for p in m.Panel.objects.filter(cycle_id=cycle_id).prefetch_related("members")]

    def _assignments(self) -> Any:
        return m.Assignment.objects.filter(active=True).select_related("assessor__profile__person")

    def assignments(self, application_id: int, kind: str | None = None) -> list[AssignmentView]:
        qs = self._assignments().filter(application_id=application_id)
        if kind is not None:
            qs = qs.filter(kind=kind)
        return [assignment_view(a) for a in qs]

    def assignments_of_user(self, user_id: int) -> list[AssignmentView]:
        return [assignment_view(a) for a in self._assignments().filter(assessor_id=user_id).order_by("-id")]

    def assignment(self, assignment_id: int) -> AssignmentView:
        found = self._assignments().filter(pk=assignment_id).first()
        if found is None:
            raise _missing("assignment", assignment_id)
        return assignment_view(found)

    def replace_assignments(self, actor: Actor, application_id: int, panel: PanelView, kind: str) -> None:
        old = list(
            m.Assignment.objects.filter(application_id=application_id, kind=kind, active=True).values_list(
                "assessor_id", flat=True
            )
        )
        m.Assignment.objects.filter(application_id=application_id, kind=kind, active=True).update(
            active=False
        )
        for user_id in (panel.lead_user_id, *panel.member_user_ids):
            m.Assignment.objects.create(
                application_id=application_id,
                panel_id=panel.id,
                assessor_id=user_id,
                is_lead=user_id == panel.lead_user_id,
                kind=kind,
            )
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
        a = m.Assignment.objects.get(pk=assignment_id)
        before = a.state
        a.state = state.value
        a.save(update_fields=["state"])
        self._audit(actor, action, "assignment", a.pk, {"state": before}, {"state": a.state})

    def scores(self, application_id: int) -> list[ScoreView]:
        return [
            score_view(s)
            for s in m.ElementScore.objects.filter(
                assignment__application_id=application_id, assignment__active=True
            ).order_by("id")
        ]

    def save_score(
        self,
        actor: Actor,
        assignment_id: int,
        element: str,
        rating: str,
        comment: str,
        expected_version: int | None,
    ) -> ScoreView:
        found = m.ElementScore.objects.filter(assignment_id=assignment_id, element=element).first()
        if found is None:
            if expected_version not in (None, 0):
                raise edit_conflict("rating", element=element)
            try:
                with transaction.atomic():
                    row = m.ElementScore.objects.create(
                        assignment_id=assignment_id, element=element, rating=rating, comment=comment
                    )
            except IntegrityError:  # someone created it at the same moment
                raise edit_conflict("rating", element=element) from None
            self._audit(actor, "rate", "element_score", row.pk, None, _plain(row))
            return score_view(row)
        if expected_version is None or expected_version != found.version:
            raise edit_conflict("rating", element=element, version=found.version)
        before = _plain(found)
        updated = m.ElementScore.objects.filter(pk=found.pk, version=expected_version).update(
            rating=rating, comment=comment, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise edit_conflict("rating", element=element)
        row = m.ElementScore.objects.get(pk=found.pk)
        self._audit(actor, "rate", "element_score", row.pk, before, _plain(row))
        return score_view(row)

    def save_panel_ratings(
        self, actor: Actor, application_id: int, ratings: Mapping[str, PanelChoice]
    ) -> None:
        before = {
            p.element: [p.rating, p.comment]
            for p in m.PanelRating.objects.filter(application_id=application_id)
        }
        m.PanelRating.objects.filter(application_id=application_id).delete()
        m.PanelRating.objects.bulk_create(
            [
                m.PanelRating(application_id=application_id, element=e, rating=c.rating, comment=c.comment)
                for e, c in ratings.items()
            ]
        )
        self._audit(
            actor,
            "consolidate",
            "application",
            application_id,
            before or None,
            {e: [c.rating, c.comment] for e, c in ratings.items()},
        )

    def panel_ratings(self, application_id: int) -> dict[str, PanelRatingView]:
        return {
            p.element: PanelRatingView(p.element, p.rating, p.comment)
            for p in m.PanelRating.objects.filter(application_id=application_id)
        }

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
        d = m.Decision.objects.create(
            application_id=application_id,
            kind=kind,
            passed=passed,
            level=level,
            outcome=outcome,
            trace=dict(trace),
            reason=reason,
            decided_by=_user(actor),
            decided_by_name=actor.username,
            decided_at=self.now(),
            supersedes_id=supersedes_id,
        )
        self._audit(
            actor,
            f"decision:{kind}",
            "decision",
            d.pk,
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
        return decision_view(d)

    def current_decision(self, application_id: int) -> DecisionView | None:
        d = (
            m.Decision.objects.filter(application_id=application_id, superseded_by__isnull=True)
            .order_by("-id")
            .first()
        )
        return decision_view(d) if d else None

    def decisions(self, application_id: int) -> list[DecisionView]:
        return [
            decision_view(d) for d in m.Decision.objects.filter(application_id=application_id).order_by("id")
        ]

    def publish(
        self,
        actor: Actor,
        cycle_id: int,
        application_ids: Sequence[int],
        published_at: dt.datetime,
        ends_at: dt.datetime,
    ) -> None:
        pub = m.Publication.objects.create(
            cycle_id=cycle_id, published_at=published_at, ends_at=ends_at, published_by=_user(actor)
        )
        for app_id in application_ids:
            a = self._application(app_id)
            before = _plain(a)
            m.Application.objects.filter(pk=app_id).update(
                state=ApplicationState.published.value, publication=pub, version=F("version") + 1
            )
            self._audit(actor, "publish", "application", app_id, before, _plain(self._application(app_id)))
        self._audit(
            actor,
            "publish",
            "cycle",
            cycle_id,
            None,
            {
                "publication": pub.pk,
                "applications": list(application_ids),
                "published_at": published_at.isoformat(),
                "ends_at": ends_at.isoformat(),
            },
        )

    def add_appeal(self, actor: Actor, application_id: int, reason: str) -> AppealView:
        a = m.Appeal.objects.create(
            application_id=application_id, reason=reason, filed_by=_user(actor), filed_at=self.now()
        )
        self._audit(actor, "appeal", "appeal", a.pk, None, _plain(a))
        return appeal_view(a)

    def appeal(self, application_id: int) -> AppealView | None:
        a = m.Appeal.objects.filter(application_id=application_id).prefetch_related("files").first()
        return appeal_view(a) if a else None

    def add_appeal_file(
        self, actor: Actor, appeal_id: int, name: str, content_type: str, content: bytes
    ) -> FileView:
        return file_view(self._store(actor, content, name, content_type, appeal_id=appeal_id))

    def decide_appeal(
        self, actor: Actor, appeal_id: int, outcome: str, reason: str, decision_id: int
    ) -> AppealView:
        a = m.Appeal.objects.get(pk=appeal_id)
        before = _plain(a)
        a.outcome, a.decision_reason, a.decision_id = outcome, reason, decision_id
        a.decided_by, a.decided_at = _user(actor), self.now()
        a.save()
        self._audit(actor, "decide_appeal", "appeal", a.pk, before, _plain(a))
        return appeal_view(a)

    def next_certificate_sequence(self, family: str, year: int) -> int:
        prefix = f"{family.upper()}-"
        numbers = m.Certificate.objects.filter(number__startswith=prefix, number__contains=f"-{year}-")
        last = numbers.aggregate(n=Max("number"))["n"]
        count = numbers.count()
        tail = int(last.rsplit("-", 1)[-1]) if last else 0
        return max(count, tail) + 1

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
        app = self._application(application_id)
        c = m.Certificate.objects.create(
            number=number,
            person=app.person,
            application=app,
            level=level,
            standard_id=standard_id,
            valid_from=valid_from,
            valid_until=valid_until,
            issued_by=_user(actor),
            issued_at=self.now(),
        )
        self._audit(actor, "certify", "certificate", c.pk, None, _plain(c))
        return certificate_view(c)

    def certificates(self, *, valid_until_before: dt.date | None = None) -> list[CertificateView]:
        qs = m.Certificate.objects.select_related("person")
        if valid_until_before is not None:
            qs = qs.filter(valid_until__lte=valid_until_before)
        return [certificate_view(c) for c in qs.order_by("valid_until")]

    def certificate_for(self, application_id: int) -> CertificateView | None:
        c = m.Certificate.objects.filter(application_id=application_id).select_related("person").first()
        return certificate_view(c) if c else None

    # --- notifications ----------------------------------------------------------------------------------

    def notify(self, notice: Notice) -> None:
        from qualify.web.certification.notify import send_notice

        transaction.on_commit(lambda: send_notice(notice))


def _user(actor: Actor) -> Any:
    return actor.handle if getattr(actor.handle, "is_authenticated", False) else None


def standard_id_of(standard_text: str) -> str:
    """The id ``FAMILY@VERSION`` of the frozen standard (what was asked for may have been a path)."""
    data = json.loads(standard_text)
    return f"{data['family']}@{data['version']}"
