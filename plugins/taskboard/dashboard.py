"""The task boards' dashboard panel: progress of the project boards with tasks for the
scope's departments, tasks per department, and work given across departments.

Only tasks the viewer may see count (``visible_tasks``); a task belongs to the scope when
its responsible department or its board's department is one of the scope's.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from hub.core.models import Department, SpacePage
from hub.dashboards.charts import Bar, bars
from hub.items import Widget
from plugins.taskboard.figures import board_progress, cross_department, department_progress
from plugins.taskboard.permissions import visible_tasks
from plugins.taskboard.widgets import board_list_url

MAX_BOARDS = 10


def _done_text(done: int, planned: int, overdue: int) -> str:
    return _("%(done)d of %(planned)d done, %(overdue)d overdue") % {
        "done": done,
        "planned": planned,
        "overdue": overdue,
    }


def progress_panel(scope) -> Widget:
    ids = scope.department_ids
    tasks = visible_tasks(scope.user).filter(Q(department__in=ids) | Q(space__department__in=ids))
    projects = SpacePage.objects.filter(kind=SpacePage.Kind.PROJECT)
    by_board = board_progress(tasks.filter(space__in=projects))
    spaces = SpacePage.objects.in_bulk(list(by_board))
    boards = [
        Bar(
            spaces[pk].title,
            progress.percent / 100,
            _done_text(progress.done, progress.planned, progress.overdue),
            board_list_url(spaces[pk]),
        )
        for pk, progress in sorted(by_board.items(), key=lambda item: -item[1].planned)[:MAX_BOARDS]
    ]
    names = Department.objects.in_bulk([pk for pk in department_progress(tasks) if pk])
    departments = [
        Bar(
            names[pk].display_name,
            progress.percent / 100,
            _done_text(progress.done, progress.planned, progress.overdue),
            reverse("taskboard:department", args=[names[pk].code]),
        )
        for pk, progress in department_progress(tasks).items()
        if pk in names and pk in ids
    ]
    given = cross_department(tasks)
    across_names = Department.objects.in_bulk(
        {row.from_department_id for row in given} | {row.to_department_id for row in given}
    )
    across = [
        Bar(
            _("%(source)s → %(target)s")
            % {
                "source": across_names[row.from_department_id].display_name,
                "target": across_names[row.to_department_id].display_name,
            },
            row.planned,
            _done_text(row.done, row.planned, row.overdue),
            reverse("taskboard:department", args=[across_names[row.to_department_id].code]),
        )
        for row in given
    ]
    sections = [
        (_("Project boards (share done)"), bars(boards, 1)),
        (_("Tasks per department (share done)"), bars(departments, 1)),
        (_("Tasks given to other departments"), bars(across)),
    ]
    return Widget(
        "taskboard_progress",
        _("Project progress"),
        "dashboards/panel.html",
        {"sections": sections},
        order=10,
    )
