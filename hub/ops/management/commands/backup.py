"""``hub backup [PATH] [--no-progress]``: write the database and media files to one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hub.ops.archive import BackupError
from hub.ops.backup import default_name, write_backup


class Command(BaseCommand):
    help = (
        "Write a backup: the database (engine-independent JSON) and the media files in one "
        ".tar.gz. PATH is a file name or an existing folder (default: "
        "hub-backup-YYYYmmdd-HHMMSS.tar.gz in the current folder)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", help="where to write the backup")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, path: str | None, no_progress: bool, **options) -> None:
        target = Path(path) if path else Path(default_name())
        if target.is_dir():
            target = target / default_name()
        try:
            manifest = write_backup(target.resolve(), progress=not no_progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written to %(path)s: %(rows)d rows, %(files)d media files.")
                % {
                    "path": target,
                    "rows": manifest["database"]["objects"],
                    "files": manifest["media"]["files"],
                }
            )
        )
