"""Feedback on the search page: found only by the people who may open it.

The query is ``permissions.can_view`` as a filter the search backend runs: a named
sender's own items, and the items addressed to the departments the user triages.
Anonymous feedback never shows a sender.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hub.core.markdown import html_text
from hub.core.models import User
from hub.items import SearchHit, SearchType
from plugins.feedback.models import Feedback
from plugins.feedback.permissions import triage_departments


def visible_feedback(user: User) -> QuerySet[Feedback]:
    """The feedback ``user`` may open, as a query on the model's filter fields."""
    if not (user.is_authenticated and user.is_active):
        return Feedback.objects.none()
    departments = list(triage_departments(user).values_list("pk", flat=True))
    own = Q(submitter=user.pk, anonymous=False)
    return Feedback.objects.filter(own | Q(department__in=departments)).select_related(
        "department", "submitter"
    )


def describe(feedback: Feedback) -> SearchHit:
    return SearchHit(
        title=feedback.subject,
        url=reverse("feedback:detail", args=[feedback.pk]),
        text=html_text(feedback.body_html),
        department=str(feedback.department),
        author="" if feedback.anonymous or feedback.submitter is None else str(feedback.submitter),
        date=feedback.created_at,
    )


def feedback_search_type() -> SearchType:
    return SearchType(
        name="feedback",
        label=_("Feedback"),
        model=Feedback,
        visible=visible_feedback,
        describe=describe,
        department_field="department",
        author_field="submitter",
        date_field="created_at",
        order=50,
    )
