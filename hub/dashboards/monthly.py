"""The monthly operations report: adoption by department, top and stale documents, searches
that found nothing, help between departments, errors seen and storage used, then what
plugins add
(``hub_register_monthly_report_sections``: approvals, feedback…). It is Markdown, so the
page, ``hub report month`` and the Word export all show the same text.

It is for admins: it counts every document, whoever may read it.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Revision

from hub import plugins
from hub.core.models import Attachment, Department, DocumentPage, User
from hub.core.months import last_day, month_bounds
from hub.dashboards.figures import help_pairs, weeks_between
from hub.dashboards.models import ErrorTally
from hub.dashboards.panels import duration
from hub.doctemplates.helprequests import help_requests
from hub.doctemplates.reports import weekly_reports
from hub.items import ReportSection
from hub.search.models import ZeroResultQuery

STALE_AFTER_DAYS = 180
TOP = 10


MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]()!<>#|~])")


def cell(value: object) -> str:
    """Text shown as typed inside a Markdown table cell: a title cannot add a link or image."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", str(value)).replace("\n", " ")


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table, or a line saying there is nothing."""
    if not rows:
        return _("Nothing this month.")
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |"]
    lines.append("|" + " --- |" * len(headers))
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _adoption(since, until) -> str:
    editors = set(
        Revision.page_revisions.filter(created_at__gte=since, created_at__lt=until).values_list(
            "user_id", flat=True
        )
    )
    rows = []
    for department in Department.objects.order_by("code"):
        people = User.objects.filter(is_active=True, department=department)
        everyone = people.count()
        active = people.filter(
            Q(pk__in=editors) | Q(last_login__gte=since, last_login__lt=until)
        ).count()
        share = f"{100 * active / everyone:.0f}%" if everyone else "—"
        rows.append([department.display_name, active, everyone, share])
    return table([_("Department"), _("Active"), _("People"), _("Share")], rows)


def _top_documents(since, until) -> str:
    saves = Counter(
        Revision.page_revisions.filter(created_at__gte=since, created_at__lt=until).values_list(
            "object_id", flat=True
        )
    )
    documents = DocumentPage.objects.in_bulk([int(pk) for pk, _n in saves.most_common(TOP)])
    rows = [
        [documents[int(pk)].title, documents[int(pk)].space or "—", count]
        for pk, count in saves.most_common(TOP)
        if int(pk) in documents
    ]
    return table([_("Document"), _("Space"), _("Saves")], rows)


def _stale_documents(until) -> str:
    cutoff = until - timedelta(days=STALE_AFTER_DAYS)
    stale = (
        DocumentPage.objects.filter(latest_revision_created_at__lt=cutoff)
        .exclude(status=DocumentPage.Status.ARCHIVED)
        .select_related("space", "owner")
        .order_by("latest_revision_created_at")
    )
    rows = [
        [
            document.title,
            document.space or "—",
            document.owner.get_full_name() if document.owner else "—",
            timezone.localtime(document.latest_revision_created_at).date().isoformat(),
        ]
        for document in stale[:TOP]
    ]
    intro = _("%(count)d documents not edited for %(days)d days; the oldest:") % {
        "count": stale.count(),
        "days": STALE_AFTER_DAYS,
    }
    return intro + "\n\n" + table([_("Document"), _("Space"), _("Owner"), _("Last edit")], rows)


def _searches_without_results(since, until) -> str:
    misses = (
        ZeroResultQuery.objects.filter(created_at__gte=since, created_at__lt=until)
        .values("normalized")
        .annotate(times=Count("pk"))
        .order_by("-times", "normalized")[: TOP * 2]
    )
    return table([_("Searched for"), _("Times")], [[m["normalized"], m["times"]] for m in misses])


def _help_between_departments(month: date) -> str:
    requests = [
        found
        for week in weeks_between(month, last_day(month))
        for found in help_requests(weekly_reports(None, week))
        if found.between_departments
    ]
    rows = [
        [
            pair.source.display_name,
            pair.target.display_name,
            pair.asked,
            pair.answered,
            pair.asked - pair.answered,
            duration(pair.median_wait) if pair.median_wait is not None else "—",
        ]
        for pair in help_pairs(requests)
    ]
    headers = [
        _("Asked by"),
        _("Asked of"),
        _("Requests"),
        _("Answered"),
        _("Unanswered"),
        _("Median time to answer"),
    ]
    intro = _("Help requested in the weekly reports of the month's weeks, and answered.")
    return intro + "\n\n" + table(headers, rows)


def _errors(month: date, until) -> str:
    last_day = timezone.localdate(until) - timedelta(days=1)
    errors = (
        ErrorTally.objects.filter(day__gte=month, day__lte=last_day)
        .values("logger", "message")
        .annotate(times=Sum("count"))
        .order_by("-times")[: TOP * 2]
    )
    rows = [[e["logger"], e["message"], e["times"]] for e in errors]
    return table([_("Where"), _("Error"), _("Times")], rows)


def _folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _database_bytes() -> int | None:
    if connection.vendor == "sqlite":
        return Path(connection.settings_dict["NAME"]).stat().st_size
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    return None


def _megabytes(size: int | None) -> str:
    return "—" if size is None else f"{size / 1024 / 1024:.1f} MB"


def _storage() -> str:
    index = Path(settings.WAGTAILSEARCH_BACKENDS["default"].get("PATH", ""))
    rows = [
        [_("Database"), _megabytes(_database_bytes())],
        [_("Uploaded files"), _megabytes(_folder_bytes(Path(settings.MEDIA_ROOT)))],
        [_("Search index"), _megabytes(_folder_bytes(index) if index.is_dir() else None)],
        [_("Attachments"), Attachment.objects.aggregate(n=Count("pk"))["n"]],
    ]
    return table([_("What"), _("Size")], rows)


def core_sections(month: date) -> list[ReportSection]:
    since, until = month_bounds(month)
    return [
        ReportSection(_("Adoption by department"), _adoption(since, until), order=10),
        ReportSection(_("Most edited documents"), _top_documents(since, until), order=20),
        ReportSection(_("Stale documents"), _stale_documents(until), order=30),
        ReportSection(
            _("Searches that found nothing"), _searches_without_results(since, until), order=40
        ),
        ReportSection(_("Help between departments"), _help_between_departments(month), order=45),
        ReportSection(_("Errors seen"), _errors(month, until), order=80),
        ReportSection(_("Storage used"), _storage(), order=90),
    ]


def monthly_report(month: date) -> tuple[str, str]:
    """The report's title and its Markdown: the core's sections and the plugins'."""
    title = _("Operations report %(month)s") % {"month": f"{month:%Y-%m}"}
    sections = plugins.collect("hub_register_monthly_report_sections", month=month)
    parts = [f"## {section.title}\n\n{section.markdown.strip()}" for section in sections]
    generated = _("Generated %(when)s.") % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
    return title, "\n\n".join([generated, *parts]) + "\n"
