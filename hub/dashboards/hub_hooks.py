"""Dashboards' hook implementations: the page and its nav link, the core's panels and the
core's collaboration points."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hub import hookimpl
from hub.items import Fragment, NavItem, Points, ReportSection, Subcommand, Widget


@hookimpl
def hub_register_urls() -> list:
    return [path("dashboard/", include("hub.dashboards.urls"))]


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    from hub.dashboards.scope import may_see_dashboards

    if not request.user.is_authenticated or not may_see_dashboards(request.user):
        return []
    return [NavItem("dashboard", _("Dashboard"), reverse("dashboards:dashboard"), order=60)]


@hookimpl
def hub_register_template_fragments(slot, request, context) -> list[Fragment]:
    if slot != "head" or not request.path.startswith("/dashboard/"):
        return []
    sheet = static("dashboards/dashboards.css")
    return [Fragment(format_html('<link rel="stylesheet" href="{}">', sheet))]


@hookimpl
def hub_register_dashboard_widgets(request, scope) -> list[Widget]:
    from hub.dashboards import panels

    return [
        panels.adoption(scope),
        panels.document_activity(scope),
        panels.report_coverage(scope),
        panels.collaboration(scope),
    ]


@hookimpl
def hub_register_collaboration_points(since, until) -> list[Points]:
    from hub.dashboards.figures import (
        cross_edit_points,
        help_answer_points,
        timely_report_points,
    )

    return (
        timely_report_points(since, until)
        + cross_edit_points(since, until)
        + help_answer_points(since, until)
    )


@hookimpl
def hub_register_monthly_report_sections(month) -> list[ReportSection]:
    from hub.dashboards.monthly import core_sections

    return core_sections(month)


@hookimpl
def hub_register_reports() -> list[Subcommand]:
    from hub.dashboards.report import month_report

    return [month_report()]
