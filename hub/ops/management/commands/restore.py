"""``hub restore PATH [--force] [--no-progress]``: restore a backup into this (fresh) site."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hub.ops.archive import BackupError
from hub.ops.restore import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `hub backup` into this site: the database (any engine), "
        "the media files, then the search index is rebuilt. Refuses a site that already "
        "has content unless --force, which replaces everything in it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the backup (.tar.gz)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the content this site already has (it is deleted)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, path: str, force: bool, no_progress: bool, **options) -> None:
        try:
            manifest = restore_backup(Path(path), force=force, progress=not no_progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored %(rows)d rows and %(files)d media files from a backup of %(created)s.")
                % {
                    "rows": manifest["database"]["objects"],
                    "files": manifest["media"]["files"],
                    "created": manifest["created"],
                }
            )
        )
