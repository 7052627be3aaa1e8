"""The monthly summary: counts of feedback by category, department and status.

One function, ``monthly_summary``, serves both the summary page and ``hub report
feedback``. A month covers the feedback sent in it (in the hub's time zone); the status
counts are the items' current status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.core.models import Department
from plugins.feedback.models import Category, Feedback, Status

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


@dataclass
class Summary:
    """Counts for one month; each breakdown is a list of (label, count)."""

    month: date
    total: int
    by_category: list[tuple[str, int]]
    by_department: list[tuple[Department, int]]
    by_status: list[tuple[str, int]]


def monthly_summary(month: date, departments: QuerySet[Department] | None = None) -> Summary:
    """Count the feedback sent in ``month`` to ``departments`` (None: every department).

    Every category and status is listed, zeros included; departments only when they
    received feedback.
    """
    start, end = month_bounds(month)
    items = Feedback.objects.filter(created_at__gte=start, created_at__lt=end)
    if departments is not None:
        items = items.filter(department__in=departments)

    def counts(field: str) -> dict:
        return dict(items.order_by().values_list(field).annotate(n=Count("pk")))

    by_category, by_status = counts("category"), counts("status")
    by_department = counts("department")
    received = Department.objects.filter(pk__in=by_department).order_by("code")
    return Summary(
        month=month,
        total=sum(by_status.values()),
        by_category=[(label, by_category.get(value, 0)) for value, label in Category.choices],
        by_department=[(department, by_department[department.pk]) for department in received],
        by_status=[(label, by_status.get(value, 0)) for value, label in Status.choices],
    )
