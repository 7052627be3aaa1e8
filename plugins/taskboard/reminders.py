"""Due-soon and overdue reminders to assignees, at most one per task per day.

A task is due soon when its due date is within ``HUB_PLUGIN_CONFIG["taskboard"]
["due_soon_days"]`` days (default 2) and overdue after it; done tasks are never reminded.
``ReminderSent`` records each reminder before it is sent, so two runs on one day (or two
at once) remind nobody twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from hub.notifications.api import send_notification
from hub.plugins import plugin_config
from plugins.taskboard.models import ReminderSent, Status, Task
from plugins.taskboard.services import KIND_TASKS


def due_tasks(today: date) -> list[tuple[Task, str]]:
    """(task, "overdue" or "due_soon") for open assigned tasks not reminded ``today``."""
    days = int(plugin_config("taskboard").get("due_soon_days", 2))
    tasks = (
        Task.objects.filter(due__lte=today + timedelta(days=days), assignee__is_active=True)
        .exclude(status=Status.DONE)
        .exclude(reminders__day=today)
        .select_related("assignee")
        .order_by("due", "pk")
    )
    return [(task, "overdue" if task.due < today else "due_soon") for task in tasks]


def send(today: date | None = None) -> int:
    """Remind the assignees; returns how many reminders were sent."""
    today = today or timezone.localdate()
    sent = 0
    for task, kind in due_tasks(today):
        person = task.assignee
        with override(person.language or settings.LANGUAGE_CODE):
            if kind == "overdue":
                text = _("Your task %(task)s was due %(due)s.")
            else:
                text = _("Your task %(task)s is due %(due)s.")
            text = text % {"task": task.title, "due": task.due.isoformat()}
        try:
            with transaction.atomic():
                ReminderSent.objects.create(task=task, day=today, kind=kind)
                send_notification([person], text, task.get_absolute_url(), kind=KIND_TASKS)
        except IntegrityError:
            continue
        sent += 1
    return sent
