"""The home dashboard widget: the user's open tasks, soonest due first."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from hub.core.models import User
from hub.items import Widget
from plugins.taskboard.models import Status
from plugins.taskboard.permissions import visible_tasks

WIDGET_SIZE = 8


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
