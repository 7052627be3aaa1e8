"""The home dashboard widgets: new feedback for triagers, recent status for senders."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from hub.core.models import User
from hub.items import Widget
from plugins.feedback.models import Feedback, Status
from plugins.feedback.permissions import triage_departments

RECENT_ITEMS = 5


def inbox_widget(user: User) -> Widget | None:
    """'N new feedback items for <department>' per department the user triages."""
    departments = triage_departments(user)
    if not departments.exists():
        return None
    with_new = (
        departments.annotate(
            new_count=Count("feedback_items", filter=Q(feedback_items__status=Status.NEW))
        )
        .filter(new_count__gt=0)
        .order_by("code")
    )
    return Widget(
        "feedback_inbox",
        _("Feedback inbox"),
        "feedback/widget_inbox.html",
        {"departments": list(with_new)},
        order=40,
    )


def my_feedback_widget(user: User) -> Widget | None:
    """The status of the user's most recent named feedback, if they sent any."""
    items = list(
        Feedback.objects.filter(submitter=user).select_related("department")[:RECENT_ITEMS]
    )
    if not items:
        return None
    return Widget(
        "feedback_mine", _("My feedback"), "feedback/widget_mine.html", {"items": items}, order=60
    )
