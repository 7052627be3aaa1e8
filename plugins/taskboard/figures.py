"""The task boards' figures for dashboards: progress per board and per department, and the
work boards hand to other departments.

Every function counts the tasks it is given, so the caller decides whose view it is:
``visible_tasks(user)`` for what a person may see (the home widget), ``Task.objects.all()``
only for pages restricted to people allowed to see every board. Each is one grouped query.

    from plugins.taskboard.figures import board_progress
    from plugins.taskboard.permissions import visible_tasks

    for space_id, progress in board_progress(visible_tasks(request.user)).items():
        print(space_id, progress.done, "/", progress.planned, progress.overdue)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from plugins.taskboard.models import Status, Task, overdue_q


@dataclass(frozen=True)
class Progress:
    """How far a set of tasks has come.

    ``planned`` counts every task, ``done`` those in *Done*, ``overdue`` the open ones past
    their due date; ``first_day``/``last_day`` span their bars on the Gantt chart (None
    without dates); ``last_change`` is when one of them last changed.
    """

    planned: int
    done: int
    overdue: int
    first_day: date | None = None
    last_day: date | None = None
    last_change: datetime | None = None

    @property
    def open(self) -> int:
        return self.planned - self.done

    @property
    def percent(self) -> int:
        """Done as a whole percentage of planned (0 for no tasks)."""
        return round(self.done * 100 / self.planned) if self.planned else 0


@dataclass(frozen=True)
class CrossDepartment:
    """Tasks one department's boards gave to people of another department."""

    from_department_id: int
    to_department_id: int
    planned: int
    done: int
    overdue: int


def _progress_by(tasks: QuerySet[Task], key: str, today: date | None) -> dict:
    today = today or timezone.localdate()
    rows = (
        tasks.order_by()  # the model's ordering would join the GROUP BY
        .values(key)
        .annotate(
            planned=Count("pk", distinct=True),
            done=Count("pk", filter=Q(status=Status.DONE), distinct=True),
            overdue=Count("pk", filter=overdue_q(today), distinct=True),
            first_day=Min(Coalesce("start", "due")),
            last_day=Max(Coalesce("due", "start")),
            last_change=Max("updated_at"),
        )
    )
    return {row.pop(key): Progress(**row) for row in rows}


def board_progress(tasks: QuerySet[Task], today: date | None = None) -> dict[int, Progress]:
    """Progress of ``tasks`` per board: {space id: Progress}, boards without tasks absent."""
    return _progress_by(tasks, "space", today)


def department_progress(
    tasks: QuerySet[Task], today: date | None = None
) -> dict[int | None, Progress]:
    """Progress of ``tasks`` per responsible department: {department id or None: Progress}.

    A task's department is the one responsible for it (by default its assignee's), so a
    task on another department's board counts for the department doing the work.
    """
    return _progress_by(tasks, "department", today)


def cross_department(tasks: QuerySet[Task], today: date | None = None) -> list[CrossDepartment]:
    """``tasks`` assigned across departments, per (giving, doing) pair of departments.

    The giving department is the board's (a department space), else that of the person
    who created the task; the doing department is the task's. Tasks where either is
    unknown, or both are the same, are not cross-department. Most tasks first.
    """
    today = today or timezone.localdate()
    giving = Coalesce(F("space__department"), F("created_by__department"))
    rows = (
        tasks.order_by()
        .annotate(giving=giving)
        .filter(giving__isnull=False, department__isnull=False)
        .exclude(giving=F("department"))
        .values("giving", "department")
        .annotate(
            planned=Count("pk", distinct=True),
            done=Count("pk", filter=Q(status=Status.DONE), distinct=True),
            overdue=Count("pk", filter=overdue_q(today), distinct=True),
        )
        .order_by("-planned", "giving", "department")
    )
    return [
        CrossDepartment(
            from_department_id=row["giving"],
            to_department_id=row["department"],
            planned=row["planned"],
            done=row["done"],
            overdue=row["overdue"],
        )
        for row in rows
    ]
