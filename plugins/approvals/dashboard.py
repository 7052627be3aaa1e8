"""The approvals' contributions to the dashboards, the collaboration stars and the monthly
operations report: turnaround per flow and step, overdue steps per department, and points
for decisions made before the step's deadline."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from hub.core.months import last_day
from hub.dashboards.charts import Bar, bars
from hub.dashboards.monthly import table
from hub.items import Points, ReportSection, Widget
from plugins.approvals.figures import flow_turnaround, overdue_by_department, step_turnaround
from plugins.approvals.models import Action, Decision

DECIDING = [Action.APPROVE, Action.REJECT, Action.RETURN]


def _hours(value: float) -> str:
    return _("%(hours).1f h") % {"hours": value}


def panel(scope) -> Widget:
    """Turnaround and overdue steps of requests from the scope's departments."""
    ids = scope.department_ids
    link = reverse("approvals:figures") if scope.user.is_superuser else ""
    flows = [
        Bar(row.flow, row.median_hours, _hours(row.median_hours), link)
        for row in flow_turnaround(scope.start, scope.end, ids)
    ]
    steps = [
        Bar(f"{row.flow} · {row.step}", row.median_hours, _hours(row.median_hours), link)
        for row in step_turnaround(scope.start, scope.end, ids)
    ]
    overdue = [
        Bar(name, count, str(count), link) for name, count in overdue_by_department(None, ids)
    ]
    sections = [
        (_("Median hours per flow, submitted to decided"), bars(flows)),
        (_("Median hours per step"), bars(steps)),
        (_("Steps overdue now, by requesting department"), bars(overdue)),
    ]
    return Widget("approvals", _("Approvals"), "dashboards/panel.html", {"sections": sections}, 60)


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
