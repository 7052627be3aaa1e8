"""What happens to a request: submit, approve, reject, return, resubmit, withdraw, comment.

Each function runs in one transaction that first locks the request row, checks that the
person may do this *now*, and claims the step with a conditional UPDATE (undecided, same
nonce): a forged, replayed or concurrent action raises ``Refused`` and changes nothing.
Every change is logged as a ``Decision``, the people concerned are notified, and
``hub_approval_step_changed`` fires after the commit.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hub.core.models import DocumentPage, User
from plugins.approvals import notices
from plugins.approvals.deadlines import hours, schedule
from plugins.approvals.models import (
    Action,
    Decision,
    Flow,
    Outcome,
    Request,
    RequestAttachment,
    Status,
    StepRun,
)
from plugins.approvals.rules import admins, applies, resolve_approvers


class Refused(Exception):
    """The action is not allowed now; ``status`` is the HTTP answer (403 or 409)."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.status = status


def _store_files(request: Request, values: dict[str, Any], user: User) -> dict[str, Any]:
    """Save the uploads among ``values`` as attachments; the values then point at them."""
    stored = dict(values)
    for name, value in values.items():
        if isinstance(value, UploadedFile):
            attachment = RequestAttachment.objects.create(
                request=request,
                field=name,
                file=value,
                filename=value.name[:255],
                content_type=mimetypes.guess_type(value.name)[0] or "application/octet-stream",
                size=value.size,
                uploaded_by=user,
            )
            stored[name] = {"attachment": attachment.pk, "filename": attachment.filename}
    return stored


def _start_next(request: Request, after: int | None, now: datetime) -> StepRun | None:
    """Start the first step after position ``after`` whose condition holds; None: no more."""
    steps = request.flow.steps.select_related("person", "group", "department").order_by(
        "sort_order", "pk"
    )
    if after is not None:
        steps = steps.filter(sort_order__gt=after)
    specs = request.flow.specs()
    step = next((s for s in steps if applies(s, specs, request.values)), None)
    if step is None:
        return None
    approvers = resolve_approvers(step, request.requester, request.department) or admins()
    remind, deadline = hours(step.remind_after_hours), hours(step.deadline_hours)
    run = StepRun.objects.create(
        request=request,
        step=step,
        name=step.name,
        position=step.sort_order or 0,
        all_must_approve=step.all_must_approve,
        started_at=now,
        remind_at=now + remind if remind else None,
        due_at=now + deadline if deadline else None,
    )
    run.approvers.set(approvers)
    schedule(run)

    def text() -> str:
        message = _("%(requester)s asks for your approval: %(title)s (%(step)s).")
        values = {"requester": request.requester, "title": request.title, "step": run.name}
        if run.due_at:
            message = _("%(requester)s asks for your approval: %(title)s (%(step)s, due %(due)s).")
            values["due"] = date_format(timezone.localtime(run.due_at), "Y-m-d H:i")
        return message % values

    notices.tell(approvers, text, request.get_absolute_url())
    return run


def _finish(request: Request, status: str, now: datetime) -> None:
    request.status = status
    request.closed_at = now
    if status == Status.APPROVED:
        request.approved_revision_id = request.revision_id
    request.save(update_fields=["status", "closed_at", "approved_revision"])


def _begin(request: Request, user: User, action: str, now: datetime) -> None:
    """Run the flow from its first step (a submission or a resubmission)."""
    run = _start_next(request, None, now)
    decision = notices.record(request, run, user, action, "", now)
    if run is None:
        # No step applies to these values: nothing to approve.
        _finish(request, Status.APPROVED, now)
    else:
        notices.fire(request, run, decision)


@transaction.atomic
def submit(
    flow: Flow,
    requester: User,
    title: str,
    values: dict[str, Any],
    document: DocumentPage | None = None,
) -> Request:
    """Create a request (values as ``RequestForm.values()`` gives them) and start its flow.

    A document's latest revision is frozen into the request.
    """
    if not flow.active:
        raise Refused(_("This flow does not accept requests."))
    now = timezone.now()
    request = Request.objects.create(
        flow=flow,
        title=title,
        requester=requester,
        department=requester.department,
        values={},
        document=document,
        revision=document.latest_revision if document else None,
        submitted_at=now,
    )
    request.values = _store_files(request, values, requester)
    request.save(update_fields=["values"])
    _begin(request, requester, Action.SUBMIT, now)
    return request


def _locked(request: Request) -> Request:
    return Request.objects.select_for_update().select_related("flow").get(pk=request.pk)


@transaction.atomic
def resubmit(request: Request, user: User, title: str, values: dict[str, Any]) -> Request:
    """The requester sends a returned request again, changed; its flow starts over."""
    request = _locked(request)
    if request.requester_id != user.pk:
        raise Refused(_("Only the requester can change and resubmit a request."), 403)
    now = timezone.now()
    claimed = Request.objects.filter(pk=request.pk, status=Status.RETURNED).update(
        status=Status.IN_PROGRESS
    )
    if not claimed:
        raise Refused(_("Only a request returned for changes can be resubmitted."))
    request.status = Status.IN_PROGRESS
    request.title = title
    request.values = _store_files(request, values, user)
    if request.document_id:
        request.revision = DocumentPage.objects.get(pk=request.document_id).latest_revision
    request.save(update_fields=["title", "values", "revision"])
    _begin(request, user, Action.RESUBMIT, now)
    return request


