"""The audit record as a hash chain: each entry's hash covers its fields and the hash before it.

Pure functions: the web app stores the entries (``qualify.web.accounts.audit``), this module says
what an entry's hash is and where a stored chain breaks. Editing, deleting or reordering any entry
changes a hash that a later entry carries, so ``verify_chain`` finds the first entry that no longer
fits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""


def canonical(fields: Mapping[str, Any]) -> bytes:
    """The fields as canonical JSON (sorted keys, no spaces, UTF-8): the same bytes on any machine."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's canonical fields, in hex."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(fields))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainLink:
    """A stored entry as the chain sees it."""

    fields: Mapping[str, Any]
    prev_hash: str
    hash: str


def verify_chain(entries: Iterable[ChainLink], start: str = GENESIS) -> int | None:
    """The index of the first entry that does not fit the chain, or ``None`` if all do.

    ``entries`` in the order they were written; ``start`` is the ``prev_hash`` of the first.
    """
    expected_prev = start
    for index, link in enumerate(entries):
        if link.prev_hash != expected_prev or entry_hash(link.prev_hash, link.fields) != link.hash:
            return index
        expected_prev = link.hash
    return None
