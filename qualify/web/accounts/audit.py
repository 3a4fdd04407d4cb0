"""The one writer of the audit record: ``record(actor, action, obj_type, obj_id, before, after)``.

Used by admin changes, imports and the certification cycle. Entries form a hash chain
(``qualify.core.audit``); ``verify()`` says whether the stored chain is intact. ``snapshot(row)`` is
the one way to turn a row into the JSON of an entry's ``before``/``after``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from qualify.core.audit import GENESIS, ChainLink, entry_hash, verify_chain
from qualify.web.accounts.models import AuditEntry, AuditHead

SECRET_FIELDS = frozenset({"password", "key_hash"})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    return str(value)


def _jsonable(value: Any) -> Any:
    """The value as it will come back from a JSON column (dates as ISO text, tuples as lists)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=_plain))


def snapshot(obj: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """A row as the audit record keeps it: ``id`` and every own field by name (a foreign key as the
    related id, many-to-many as sorted ids, a file as its name), dates as ISO text, secrets masked.
    ``exclude``: fields too large or too private to copy (e.g. a frozen standard's text)."""
    skip = set(exclude)
    data: dict[str, Any] = {"id": obj.pk}
    for field in obj._meta.concrete_fields:
        if field.name not in skip:
            data[field.name] = "***" if field.name in SECRET_FIELDS else getattr(obj, field.attname)
    if obj.pk is not None:
        for many in obj._meta.many_to_many:
            if many.name not in skip:
                data[many.name] = sorted(getattr(obj, many.name).values_list("pk", flat=True))
    return dict(_jsonable(data))


def hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    """The fields of an entry that its hash covers."""
    return {
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "actor": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
    }


def record(actor: Any, action: str, obj_type: str, obj_id: object,
           before: Any = None, after: Any = None) -> AuditEntry:
    """Append one entry to the audit record, in the caller's transaction if there is one.

    ``actor``: the user who made the change (``None`` for the system). ``before``/``after``: the
    object's fields as plain JSON-able values (``None`` for a creation or a deletion).
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        entry = AuditEntry(
            at=timezone.now(),
            actor=user,
            actor_name=user.get_username() if user is not None else "system",
            action=action,
            object_type=obj_type,
            object_id=str(obj_id),
            before=_jsonable(before),
            after=_jsonable(after),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry.prev_hash, hashed_fields(entry))
        entry.save()
        head.last_hash = entry.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return entry


def _links() -> Iterator[ChainLink]:
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        yield ChainLink(fields=hashed_fields(entry), prev_hash=entry.prev_hash, hash=entry.hash)


def verify() -> AuditEntry | None:
    """The first stored entry that breaks the chain, or ``None`` if the record is intact.

    A chain whose newest entry was deleted is caught by comparing with the head.
    """
    broken = verify_chain(_links())
    if broken is not None:
        return AuditEntry.objects.order_by("id")[broken]
    head = AuditHead.objects.filter(pk=1).first()
    last = AuditEntry.objects.order_by("-id").first()
    if head is not None and (last is None or last.hash != head.last_hash):
        return last or AuditEntry(action="(deleted)", object_type="", object_id="", prev_hash="", hash="")
    return None
