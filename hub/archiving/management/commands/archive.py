"""``hub archive propose``: propose what nobody touched for a while, and tell its owners."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hub.archiving.services import archive_types, propose, shown


class Command(BaseCommand):
    help = (
        "Propose spaces, documents and plugins' items (chat rooms) with no activity for "
        "archiving (run it daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["propose"], help="what to do: propose")
        parser.add_argument(
            "--days", type=int, help="no activity for this many days (HUB_ARCHIVE_AFTER_DAYS)"
        )
        parser.add_argument("--dry-run", action="store_true", help="list them, change nothing")

    def handle(self, *args, action: str, days: int | None, dry_run: bool, **options):
        if days is not None and days < 1:
            raise CommandError(_("--days must be at least 1"))
        proposals = propose(days, dry_run=dry_run)
        types = archive_types()
        for proposal in proposals:
            what = shown(proposal, types)
            label = what.label if what else f"{proposal.kind} {proposal.key}"
            when = f" ({proposal.last_activity:%Y-%m-%d})" if proposal.last_activity else ""
            self.stdout.write(f"{label}{when}")
        summary = _("%(count)d proposed") if not dry_run else _("%(count)d would be proposed")
        self.stdout.write(summary % {"count": len(proposals)})
