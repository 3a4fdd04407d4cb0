"""Properties of the calendar arithmetic both evaluators share (qualify.core.periods): whole months
and the window of closed quarters, for any dates, not only the worked examples."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from qualify.core.periods import (
    add_months,
    last_closed_quarter,
    leaves_window_on,
    period_of_index,
    quarter_end,
    quarter_index,
    whole_months,
    window_indexes,
    window_periods,
)

dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))
month_ends = st.builds(
    lambda year, month: dt.date(year, month, calendar.monthrange(year, month)[1]),
    st.integers(1950, 2100), st.integers(1, 12),
)
some_dates = st.one_of(dates, month_ends)  # month ends are where the clamping happens
months = st.integers(0, 600)
window_sizes = st.integers(1, 12)
ONE_DAY = dt.timedelta(days=1)


# --- whole months ---------------------------------------------------------------------------------


@given(some_dates, some_dates)
def test_whole_months_is_the_largest_n_whose_pass_date_is_on_or_before_the_as_of_date(
        start: dt.date, as_of: dt.date) -> None:
    n = whole_months(start, as_of)
    if start >= as_of:
        assert n == 0
    else:
        assert add_months(start, n) <= as_of < add_months(start, n + 1)


@given(some_dates, some_dates, some_dates)
def test_whole_months_never_go_down_as_the_as_of_date_moves_on(
        start: dt.date, a: dt.date, b: dt.date) -> None:
    earlier, later = sorted((a, b))
    assert whole_months(start, earlier) <= whole_months(start, later)


@given(some_dates, some_dates, some_dates)
def test_a_later_start_never_gives_more_whole_months(a: dt.date, b: dt.date, as_of: dt.date) -> None:
    earlier, later = sorted((a, b))
    assert whole_months(later, as_of) <= whole_months(earlier, as_of)


@given(some_dates, months)
def test_on_the_pass_date_of_n_months_a_person_has_exactly_n_and_the_day_before_one_less(
        start: dt.date, n: int) -> None:
    pass_date = add_months(start, n)
    assert whole_months(start, pass_date) == n
    if n > 0:
        assert whole_months(start, pass_date - ONE_DAY) == n - 1


@given(some_dates, months)
def test_adding_months_lands_in_the_right_month_on_the_same_day_or_the_months_last(
        day: dt.date, n: int) -> None:
    moved = add_months(day, n)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == n
    assert moved.day == min(day.day, calendar.monthrange(moved.year, moved.month)[1])


@given(month_ends, months)
def test_a_month_end_start_reaches_its_months_at_a_shorter_months_end(end: dt.date, n: int) -> None:
    moved = add_months(end, n)
    last = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(end.day, last)
    if end.day >= last:  # e.g. hired on 31 January: one month on the last day of February
        assert moved.day == last


@given(some_dates, months, months)
def test_adding_months_in_two_steps_is_never_later_than_in_one(day: dt.date, a: int, b: int) -> None:
    assert add_months(add_months(day, a), b) <= add_months(day, a + b)
    if day.day <= 28:  # no clamping: the steps add up exactly
        assert add_months(add_months(day, a), b) == add_months(day, a + b)


# --- the quarter window ---------------------------------------------------------------------------


@given(some_dates, window_sizes)
def test_the_window_is_n_consecutive_quarters_ending_at_the_last_one_closed_before_the_as_of_date(
        as_of: dt.date, n: int) -> None:
    indexes = window_indexes(as_of, n)
    assert len(indexes) == n
    assert indexes == list(range(indexes[0], indexes[0] + n))
    last = indexes[-1]
    assert quarter_end(last) <= as_of < quarter_end(last + 1)
    assert last == last_closed_quarter(as_of)


@given(some_dates, window_sizes)
def test_the_windows_periods_are_spelled_as_quarters_that_read_back(as_of: dt.date, n: int) -> None:
    periods = window_periods(as_of, n)
    assert [quarter_index(p) for p in periods] == window_indexes(as_of, n)
    assert all(p[:4].isdigit() and p[4] == "Q" and p[5] in "1234" for p in periods)
    assert periods == sorted(periods)


@given(some_dates, window_sizes)
def test_a_quarter_in_the_window_stays_until_the_day_it_leaves_and_not_a_day_longer(
        as_of: dt.date, n: int) -> None:
    for period in window_periods(as_of, n):
        leaves = leaves_window_on(period, n)
        assert as_of < leaves
        assert period in window_periods(leaves - ONE_DAY, n)
        assert period not in window_periods(leaves, n)


@given(st.integers(1950 * 4, 2100 * 4))
def test_the_last_day_of_a_quarter_closes_it(index: int) -> None:
    end = quarter_end(index)
    assert last_closed_quarter(end) == index
    assert last_closed_quarter(end - ONE_DAY) == index - 1
    assert quarter_index(period_of_index(index)) == index
