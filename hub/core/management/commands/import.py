"""``hub import <name>``: importers registered through ``hub_register_importers``."""

from hub.core.subcommands import HookSubcommandCommand


class Command(HookSubcommandCommand):
    help = "Import data into the hub: hub import org FILE, and importers plugins add."
    hook_name = "hub_register_importers"
