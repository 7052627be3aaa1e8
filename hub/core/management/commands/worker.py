"""``hub worker``: run the hub's background tasks (approval deadlines…) as they fall due.

The tasks are rows in the database (django-tasks' database backend), so a worker that
stops or is killed loses nothing: the next one picks up whatever is due. ``hub serve``
starts one beside the web server; a scaled-out site runs one or more on their own.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def requeue_abandoned(older_than: timedelta) -> int:
    """Put tasks marked running for longer than ``older_than`` back in the queue.

    A worker killed in the middle of a task leaves it marked running for ever; the hub's
    tasks take well under a second and are written to be run again safely.
    """
    return DBTaskResult.objects.filter(
        backend_name=settings.HUB_TASK_BACKEND,
        status=TaskResultStatus.RUNNING,
        started_at__lt=timezone.now() - older_than,
    ).update(status=TaskResultStatus.READY)


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
        parser.add_argument(
            "--requeue-after",
            type=float,
            default=300,
            help="at start, re-run tasks marked running for longer than this many seconds"
            " (left by a worker that was killed; 300)",
        )

    def handle(self, *args, interval: float, batch: bool, requeue_after: float, **options):
        if interval <= 0:
            raise CommandError(_("--interval must be more than 0 seconds"))
        if requeue_after < 0:
            raise CommandError(_("--requeue-after cannot be negative"))
        requeued = requeue_abandoned(timedelta(seconds=requeue_after))
        if requeued and options["verbosity"]:
            self.stdout.write(_("Re-queued %(count)d abandoned tasks") % {"count": requeued})
        # Passed as command-line words: db_worker validates its --backend as it parses.
        arguments = ["--backend", settings.HUB_TASK_BACKEND, "--interval", str(interval)]
        arguments += ["--no-reload", "--no-startup-delay"] + (["--batch"] if batch else [])
        call_command("db_worker", *arguments, verbosity=options["verbosity"])
