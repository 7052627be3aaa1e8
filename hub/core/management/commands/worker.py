"""``hub worker``: run the hub's background tasks (approval deadlines…) as they fall due.

The tasks are rows in the database (django-tasks' database backend), so a worker that
stops or is killed loses nothing: the next one picks up whatever is due. ``hub serve``
starts one beside the web server; a scaled-out site runs one or more on their own.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Run background tasks (deadlines, reminders, escalation) as they fall due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait between looks for due tasks (1)",
        )
        parser.add_argument("--batch", action="store_true", help="run what is due now, then exit")

    def handle(self, *args, interval: float, batch: bool, **options):
        if interval <= 0:
            raise CommandError(_("--interval must be more than 0 seconds"))
        # Passed as command-line words: db_worker validates its --backend as it parses.
        arguments = ["--backend", settings.HUB_TASK_BACKEND, "--interval", str(interval)]
        arguments += ["--no-reload", "--no-startup-delay"] + (["--batch"] if batch else [])
        call_command("db_worker", *arguments, verbosity=options["verbosity"])
