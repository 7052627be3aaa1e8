"""The approvals' contributions to the dashboards, the collaboration stars and the monthly
operations report: turnaround per flow and step, overdue steps per department, and points
for decisions made before the step's deadline.

Every figure of the panel links to the list behind it (``figure_rows``), computed from the
same query and the same scope: the departments the viewer may see (a head's own and those
below, every department for an admin), whatever the link's parameters ask for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from hub.core.months import last_day
from hub.dashboards.charts import Bar, bars
from hub.dashboards.monthly import table
from hub.items import Points, ReportSection, Widget
from plugins.approvals.figures import (
    closed_requests,
    decided_steps,
    flow_turnaround,
    overdue_by_department,
    overdue_counts,
    overdue_steps,
    step_turnaround,
)
from plugins.approvals.models import Action, Decision, Request
from plugins.approvals.permissions import visible_requests

DECIDING = [Action.APPROVE, Action.REJECT, Action.RETURN]


def _hours(value: float) -> str:
    return _("%(hours).1f h") % {"hours": value}


def _list_url(scope, **extra: object) -> str:
    return f"{reverse('approvals:dashboard_list')}?{scope.query(**extra)}"


def panel(scope) -> Widget:
    """Turnaround and overdue steps of requests from the scope's departments."""
    ids = scope.department_ids
    flows = [
        Bar(
            row.flow,
            row.median_hours,
            _hours(row.median_hours),
            _list_url(scope, figure="flows", flow=row.flow),
        )
        for row in flow_turnaround(scope.start, scope.end, ids)
    ]
    steps = [
        Bar(
            f"{row.flow} · {row.step}",
            row.median_hours,
            _hours(row.median_hours),
            _list_url(scope, figure="steps", flow=row.flow, step=row.step),
        )
        for row in step_turnaround(scope.start, scope.end, ids)
    ]
    overdue = [
        Bar(name, count, str(count), _list_url(scope, figure="overdue", department=pk))
        for pk, name, count in overdue_counts(None, ids)
    ]
    sections = [
        (_("Median hours per flow, submitted to decided"), bars(flows)),
        (_("Median hours per step"), bars(steps)),
        (_("Steps overdue now, by requesting department"), bars(overdue)),
    ]
    return Widget("approvals", _("Approvals"), "dashboards/panel.html", {"sections": sections}, 60)


FIGURES = ("flows", "steps", "overdue")


@dataclass
class Row:
    """One request behind a figure: the step it concerns (none for a flow's turnaround),
    when it started and ended (not yet for an overdue step) and whether the viewer may
    open the request itself."""

    request: Request
    step: str
    started: datetime
    ended: datetime | None
    due: datetime | None = None
    openable: bool = False

    @property
    def hours(self) -> float | None:
        if self.ended is None:
            return None
        return round((self.ended - self.started).total_seconds() / 3600, 1)


def figure_rows(scope, figure: str, flow: str = "", step: str = "") -> list[Row]:
    """The requests behind one figure of the panel, in the scope's departments only;
    ``flow`` and ``step`` (names) narrow it to one bar. ``figure`` is one of ``FIGURES``."""
    ids = scope.department_ids
    if figure == "flows":
        requests = closed_requests(scope.start, scope.end, ids)
        if flow:
            requests = requests.filter(flow__name=flow)
        rows = [
            Row(request, "", request.submitted_at, request.closed_at)
            for request in requests.select_related("flow", "requester", "department")
        ]
    else:
        runs = (
            decided_steps(scope.start, scope.end, ids)
            if figure == "steps"
            else overdue_steps(None, ids)
        )
        if flow:
            runs = runs.filter(request__flow__name=flow)
        if step:
            runs = runs.filter(name=step)
        rows = [
            Row(run.request, run.name, run.started_at, run.decided_at, run.due_at)
            for run in runs.select_related(
                "request__flow", "request__requester", "request__department"
            )
        ]
    openable = set(
        visible_requests(scope.user)
        .filter(pk__in=[row.request.pk for row in rows])
        .values_list("pk", flat=True)
    )
    for row in rows:
        row.openable = row.request.pk in openable
    return sorted(rows, key=lambda row: row.started, reverse=True)


def points(since: date, until: date) -> list[Points]:
    """One point per approval step decided before its deadline (or with none)."""
    decisions = Decision.objects.filter(
        action__in=DECIDING,
        actor__isnull=False,
        created_at__date__gte=since,
        created_at__date__lte=until,
    ).filter(Q(step_run__due_at__isnull=True) | Q(created_at__lte=F("step_run__due_at")))
    label = _("approvals handled in time")
    return [Points(actor, 1, label) for actor in decisions.values_list("actor_id", flat=True)]


def report_section(month: date) -> ReportSection:
    flows = flow_turnaround(month, last_day(month))
    overdue = overdue_by_department()
    text = "\n\n".join(
        [
            table(
                [_("Flow"), _("Closed"), _("Median hours"), _("Mean hours")],
                [[r.flow, r.count, r.median_hours, r.mean_hours] for r in flows],
            ),
            table(
                [_("Department"), _("Steps overdue now")],
                [[name or "—", count] for name, count in overdue],
            ),
        ]
    )
    return ReportSection(_("Approvals"), text, order=50)
