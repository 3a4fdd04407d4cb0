"""The deployment's local date: every date Qualify shows or compares is a local date (DESIGN.md,
"Dates are local"); timestamps are stored in UTC.

The web app reads its time zone from Django (``TIME_ZONE`` → ``timezone.localdate()``); the command
line, which has no Django, reads the same ``TIME_ZONE`` setting and counts days with this module, so
that both give the same default as-of date at any hour.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from qualify.core.errors import QualifyError

DEFAULT_TIME_ZONE = "Asia/Shanghai"
"""The deployment's time zone when ``TIME_ZONE`` is not set."""


def zone(name: str | None = None) -> ZoneInfo:
    """The time zone called ``name`` (default ``DEFAULT_TIME_ZONE``); one clear error if unknown."""
    wanted = (name or DEFAULT_TIME_ZONE).strip() or DEFAULT_TIME_ZONE
    try:
        return ZoneInfo(wanted)
    except (ZoneInfoNotFoundError, ValueError):
        raise QualifyError(
            code="bad-time-zone",
            message_en=f"TIME_ZONE {wanted!r} is not a known time zone (e.g. Asia/Shanghai)",
            message_zh=f"TIME_ZONE {wanted!r} 不是已知的时区（例如 Asia/Shanghai）",
        ) from None


def utc_now() -> dt.datetime:
    """The current instant (one place for tests to freeze it)."""
    return dt.datetime.now(dt.UTC)


def local_today(zone_name: str | None = None) -> dt.date:
    """Today in the deployment's time zone."""
    return utc_now().astimezone(zone(zone_name)).date()
