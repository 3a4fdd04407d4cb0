"""The performance gate judged on one window of quarterly ratings.

``judge_performance`` is a pure function of the window and the gate's thresholds, so the batch
evaluator can call it once per distinct (window, level) and get the same outcome and messages.

Meaning, including the corner cases:

- The window is the gate's ``quarters`` latest closed quarters (``qualify.core.periods``); ratings
  outside it do not count. A quarter without a rating is missing.
- ``fail`` when the ratings present already break the rule, whatever the missing quarters hold:
  a forbidden rating; more of a rating than ``max_count`` allows; or ``not_all`` broken, i.e. EVERY
  quarter of the window is rated and every rating is one of ``not_all``. A failure wins over a
  missing quarter because no missing rating can rescue it.
- otherwise ``missing`` when a quarter of the window has no rating (the rule cannot be decided:
  a ``not_all`` window of C, C, - could end up all C; a ``max_count`` could still be exceeded);
- otherwise ``pass``.
- Several ratings for one quarter are rejected by the HR data reader; given anyway, the worst one
  (the lowest on the standard's performance ladder) counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualify.core.decision import CheckOutcome

Window = tuple[tuple[str, str | None], ...]
"""The window oldest first: (period, rating or None when missing)."""


@dataclass(frozen=True, slots=True)
class PerformanceFindings:
    window: Window
    forbidden_hits: tuple[tuple[str, str], ...]  # (period, rating) of every forbidden rating
    over_max: tuple[tuple[str, int, tuple[str, ...]], ...]  # (rating, allowed, periods holding it)
    all_of: tuple[str, ...]  # the not_all ratings when the whole window consists of them, else ()
    missing: tuple[str, ...]  # periods without a rating

    @property
    def outcome(self) -> CheckOutcome:
        if self.forbidden_hits or self.over_max or self.all_of:
            return CheckOutcome.failed
        if self.missing:
            return CheckOutcome.missing
        return CheckOutcome.passed


def judge_performance(window: Window, forbidden: tuple[str, ...], max_count: tuple[tuple[str, int], ...],
                      not_all: tuple[str, ...]) -> PerformanceFindings:
    """Apply the gate (``forbidden``, ``max_count`` as (rating, at most) pairs, ``not_all``)."""
    forbidden_hits = tuple((p, r) for p, r in window if r is not None and r in forbidden)
    over_max = []
    for rating, allowed in max_count:
        periods = tuple(p for p, r in window if r == rating)
        if len(periods) > allowed:
            over_max.append((rating, allowed, periods))
    missing = tuple(p for p, r in window if r is None)
    all_of: tuple[str, ...] = ()
    if not_all and not missing and window and all(r in not_all for _, r in window):
        all_of = tuple(not_all)
    return PerformanceFindings(window, forbidden_hits, tuple(over_max), all_of, missing)
