"""Deadlines of steps: a reminder after N hours, escalation at the deadline.

When a step starts, ``schedule()`` enqueues ``check_deadlines`` (a django-tasks task on the
hub's database backend) for the reminder time and for the deadline, in the same
transaction as the step. ``hub worker`` runs them when due. A task acts on every step
whose time has come, not only its own, and each action is one conditional UPDATE
(``reminded_at``/``escalated_at`` still empty, step still undecided) committed together
with its notifications: duplicate or late tasks and restarts never send twice, and a
task lost with a killed worker is made up by the next one.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from plugins.approvals import notices
from plugins.approvals.models import Action, Request, Status, StepRun
from plugins.approvals.rules import admins, escalation_targets


def hours(amount: Decimal | None) -> timedelta | None:
    return None if amount is None else timedelta(hours=float(amount))


def schedule(run: StepRun) -> None:
    """Enqueue the checks of a step that just started (its times are set)."""
    escalates = run.step is not None and run.step.escalation
    for moment in (run.remind_at, run.due_at if escalates else None):
        if moment is not None:
            check_deadlines.using(run_after=moment).enqueue(run.pk)


@task(backend=settings.HUB_TASK_BACKEND)
def check_deadlines(step_run_id: int) -> None:
    """Send the reminders and escalations that are due (``step_run_id`` is who asked)."""
    process_due()


def _open_runs():
    return StepRun.objects.filter(
        decided_at__isnull=True, request__status=Status.IN_PROGRESS
    ).select_related("request", "step", "step__escalation_person")


def process_due() -> tuple[int, int]:
    """Remind and escalate every step whose time has come; returns (reminded, escalated)."""
    now = timezone.now()
    reminded = escalated = 0
    for run in _open_runs().filter(reminded_at__isnull=True, remind_at__lte=now):
        reminded += remind(run.pk)
    due = _open_runs().filter(escalated_at__isnull=True, due_at__lte=now, step__isnull=False)
    for run in due.exclude(step__escalation=""):
        escalated += escalate(run.pk)
    return reminded, escalated


def _pending(run: StepRun):
    """The approvers who have not acted on the step yet."""
    approved = run.decisions.filter(action=Action.APPROVE).values("actor_id")
    return run.approvers.exclude(pk__in=approved).filter(is_active=True)


@transaction.atomic
def remind(run_id: int) -> int:
    """Remind the step's approvers unless someone already did (1) or it moved on (0)."""
    now = timezone.now()
    claimed = StepRun.objects.filter(
        pk=run_id,
        reminded_at__isnull=True,
        decided_at__isnull=True,
        request__status=Status.IN_PROGRESS,
    ).update(reminded_at=now)
    if not claimed:
        return 0
    run = StepRun.objects.select_related("request").get(pk=run_id)
    request = run.request

    def text() -> str:
        due = date_format(timezone.localtime(run.due_at), "Y-m-d H:i") if run.due_at else "—"
        return _("Reminder: %(title)s waits for your approval (%(step)s, due %(due)s).") % {
            "title": request.title,
            "step": run.name,
            "due": due,
        }

    notices.tell(_pending(run), text, request.get_absolute_url())
    return 1


@transaction.atomic
def escalate(run_id: int) -> int:
    """Add the escalation targets as approvers of the overdue step, once."""
    now = timezone.now()
    claimed = StepRun.objects.filter(
        pk=run_id,
        escalated_at__isnull=True,
        decided_at__isnull=True,
        request__status=Status.IN_PROGRESS,
    ).update(escalated_at=now, all_must_approve=False)
    if not claimed:
        return 0
    run = StepRun.objects.select_related("request", "step").get(pk=run_id)
    request: Request = run.request
    pending = list(_pending(run))
    targets = [
        person
        for person in escalation_targets(run.step, pending)
        if person.pk != request.requester_id
    ] or admins()
    run.approvers.add(*targets)
    names = ", ".join(person.get_full_name() for person in targets) or "—"
    decision = notices.record(request, run, None, Action.ESCALATE, names, now)

    def to_targets() -> str:
        return _("%(title)s is overdue at %(step)s and was escalated to you.") % {
            "title": request.title,
            "step": run.name,
        }

    def to_others() -> str:
        return _("%(title)s is overdue at %(step)s and was escalated to %(names)s.") % {
            "title": request.title,
            "step": run.name,
            "names": names,
        }

    url = request.get_absolute_url()
    notices.tell(targets, to_targets, url)
    target_ids = {person.pk for person in targets}
    others = [person for person in [request.requester, *pending] if person.pk not in target_ids]
    notices.tell(others, to_others, url)
    notices.fire(request, run, decision)
    return 1
