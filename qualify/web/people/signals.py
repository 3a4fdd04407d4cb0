"""One person's data changed outside an import (the admin, a certification's new level): their
family's stored standings are outdated and their own row is dropped (``standing_store.mark_changed``).
Bulk writes (an import) send no signals: the import calls ``standing_store.imported`` itself."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

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


def connect() -> None:
    post_save.connect(_person_changed, sender=Person, dispatch_uid="standings-person-saved")
    post_delete.connect(_person_changed, sender=Person, dispatch_uid="standings-person-deleted")
    for model in (PerformanceRating, ExamResult):
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"standings-{model.__name__}-saved")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=f"standings-{model.__name__}-deleted")

