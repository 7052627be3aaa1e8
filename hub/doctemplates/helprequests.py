"""Help requested in weekly reports, and the asked departments' answers.

A request is one row of a report's ``help`` field (a department and what is needed),
named by the report and the row's key (``hub.doctemplates.rowkeys``), so it keeps its
identity when other rows change. A member of the asked department (or its head) who may
read the report answers it once for the department: a short Markdown reply and optionally
a link; only the person who answered changes the answer afterwards. Every version is kept
(``HelpAnswerVersion``), each answer and change is in the audit log, and the reporter is
notified (kind ``help_answers``).

An answer belongs to the request row and to the department it asked. If the reporter
removes the row, or changes the department it asks, the answer no longer matches a current
request: the report's page lists it as an earlier answer and figures no longer count it;
restoring the old revision brings it back. If the reporter rewrites the request's text,
the answer stays and shows what the request said when it was answered.
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
from wagtail.log_actions import log
from wagtail.models import Revision

from hub.core.models import Department, DocumentPage, User
from hub.doctemplates.fields import Names
from hub.doctemplates.models import DocumentTemplate, HelpAnswer, HelpAnswerVersion
from hub.doctemplates.reports import Report, report_of
from hub.doctemplates.rowkeys import keyed_rows
from hub.notifications.api import send_notification
from hub.search.types import department_and_below

NOTIFICATION_KIND = "help_answers"
ANSWERED = "doctemplates.help_answered"
ANSWER_CHANGED = "doctemplates.help_answer_changed"


@dataclass
class HelpRequest:
    """One help request of a weekly report, with the asked department's answer if any."""

    report: Report
    key: str
    department_id: int | None
    department: str
    text: str
    source_id: int | None
    reporter: str
    answer: HelpAnswer | None = None
    # Whether the viewer may answer it (or change the answer): set by ``mark_answerable``.
    may_answer: bool = False

    @property
    def document(self) -> DocumentPage:
        return self.report.document

    @property
    def url(self) -> str:
        return reverse("doctemplates:help_request", args=[self.document.pk, self.key])

    @property
    def anchor(self) -> str:
        return f"help-{self.key}"

    @property
    def changed_since_answer(self) -> bool:
        return self.answer is not None and self.answer.request_text != self.text

    @property
    def between_departments(self) -> bool:
        return None not in (self.source_id, self.department_id) and (
            self.source_id != self.department_id
        )


class AnsweredMeanwhile(Exception):
    """Someone else of the department answered the request a moment ago."""


def _answers_of(documents: list[DocumentPage]) -> dict[tuple[int, str, int], HelpAnswer]:
    answers = HelpAnswer.objects.filter(document__in=documents).select_related(
        "answered_by", "department", "linked_document"
    )
    return {(a.document_id, a.row_key, a.department_id): a for a in answers}


def help_requests(reports: list[Report]) -> list[HelpRequest]:
    """Every help request of ``reports``, in order, each with its current answer."""
    department_ids = {
        row.get("department")
        for report in reports
        for row in report.rows("help")
        if isinstance(row.get("department"), int)
    }
    names = Names({r.reporter_id for r in reports if r.reporter_id}, department_ids)
    answers = _answers_of([report.document for report in reports])
    found = []
    for report in reports:
        reporter = names.users.get(report.reporter_id)
        source = report.team_id or (reporter.department_id if reporter else None)
        for key, row in keyed_rows(report.values.get("help")):
            target = row.get("department") if isinstance(row.get("department"), int) else None
            found.append(
                HelpRequest(
                    report=report,
                    key=key,
                    department_id=target,
                    department=names.department(target),
                    text=str(row.get("request") or ""),
                    source_id=source,
                    reporter=names.person(report.reporter_id),
                    answer=answers.get((report.document.pk, key, target)),
                )
            )
    return found


def is_weekly_report(document: DocumentPage) -> bool:
    template = document.template if document.template_id else None
    return template is not None and template.kind == DocumentTemplate.Kind.WEEKLY


def requests_of(document: DocumentPage) -> list[HelpRequest]:
    """The help requests of one weekly report (none for any other document)."""
    return help_requests([report_of(document)]) if is_weekly_report(document) else []


def find_request(document: DocumentPage, key: str) -> HelpRequest | None:
    return next((found for found in requests_of(document) if found.key == key), None)


def earlier_answers(document: DocumentPage, current: list[HelpRequest]) -> list[HelpAnswer]:
    """Answers of ``document`` that match no current request (its row was removed or now
    asks another department), oldest first."""
    matched = {found.answer.pk for found in current if found.answer is not None}
    return list(
        HelpAnswer.objects.filter(document=document)
        .exclude(pk__in=matched)
        .select_related("answered_by", "department", "linked_document")
        .order_by("answered_at")
    )


