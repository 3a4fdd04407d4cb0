"""Calendar arithmetic shared by both evaluators: whole months and calendar quarters.

Both the reference evaluator (``qualify.core.evaluate``) and the batch evaluator (Polars) must give
the same answers, so the meaning is written down here once:

- ``add_months(d, n)``: the same day ``n`` months later, clamped to the last day of a shorter month
  (2025-01-31 + 1 month = 2025-02-28), like Polars ``dt.offset_by("{n}mo")``.
- ``whole_months(start, as_of)``: the largest ``n`` with ``add_months(start, n) <= as_of``; 0 when the
  start is on or after the as-of date. Hired 2025-11-26 → 12 months on 2026-11-26; hired 2025-11-27
  → 11. The person reaches ``n`` months on ``add_months(start, n)`` (the "pass date").
- A period is a calendar quarter written ``2026Q3``. The performance window on a date is the ``n``
  latest calendar quarters that END on or before that date, oldest first: on 2026-11-26 with n = 3,
  2026Q1, 2026Q2, 2026Q3; on 2026-09-30 (the last day of Q3), 2026Q1..2026Q3 as well.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

PERIOD_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the end of a shorter month."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    month = month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months(start: dt.date, as_of: dt.date) -> int:
    """Whole months from ``start`` to ``as_of`` (0 if ``start`` is not before ``as_of``)."""
    if start >= as_of:
        return 0
    months = (as_of.year - start.year) * 12 + as_of.month - start.month
    if add_months(start, months) > as_of:
        months -= 1
    return max(months, 0)


# --- quarters -----------------------------------------------------------------------------------
# A quarter is also handled as an integer index: year * 4 + (quarter - 1), so that 2026Q1 - 1 = 2025Q4.


def quarter_index(period: str) -> int:
    """``"2026Q3"`` → 2026 * 4 + 2. Raises ``ValueError`` on anything else."""
    match = PERIOD_PATTERN.match(period)
    if match is None:
        raise ValueError(f"not a quarter: {period!r} (expected e.g. 2026Q3)")
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def period_of_index(index: int) -> str:
    year, q0 = divmod(index, 4)
    return f"{year}Q{q0 + 1}"


def quarter_end(index: int) -> dt.date:
    """The last day of the quarter ``index``."""
    year, q0 = divmod(index, 4)
    month = q0 * 3 + 3
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def last_closed_quarter(as_of: dt.date) -> int:
    """The index of the latest calendar quarter that ends on or before ``as_of``."""
    current = as_of.year * 4 + (as_of.month - 1) // 3
    return current if quarter_end(current) <= as_of else current - 1


def window_indexes(as_of: dt.date, quarters: int) -> list[int]:
    """The ``quarters`` latest closed quarters on ``as_of``, oldest first, as indexes."""
    last = last_closed_quarter(as_of)
    return list(range(last - quarters + 1, last + 1))


def window_periods(as_of: dt.date, quarters: int) -> list[str]:
    """The ``quarters`` latest calendar quarters ending on or before ``as_of``, oldest first."""
    return [period_of_index(i) for i in window_indexes(as_of, quarters)]


def leaves_window_on(period: str, quarters: int) -> dt.date:
    """The first date on which ``period`` is no longer in a window of ``quarters`` quarters: the last
    day of the quarter ``quarters`` quarters later (2026Q2, 3 quarters → 2027-03-31)."""
    return quarter_end(quarter_index(period) + quarters)


def next_result_date(as_of: dt.date) -> dt.date:
    """The end of the first quarter that is not yet closed on ``as_of``: when the next rating counts."""
    return quarter_end(last_closed_quarter(as_of) + 1)
