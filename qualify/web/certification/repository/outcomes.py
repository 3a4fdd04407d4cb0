"""Decisions, publication, appeals, certificates and notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import F, Max

from qualify.core.cycle import ApplicationState
from qualify.services.certification import Actor, AppealView, CertificateView, DecisionView, FileView, Notice
from qualify.web.certification import models as m
from qualify.web.certification.repository.base import RepositoryBase, django_user, plain
from qualify.web.certification.repository.conversions import (
    appeal_view,
    certificate_view,
    decision_view,
    file_view,
)
from qualify.web.notifications.dispatch import dispatch


class OutcomeStore(RepositoryBase):
    """Decisions (appended, never edited), publication, appeals, certificates, notifications."""

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
            decided_by=django_user(actor),
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
            cycle_id=cycle_id, published_at=published_at, ends_at=ends_at, published_by=django_user(actor)
        )
        for app_id in application_ids:
            a = self._application(app_id)
            before = plain(a)
            m.Application.objects.filter(pk=app_id).update(
                state=ApplicationState.published.value, publication=pub, version=F("version") + 1
            )
            self._audit(actor, "publish", "application", app_id, before, plain(self._application(app_id)))
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
            application_id=application_id, reason=reason, filed_by=django_user(actor), filed_at=self.now()
        )
        self._audit(actor, "appeal", "appeal", a.pk, None, plain(a))
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
        before = plain(a)
        a.outcome, a.decision_reason, a.decision_id = outcome, reason, decision_id
        a.decided_by, a.decided_at = django_user(actor), self.now()
        a.save()
        self._audit(actor, "decide_appeal", "appeal", a.pk, before, plain(a))
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
        person = app.person
        c = m.Certificate.objects.create(
            number=number,
            person=person,
            application=app,
            holder_name=person.name,
            holder_employee_id=person.employee_id,
            holder_unit=str(person.org_unit) if person.org_unit_id else "",
            job_family=person.job_family,
            level=level,
            standard_id=standard_id,
            standard_version=standard_id.rpartition("@")[2],
            valid_from=valid_from,
            valid_until=valid_until,
            issued_by=django_user(actor),
            issued_at=self.now(),
        )
        self._audit(actor, "certify", "certificate", c.pk, None, plain(c))
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
        """In the bell and the outbox, with the step's transaction (the worker sends the outbox)."""
        dispatch(notice)
