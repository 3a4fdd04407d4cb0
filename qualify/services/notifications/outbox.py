"""The outbox: every message to leave the system (e-mail, group robots) is a row written with the step
that caused it, and the background worker (``qualify worker``) sends the rows that are due, never a
web request. A failed send is retried later with a growing pause; after ``MAX_ATTEMPTS`` it stays
failed, with the last error, for HR to see.

Any number of workers may run: ``OutboxStore.claim`` gives a row to one of them for a lease, so a
worker that dies mid-send only delays the row until the lease ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

MAX_ATTEMPTS: Final = 8
LEASE: Final = dt.timedelta(minutes=5)


def retry_delay(attempts: int) -> dt.timedelta:
    """The pause after the ``attempts``-th failure: 1, 2, 4 … minutes, at most an hour."""
    return dt.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str  # "email" | "webhook"
    attempts: int


class OutboxStore(Protocol):
    def now(self) -> dt.datetime: ...

    def due(self, now: dt.datetime, limit: int) -> list[OutboxItem]: ...

    def claim(self, item_id: int, now: dt.datetime, until: dt.datetime) -> bool: ...

    def sent(self, item_id: int, now: dt.datetime) -> None: ...

    def failed(self, item_id: int, attempts: int, error: str, retry_at: dt.datetime | None) -> None: ...


class SendFailed(Exception):
    """A send that did not go through; the message is the reason kept on the row."""


def deliver_due(store: OutboxStore, send: Callable[[OutboxItem], None], *, limit: int = 50) -> dict[str, int]:
    """Send up to ``limit`` due rows; how many were ``sent``, will be ``retried`` and have ``failed``."""
    counts = {"sent": 0, "retried": 0, "failed": 0}
    now = store.now()
    for item in store.due(now, limit):
        if not store.claim(item.id, now, now + LEASE):
            continue  # another worker has it
        try:
            send(item)
        except (SendFailed, OSError) as error:
            attempts = item.attempts + 1
            reason = str(error) or type(error).__name__
            if attempts >= MAX_ATTEMPTS:
                store.failed(item.id, attempts, reason, None)
                counts["failed"] += 1
            else:
                store.failed(item.id, attempts, reason, store.now() + retry_delay(attempts))
                counts["retried"] += 1
            continue
        store.sent(item.id, store.now())
        counts["sent"] += 1
    return counts
