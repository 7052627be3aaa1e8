"""``hub reindex``: rebuild the search index from the database, atomically.

Each model hierarchy's index is built in a sibling folder and swapped into place, so
searches keep working meanwhile; updates saved meanwhile wait and land in the new one.
"""

from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models

from hub.search.backend import WhooshSearchBackend


class Command(BaseCommand):
    help = "Rebuild the search index from the database (built aside, then swapped in)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--procs",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="processes analysing text in parallel (default: up to 2)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, procs: int, no_progress: bool, **options) -> None:
        if procs < 1:
            raise CommandError(_("--procs must be at least 1."))
        backend = get_search_backend()
        if not isinstance(backend, WhooshSearchBackend):
            # Another engine (PostgreSQL, OpenSearch…): Wagtail's own command rebuilds it.
            call_command("update_index", verbosity=options["verbosity"])
            return
        stores = {}
        for model in get_indexed_models():
            store = backend.get_index_for_model(model).store
            stores[str(store.path)] = store
        for store in stores.values():
            count = store.rebuild(progress=not no_progress, procs=procs)
            self.stdout.write(
                _("%(folder)s: %(count)d documents indexed.")
                % {"folder": store.path, "count": count}
            )
