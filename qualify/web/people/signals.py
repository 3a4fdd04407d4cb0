"""Stored standings follow the data:

- an applied import (web, API, worker or ``qualify import``: ``qualify.services.hr_import.on_imported``)
  queues one refresh per job family it wrote, for the worker (``standing_store.imported``);
- one person's data changed outside an import (the admin, a certification's new level): their
  family's stored standings are outdated and their own row is marked changed
  (``standing_store.mark_changed``). Bulk writes send no signals: imports are told by ``on_imported``.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from qualify.services import hr_import
from qualify.web.people.models import ExamResult, PerformanceRating, Person


def _person_changed(sender: Any, instance: Person, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    from qualify.web.people.standing_store import mark_changed

    mark_changed([instance.job_family], [instance.pk] if instance.pk is not None else [])


def _record_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    from qualify.web.people.standing_store import mark_changed

    person = Person.objects.filter(pk=instance.person_id).only("pk", "job_family").first()
    if person is not None:
        mark_changed([person.job_family], [person.pk])


def _imported(applied: hr_import.AppliedImport) -> None:
    from qualify.web.people.standing_store import imported

    ids = [*applied.new, *applied.changed]
    pks: list[int] = []
    for start in range(0, len(ids), 5000):
        pks += Person.objects.filter(employee_id__in=ids[start:start + 5000]).values_list("pk", flat=True)
    imported(applied.families, pks)


def connect() -> None:
    hr_import.on_imported(_imported)
    post_save.connect(_person_changed, sender=Person, dispatch_uid="standings-person-saved")
    post_delete.connect(_person_changed, sender=Person, dispatch_uid="standings-person-deleted")
    for model in (PerformanceRating, ExamResult):
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"standings-{model.__name__}-saved")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=f"standings-{model.__name__}-deleted")

