"""The backup archive's format, shared by ``hub backup`` and ``hub restore``.

A backup is one ``.tar.gz`` holding, in this order:

- ``manifest.json``: ``format`` ("hub-backup"), ``format_version``, ``hub_version``,
  ``created`` (UTC), ``database`` (vendor it came from, object count, SHA-256 of the dump),
  ``migrations`` (applied migration names per app), ``counts`` (rows per model),
  ``media`` (file count and bytes);
- ``database.jsonl``: every row of every model, one JSON object a line, as Django's
  ``jsonl`` serializer writes them, with the original primary keys (so ids inside JSON,
  revisions and URLs stay valid) and content types and permissions referred to by
  natural key (the target's own migrations create them, with other ids). Content
  types, permissions and sessions are not dumped: the target's migrations create the
  first two, and sessions would only log people in again. Models come in dependency
  order. Nothing in it depends on the database engine: an SQLite site restores into
  PostgreSQL and back;
- ``media/…``: the files of ``MEDIA_ROOT`` (attachments, images).
"""

from __future__ import annotations

import datetime
import importlib.metadata

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLSerializer
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "hub-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_NAME = "database.jsonl"
MEDIA_PREFIX = "media/"
NOT_DUMPED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's cuts them to
    milliseconds), so a restored row equals the original."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def referred_to_by_name(model) -> bool:
    """Is a reference to ``model`` written as its natural key? Only content types and
    permissions: the target's migrations create them with ids of their own. Everything
    else keeps its primary key, so it needs no lookup (and no natural-key method that an
    older schema may not support) to load."""
    return model._meta.label_lower in {"contenttypes.contenttype", "auth.permission"}


class Serializer(JSONLSerializer):
    """Django's JSON-lines serializer with exact times and natural keys only for the
    references ``referred_to_by_name`` names."""

    def _by_name(self, field) -> None:
        # Django's serializer asks this flag for each relation it writes.
        self.use_natural_foreign_keys = referred_to_by_name(field.remote_field.model)

    def handle_fk_field(self, obj, field) -> None:
        self._by_name(field)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field) -> None:
        self._by_name(field)
        super().handle_m2m_field(obj, field)

    def serialize(self, queryset, **options):
        return super().serialize(queryset, cls=ExactJSONEncoder, **options)


class BackupError(Exception):
    """A backup or restore was refused; the message says why (nothing was changed)."""


def hub_version() -> str:
    try:
        return importlib.metadata.version("hub")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def dumped_models() -> list[type]:
    """Every concrete model whose rows a backup holds, in dependency order (a model whose
    natural key another refers to comes first)."""
    by_app = []
    for app_config in apps.get_app_configs():
        models = [
            model
            for model in app_config.get_models()
            if model._meta.managed
            and not model._meta.proxy
            and model._meta.label_lower not in NOT_DUMPED
        ]
        if models:
            by_app.append((app_config, models))
    return serializers.sort_dependencies(by_app, allow_cycles=True)


def applied_migrations() -> dict[str, list[str]]:
    """The migrations applied to the database, per app, sorted by name."""
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied
