"""Figures for dashboards: how long approvals take and how many steps are overdue.

Turnaround is measured on steps decided (approved, rejected or returned) and on requests
closed as approved or rejected within a date range, in hours; overdue steps are the
undecided steps past their deadline now, counted by the requester's department.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
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


def step_turnaround(
    start: date, end: date, departments: Iterable[int] | None = None
) -> list[Turnaround]:
    """Per flow and step: hours from a step starting to its decision, for steps decided
    between ``start`` and ``end`` (inclusive); of requests from ``departments`` if given."""
    begin, finish = _range(start, end)
    runs = StepRun.objects.all()
    if departments is not None:
        runs = runs.filter(request__department__in=list(departments))
    runs = runs.filter(
        decided_at__gte=begin,
        decided_at__lt=finish,
        outcome__in=[Outcome.APPROVED, Outcome.REJECTED, Outcome.RETURNED],
    ).values_list("request__flow__name", "name", "started_at", "decided_at")
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for flow, step, started, decided in runs:
        groups[(flow, step)].append((decided - started).total_seconds() / 3600)
    return _summary(groups)


def flow_turnaround(
    start: date, end: date, departments: Iterable[int] | None = None
) -> list[Turnaround]:
    """Per flow: hours from submission to approval or rejection, for requests closed
    between ``start`` and ``end`` (inclusive); from ``departments`` if given."""
    begin, finish = _range(start, end)
    requests = Request.objects.all()
    if departments is not None:
        requests = requests.filter(department__in=list(departments))
    requests = requests.filter(
        closed_at__gte=begin,
        closed_at__lt=finish,
        status__in=[Status.APPROVED, Status.REJECTED],
    ).values_list("flow__name", "submitted_at", "closed_at")
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for flow, submitted, closed in requests:
        groups[(flow, "")].append((closed - submitted).total_seconds() / 3600)
    return _summary(groups)


def overdue_by_department(
    now: datetime | None = None, departments: Iterable[int] | None = None
) -> list[tuple[str, int]]:
    """(department name, number of overdue steps) by the requester's department, most first;
    requests without a department count under "" (left out when ``departments`` is given)."""
    runs = StepRun.objects.all()
    if departments is not None:
        runs = runs.filter(request__department__in=list(departments))
    rows = (
        runs.filter(
            decided_at__isnull=True,
            request__status=Status.IN_PROGRESS,
            due_at__lt=now or timezone.now(),
        )
        .values("request__department__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "request__department__name")
    )
    return [(row["request__department__name"] or "", row["count"]) for row in rows]
