"""Who may see and change which tasks.

- A space's viewers see its board; its editors create and change its tasks.
- A task's assignee and collaborators see it wherever it lives (cross-department work);
  the assignee also changes it (status, progress, fields), even without a role in the space.
- The task's department sees it in its department view: the department's people (and
  those of its sub-departments, as for department-only spaces) and its head.
Anyone who may see a task may comment on it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hub.core.models import Department, SpacePage, User
from hub.core.permissions import can, visible_spaces
from hub.search.types import department_and_below
from plugins.taskboard.models import Task


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def departments_seeing(user: User) -> list[int]:
    """Ids of the departments whose tasks ``user`` sees: their own with its parents (like a
    department-only space) and those they head with their sub-departments."""
    ids = set(user.department.ancestor_ids()) if user.department_id else set()
    for department in Department.objects.filter(head=user):
        ids.update(department_and_below(department))
    return sorted(ids)


def visible_tasks(user: User) -> QuerySet[Task]:
    """The tasks ``user`` may see, as a query on ``Task``'s filter fields."""
    if not _active(user):
        return Task.objects.none()
    if user.is_superuser:
        return Task.objects.all()
    spaces = list(visible_spaces(user).values_list("pk", flat=True))
    collaborating = list(user.collaborating_tasks.values_list("pk", flat=True))
    return Task.objects.filter(
        Q(space__in=spaces)
        | Q(assignee=user.pk)
        | Q(pk__in=collaborating)
        | Q(department__in=departments_seeing(user))
    )


def can_view_task(user: User, task: Task) -> bool:
    return visible_tasks(user).filter(pk=task.pk).exists()


def can_edit_board(user: User, space: SpacePage) -> bool:
    """May ``user`` create tasks on the space's board and change any of them?"""
    return can(user, "edit", space)


def can_edit_task(user: User, task: Task) -> bool:
    """The space's editors, and the assignee for their own task."""
    if not _active(user):
        return False
    return task.assignee_id == user.pk or can_edit_board(user, task.space)


def can_admin_board(user: User, space: SpacePage) -> bool:
    """May ``user`` set the board's WIP limits (the space's admins)?"""
    return can(user, "admin", space)
