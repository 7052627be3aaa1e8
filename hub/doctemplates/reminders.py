"""Weekly-report reminders: who has not filed a report for a week once its deadline passed.

Expected to file: every active person who belongs to a department. Filed: a weekly-kind
document of that week, not a draft, naming the person as reporter (wherever it is kept:
this is the system asking, not a viewer). Each person is reminded at most once per week
(``ReminderSent``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from hub.core.models import DocumentPage, User
from hub.doctemplates.models import DocumentTemplate, ReminderSent
from hub.doctemplates.weeks import deadline_of
from hub.notifications.api import send_notification


@dataclass
class ReminderRun:
    week: str
    deadline: datetime
    due: bool
    to_remind: list[User]
    already_reminded: int


def people_without_report(week: str) -> list[User]:
    """Active department members with no filed weekly report for ``week``."""
    filed = set()
    reports = DocumentPage.objects.filter(
        template__kind=DocumentTemplate.Kind.WEEKLY, fields__week=week
    ).exclude(status=DocumentPage.Status.DRAFT)
    for reporter in reports.values_list("fields__reporter", flat=True):
        if isinstance(reporter, int):
            filed.add(reporter)
    expected = User.objects.filter(is_active=True, department__isnull=False)
    return list(expected.exclude(pk__in=filed).order_by("username"))


def plan(week: str, now: datetime | None = None) -> ReminderRun:
    """Who would be reminded for ``week`` now (nobody before the deadline)."""
    deadline = deadline_of(week, settings.HUB_WEEKLY_REPORT_DEADLINE)
    due = (now or timezone.now()) >= deadline
    missing = people_without_report(week) if due else []
    reminded = set(ReminderSent.objects.filter(week=week).values_list("user_id", flat=True))
    return ReminderRun(
        week=week,
        deadline=deadline,
        due=due,
        to_remind=[person for person in missing if person.pk not in reminded],
        already_reminded=len(reminded),
    )


def send(run: ReminderRun) -> int:
    """Notify (and email) each person of ``run``; returns how many were reminded."""
    sent = 0
    url = reverse("doctemplates:rollups")
    for person in run.to_remind:
        with override(person.language or settings.LANGUAGE_CODE):
            text = _("You have not filed your weekly report for %(week)s yet.") % {"week": run.week}
        try:
            with transaction.atomic():
                # The record first: a second run at the same time fails here, not twice.
                ReminderSent.objects.create(user=person, week=run.week)
                send_notification([person], text, url, kind="reminders")
        except IntegrityError:
            continue
        sent += 1
    return sent
