"""The approvals' hook implementations: everything that connects them to the hub."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hub import hookimpl
from hub.items import Action, Fragment, NavItem, NotificationKind, Widget


@hookimpl
def hub_register_urls() -> list:
    return [path("approvals/", include("plugins.approvals.urls"))]


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    return [NavItem("approvals", _("Approvals"), reverse("approvals:waiting"), order=45)]


@hookimpl
def hub_register_home_widgets(request) -> list[Widget]:
    from plugins.approvals.widgets import waiting_widget

    widget = waiting_widget(request.user)
    return [widget] if widget else []


@hookimpl
def hub_register_notification_kinds() -> list[NotificationKind]:
    return [NotificationKind("approvals", _("Approvals"), order=30)]


@hookimpl
def hub_register_document_actions(request, document) -> list[Action]:
    from hub.core.permissions import can

    if not can(request.user, "edit", document):
        return []
    url = f"{reverse('approvals:new')}?document={document.pk}"
    return [Action("approvals_submit", _("Submit for approval"), url, order=75)]


@hookimpl
def hub_register_template_fragments(slot, request, context) -> list[Fragment]:
    if slot == "head":
        sheet = static("approvals/approvals.css")
        return [Fragment(format_html('<link rel="stylesheet" href="{}">', sheet))]
    document = context.get("document")
    if slot != "document_sidebar" or document is None:
        return []
    from plugins.approvals.permissions import visible_requests

    approvals = visible_requests(request.user).filter(document=document)[:10]
    if not approvals:
        return []
    html = render_to_string("approvals/document_sidebar.html", {"approvals": approvals}, request)
    return [Fragment(html)]


@hookimpl
def hub_register_dashboard_widgets(request, scope) -> list[Widget]:
    from plugins.approvals.dashboard import panel

    return [panel(scope)]


@hookimpl
def hub_register_collaboration_points(since, until) -> list:
    from plugins.approvals.dashboard import points

    return points(since, until)


@hookimpl
def hub_register_monthly_report_sections(month) -> list:
    from plugins.approvals.dashboard import report_section

    return [report_section(month)]


@hookimpl
def hub_demo_loaded(users) -> None:
    from plugins.approvals.demo import load

    load(users)
