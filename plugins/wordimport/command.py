"""``hub import docs PATH... --space SLUG [--dry-run] [--map FILE] [--report-csv FILE]``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management import CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from hub.core.models import SpacePage, User
from hub.items import Subcommand
from plugins.wordimport.importers import FAILED, folder_sources, import_sources
from plugins.wordimport.mapping import MappingError, load_mapping
from plugins.wordimport.report import status_label, write_report_csv, write_report_page


def _add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=_(".docx files or folders (a folder tree becomes a page tree)"),
    )
    parser.add_argument("--space", help=_("slug of the space to import into"))
    parser.add_argument(
        "--dry-run", action="store_true", help=_("convert and report, change nothing")
    )
    parser.add_argument(
        "--map",
        dest="mapping",
        metavar="FILE",
        help=_("YAML mapping file: folders to spaces, Word styles to blocks"),
    )
    parser.add_argument("--report-csv", metavar="FILE", help=_("also write the report as CSV"))
    parser.add_argument("--user", help=_("username recorded as the author of the revisions"))


def _handle(options: dict, stdout) -> None:
    try:
        mapping = load_mapping(options["mapping"])
    except MappingError as error:
        raise CommandError(str(error)) from error
    space = None
    if options["space"]:
        space = SpacePage.objects.filter(slug=options["space"]).first()
        if space is None:
            raise CommandError(_("There is no space %(slug)s.") % {"slug": options["space"]})
    unknown = sorted(
        set(mapping.folders.values())
        - set(
            SpacePage.objects.filter(slug__in=mapping.folders.values()).values_list(
                "slug", flat=True
            )
        )
    )
    if unknown:
        raise CommandError(
            _("The mapping file names unknown spaces: %(slugs)s") % {"slugs": ", ".join(unknown)}
        )
    user = None
    if options["user"]:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("There is no user %(name)s.") % {"name": options["user"]})
    missing = [path for path in options["paths"] if not Path(path).exists()]
    if missing:
        raise CommandError(_("Not found: %(paths)s") % {"paths": ", ".join(missing)})
    sources = folder_sources(options["paths"], space, mapping)
    if not sources:
        raise CommandError(_("No .docx files were found."))
    report = import_sources(
        sources,
        user,
        mapping,
        options["dry_run"],
        progress=lambda items: tqdm(items, desc=_("Importing"), unit=_("file")),
    )
    for result in report.results:
        line = f"{status_label(result.status)}: {result.path}"
        details = [*result.warnings, result.error] if result.status != FAILED else [result.error]
        stdout.write(line + "".join(f"\n    {d}" for d in details if d))
    if options["report_csv"]:
        write_report_csv(report, options["report_csv"])
    if not report.dry_run:
        for target in {source.space for source in sources if source.space is not None}:
            page = write_report_page(report, target, user)
            stdout.write(_("Report: %(url)s") % {"url": page.url})
    stdout.write(report.summary())


def docs_subcommand() -> Subcommand:
    """The ``docs`` importer of ``hub import``."""
    return Subcommand(
        name="docs",
        help=_("Import Word (.docx) files as documents (see docs/wordimport.md)."),
        add_arguments=_add_arguments,
        handle=_handle,
        order=20,
    )
