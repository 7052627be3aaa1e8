"""Document templates' hook implementations: roll-up pages and link, document actions
(copy forward, new sub-page from a template), template kinds as search types, and help
requests of weekly reports (their answers on the report's page, the notification kind)."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from hub import hookimpl
from hub.items import Action, Fragment, NavItem, NotificationKind, SearchType


@hookimpl
def hub_register_urls() -> list:
    return [path("", include("hub.doctemplates.urls"))]


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    return [NavItem("rollups", _("Roll-ups"), reverse("doctemplates:rollups"), order=30)]


@hookimpl
def hub_register_document_actions(request, document) -> list[Action]:
    from hub.core.permissions import can

    if not can(request.user, "edit", document):
        return []
    actions = [
        Action(
            "new_child_from_template",
            _("New sub-page from template"),
            reverse("doctemplates:choose", args=[document.pk]),
            order=61,
        )
    ]
    if document.template_id:
        # Next week's document goes next to this one, under the same parent.
        parent_id = document.get_parent().pk
        url = reverse("document_create", args=[parent_id]) + f"?copy_from={document.pk}"
        actions.append(Action("copy_forward", _("Copy forward to next week"), url, order=55))
    return actions


@hookimpl
def hub_register_search_types() -> list[SearchType]:
    from hub.doctemplates.search import template_kind_search_types

    return template_kind_search_types()


@hookimpl
def hub_register_notification_kinds() -> list[NotificationKind]:
    from hub.doctemplates.helprequests import NOTIFICATION_KIND

    return [NotificationKind(NOTIFICATION_KIND, _("Answers to my help requests"), order=25)]


@hookimpl
def hub_register_template_fragments(slot, request, context) -> list[Fragment]:
    from hub.core.models import DocumentPage

    document = context.get("document")
    if slot != "document_fields" or not isinstance(document, DocumentPage):
        return []
    from hub.doctemplates.views import help_requests_fragment

    html = help_requests_fragment(request, document)
    return [Fragment(html, order=10)] if html else []