def is_member(user: User, department_id: int) -> bool:
    """Does ``user`` belong to the department (or one below it) or head it?"""
    department = Department.objects.filter(pk=department_id).first()
    if department is None or not user.is_active:
        return False
    return department.head_id == user.pk or user.department_id in department_and_below(department)


def refusal(user: User, found: HelpRequest, member: bool | None = None) -> str:
    """Why ``user``, who may read the report, may not answer (or change the answer to)
    ``found``; empty if they may. ``member``: whether they belong to the asked department,
    if the caller knows."""
    document = found.document
    if document.status == DocumentPage.Status.DRAFT:
        return _("This report is a draft: its requests can be answered once it is filed.")
    if document.status == DocumentPage.Status.ARCHIVED or (
        document.space is not None and document.space.archived_at is not None
    ):
        return _("This report is archived: its requests can no longer be answered.")
    if member is None:
        member = found.department_id is not None and is_member(user, found.department_id)
    if not member:
        return _("Only members of %(department)s can answer this request.") % {
            "department": found.department or _("the department asked")
        }
    answer = found.answer
    if answer is not None and answer.answered_by_id != user.pk:
        who = answer.answered_by.get_full_name() if answer.answered_by else _("someone")
        return _("%(person)s answered this request; only they can change the answer.") % {
            "person": who
        }
    return ""


def mark_answerable(user: User, requests: list[HelpRequest]) -> list[HelpRequest]:
    """Set ``may_answer`` on each request for ``user``, who may read their reports."""
    members: dict[int | None, bool] = {None: False}
    for found in requests:
        if found.department_id not in members:
            members[found.department_id] = is_member(user, found.department_id)
        found.may_answer = not refusal(user, found, members[found.department_id])
    return requests


def first_asked(document: DocumentPage, key: str) -> datetime:
    """When the request was filed: the first revision, not a draft, holding its row."""
    revisions = Revision.page_revisions.filter(object_id=str(document.pk)).order_by(
        "created_at", "pk"
    )
    for revision in revisions.iterator():
        content = revision.content or {}
        if content.get("status") == DocumentPage.Status.DRAFT:
            continue
        rows = (content.get("fields") or {}).get("help")
        if any(row_key == key for row_key, _row in keyed_rows(rows)):
            return revision.created_at
    return timezone.now()


def save_answer(
    found: HelpRequest,
    user: User,
    reply: str,
    linked_document: DocumentPage | None,
    link: str,
) -> HelpAnswer:
    """Answer ``found`` for its department, or change ``user``'s answer (the caller checked
    ``refusal``); keep the version, log it and tell the reporter. ``AnsweredMeanwhile`` if
    someone else answered first."""
    now = timezone.now()
    with transaction.atomic():
        answer = found.answer
        if answer is None:
            try:
                with transaction.atomic():
                    answer = HelpAnswer.objects.create(
                        document=found.document,
                        row_key=found.key,
                        department_id=found.department_id,
                        request_text=found.text,
                        asked_at=first_asked(found.document, found.key),
                        reply=reply,
                        linked_document=linked_document,
                        link=link,
                        answered_by=user,
                        answered_at=now,
                    )
            except IntegrityError as error:
                raise AnsweredMeanwhile from error
            action = ANSWERED
        else:
            answer = HelpAnswer.objects.select_for_update().get(pk=answer.pk)
            answer.reply, answer.linked_document, answer.link = reply, linked_document, link
            answer.edited_at = now
            answer.save(update_fields=["reply", "linked_document", "link", "edited_at"])
            action = ANSWER_CHANGED
        HelpAnswerVersion.objects.create(
            answer=answer,
            reply=reply,
            linked_document=linked_document,
            link=link,
            author=user,
            saved_at=now,
        )
        log(
            found.document,
            action,
            user=user,
            data={"request": found.text, "department": found.department, "key": found.key},
        )
        _notify(found, user, changed=action == ANSWER_CHANGED)
    found.answer = answer
    return answer


def _notify(found: HelpRequest, user: User, changed: bool) -> None:
    reporter = User.objects.filter(pk=found.report.reporter_id, is_active=True).first()
    if reporter is None or reporter.pk == user.pk:
        return
    with override(reporter.language or settings.LANGUAGE_CODE):
        values = {
            "person": user.get_full_name(),
            "department": Department.objects.get(pk=found.department_id).display_name,
            "request": found.text,
        }
        if changed:
            text = _("%(person)s (%(department)s) changed the answer to your request: %(request)s")
        else:
            text = _("%(person)s (%(department)s) answered your request: %(request)s")
        text = text % values
    url = f"{found.document.url or ''}#{found.anchor}"
    send_notification([reporter], text, url, kind=NOTIFICATION_KIND)
