"""``hub remind_tasks [--date YYYY-MM-DD]``: remind assignees of due-soon and overdue tasks
(run it from cron as often as you like: a task is reminded at most once a day)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plugins.taskboard import reminders


class Command(BaseCommand):
    help = "Remind assignees of tasks that are due soon or overdue."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default: today)")

    def handle(self, *args, date: str | None = None, **options):
        today = None
        if date:
            try:
                today = _parse(date)
            except ValueError as error:
                raise CommandError(_("Give the date like 2026-11-25.")) from error
        sent = reminders.send(today)
        self.stdout.write(_("Reminded %(count)d tasks.") % {"count": sent})


def _parse(text: str) -> date:
    return date.fromisoformat(text)
