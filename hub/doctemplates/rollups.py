"""Roll-ups of weekly reports and meeting minutes, per department and per project space.

Only documents the viewer may see contribute (``visible_documents``), so no figure counts
a hidden document; a person whose report the viewer cannot see is listed as without a
report. A draft report is not filed. Fields are read by name (``models.ROLLUP_FIELDS``).
Help requests come with the asked department's answers (``hub.doctemplates.helprequests``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from hub.core.models import Department, DocumentPage, SpaceMembership, SpacePage, User
from hub.core.permissions import visible_documents
from hub.doctemplates.fields import Names, display, parse_stored_date
from hub.doctemplates.helprequests import HelpRequest, help_requests
from hub.doctemplates.models import DONE, DocumentTemplate
from hub.doctemplates.reports import Report, weekly_reports
from hub.search.types import department_and_below

Kind = DocumentTemplate.Kind


@dataclass
class ActionItem:
    """An open action item of some meeting minutes."""

    document: DocumentPage
    what: str
    owner_id: int | None
    owner: str
    due: date | None
    status: str
    overdue: bool


@dataclass
class Rollup:
    """What a department's or a space's roll-up page shows for one week."""

    week: str
    filed: list[tuple[User, list[DocumentPage]]] = field(default_factory=list)
    missing: list[User] = field(default_factory=list)
    progress: list[tuple[Report, str, str, int | None]] = field(default_factory=list)
    risks: list[tuple[Report, str, str]] = field(default_factory=list)
    help_requested: list[tuple[str, list[HelpRequest]]] = field(default_factory=list)
    help_for_us: list[HelpRequest] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)


def open_actions(user: User, documents: QuerySet | None = None) -> list[ActionItem]:
    """Open action items of the meeting minutes ``user`` may see (of ``documents`` if
    given), overdue first, then by due date (none last), then by owner."""
    minutes = (
        visible_documents(user, documents)
        .filter(template__kind=Kind.MINUTES)
        .exclude(status=DocumentPage.Status.ARCHIVED)
        .select_related("template", "space")
    )
    found: list[tuple[DocumentPage, dict]] = []
    for document in minutes:
        spec = next((s for s in document.template.specs() if s.name == "actions"), None)
        if spec is None:
            continue
        for row in document.fields.get("actions") or []:
            if isinstance(row, dict) and row.get("status") != DONE and row.get("what"):
                found.append((document, row))
    owners = {row.get("owner") for _doc, row in found if isinstance(row.get("owner"), int)}
    names = Names(owners)
    today = timezone.localdate()
    items = []
    for document, row in found:
        spec = next(s for s in document.template.specs() if s.name == "actions")
        status_column = spec.column("status")
        due = parse_stored_date(row.get("due"))
        owner_id = row.get("owner") if isinstance(row.get("owner"), int) else None
        items.append(
            ActionItem(
                document=document,
                what=str(row["what"]),
                owner_id=owner_id,
                owner=names.person(owner_id),
                due=due,
                status=str(display(status_column, row.get("status"), names))
                if status_column
                else "",
                overdue=due is not None and due < today,
            )
        )
    items.sort(key=lambda item: (not item.overdue, item.due or date.max, item.owner, item.what))
    return items


def _fill(rollup: Rollup, reports: list[Report], expected: list[User], actions) -> Rollup:
    """Who filed, progress, risks and help requested, from the reports that count."""
    by_person: dict[int, list[DocumentPage]] = {}
    for report in reports:
        if report.reporter_id is not None:
            by_person.setdefault(report.reporter_id, []).append(report.document)
    people = User.objects.in_bulk(list(by_person))
    rollup.filed = [(people[pk], documents) for pk, documents in by_person.items() if pk in people]
    rollup.filed.sort(key=lambda entry: entry[0].get_full_name())
    rollup.missing = [person for person in expected if person.pk not in by_person]
    names = Names(set(by_person))
    for report in reports:
        reporter = names.person(report.reporter_id)
        for row in report.rows("progress"):
            percent = row.get("percent") if isinstance(row.get("percent"), int) else None
            rollup.progress.append((report, reporter, str(row.get("item") or ""), percent))
        risk_spec = next((s for s in report.document.template.specs() if s.name == "risks"), None)
        kind_column = risk_spec.column("kind") if risk_spec else None
        for row in report.rows("risks"):
            kind = str(display(kind_column, row.get("kind"), names)) if kind_column else ""
            rollup.risks.append((report, str(row.get("risk") or ""), kind))
    requested: dict[str, list[HelpRequest]] = {}
    for found in help_requests(reports):
        requested.setdefault(found.department, []).append(found)
    rollup.help_requested = sorted(requested.items())
    rollup.actions = actions
    return rollup


def department_rollup(user: User, department: Department, week: str) -> Rollup:
    """The roll-up of ``department`` and its sub-departments for ``week``."""
    department_ids = set(department_and_below(department))
    members = list(
        User.objects.filter(is_active=True, department_id__in=department_ids).order_by(
            "name", "username"
        )
    )
    member_ids = {member.pk for member in members}
    reports = weekly_reports(user, week)
    ours = [r for r in reports if r.reporter_id in member_ids or r.team_id in department_ids]
    actions = [item for item in open_actions(user) if item.owner_id in member_ids]
    rollup = _fill(Rollup(week), ours, members, actions)
    # What the other departments' reports ask of this one.
    theirs = [r for r in reports if r not in ours]
    rollup.help_for_us = [
        found for found in help_requests(theirs) if found.department_id in department_ids
    ]
    return rollup


def space_members(space: SpacePage) -> list[User]:
    """Active people given a role in ``space``, in person or through their department."""
    memberships = SpaceMembership.objects.filter(space=space)
    department_ids: set[int] = set()
    for department in Department.objects.filter(
        pk__in=memberships.exclude(department=None).values("department")
    ):
        department_ids.update(department_and_below(department))
    return list(
        User.objects.filter(
            Q(pk__in=memberships.exclude(user=None).values("user"))
            | Q(department_id__in=department_ids),
            is_active=True,
        ).order_by("name", "username")
    )


def space_rollup(user: User, space: SpacePage, week: str) -> Rollup:
    """The roll-up of the weekly reports and minutes kept in ``space`` for ``week``."""
    reports = [r for r in weekly_reports(user, week) if r.document.space_id == space.pk]
    actions = open_actions(user, DocumentPage.objects.filter(space=space))
    return _fill(Rollup(week), reports, space_members(space), actions)