def _pending_approvers(run: StepRun) -> list[User]:
    approved = run.decisions.filter(action=Action.APPROVE).values("actor_id")
    return list(run.approvers.exclude(pk__in=approved).filter(is_active=True))


OUTCOMES = {
    Action.APPROVE: Outcome.APPROVED,
    Action.REJECT: Outcome.REJECTED,
    Action.RETURN: Outcome.RETURNED,
}


@transaction.atomic
def decide(
    request: Request, user: User, step_run_id: int, nonce: str, action: str, comment: str
) -> Decision:
    """An approver approves, rejects or returns the current step of ``request``."""
    request = _locked(request)
    run = StepRun.objects.filter(pk=step_run_id, request=request).first()
    if run is None or not run.approvers.filter(pk=user.pk).exists():
        raise Refused(_("You are not an approver of this step."), 403)
    if request.status != Status.IN_PROGRESS or run.decided_at is not None or run.nonce != nonce:
        raise Refused(_("This step was already decided or has moved on; nothing was changed."))
    now = timezone.now()
    if action == Action.APPROVE and run.all_must_approve:
        try:
            with transaction.atomic():
                decision = notices.record(request, run, user, action, comment, now)
        except IntegrityError as error:
            raise Refused(_("You have already approved this step.")) from error
        if _pending_approvers(run):
            notices.fire(request, run, decision)
            return decision
        claimed = _claim(run, nonce, action, now)
    else:
        claimed = _claim(run, nonce, action, now)
        decision = notices.record(request, run, user, action, comment, now) if claimed else None
    if not claimed:
        raise Refused(_("This step was already decided or has moved on; nothing was changed."))
    url = request.get_absolute_url()
    values = {"title": request.title, "step": run.name, "actor": user, "reason": comment}
    if action == Action.APPROVE:
        following = _start_next(request, run.position, now)
        if following is None:
            _finish(request, Status.APPROVED, now)
            message = _("Your request %(title)s was approved.")
        else:
            values["next"] = following.name
            message = _("%(actor)s approved %(title)s at %(step)s; next: %(next)s.")
    elif action == Action.REJECT:
        _finish(request, Status.REJECTED, now)
        message = _("%(actor)s rejected your request %(title)s: %(reason)s")
    else:
        request.status = Status.RETURNED
        request.save(update_fields=["status"])
        message = _("%(actor)s returned your request %(title)s for changes: %(reason)s")
    notices.tell([request.requester], lambda: message % values, url)
    notices.fire(request, run, decision)
    return decision


def _claim(run: StepRun, nonce: str, action: str, now: datetime) -> bool:
    """Decide the step if it is still undecided with the same nonce (one UPDATE)."""
    return bool(
        StepRun.objects.filter(pk=run.pk, nonce=nonce, decided_at__isnull=True).update(
            decided_at=now, outcome=OUTCOMES[action]
        )
    )


@transaction.atomic
def withdraw(request: Request, user: User, comment: str) -> Decision:
    """The requester withdraws a request that is in progress or returned."""
    request = _locked(request)
    if request.requester_id != user.pk:
        raise Refused(_("Only the requester can withdraw a request."), 403)
    now = timezone.now()
    run = request.current_step_run()
    claimed = Request.objects.filter(
        pk=request.pk, status__in=[Status.IN_PROGRESS, Status.RETURNED]
    ).update(status=Status.WITHDRAWN, closed_at=now)
    if not claimed:
        raise Refused(_("This request can no longer be withdrawn."))
    request.status, request.closed_at = Status.WITHDRAWN, now
    if run is not None:
        StepRun.objects.filter(pk=run.pk, decided_at__isnull=True).update(
            decided_at=now, outcome=Outcome.WITHDRAWN
        )
    decision = notices.record(request, run, user, Action.WITHDRAW, comment, now)
    if run is not None:
        notices.tell(
            _pending_approvers(run),
            lambda: (
                _("%(requester)s withdrew %(title)s.") % {"requester": user, "title": request.title}
            ),
            request.get_absolute_url(),
        )
        notices.fire(request, run, decision)
    return decision


@transaction.atomic
def add_comment(request: Request, user: User, text: str) -> Decision:
    """Anyone who may see the request comments; the requester and current approvers hear."""
    request = _locked(request)
    decision = notices.record(
        request, request.current_step_run(), user, Action.COMMENT, text, timezone.now()
    )
    run = request.current_step_run()
    people = [request.requester, *(run.approvers.all() if run else [])]
    notices.tell(
        [person for person in people if person.pk != user.pk],
        lambda: (
            _("%(actor)s commented on %(title)s: %(text)s")
            % {"actor": user, "title": request.title, "text": text}
        ),
        request.get_absolute_url(),
    )
    return decision
