"""Tasks on the search page, found only by the people who may see them
(``permissions.visible_tasks`` as the query the search backend runs)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hub.core.markdown import html_text
from hub.items import SearchHit, SearchType
from plugins.taskboard.models import Task
from plugins.taskboard.permissions import visible_tasks


def _visible(user):
    return visible_tasks(user).select_related("space", "department", "assignee")


def describe(task: Task) -> SearchHit:
    return SearchHit(
        title=task.title,
        url=task.get_absolute_url(),
        text=html_text(task.description_html),
        space=task.space.title,
        department=str(task.department) if task.department else "",
        author=str(task.assignee) if task.assignee else "",
        date=task.created_at,
    )


def task_search_type() -> SearchType:
    return SearchType(
        name="task",
        label=_("Tasks"),
        model=Task,
        visible=_visible,
        describe=describe,
        space_field="space",
        department_field="department",
        author_field="assignee",
        date_field="created_at",
        order=30,
    )
