"""The home dashboard widgets: the user's open tasks, soonest due first; and the progress of
the project boards they can see (done of planned, overdue, the span of the Gantt chart),
each figure linking to the list of tasks behind it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hub.core.models import SpacePage, User
from hub.core.permissions import visible_spaces
from hub.items import Widget
from plugins.taskboard.figures import board_progress
from plugins.taskboard.models import Status
from plugins.taskboard.permissions import visible_tasks

WIDGET_SIZE = 8
PROGRESS_BOARDS = 5


def my_tasks_widget(user: User) -> Widget | None:
    tasks = list(
        visible_tasks(user)
        .filter(assignee=user)
        .exclude(status=Status.DONE)
        .order_by(F("due").asc(nulls_last=True), "-priority")[:WIDGET_SIZE]
    )
    if not tasks:
        return None
    return Widget(
        "taskboard_mine",
        _("My open tasks"),
        "taskboard/widget_mine.html",
        {"tasks": tasks},
        order=35,
    )


def board_list_url(space: SpacePage, **filters: str) -> str:
    """The board's task list, filtered (``status="done"``, ``overdue="on"``…)."""
    url = reverse("taskboard:list", args=[space.pk])
    return f"{url}?{urlencode(filters)}" if filters else url


def project_progress_widget(user: User) -> Widget | None:
    """The project boards with tasks that ``user`` can see, most recently active first."""
    projects = visible_spaces(user).filter(kind=SpacePage.Kind.PROJECT)
    progress = board_progress(visible_tasks(user).filter(space__in=projects))
    if not progress:
        return None
    latest = sorted(progress, key=lambda pk: progress[pk].last_change, reverse=True)
    spaces = SpacePage.objects.in_bulk(latest[:PROGRESS_BOARDS])
    boards = [
        {
            "space": spaces[pk],
            "progress": progress[pk],
            "all_url": board_list_url(spaces[pk]),
            "done_url": board_list_url(spaces[pk], status=Status.DONE),
            "overdue_url": board_list_url(spaces[pk], overdue="on"),
            "gantt_url": reverse("taskboard:gantt", args=[pk]),
        }
        for pk in latest[:PROGRESS_BOARDS]
    ]
    return Widget(
        "taskboard_progress",
        _("Project progress"),
        "taskboard/widget_progress.html",
        {"boards": boards, "more": len(latest) - len(boards)},
        order=36,
    )
