"""The audit record as a keyed hash chain, and signed checkpoints of it.

Pure functions: the web app stores the entries (``qualify.web.accounts.audit``), this module says
what an entry's hash is, where a stored chain breaks, and what a checkpoint signs.

Each entry's hash is an HMAC-SHA-256, under a key kept outside the database, over its fields and the
hash of the entry before it. Editing, deleting or reordering an entry changes a hash that a later
entry carries, and someone who can write to the database but does not hold the key cannot compute
the hashes of a re-chained record: ``verify_chain`` finds the first entry that no longer fits.

Keys rotate: each entry names the id of the key it was written with, and verifying takes every key
still held (the newest writes, the older ones only verify). A *checkpoint* is the count and the
newest hash of the chain at one moment, signed with the key and kept outside the database; checking
the record against it finds an entry deleted or the chain cut short after the checkpoint was made,
which a chain alone cannot show once its head was reset.

``key=None`` gives the plain SHA-256 of the first releases, which only the migration that keys an
old record reads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""

CHECKPOINT_FORMAT = "qualify-audit-checkpoint/1"


def canonical(fields: Mapping[str, Any]) -> bytes:
    """The fields as canonical JSON (sorted keys, no spaces, UTF-8): the same bytes on any machine."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def entry_hash(prev_hash: str, fields: Mapping[str, Any], key: bytes | None = None) -> str:
    """HMAC-SHA-256 under ``key`` (plain SHA-256 without one) over the previous hash and the fields."""
    message = prev_hash.encode("ascii") + b"\n" + canonical(fields)
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainLink:
    """A stored entry as the chain sees it; ``key_id`` names the key it was written with."""

    fields: Mapping[str, Any]
    prev_hash: str
    hash: str
    key_id: str = ""


def verify_chain(entries: Iterable[ChainLink], start: str = GENESIS,
                 keys: Mapping[str, bytes] | None = None) -> int | None:
    """The index of the first entry that does not fit the chain, or ``None`` if all do.

    ``entries`` in the order they were written; ``start`` is the ``prev_hash`` of the first. With
    ``keys`` (key id → key) every entry must name one of them and carry its HMAC: an entry written
    without a key, or with a key not held, does not fit. Without ``keys``, plain SHA-256 is checked.
    """
    expected_prev = start
    for index, link in enumerate(entries):
        if link.prev_hash != expected_prev:
            return index
        if keys is None:
            key = None
        else:
            key = keys.get(link.key_id) if link.key_id else None
            if key is None:
                return index
        if not hmac.compare_digest(entry_hash(link.prev_hash, link.fields, key), link.hash):
            return index
        expected_prev = link.hash
    return None


@dataclass(frozen=True)
class Checkpoint:
    """The chain at one moment: how many entries, the id and hash of the newest, when; signed."""

    count: int
    last_id: int
    last_hash: str
    made_at: str
    key_id: str
    signature: str = ""

    def payload(self) -> dict[str, Any]:
        return {"format": CHECKPOINT_FORMAT, "count": self.count, "last_id": self.last_id,
                "last_hash": self.last_hash, "made_at": self.made_at, "key_id": self.key_id}

    def as_json(self) -> dict[str, Any]:
        return {**self.payload(), "signature": self.signature}


def sign_checkpoint(checkpoint: Checkpoint, key: bytes) -> Checkpoint:
    """The checkpoint with its HMAC-SHA-256 signature over its canonical payload."""
    signature = hmac.new(key, canonical(checkpoint.payload()), hashlib.sha256).hexdigest()
    return dataclasses.replace(checkpoint, signature=signature)


def checkpoint_signature_holds(checkpoint: Checkpoint, keys: Mapping[str, bytes]) -> bool:
    """Whether the checkpoint was signed with one of ``keys`` and not changed since."""
    key = keys.get(checkpoint.key_id)
    if key is None:
        return False
    expected = hmac.new(key, canonical(checkpoint.payload()), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, checkpoint.signature)


def parse_checkpoint(data: Any) -> Checkpoint | None:
    """A checkpoint from its JSON form, or ``None`` if the data is not one."""
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        return None
    try:
        return Checkpoint(count=int(data["count"]), last_id=int(data["last_id"]),
                          last_hash=str(data["last_hash"]), made_at=str(data["made_at"]),
                          key_id=str(data["key_id"]), signature=str(data["signature"]))
    except (KeyError, TypeError, ValueError):
        return None
