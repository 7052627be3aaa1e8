"""The task boards' hook implementations: everything that connects them to the hub."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hub import hookimpl
from hub.items import Action, Fragment, NavItem, NotificationKind, SearchType, Widget
from plugins.taskboard import minutes
from plugins.taskboard.permissions import can_edit_board
from plugins.taskboard.search import task_search_type
from plugins.taskboard.services import KIND_TASKS
from plugins.taskboard.widgets import my_tasks_widget, project_progress_widget


@hookimpl
def hub_register_urls() -> list:
    return [path("tasks/", include("plugins.taskboard.urls"))]


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    return [NavItem("taskboard", _("My tasks"), reverse("taskboard:mine"), order=40)]


@hookimpl
def hub_register_home_widgets(request) -> list[Widget]:
    widgets = (my_tasks_widget(request.user), project_progress_widget(request.user))
    return [widget for widget in widgets if widget is not None]


@hookimpl
def hub_register_notification_kinds() -> list[NotificationKind]:
    # Mentions in comments use the core's "mentions" kind.
    return [NotificationKind(KIND_TASKS, _("My tasks (assigned, comments, due dates)"), order=30)]


@hookimpl
def hub_document_saved(document, revision, user, created) -> None:
    minutes.on_saved(document, user)


@hookimpl
def hub_register_search_types() -> list[SearchType]:
    return [task_search_type()]


@hookimpl
def hub_register_document_actions(request, document) -> list[Action]:
    space = document.space
    if space is None or not minutes.open_rows(document) or not can_edit_board(request.user, space):
        return []
    url = reverse("taskboard:from_minutes", args=[document.pk])
    return [Action("tasks_from_minutes", _("Create tasks from action items"), url, "post", 70)]


@hookimpl
def hub_register_template_fragments(slot, request, context) -> list[Fragment]:
    if slot == "head":
        return [
            Fragment(
                format_html('<link rel="stylesheet" href="{}">', static("taskboard/taskboard.css"))
            )
        ]
    if slot == "space_sidebar" and context.get("space") is not None:
        url = reverse("taskboard:board", args=[context["space"].pk])
        return [
            Fragment(
                format_html(
                    '<section class="card"><a class="button" href="{}" '
                    "data-taskboard-link>{}</a></section>",
                    url,
                    _("Task board"),
                )
            )
        ]
    document = context.get("document")
    if slot != "document_fields" or document is None or not minutes.is_minutes(document):
        return []
    linked = minutes.linked_tasks(document, request.user)
    if not linked:
        return []
    html = render_to_string("taskboard/minutes_tasks.html", {"linked": linked}, request)
    return [Fragment(html)]


@hookimpl
def hub_register_dashboard_widgets(request, scope) -> list[Widget]:
    from plugins.taskboard.dashboard import progress_panel

    return [progress_panel(scope)]


@hookimpl
def hub_demo_loaded(users) -> None:
    from plugins.taskboard.demo import load

    load(users)
