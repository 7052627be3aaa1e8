"""Commands whose subcommands come from hooks: ``hub import <name>`` and ``hub report <name>``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from hub import plugins


class HookSubcommandCommand(BaseCommand):
    """A management command with one argparse subparser per registered ``Subcommand``."""

    hook_name = ""

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", required=True, metavar="NAME")
        self.subcommands = {}
        for subcommand in plugins.collect(self.hook_name):
            sub = subparsers.add_parser(
                subcommand.name, help=subcommand.help, description=subcommand.help
            )
            subcommand.add_arguments(sub)
            self.subcommands[subcommand.name] = subcommand

    def handle(self, *args, subcommand: str, **options) -> None:
        self.subcommands[subcommand].handle(options, self.stdout)
