"""The command line counts days in the deployment's time zone (``TIME_ZONE``, default Asia/Shanghai),
like the web app, whatever the machine's own time zone."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualify.cli.assess import parse_date
from qualify.core.cycle import notice_ends, require_application_window, require_notice_over
from qualify.core.errors import QualifyError
from qualify.services import clock
from qualify.services.clock import zone

SHANGHAI = zone("Asia/Shanghai")


def frozen_at(monkeypatch: pytest.MonkeyPatch, local: dt.datetime) -> None:
    monkeypatch.setattr(clock, "utc_now", lambda: local.astimezone(dt.UTC))
    monkeypatch.delenv("QUALIFY_CONFIG", raising=False)


@pytest.mark.parametrize("at", [dt.time(0, 30), dt.time(23, 30)], ids=["00:30", "23:30"])
def test_the_cli_default_as_of_is_the_china_date_at_any_hour(
    monkeypatch: pytest.MonkeyPatch, at: dt.time
) -> None:
    frozen_at(monkeypatch, dt.datetime.combine(dt.date(2026, 12, 4), at, tzinfo=SHANGHAI))
    monkeypatch.delenv("TIME_ZONE", raising=False)
    assert parse_date(None, "--as-of") == dt.date(2026, 12, 4)


def test_the_cli_default_as_of_follows_the_time_zone_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen_at(monkeypatch, dt.datetime(2026, 12, 4, 0, 30, tzinfo=SHANGHAI))
    monkeypatch.setenv("TIME_ZONE", "UTC")
    assert parse_date(None, "--as-of") == dt.date(2026, 12, 3)


@pytest.mark.parametrize("at", [dt.time(0, 30), dt.time(23, 30)], ids=["00:30", "23:30"])
def test_a_notice_of_seven_days_ends_at_midnight_after_the_seventh_local_day(at: dt.time) -> None:
    published = dt.datetime.combine(dt.date(2026, 12, 4), at, tzinfo=SHANGHAI)
    assert notice_ends(published, 7) == dt.datetime(2026, 12, 12, 0, 0, tzinfo=SHANGHAI)


def test_certifying_during_the_notice_says_when_it_ends_on_the_local_clock() -> None:
    ends = dt.datetime(2026, 12, 11, 16, 0, tzinfo=dt.UTC)  # as stored: midnight of the 12th in China
    with pytest.raises(QualifyError) as caught:
        require_notice_over(ends, dt.datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    assert caught.value.message_en == "the notice period is not over yet: it ends 2026-12-12 00:00"
    assert caught.value.message_zh == "公示期尚未结束，至 2026-12-12 00:00 结束"


@given(
    day=st.dates(dt.date(2024, 1, 1), dt.date(2035, 12, 31)),
    at=st.sampled_from([dt.time(0, 30), dt.time(23, 30)]),
    opens=st.integers(-3, 3),
    length=st.integers(0, 4),
)
def test_the_window_accepts_exactly_its_local_days_at_half_past_midnight_and_half_past_eleven(
    day: dt.date, at: dt.time, opens: int, length: int
) -> None:
    instant = dt.datetime.combine(day, at, tzinfo=SHANGHAI).astimezone(dt.UTC)
    opens_on = day + dt.timedelta(days=opens)
    closes_on = opens_on + dt.timedelta(days=length)
    with mock.patch.object(clock, "utc_now", lambda: instant):  # per example (hypothesis: no fixture)
        today = clock.local_today()
    assert today == day  # the China date, though at 00:30 UTC still says the day before
    inside = opens_on <= day <= closes_on
    try:
        require_application_window(opens_on, closes_on, today)
        accepted = True
    except QualifyError as refused:
        assert refused.code == "outside-window"
        accepted = False
    assert accepted is inside
