"""A request's history for its page: steps starting, reminders, and every decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from hub.core.models import User
from plugins.approvals.models import Decision, Request


@dataclass
class Entry:
    when: datetime
    kind: str
    text: str
    actor: User | None = None
    comment: str = ""
    people: list[str] = field(default_factory=list)


def timeline(request: Request) -> list[Entry]:
    entries = []
    for run in request.step_runs.prefetch_related("approvers"):
        names = [person.get_full_name() for person in run.approvers.all()]
        started = _("Step %(step)s started") % {"step": run.name}
        entries.append(Entry(run.started_at, "step", started, people=names))
        if run.reminded_at:
            entries.append(Entry(run.reminded_at, "remind", _("Reminder sent")))
    decisions = Decision.objects.filter(request=request).select_related("actor", "step_run")
    for decision in decisions:
        text = decision.get_action_display()
        if decision.step_run and decision.action != "comment":
            text = f"{text} · {decision.step_run.name}"
        entries.append(
            Entry(decision.created_at, decision.action, text, decision.actor, decision.comment)
        )
    # Within one moment a step's start follows the decision that started it.
    order = {"submit": 0, "resubmit": 0, "approve": 1, "step": 2}
    return sorted(entries, key=lambda entry: (entry.when, order.get(entry.kind, 1)))
