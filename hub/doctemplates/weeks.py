"""ISO weeks (``2026-W19``) and the weekly-report deadline (``HUB_WEEKLY_REPORT_DEADLINE``)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
DEADLINE = re.compile(r"^(MON|TUE|WED|THU|FRI|SAT|SUN)\s+(\d{1,2}):(\d{2})$", re.IGNORECASE)
DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def parse_week(text: str) -> date:
    """The Monday of an ISO week written ``YYYY-Www``; ValueError if there is no such week."""
    match = WEEK.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a week like 2026-W19")
    return date.fromisocalendar(int(match[1]), int(match[2]), 1)


def week_of(day: date) -> str:
    """The ISO week ``day`` falls in, as ``YYYY-Www``."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def current_week() -> str:
    return week_of(timezone.localdate())


def shift_week(week: str, weeks: int) -> str:
    """The week ``weeks`` after (or before, if negative) ``week``."""
    return week_of(parse_week(week) + timedelta(weeks=weeks))


def parse_deadline(spec: str) -> tuple[int, time]:
    """``"FRI 18:00"`` -> (weekday 0-6, time); ValueError for anything else."""
    match = DEADLINE.match(spec.strip())
    if not match or int(match[2]) > 23 or int(match[3]) > 59:
        raise ValueError(f"{spec!r} is not a deadline like 'FRI 18:00'")
    return DAYS.index(match[1].upper()), time(int(match[2]), int(match[3]))


def deadline_of(week: str, spec: str) -> datetime:
    """When the reports of ``week`` are due, in the site's time zone."""
    weekday, at = parse_deadline(spec)
    day = parse_week(week) + timedelta(days=weekday)
    return datetime.combine(day, at, timezone.get_current_timezone())
