"""A person's certification history, as the person page shows it, without people depending on
certification (certification sits above people). The certification app plugs its reader in when
Django starts (``CertificationConfig.ready`` → ``register``); without it the history is empty."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class HistoryEntry:
    """One application or certificate of the person, in the reader's language, with its links."""

    kind: str  # "application" or "certificate"
    title: str  # the cycle's name, or the certificate's number
    level: int
    state: str  # the application's state or the certificate's status, as shown
    css: str
    url: str
    valid_until: dt.date | None = None
    recertify_url: str = ""
    recertify_cycle: str = ""


class HistoryReader(Protocol):
    def history(self, person: Any, user: Any) -> list[HistoryEntry]: ...


class _Registry:
    def __init__(self) -> None:
        self.reader: HistoryReader | None = None


_registry = _Registry()


def register(reader: HistoryReader) -> None:
    """Called once by the certification app when Django starts."""
    _registry.reader = reader


def history(person: Any, user: Any) -> list[HistoryEntry]:
    return _registry.reader.history(person, user) if _registry.reader is not None else []
