"""The core's dashboard figures: adoption, document activity, weekly report coverage,
cross-department collaboration and the points behind the collaboration stars.

Every figure about documents counts only documents the viewer may see (``visible_documents``),
so a number never reveals a document its reader could not open.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision

from hub.core.models import Department, DocumentPage, User
from hub.core.permissions import visible_documents
from hub.dashboards.scope import Scope
from hub.doctemplates.rollups import department_rollup, weekly_reports
from hub.doctemplates.weeks import deadline_of, shift_week, week_of
from hub.items import Points
from hub.search.types import department_and_below

MAX_WEEKS = 8


def _edits(scope: Scope) -> QuerySet[Revision]:
    """Revisions saved in the period on documents the viewer may see."""
    visible = visible_documents(scope.user).values_list("pk", flat=True)
    return Revision.page_revisions.filter(
        created_at__gte=scope.since,
        created_at__lt=scope.until,
        object_id__in=[str(pk) for pk in visible],
        user__isnull=False,
    )


def members(department: Department) -> QuerySet[User]:
    """Active people of the department and its sub-departments (as in the roll-ups)."""
    return User.objects.filter(is_active=True, department_id__in=department_and_below(department))


def active_people(scope: Scope, department: Department) -> QuerySet[User]:
    """Members who saved a revision or signed in during the period."""
    editors = _edits(scope).values("user_id")
    signed_in = Q(last_login__gte=scope.since, last_login__lt=scope.until)
    return members(department).filter(Q(pk__in=editors) | signed_in).order_by("name", "username")


def adoption(scope: Scope) -> list[tuple[Department, int, int]]:
    """Per department: active people and all people."""
    return [
        (department, active_people(scope, department).count(), members(department).count())
        for department in scope.departments
    ]


def edited_documents(scope: Scope, department: Department | None = None) -> QuerySet[DocumentPage]:
    """Visible documents edited in the period (by members of ``department`` if given)."""
    edits = _edits(scope)
    if department is not None:
        edits = edits.filter(user__department_id__in=department_and_below(department))
    ids = {int(pk) for pk in edits.values_list("object_id", flat=True)}
    return DocumentPage.objects.filter(pk__in=ids).select_related("space").order_by("title")


def document_activity(scope: Scope) -> list[tuple[Department, int, int]]:
    """Per department (with its sub-departments): revisions its people saved, and the
    documents they edited."""
    edits = list(_edits(scope).values_list("user__department_id", "object_id"))
    rows = []
    for department in scope.departments:
        below = set(department_and_below(department))
        ours = [document for department_id, document in edits if department_id in below]
        rows.append((department, len(ours), len(set(ours))))
    return rows


def cross_department_documents(scope: Scope) -> list[tuple[DocumentPage, list[Department]]]:
    """Visible documents edited in the period by people of two or more departments, at
    least one of them in the scope; most departments first."""
    by_document: dict[int, set[int]] = defaultdict(set)
    for document_id, department_id in (
        _edits(scope).exclude(user__department=None).values_list("object_id", "user__department_id")
    ):
        by_document[int(document_id)].add(department_id)
    wanted = {
        pk: ids for pk, ids in by_document.items() if len(ids) > 1 and ids & scope.department_ids
    }
    names = Department.objects.in_bulk({pk for ids in wanted.values() for pk in ids})
    documents = DocumentPage.objects.in_bulk(wanted)
    found = [
        (documents[pk], sorted((names[i] for i in ids), key=lambda d: d.code))
        for pk, ids in wanted.items()
        if pk in documents
    ]
    return sorted(found, key=lambda item: (-len(item[1]), item[0].title))


def weeks_of(scope: Scope) -> list[str]:
    """The ISO weeks the period touches, the latest ``MAX_WEEKS`` of them, oldest first."""
    weeks, week = [], week_of(scope.end)
    while len(weeks) < MAX_WEEKS and week >= week_of(scope.start):
        weeks.append(week)
        week = shift_week(week, -1)
    return weeks[::-1]


def report_coverage(scope: Scope) -> list[tuple[Department, str, int, int]]:
    """Per department and week: weekly reports filed and people expected to file one."""
    return [
        (department, week, len(rollup.filed), len(rollup.filed) + len(rollup.missing))
        for department in scope.departments
        for week in weeks_of(scope)
        for rollup in [department_rollup(scope.user, department, week)]
    ]


def help_between_departments(scope: Scope) -> list[tuple[Department, Department, int]]:
    """How often one department asked another for help in its weekly reports (one side in
    the scope), most asked first."""
    asked: Counter[tuple[int, int]] = Counter()
    reporters = dict(User.objects.values_list("pk", "department_id"))
    for week in weeks_of(scope):
        for report in weekly_reports(scope.user, week):
            source = report.team_id or reporters.get(report.reporter_id)
            for row in report.rows("help"):
                target = row.get("department")
                related = isinstance(target, int) and {source, target} & scope.department_ids
                if source and related and target != source:
                    asked[(source, target)] += 1
    names = Department.objects.in_bulk({pk for pair in asked for pk in pair})
    return [
        (names[source], names[target], count)
        for (source, target), count in asked.most_common()
        if source in names and target in names
    ]


def timely_report_points(start: date, end: date) -> list[Points]:
    """Two points per weekly report filed before its week's deadline (its first save)."""
    points = []
    week, last = week_of(start), week_of(end)
    reports = DocumentPage.objects.filter(template__kind="weekly").exclude(status="draft")
    while week <= last:
        deadline = deadline_of(week, settings.HUB_WEEKLY_REPORT_DEADLINE)
        for document in reports.filter(fields__week=week):
            reporter = document.fields.get("reporter")
            first = (
                Revision.page_revisions.filter(object_id=str(document.pk)).order_by("pk").first()
            )
            if isinstance(reporter, int) and first and first.created_at <= deadline:
                points.append(Points(reporter, 2, _("weekly reports on time")))
        week = shift_week(week, 1)
    return points


def cross_edit_points(start: date, end: date) -> list[Points]:
    """One point per document of another department's space a person edited in the period."""
    edits = Revision.page_revisions.filter(
        created_at__date__gte=start, created_at__date__lte=end
    ).exclude(user__department=None)
    spaces = dict(DocumentPage.objects.values_list("pk", "space__department_id"))
    pairs = set()
    for user_id, department_id, document_id in edits.values_list(
        "user_id", "user__department_id", "object_id"
    ):
        space_department = spaces.get(int(document_id))
        if space_department is not None and space_department != department_id:
            pairs.add((user_id, document_id))
    label = _("other departments' documents edited")
    return [Points(user_id, 1, label) for user_id, _document in pairs]
