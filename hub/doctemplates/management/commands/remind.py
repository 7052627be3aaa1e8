"""``hub remind weekly-reports [--week 2026-W48] [--dry-run]``: remind people who have not
filed their weekly report once ``HUB_WEEKLY_REPORT_DEADLINE`` has passed (run it from cron
as often as you like: nobody is reminded twice for one week)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hub.doctemplates import reminders
from hub.doctemplates.weeks import current_week, parse_deadline, parse_week

WHAT = ("weekly-reports",)


class Command(BaseCommand):
    help = "Remind people who have not filed their weekly report after the deadline."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=WHAT, help="what to remind about")
        parser.add_argument("--week", help="the ISO week, e.g. 2026-W48 (default: this week)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would be reminded, send nothing"
        )

    def handle(self, *args, what: str, week: str | None, dry_run: bool, **options):
        try:
            parse_deadline(settings.HUB_WEEKLY_REPORT_DEADLINE)
        except ValueError as error:
            raise CommandError(
                _("HUB_WEEKLY_REPORT_DEADLINE must look like 'FRI 18:00': %(error)s")
                % {"error": error}
            ) from error
        week = week or current_week()
        try:
            parse_week(week)
        except ValueError as error:
            raise CommandError(_("Give the week like 2026-W48.")) from error
        run = reminders.plan(week)
        deadline = run.deadline.strftime("%Y-%m-%d %H:%M")
        if not run.due:
            self.stdout.write(
                _("The reports of %(week)s are due %(deadline)s: nobody to remind yet.")
                % {"week": week, "deadline": deadline}
            )
            return
        for person in run.to_remind:
            self.stdout.write(f"  {person.username}  {person.get_full_name()}")
        if dry_run:
            self.stdout.write(
                _("Dry run: %(count)d people would be reminded for %(week)s.")
                % {"count": len(run.to_remind), "week": week}
            )
            return
        sent = reminders.send(run)
        self.stdout.write(
            _("Reminded %(sent)d people for %(week)s (%(before)d reminded before).")
            % {"sent": sent, "week": week, "before": run.already_reminded}
        )
