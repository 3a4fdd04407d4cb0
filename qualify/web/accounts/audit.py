"""The one writer of the audit record: ``record(actor, action, obj_type, obj_id, before, after)``.

Used by admin changes, imports and the certification cycle. Entries form a keyed hash chain
(``qualify.core.audit``): each entry's hash is an HMAC under a key that is not in the database
(``QUALIFY_AUDIT_KEYS``, else one derived from ``SECRET_KEY``), so whoever can write to the database
but holds no key cannot re-chain an edited record. ``verify()`` says whether the stored chain is
intact; ``make_checkpoint()`` and ``verify_against()`` sign the chain's state into a file kept
elsewhere and find later deletions or truncation with it. ``snapshot(row)`` is the one way to turn
a row into the JSON of an entry's ``before``/``after``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from qualify.core.audit import (
    GENESIS,
    ChainLink,
    Checkpoint,
    checkpoint_signature_holds,
    entry_hash,
    sign_checkpoint,
    verify_chain,
)
from qualify.web.accounts.models import AuditEntry, AuditHead

SECRET_FIELDS = frozenset({"password", "key_hash", "secret"})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    return str(value)


def _derived_key() -> tuple[str, bytes]:
    """A key derived from ``SECRET_KEY`` (itself kept outside the database), named by its fingerprint."""
    key = hmac.new(str(settings.SECRET_KEY).encode(), b"qualify audit chain", hashlib.sha256).digest()
    return "sk-" + hashlib.sha256(key).hexdigest()[:8], key


def keyring() -> tuple[str, dict[str, bytes]]:
    """The id of the key new entries are written with, and every key held (id → key).

    ``QUALIFY_AUDIT_KEYS`` lists ``id:secret`` pairs, newest first: the first one writes, the others
    only verify what they wrote. The key derived from ``SECRET_KEY`` is always held too, and writes
    when no key is configured.
    """
    derived_id, derived = _derived_key()
    configured: list[tuple[str, str]] = list(getattr(settings, "QUALIFY_AUDIT_KEYS", []))
    keys = {derived_id: derived}
    keys.update({key_id: secret.encode() for key_id, secret in configured})
    return (configured[0][0] if configured else derived_id), keys


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
    key_id, keys = keyring()
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
            key_id=key_id,
        )
        entry.hash = entry_hash(entry.prev_hash, hashed_fields(entry), keys[key_id])
        entry.save()
        head.last_hash = entry.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return entry


def _links() -> Iterator[ChainLink]:
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        yield ChainLink(fields=hashed_fields(entry), prev_hash=entry.prev_hash, hash=entry.hash,
                        key_id=entry.key_id)


def verify() -> AuditEntry | None:
    """The first stored entry that breaks the chain, or ``None`` if the record is intact.

    A chain whose newest entry was deleted is caught by comparing with the head.
    """
    broken = verify_chain(_links(), keys=keyring()[1])
    if broken is not None:
        return AuditEntry.objects.order_by("id")[broken]
    head = AuditHead.objects.filter(pk=1).first()
    last = AuditEntry.objects.order_by("-id").first()
    if head is not None and (last is None or last.hash != head.last_hash):
        return last or AuditEntry(action="(deleted)", object_type="", object_id="", prev_hash="", hash="")
    return None


def make_checkpoint() -> Checkpoint:
    """The chain as it stands now (count, newest id and hash), signed with the writing key."""
    key_id, keys = keyring()
    last = AuditEntry.objects.order_by("-id").first()
    checkpoint = Checkpoint(count=AuditEntry.objects.count(), last_id=last.pk if last else 0,
                            last_hash=last.hash if last else GENESIS,
                            made_at=timezone.now().astimezone(dt.UTC).isoformat(), key_id=key_id)
    return sign_checkpoint(checkpoint, keys[key_id])


class CheckpointProblem(Exception):
    """What a stored record or a checkpoint file says against the other (one line, zh and en)."""

    def __init__(self, code: str, message_en: str, message_zh: str) -> None:
        super().__init__(message_en)
        self.code, self.message_en, self.message_zh = code, message_en, message_zh


def verify_against(checkpoint: Checkpoint) -> None:
    """Raise ``CheckpointProblem`` unless the record still holds what the checkpoint signed.

    An entry deleted or the chain cut short before the checkpoint's newest entry, or that entry
    changed, is found here even when whoever did it also reset the chain's head.
    """
    if not checkpoint_signature_holds(checkpoint, keyring()[1]):
        raise CheckpointProblem(
            "checkpoint-signature",
            "the checkpoint's signature does not hold: the file was changed, or its key "
            f"({checkpoint.key_id}) is not among the keys held",
            f"检查点的签名不成立：文件被改动过，或其密钥（{checkpoint.key_id}）不在所持密钥之中")
    if checkpoint.count == 0:
        return
    last = AuditEntry.objects.filter(pk=checkpoint.last_id).first()
    if last is None:
        raise CheckpointProblem(
            "checkpoint-truncated",
            f"entry #{checkpoint.last_id}, the newest at the checkpoint of {checkpoint.made_at}, is gone: "
            "the record was cut short or the entry deleted",
            f"检查点（{checkpoint.made_at}）时最新的第 #{checkpoint.last_id} 条记录已不存在："
            "审计记录被截短或该条被删除")
    if last.hash != checkpoint.last_hash:
        raise CheckpointProblem(
            "checkpoint-changed",
            f"entry #{checkpoint.last_id} no longer has the hash that the checkpoint of "
            f"{checkpoint.made_at} signed",
            f"第 #{checkpoint.last_id} 条记录的哈希已不是检查点（{checkpoint.made_at}）所签的值")
    count = AuditEntry.objects.filter(pk__lte=checkpoint.last_id).count()
    if count != checkpoint.count:
        raise CheckpointProblem(
            "checkpoint-count",
            f"{checkpoint.count - count} of the {checkpoint.count} entries up to #{checkpoint.last_id} "
            f"at the checkpoint of {checkpoint.made_at} are missing" if count < checkpoint.count else
            f"there are {count} entries up to #{checkpoint.last_id}, the checkpoint of "
            f"{checkpoint.made_at} signed {checkpoint.count}",
            f"检查点（{checkpoint.made_at}）时截至第 #{checkpoint.last_id} 条共 {checkpoint.count} 条，"
            f"现在有 {count} 条")


def key_plain_chain(entry_model: Any, head_model: Any) -> int:
    """Re-hash, with the writing key, the entries written before the chain was keyed (plain SHA-256).

    Only the intact start of the old chain is keyed: from the first entry that does not fit, nothing
    is touched, so ``verify()`` still names it. Returns how many entries were keyed. Used by the
    migration that added keys; the models are passed in so it also runs on historical models.
    """
    key_id, keys = keyring()
    key = keys[key_id]
    prev_old, prev_new, keyed = GENESIS, GENESIS, 0
    for entry in list(entry_model.objects.filter(key_id="").order_by("id")):
        fields = {
            "at": entry.at.astimezone(dt.UTC).isoformat(), "actor": entry.actor_name,
            "action": entry.action, "object_type": entry.object_type, "object_id": entry.object_id,
            "before": entry.before, "after": entry.after,
        }
        if entry.prev_hash != prev_old or entry_hash(entry.prev_hash, fields) != entry.hash:
            break
        prev_old = entry.hash
        entry.prev_hash = prev_new
        entry.hash = entry_hash(prev_new, fields, key)
        entry.key_id = key_id
        entry.save(update_fields=["prev_hash", "hash", "key_id"])
        prev_new = entry.hash
        keyed += 1
    if keyed and keyed == entry_model.objects.count():
        head_model.objects.filter(pk=1).update(last_hash=prev_new)
    return keyed
