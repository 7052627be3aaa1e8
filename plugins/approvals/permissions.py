"""Who may see a request: its requester, its approvers (current and past, escalation
targets included) and the hub's admins; nobody else, not even that it exists."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from hub.core.models import User
from plugins.approvals.models import Action, Decision, Request, Status, StepRun


def visible_requests(user: User) -> QuerySet[Request]:
    if not (user.is_authenticated and user.is_active):
        return Request.objects.none()
    if user.is_superuser:
        return Request.objects.all()
    approved_by = StepRun.objects.filter(approvers=user).values("request_id")
    return Request.objects.filter(Q(requester=user) | Q(pk__in=approved_by))


def can_view_request(user: User, request: Request) -> bool:
    return visible_requests(user).filter(pk=request.pk).exists()


def waiting_for(user: User) -> QuerySet[StepRun]:
    """The current steps ``user`` may decide and has not approved yet."""
    if not (user.is_authenticated and user.is_active):
        return StepRun.objects.none()
    own_approval = Decision.objects.filter(
        step_run=OuterRef("pk"), actor=user, action=Action.APPROVE
    )
    return (
        StepRun.objects.filter(
            approvers=user, decided_at__isnull=True, request__status=Status.IN_PROGRESS
        )
        .exclude(Exists(own_approval))
        .select_related("request", "request__flow", "request__requester")
        .order_by("due_at", "started_at")
    )
