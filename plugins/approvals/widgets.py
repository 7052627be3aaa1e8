"""The home dashboard widget: how many requests wait for the user's decision."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hub.core.models import User
from hub.items import Widget
from plugins.approvals.permissions import waiting_for


def waiting_widget(user: User) -> Widget | None:
    count = waiting_for(user).count()
    if not count:
        return None
    return Widget(
        "approvals_waiting",
        _("Approvals"),
        "approvals/widget_waiting.html",
        {"count": count},
        order=30,
    )
