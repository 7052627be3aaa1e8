"""``hub report <name>``: reports registered through ``hub_register_reports``."""

from hub.core.subcommands import HookSubcommandCommand


class Command(HookSubcommandCommand):
    help = "Print a report: hub report feedback --month YYYY-MM, and reports plugins add."
    hook_name = "hub_register_reports"
