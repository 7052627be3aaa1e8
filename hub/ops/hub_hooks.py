"""Operations' hook implementations: the health endpoint and audit pages, the admins' link
to the audit log, and the "security" kind of notification (login alerts)."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from hub import hookimpl
from hub.items import NavItem, NotificationKind


@hookimpl
def hub_register_urls() -> list:
    from hub.ops import views

    return [
        path("healthz", views.healthz, name="healthz"),
        path("ops/", include("hub.ops.urls")),
    ]


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    if not request.user.is_superuser:
        return []
    return [NavItem("audit", _("Audit log"), reverse("ops:audit"), order=890)]


@hookimpl
def hub_register_notification_kinds() -> list[NotificationKind]:
    from hub.ops.logins import SECURITY_KIND

    return [NotificationKind(SECURITY_KIND, _("Security alerts (unusual logins)"), order=900)]
