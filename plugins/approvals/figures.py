"""Figures for dashboards: how long approvals take and how many steps are overdue.

Turnaround is measured on steps decided (approved, rejected or returned) and on requests
closed as approved or rejected within a date range, in hours; overdue steps are the
undecided steps past their deadline now, counted by the requester's department.

Each figure is computed from a query (``decided_steps``, ``closed_requests``,
``overdue_steps``) that the dashboard's lists reuse, so a list shows exactly what its
figure counted.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from plugins.approvals.models import Outcome, Request, Status, StepRun


@dataclass
class Turnaround:
    """Turnaround of one step of a flow (``step`` empty: of the flow as a whole)."""

    flow: str
    step: str
    count: int
    median_hours: float
    mean_hours: float


def _range(start: date, end: date) -> tuple[datetime, datetime]:
    """The moments from the start of ``start`` to the end of ``end``, local time."""
    zone = timezone.get_current_timezone()
    begin = datetime.combine(start, time.min, tzinfo=zone)
    return begin, datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)


def _summary(groups: dict[tuple[str, str], list[float]]) -> list[Turnaround]:
    return [
        Turnaround(
            flow,
            step,
            len(durations),
            round(statistics.median(durations), 2),
            round(statistics.fmean(durations), 2),
        )
        for (flow, step), durations in sorted(groups.items())
    ]


def _in_departments(queryset, path: str, departments: Iterable[int] | None):
    if departments is None:
        return queryset
    return queryset.filter(**{f"{path}__in": list(departments)})


def decided_steps(
    start: date, end: date, departments: Iterable[int] | None = None
) -> QuerySet[StepRun]:
    """Steps decided (approved, rejected, returned) between ``start`` and ``end``
    (inclusive); of requests from ``departments`` if given."""
    begin, finish = _range(start, end)
    runs = _in_departments(StepRun.objects.all(), "request__department", departments)
    return runs.filter(
        decided_at__gte=begin,
        decided_at__lt=finish,
        outcome__in=[Outcome.APPROVED, Outcome.REJECTED, Outcome.RETURNED],
    )


def closed_requests(
    start: date, end: date, departments: Iterable[int] | None = None
) -> QuerySet[Request]:
    """Requests approved or rejected between ``start`` and ``end`` (inclusive); from
    ``departments`` if given."""
    begin, finish = _range(start, end)
    requests = _in_departments(Request.objects.all(), "department", departments)
    return requests.filter(
        closed_at__gte=begin,
        closed_at__lt=finish,
        status__in=[Status.APPROVED, Status.REJECTED],
    )


def overdue_steps(
    now: datetime | None = None, departments: Iterable[int] | None = None
) -> QuerySet[StepRun]:
    """Undecided steps of running requests past their deadline ``now``; of requests from
    ``departments`` if given."""
    runs = _in_departments(StepRun.objects.all(), "request__department", departments)
    return runs.filter(
        decided_at__isnull=True,
        request__status=Status.IN_PROGRESS,
        due_at__lt=now or timezone.now(),
    )


def step_turnaround(
    start: date, end: date, departments: Iterable[int] | None = None
) -> list[Turnaround]:
    """Per flow and step: hours from a step starting to its decision, for
    ``decided_steps``."""
    runs = decided_steps(start, end, departments).values_list(
        "request__flow__name", "name", "started_at", "decided_at"
    )
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for flow, step, started, decided in runs:
        groups[(flow, step)].append((decided - started).total_seconds() / 3600)
    return _summary(groups)


def flow_turnaround(
    start: date, end: date, departments: Iterable[int] | None = None
) -> list[Turnaround]:
    """Per flow: hours from submission to approval or rejection, for ``closed_requests``."""
    requests = closed_requests(start, end, departments).values_list(
        "flow__name", "submitted_at", "closed_at"
    )
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for flow, submitted, closed in requests:
        groups[(flow, "")].append((closed - submitted).total_seconds() / 3600)
    return _summary(groups)


def overdue_counts(
    now: datetime | None = None, departments: Iterable[int] | None = None
) -> list[tuple[int | None, str, int]]:
    """(department id, name, number of ``overdue_steps``) by the requester's department,
    most first; requests without a department count under (None, "")."""
    rows = (
        overdue_steps(now, departments)
        .values("request__department", "request__department__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "request__department__name")
    )
    return [
        (row["request__department"], row["request__department__name"] or "", row["count"])
        for row in rows
    ]


def overdue_by_department(
    now: datetime | None = None, departments: Iterable[int] | None = None
) -> list[tuple[str, int]]:
    """(department name, number of overdue steps), most first (see ``overdue_counts``)."""
    return [(name, count) for _pk, name, count in overdue_counts(now, departments)]
