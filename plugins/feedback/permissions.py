"""Who may see and triage which feedback.

A department's triagers are the superusers, the department's head, and the people with
the admin role in the department's own space (a ``SpacePage`` of kind department for that
department, checked with ``hub.core.permissions.can``). They see the feedback addressed to
their departments; a named sender sees their own items; nobody else sees any. Anonymous
feedback is reached by its sender only through the tracking token.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hub.core.models import Department, SpacePage, User
from hub.core.permissions import can
from plugins.feedback.models import Feedback


def triage_departments(user: User) -> QuerySet[Department]:
    """The departments whose feedback ``user`` may triage."""
    if not (user.is_authenticated and user.is_active):
        return Department.objects.none()
    if user.is_superuser:
        return Department.objects.all()
    department_spaces = SpacePage.objects.filter(
        kind=SpacePage.Kind.DEPARTMENT, department__isnull=False
    )
    administered = [space.department_id for space in department_spaces if can(user, "admin", space)]
    return Department.objects.filter(Q(head=user) | Q(pk__in=administered))


def can_triage(user: User, feedback: Feedback) -> bool:
    """May ``user`` change the status of (and reply to) ``feedback``?"""
    return triage_departments(user).filter(pk=feedback.department_id).exists()


def can_view(user: User, feedback: Feedback) -> bool:
    """May ``user`` open ``feedback`` by its id (its named sender or a triager)?"""
    if not (user.is_authenticated and user.is_active):
        return False
    is_sender = not feedback.anonymous and feedback.submitter_id == user.pk
    return is_sender or can_triage(user, feedback)
