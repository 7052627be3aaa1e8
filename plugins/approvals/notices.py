"""Recording decisions, telling people, and firing ``hub_approval_step_changed`` after commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import override
from wagtail.log_actions import log

from hub import plugins
from hub.core.models import User
from hub.notifications.api import send_notification
from plugins.approvals.models import Decision, Request, StepRun

KIND = "approvals"


def record(
    request: Request,
    step_run: StepRun | None,
    actor: User | None,
    action: str,
    comment: str,
    when: datetime,
) -> Decision:
    decision = Decision.objects.create(
        request=request,
        step_run=step_run,
        actor=actor,
        action=action,
        comment=comment,
        created_at=when,
    )
    # The same decision in the hub's audit log (Wagtail's log entries, /ops/audit/).
    data = {"step": step_run.name if step_run else "", "comment": comment[:500]}
    log(request, f"approvals.{action}", user=actor, data=data)
    return decision


def tell(people: Iterable[User], make_text: Callable[[], str], url: str) -> None:
    """Notify ``people``, each in their own language (``make_text`` runs once per language)."""
    by_language: dict[str, list[User]] = defaultdict(list)
    for person in {person.pk: person for person in people}.values():
        by_language[person.language or settings.LANGUAGE_CODE].append(person)
    for language, group in by_language.items():
        with override(language):
            send_notification(group, make_text(), url, kind=KIND)


def fire(request: Request, step_run: StepRun, decision: Decision) -> None:
    """Fire ``hub_approval_step_changed`` once the transaction commits."""
    transaction.on_commit(
        lambda: plugins.notify(
            "hub_approval_step_changed", request=request, step_run=step_run, decision=decision
        )
    )
