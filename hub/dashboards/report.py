"""``hub report month 2026-11``: the monthly operations report as Markdown, or a Word file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management import CommandError
from django.utils.translation import gettext as _

from hub.core.months import parse_month
from hub.dashboards.monthly import monthly_report
from hub.items import Subcommand


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("month", help="the month to report on, as YYYY-MM (e.g. 2026-11)")
    parser.add_argument("--docx", metavar="FILE", help="write a Word file instead of Markdown")


def word_file(month_title: str, markdown: str) -> bytes:
    """The report as a Word file, built by the document export (it is never saved)."""
    from hub.core.models import DocumentPage
    from hub.export.docx import build_docx

    report = DocumentPage(title=month_title, body=markdown)
    return build_docx(report, None, settings.WAGTAILADMIN_BASE_URL)


def handle(options: dict[str, Any], stdout: TextIO) -> None:
    try:
        month = parse_month(options["month"])
    except ValueError as error:
        raise CommandError(str(error)) from error
    title, markdown = monthly_report(month)
    if not options.get("docx"):
        stdout.write(f"# {title}\n\n{markdown}")
        return
    target = Path(options["docx"])
    if not target.parent.is_dir():
        raise CommandError(_("No such folder: %(folder)s") % {"folder": target.parent})
    target.write_bytes(word_file(title, markdown))
    stdout.write(_("Wrote %(file)s") % {"file": target} + "\n")


def month_report() -> Subcommand:
    """The ``month`` subcommand of ``hub report``."""
    return Subcommand(
        name="month",
        help="Monthly operations report: adoption, documents, searches, errors, storage…",
        add_arguments=add_arguments,
        handle=handle,
        order=10,
    )
