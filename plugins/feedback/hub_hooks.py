"""The feedback box's hook implementations: everything that connects it to the hub."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from hub import hookimpl
from hub.items import NavItem, ReportSection, SearchType, Subcommand, Widget
from plugins.feedback.report import feedback_report, operations_section
from plugins.feedback.search import feedback_search_type
from plugins.feedback.widgets import inbox_widget, my_feedback_widget


@hookimpl
def hub_register_urls() -> list:
    return [path("feedback/", include("plugins.feedback.urls"))]


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    return [NavItem("feedback", _("Feedback"), reverse("feedback:mine"), order=50)]


@hookimpl
def hub_register_home_widgets(request) -> list[Widget]:
    widgets = (inbox_widget(request.user), my_feedback_widget(request.user))
    return [widget for widget in widgets if widget is not None]


@hookimpl
def hub_register_reports() -> list[Subcommand]:
    return [feedback_report()]


@hookimpl
def hub_register_search_types() -> list[SearchType]:
    return [feedback_search_type()]


@hookimpl
def hub_register_monthly_report_sections(month) -> list[ReportSection]:
    return [operations_section(month)]
