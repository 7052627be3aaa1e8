"""The monthly summary: counts of feedback by category, department and status.

One function, ``monthly_summary``, serves both the summary page and ``hub report
feedback``. A month covers the feedback sent in it (in the hub's time zone); the status
counts are the items' current status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from hub.core.models import Department
from hub.core.months import month_bounds
from plugins.feedback.models import Category, Feedback, Status


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
