"""``hub report feedback --month YYYY-MM [--department CODE]``: the monthly summary as text.

Like the page, the report speaks the hub's language (``HUB_LANGUAGE``).
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any, TextIO

from django.core.management import CommandError
from django.utils.translation import gettext as _

from hub.core.models import Department
from hub.core.months import parse_month
from hub.dashboards.monthly import table
from hub.items import ReportSection, Subcommand
from plugins.feedback.summary import Summary, monthly_summary


def add_arguments(parser: ArgumentParser) -> None:
    # --month is checked in handle() so that a missing month is a CommandError too.
    parser.add_argument("--month", help="the month to summarise, as YYYY-MM (e.g. 2026-11)")
    parser.add_argument("--department", metavar="CODE", help="only this department (its code)")


def write_summary(summary: Summary, scope: str, stdout: TextIO) -> None:
    """Print the summary as aligned plain-text sections."""
    lines = [
        _("Feedback summary for %(month)s (%(scope)s)")
        % {"month": f"{summary.month:%Y-%m}", "scope": scope},
        _("Total: %(total)s") % {"total": summary.total},
    ]
    sections = [
        (_("By category"), summary.by_category),
        (_("By department"), [(f"{d.code} {d.name}", n) for d, n in summary.by_department]),
        (_("By status"), summary.by_status),
    ]
    for title, rows in sections:
        lines += ["", title]
        width = max((len(str(label)) for label, _count in rows), default=0)
        # "none" is looked up outside the f-string: xgettext does not read into f-strings.
        none = _("none")
        lines += [f"  {label!s:<{width}}  {count:>5}" for label, count in rows] or [f"  ({none})"]
    stdout.write("\n".join(lines) + "\n")


def handle(options: dict[str, Any], stdout: TextIO) -> None:
    if not options.get("month"):
        raise CommandError(
            _("Give the month to summarise: --month YYYY-MM, for example --month 2026-11.")
        )
    try:
        month = parse_month(options["month"])
    except ValueError as error:
        raise CommandError(str(error)) from error
    departments, scope = None, _("all departments")
    code = options.get("department")
    if code:
        departments = Department.objects.filter(code=code)
        if not departments.exists():
            known = ", ".join(Department.objects.values_list("code", flat=True)) or "—"
            raise CommandError(
                _("Unknown department code “%(code)s”. Known codes: %(known)s.")
                % {"code": code, "known": known}
            )
        scope = _("department %(code)s") % {"code": code}
    write_summary(monthly_summary(month, departments), scope, stdout)


def feedback_report() -> Subcommand:
    """The ``feedback`` subcommand of ``hub report``."""
    return Subcommand(
        name="feedback",
        help="Monthly feedback summary: counts by category, department and status.",
        add_arguments=add_arguments,
        handle=handle,
    )


def operations_section(month: date) -> ReportSection:
    """The feedback part of the monthly operations report (``hub report month``)."""
    summary = monthly_summary(month)
    parts = [_("Total: %(total)s") % {"total": summary.total}]
    breakdowns = [
        (_("By category"), summary.by_category),
        (_("By department"), [(d.display_name, n) for d, n in summary.by_department]),
        (_("By status"), summary.by_status),
    ]
    for title, rows in breakdowns:
        parts.append(table([title, _("Count")], [[label, count] for label, count in rows]))
    return ReportSection(_("Feedback"), "\n\n".join(parts), order=60)
