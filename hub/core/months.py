"""Months as reports name them (``2026-11``): parsing, this month, and a month's bounds."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str | None) -> date:
    """The first day of the month written as ``YYYY-MM``; ValueError with a clear message."""
    match = MONTH_PATTERN.fullmatch((text or "").strip())
    if match and int(match[1]) >= 1 and 1 <= int(match[2]) <= 12:
        return date(int(match[1]), int(match[2]), 1)
    raise ValueError(
        _("“%(value)s” is not a month: write it as YYYY-MM, for example 2026-11.")
        % {"value": text or ""}
    )


def current_month() -> date:
    """The first day of this month in the hub's time zone."""
    return timezone.localdate().replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's start and the next month's start, as aware datetimes."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    start, end = (timezone.make_aware(datetime(d.year, d.month, 1)) for d in (month, following))
    return start, end


def last_day(month: date) -> date:
    """The month's last day."""
    return timezone.localdate(month_bounds(month)[1]) - timedelta(days=1)
