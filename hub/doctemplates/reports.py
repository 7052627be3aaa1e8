"""Weekly reports as the roll-ups, help requests and dashboards read them: the filed (not
draft) reports of a week, each with its reporter and team read from its fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.core.models import DocumentPage, User
from hub.core.permissions import visible_documents
from hub.doctemplates.models import DocumentTemplate


@dataclass
class Report:
    """One weekly report as the roll-up reads it."""

    document: DocumentPage
    reporter_id: int | None
    team_id: int | None
    values: dict[str, Any]

    def rows(self, name: str) -> list[dict[str, Any]]:
        return [row for row in self.values.get(name) or [] if isinstance(row, dict)]


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def report_of(document: DocumentPage) -> Report:
    values = document.fields or {}
    return Report(document, _id(values.get("reporter")), _id(values.get("team")), values)


def weekly_reports(user: User | None, week: str) -> list[Report]:
    """The filed (not draft) weekly reports of ``week`` that ``user`` may see (``None``:
    every one, for reports about the whole company such as the monthly report)."""
    documents = DocumentPage.objects.filter(
        template__kind=DocumentTemplate.Kind.WEEKLY, fields__week=week
    )
    if user is not None:
        documents = visible_documents(user, documents)
    documents = (
        documents.exclude(status=DocumentPage.Status.DRAFT)
        .select_related("template", "space", "owner")
        .order_by("title", "pk")
    )
    return [report_of(document) for document in documents]
