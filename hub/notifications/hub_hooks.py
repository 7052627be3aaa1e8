"""Notifications' hook implementations: its pages, the header link with the unread count, the
core's kinds of notification and the email channel."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub import hookimpl
from hub.items import NavItem, NotificationChannel, NotificationKind


@hookimpl
def hub_register_urls() -> list:
    return [path("notifications/", include("hub.notifications.urls"))]


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    from hub.notifications.api import unread_count

    count = unread_count(request.user)
    label = _("Notifications (%(count)d)") % {"count": count} if count else _("Notifications")
    return [NavItem("notifications", label, reverse("notifications:list"), order=800)]


@hookimpl
def hub_register_notification_kinds() -> list[NotificationKind]:
    return [
        NotificationKind("mentions", gettext_lazy("Mentions of me"), order=10),
        NotificationKind("reminders", gettext_lazy("Reminders (weekly reports…)"), order=20),
        NotificationKind("general", gettext_lazy("Everything else"), order=1000),
    ]


@hookimpl
def hub_register_notification_channels() -> list[NotificationChannel]:
    from hub.notifications.api import mail_notifications

    return [NotificationChannel("email", gettext_lazy("Email"), mail_notifications, order=10)]
