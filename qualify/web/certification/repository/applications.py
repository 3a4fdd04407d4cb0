"""Applications, their evidence and uploaded files, and the self-assessment."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import F

from qualify.core.cycle import ApplicationState
from qualify.services.certification import (
    Actor,
    ApplicationView,
    EvidenceInput,
    EvidenceView,
    FileView,
    PanelRatingView,
    edit_conflict,
)
from qualify.services.certification.access import not_found
from qualify.web.certification import models as m
from qualify.web.certification.repository.base import RepositoryBase, plain
from qualify.web.certification.repository.conversions import application_view, evidence_view, file_view
from qualify.web.people.models import Evidence


class ApplicationStore(RepositoryBase):
    """Applications (with a version column), evidence, files, self-assessment."""

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
        self._audit(actor, "apply" if not nominated_by else "nominate", "application", a.pk, None, plain(a))
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
        before = plain(a)
        values = {k: (v.value if isinstance(v, ApplicationState) else v) for k, v in changes.items()}
        version = a.version if expected_version is None else expected_version
        updated = m.Application.objects.filter(pk=a.pk, version=version).update(
            version=F("version") + 1, **values
        )
        if not updated:
            raise edit_conflict("application", application=a.pk)
        after = self._application(a.pk)
        self._audit(actor, action, "application", a.pk, before, plain(after))
        return application_view(after)

    # --- evidence and self-assessment ------------------------------------------------------------------

    def add_evidence(self, actor: Actor, application_id: int, item: EvidenceInput) -> EvidenceView:
        # One evidence record per person: what is entered for an application is the person's record
        # (counted by the self-check, kept by HR imports, reused by the next application).
        person_id = m.Application.objects.values_list("person_id", flat=True).get(pk=application_id)
        described = {
            "activity": item.activity,
            "date": item.date,
            "role": item.role,
            "audience": item.audience,
            "scope": item.scope,
            "project_kind": item.project_kind,
            "outcome": item.outcome,
            "deliverables": list(item.deliverables),
            "note": item.note,
        }
        record = Evidence.objects.create(
            person_id=person_id,
            evidence_id=f"A{application_id}-{uuid.uuid4().hex[:8]}",
            source=Evidence.Source.APPLICATION,
            **described,
        )
        e = m.EvidenceItem.objects.create(
            application_id=application_id,
            record=record,
            elements=list(item.elements),
            measures=list(item.measures),
            **described,
        )
        self._audit(actor, "add_evidence", "evidence", e.pk, None, plain(e))
        return evidence_view(e)

    def _evidence(self, evidence_id: int) -> m.EvidenceItem:
        try:
            return m.EvidenceItem.objects.select_related("record").get(pk=evidence_id)
        except m.EvidenceItem.DoesNotExist:
            raise not_found("evidence", evidence_id) from None

    def evidence(self, application_id: int) -> list[EvidenceView]:
        return [
            evidence_view(e)
            for e in m.EvidenceItem.objects.filter(application_id=application_id)
            .select_related("record")
            .prefetch_related("files")
        ]

    def evidence_item(self, evidence_id: int) -> EvidenceView:
        return evidence_view(self._evidence(evidence_id))

    def remove_evidence(self, actor: Actor, evidence_id: int) -> None:
        e = self._evidence(evidence_id)
        before = plain(e)
        record = e.record
        e.delete()  # its files leave the storage once this commits (``qualify.web.files.delete_with_row``)
        if (
            record is not None
            and record.source == Evidence.Source.APPLICATION
            and not record.application_items.exists()
        ):
            record.delete()  # entered with this application and used nowhere else
        self._audit(actor, "remove_evidence", "evidence", evidence_id, before, None)

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
        before = plain(found) if found else None
        row, _ = m.SelfAssessment.objects.update_or_create(
            application_id=application_id, element=element, defaults={"rating": rating, "comment": comment}
        )
        self._audit(actor, "self_assess", "self_assessment", row.pk, before, plain(row))

    def self_assessment(self, application_id: int) -> dict[str, PanelRatingView]:
        return {
            s.element: PanelRatingView(s.element, s.rating, s.comment)
            for s in m.SelfAssessment.objects.filter(application_id=application_id)
        }
