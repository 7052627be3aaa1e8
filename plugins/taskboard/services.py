"""Changing tasks with their history and notifications: every view and the minutes link
go through these functions, so no change escapes the history."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from hub.core.models import User
from hub.notifications.api import send_notification
from plugins.taskboard.models import Task, TaskComment, TaskEvent

# Fields whose changes the history records, with how a value reads.
TRACKED = (
    "title",
    "description",
    "status",
    "assignee",
    "department",
    "priority",
    "start",
    "due",
    "progress",
)
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
# The notification kinds the board registers (hub_hooks) and sends; "mentions" is the core's.
KIND_TASKS = "tasks"
KIND_MENTIONS = "mentions"
ASSIGNED = gettext_noop("%(who)s assigned you the task %(task)s.")
MENTIONED = gettext_noop("%(who)s mentioned you on the task %(task)s.")
COMMENTED = gettext_noop("%(who)s commented on your task %(task)s.")


def _shown(task: Task, name: str) -> str:
    value = getattr(task, name)
    if value is None or value == "":
        return "—"
    if name in ("status", "priority"):
        return str(getattr(task, f"get_{name}_display")())
    if name == "description":
        return value if len(value) <= 80 else value[:80] + "…"
    return str(value)


def _snapshot(task: Task) -> dict[str, Any]:
    values = {name: _shown(task, name) for name in TRACKED}
    if task.pk:
        values["labels"] = ", ".join(sorted(task.labels.names()))
        values["depends_on"] = ", ".join(sorted(t.title for t in task.depends_on.all()))
        values["collaborators"] = ", ".join(sorted(str(u) for u in task.collaborators.all()))
    return values


def _notify(
    users: list[User], message: str, task: Task, actor: User | None, kind: str = KIND_TASKS
) -> None:
    """Tell ``users`` (except the actor) about ``task``, each in their own language."""
    for user in {u for u in users if u is not None and u != actor}:
        with override(user.language or settings.LANGUAGE_CODE):
            text = _(message) % {"task": task.title, "who": str(actor) if actor else ""}
        send_notification([user], text, task.get_absolute_url(), kind=kind)


def save_task(form, user: User) -> Task:
    """Save a valid ``TaskForm``; record what changed and tell a new assignee."""
    before = _snapshot(form.instance) if form.instance.pk else None
    old_assignee = form.initial.get("assignee") if before else None
    with transaction.atomic():
        task = form.save(commit=False)
        if before is None:
            task.created_by = user
        task.save()
        form.save_m2m()
        after = _snapshot(task)
        if before is None:
            TaskEvent.objects.create(task=task, author=user, kind=TaskEvent.Kind.CREATED)
        else:
            changes = [[k, before[k], after[k]] for k in after if before.get(k) != after[k]]
            if changes:
                TaskEvent.objects.create(
                    task=task, author=user, kind=TaskEvent.Kind.CHANGED, changes=changes
                )
    if task.assignee_id and task.assignee_id != old_assignee:
        notify_assigned(task, user)
    return task


def notify_assigned(task: Task, actor: User | None) -> None:
    """Tell the task's assignee it is theirs now (unless they assigned it themselves)."""
    _notify([task.assignee], ASSIGNED, task, actor)


def move_task(task: Task, status: str, user: User) -> None:
    """Put ``task`` in the column ``status`` (already validated by ``MoveForm``)."""
    if status == task.status:
        return
    old = _shown(task, "status")
    task.status = status
    if status == "done":
        task.progress = 100
    with transaction.atomic():
        task.save(update_fields=["status", "progress", "updated_at"])
        TaskEvent.objects.create(
            task=task,
            author=user,
            kind=TaskEvent.Kind.CHANGED,
            changes=[["status", old, _shown(task, "status")]],
        )


def schedule_task(task: Task, start: date | None, due: date | None, user: User) -> None:
    """Give ``task`` new dates (already validated by ``ScheduleForm``), in its history."""
    before = {name: _shown(task, name) for name in ("start", "due")}
    task.start, task.due = start, due
    changes = [[name, before[name], _shown(task, name)] for name in before]
    changes = [change for change in changes if change[1] != change[2]]
    if not changes:
        return
    with transaction.atomic():
        task.save(update_fields=["start", "due", "updated_at"])
        TaskEvent.objects.create(
            task=task, author=user, kind=TaskEvent.Kind.CHANGED, changes=changes
        )


def mentioned(body: str) -> list[User]:
    """The active people named as @username in ``body``."""
    names = set(MENTION.findall(body))
    return list(User.objects.filter(username__in=names, is_active=True)) if names else []


def add_comment(task: Task, user: User, body: str) -> TaskComment:
    """Comment on ``task``; notify the people @mentioned who may see it, and the assignee."""
    from plugins.taskboard.permissions import can_view_task

    with transaction.atomic():
        comment = TaskComment.objects.create(task=task, author=user, body=body)
        TaskEvent.objects.create(task=task, author=user, kind=TaskEvent.Kind.COMMENTED)
    # A mention never reveals a task to someone who may not see it.
    mentions = [person for person in mentioned(body) if can_view_task(person, task)]
    _notify(mentions, MENTIONED, task, user, KIND_MENTIONS)
    others = [] if task.assignee in mentions else [task.assignee]
    _notify(others, COMMENTED, task, user)
    return comment
