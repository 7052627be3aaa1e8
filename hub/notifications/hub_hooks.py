"""Notifications' hook implementations: its pages and the header link with the unread count."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext as _

from hub import hookimpl
from hub.items import NavItem


@hookimpl
def hub_register_urls() -> list:
    return [path("notifications/", include("hub.notifications.urls"))]


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    from hub.notifications.api import unread_count

    count = unread_count(request.user)
    label = _("Notifications (%(count)d)") % {"count": count} if count else _("Notifications")
    return [NavItem("notifications", label, reverse("notifications:list"), order=800)]
