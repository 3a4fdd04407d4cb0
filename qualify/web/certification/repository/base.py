"""What the parts of the certification repository share: stored files, rows as plain values
for the audit record, the acting Django user, and the base class."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qualify.services.certification import Actor
from qualify.services.certification.access import not_found
from qualify.web.accounts.audit import record, snapshot
from qualify.web.certification import models as m
from qualify.web.people.models import Person


def plain(obj: Any, *, exclude: Sequence[str] = ()) -> dict[str, Any]:
    """The row as plain values for the audit record: the one snapshot of ``accounts.audit``."""
    return snapshot(obj, exclude=exclude)


def django_user(actor: Actor) -> Any:
    """The Django user behind the actor; ``None`` for the system."""
    return actor.handle if getattr(actor.handle, "is_authenticated", False) else None


class RepositoryBase:
    """What every part of ``DjangoRepository`` shares: the clock, the transaction, the audit record,
    the rows found by id (``NotFound`` otherwise), and stored files."""

    def __init__(self, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.clock = clock

    def atomic(self) -> AbstractContextManager[Any]:
        return transaction.atomic()

    def now(self) -> dt.datetime:
        """Now, in the deployment's time zone (``TIME_ZONE``): its ``.date()`` is the local date."""
        return timezone.localtime(self.clock() if self.clock is not None else timezone.now())

    def _audit(
        self, actor: Actor, action: str, obj_type: str, obj_id: object, before: Any, after: Any
    ) -> None:
        record(actor.handle, action, obj_type, obj_id, before, after)

    def _person(self, employee_id: str) -> Person:
        try:
            return Person.objects.select_related("org_unit").get(employee_id=employee_id)
        except Person.DoesNotExist:
            raise not_found("person", employee_id) from None

    def _cycle(self, cycle_id: int) -> m.Cycle:
        try:
            return m.Cycle.objects.get(pk=cycle_id)
        except m.Cycle.DoesNotExist:
            raise not_found("cycle", cycle_id) from None

    def _application(self, application_id: int) -> m.Application:
        try:
            return m.Application.objects.select_related("person", "publication").get(pk=application_id)
        except m.Application.DoesNotExist:
            raise not_found("application", application_id) from None

    def _store(
        self, actor: Actor, content: bytes, name: str, content_type: str, **owner: Any
    ) -> m.StoredFile:
        f = m.StoredFile(
            name=name,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=django_user(actor),
            **owner,
        )
        # Into the file storage (the name comes from ``models.evidence_path``), then the row.
        f.file.save(name, ContentFile(content), save=False)
        f.save()
        self._audit(actor, "upload", "file", f.pk, None, plain(f))
        return f
