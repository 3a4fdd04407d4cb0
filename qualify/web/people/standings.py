"""Stored screening results, as the people pages need them, without people depending on screening.

The people list shows each person's highest eligible level from a stored screening run when one
stands for the date, and can filter on it. Screening sits above people (it screens people), so people
does not import it: it asks this port, and the screening app plugs its reader in when Django starts
(``ScreeningConfig.ready`` → ``register``). Without screening installed, nothing is stored: every
figure is evaluated live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from django.db.models import QuerySet


class StandingResult(Protocol):
    run_id: int
    highest_eligible_level: int | None


class StoredStandings(Protocol):
    """What the people pages ask of stored screening results (``qualify.web.screening.repository``)."""

    def standing_results(self, person_pks: Iterable[int], as_of: dt.date) -> dict[int, Any]: ...

    def latest_screening_date(self, people: QuerySet[Any], limit: int = 20) -> dt.date | None: ...

    def screening_dates(self, people: QuerySet[Any], limit: int = 5) -> list[dt.date]: ...

    def unscreened_count(self, people: QuerySet[Any], as_of: dt.date) -> int: ...

    def with_highest_level(self, people: QuerySet[Any], as_of: dt.date, level: int,
                           most_runs: int = 20) -> QuerySet[Any]: ...


class NothingStored:
    """No screening app: no stored result stands for anyone."""

    def standing_results(self, person_pks: Iterable[int], as_of: dt.date) -> dict[int, Any]:
        return {}

    def latest_screening_date(self, people: QuerySet[Any], limit: int = 20) -> dt.date | None:
        return None

    def screening_dates(self, people: QuerySet[Any], limit: int = 5) -> list[dt.date]:
        return []

    def unscreened_count(self, people: QuerySet[Any], as_of: dt.date) -> int:
        return people.count()

    def with_highest_level(self, people: QuerySet[Any], as_of: dt.date, level: int,
                           most_runs: int = 20) -> QuerySet[Any]:
        return people.none()


class _Registry:
    def __init__(self) -> None:
        self.source: StoredStandings = NothingStored()


_registry = _Registry()


def register(source: StoredStandings) -> None:
    """Called once by the screening app when Django starts."""
    _registry.source = source


def stored() -> StoredStandings:
    return _registry.source
