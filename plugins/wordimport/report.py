"""The import report: a Markdown page in the space (a draft, for its editors) and a CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hub.core.documents import create_document
from hub.core.models import DocumentPage, SpacePage, User
from plugins.wordimport.converter import escape
from plugins.wordimport.importers import ImportReport

CSV_COLUMNS = ["path", "status", "document", "warnings", "dropped", "error"]


def status_label(status: str) -> str:
    return {
        "created": pgettext("import status", "created"),
        "updated": pgettext("import status", "updated"),
        "skipped": pgettext("import status", "skipped"),
        "failed": pgettext("import status", "failed"),
    }[status]


def report_markdown(report: ImportReport) -> str:
    """The report as a Markdown table, one row per file."""

    def cell(text: str) -> str:
        return escape(text).replace("\n", " ")

    lines = [
        report.summary(),
        "",
        f"| {_('File')} | {_('Status')} | {_('Document')} | {_('Warnings')} |",
        "|---|---|---|---|",
    ]
    for result in report.results:
        document = (
            f"[{cell(result.document.title)}]({result.document.url})"
            if (result.document is not None and result.document.url)
            else ""
        )
        notes = "; ".join([*result.warnings, result.error]).strip("; ")
        lines.append(
            f"| {cell(result.path)} | {status_label(result.status)} | {document} | {cell(notes)} |"
        )
    return "\n".join(lines) + "\n"


def write_report_page(report: ImportReport, space: SpacePage, user: User | None) -> DocumentPage:
    """Save the report as a draft document in ``space`` (seen by its editors only)."""
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    title = _("Word import report %(when)s") % {"when": when}
    return create_document(
        space, user, title, report_markdown(report), DocumentPage.Status.DRAFT, tags=["word-import"]
    )


def write_report_csv(report: ImportReport, path: str) -> None:
    """Write one CSV row per file (UTF-8 with a byte order mark, so Excel reads Chinese)."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(CSV_COLUMNS)
        for result in report.results:
            writer.writerow(
                [
                    result.path,
                    result.status,
                    result.document.url if result.document is not None else "",
                    "; ".join(result.warnings),
                    "; ".join(result.dropped),
                    result.error,
                ]
            )
