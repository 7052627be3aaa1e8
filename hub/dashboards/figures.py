"""The core's dashboard figures: adoption, document activity, weekly report coverage,
cross-department collaboration (documents edited together, help asked and answered) and
the points behind the collaboration stars.

Every figure about documents counts only documents the viewer may see (``visible_documents``),
so a number never reveals a document its reader could not open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision

from hub.core.models import Department, DocumentPage, User
from hub.core.permissions import visible_documents
from hub.dashboards.scope import Scope
from hub.doctemplates.helprequests import HelpRequest, help_requests
from hub.doctemplates.models import HelpAnswer
from hub.doctemplates.reports import weekly_reports
from hub.doctemplates.rollups import department_rollup
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
    return weeks_between(scope.start, scope.end)


def weeks_between(start: date, end: date) -> list[str]:
    """The ISO weeks from ``start`` to ``end``, the latest ``MAX_WEEKS``, oldest first."""
    weeks, week = [], week_of(end)
    while len(weeks) < MAX_WEEKS and week >= week_of(start):
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


def help_between(scope: Scope) -> Iterator[HelpRequest]:
    """The help requests one department made of another in the weekly reports of the
    period's weeks that the viewer may see, one of the two departments in the scope."""
    for week in weeks_of(scope):
        for found in help_requests(weekly_reports(scope.user, week)):
            related = {found.source_id, found.department_id} & scope.department_ids
            if found.between_departments and related:
                yield found


def wait_of(answer: HelpAnswer) -> timedelta:
    """How long the request waited for its answer."""
    return max(answer.answered_at - answer.asked_at, timedelta(0))


@dataclass
class HelpPair:
    """Help one department asked of another: how often, how often answered, how fast."""

    source: Department
    target: Department
    asked: int = 0
    answered: int = 0
    waits: list[timedelta] = field(default_factory=list)

    @property
    def median_wait(self) -> timedelta | None:
        """The median time from the request's filing to its answer."""
        return median(self.waits) if self.waits else None


def help_between_departments(scope: Scope) -> list[HelpPair]:
    """Per pair of departments (one in the scope): requests and answers, most asked first."""
    return help_pairs(help_between(scope))


def help_pairs(requests: Iterable[HelpRequest]) -> list[HelpPair]:
    """Requests between departments counted per pair, most asked first."""
    counts: dict[tuple[int, int], tuple[int, int, list[timedelta]]] = {}
    for found in requests:
        asked, answered, waits = counts.get((found.source_id, found.department_id), (0, 0, []))
        if found.answer is not None:
            answered += 1
            waits.append(wait_of(found.answer))
        counts[(found.source_id, found.department_id)] = (asked + 1, answered, waits)
    names = Department.objects.in_bulk({pk for pair in counts for pk in pair})
    pairs = [
        HelpPair(names[source], names[target], asked, answered, waits)
        for (source, target), (asked, answered, waits) in counts.items()
        if source in names and target in names
    ]
    return sorted(pairs, key=lambda pair: (-pair.asked, pair.source.code, pair.target.code))


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


def help_answer_points(start: date, end: date) -> list[Points]:
    """Two points per help request of another department answered in the period (the
    first answer counts; changing it later does not)."""
    answers = HelpAnswer.objects.filter(
        answered_at__date__gte=start, answered_at__date__lte=end, answered_by__isnull=False
    ).select_related("document")
    reporters = dict(User.objects.values_list("pk", "department_id"))
    label = _("other departments' help requests answered")
    points = []
    for answer in answers:
        values = answer.document.fields or {}
        team = values.get("team") if isinstance(values.get("team"), int) else None
        source = team or reporters.get(values.get("reporter"))
        if source is not None and source != answer.department_id:
            points.append(Points(answer.answered_by_id, 2, label))
    return points
