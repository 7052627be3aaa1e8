"""Restoring a backup (``hub restore``) into a fresh site, or over one with ``force``.

Everything that can refuse is checked before anything changes: the archive is a hub
backup and intact (gzip checksums, the dump's SHA-256), this code knows every migration
it was made with, and the target has no content. Then the database is brought to the
backup's schema (older backups: the newer migrations are unapplied), emptied and loaded
in one transaction, migrated forward again, the media files are swapped in, and the
search index is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.jsonl import Deserializer as JSONLDeserializer
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from tqdm import tqdm

from hub.ops.archive import (
    DATABASE_NAME,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    MEDIA_PREFIX,
    BackupError,
)

# Tables the target's own migrations fill; a restore keeps them (rows refer to them by name).
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


@dataclass
class MigrationPlan:
    """How the backup's schema relates to this code's."""

    backup_nodes: set[tuple[str, str]]
    # This code's migrations the backup was made without (it is from an older hub).
    missing: list[tuple[str, str]] = field(default_factory=list)
    # Per app the backup is behind in, the migration its data matches (None: no table yet).
    targets: list[tuple[str, str | None]] = field(default_factory=list)


def read_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(
            _("Not a hub backup: its manifest is unreadable (%(error)s).") % {"error": error}
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("Not a hub backup: its manifest does not say it is one."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "This backup has format version %(found)s; this hub reads version %(known)s "
                "(it was made by a different hub version)."
            )
            % {"found": manifest.get("format_version"), "known": FORMAT_VERSION}
        )
    if not isinstance(manifest.get("migrations"), dict):
        raise BackupError(_("Not a hub backup: its manifest lists no migrations."))
    return manifest


def plan_migrations(manifest: dict[str, Any]) -> MigrationPlan:
    """Compare the backup's migrations with this code's; refuse a newer backup, and an
    older one whose gap cannot be bridged (a migration that cannot be unapplied)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    backup_nodes = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(backup_nodes - known)
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            _(
                "This backup was made by a newer hub (version %(version)s) or one with other "
                "plugins: its database has migrations this hub does not have (%(listed)s). "
                "Restore it with that version of the hub, or upgrade this one."
            )
            % {"version": manifest.get("hub_version"), "listed": listed}
        )
    # Squashed migrations stand for the ones they replace: compare on the graph's nodes.
    graph_nodes = set(loader.graph.nodes)
    plan = MigrationPlan(backup_nodes=backup_nodes & graph_nodes)
    # Apps the backup has no migrations of (plugins enabled since) stay as they are: their
    # tables are emptied like all others and simply hold nothing from the backup.
    backup_apps = {app for app, _name in backup_nodes}
    plan.missing = sorted(node for node in graph_nodes - backup_nodes if node[0] in backup_apps)
    if not plan.missing:
        return plan
    for migration_key in plan.missing:
        migration = loader.graph.nodes[migration_key]
        if not all(operation.reversible for operation in migration.operations):
            raise BackupError(
                _(
                    "This backup is from an older hub, and this hub's migration "
                    "%(migration)s cannot be undone to load it. Restore it with the hub "
                    "version that made it (%(version)s), then upgrade."
                )
                % {
                    "migration": ".".join(migration_key),
                    "version": manifest.get("hub_version"),
                }
            )
    for app in sorted({app for app, _name in plan.missing}):
        nodes = {node for node in plan.backup_nodes if node[0] == app}
        leaves = [
            node
            for node in nodes
            if not any(child.key in nodes for child in loader.graph.node_map[node].children)
        ]
        plan.targets.extend(leaves or [(app, None)])
    return plan


def target_has_content() -> bool:
    """Does this site hold anything a restore would overwrite (people, spaces,
    documents, revisions, media files)?"""
    from wagtail.models import Page, Revision

    from hub.core.models import User

    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(path.is_file() for path in media.rglob("*")):
        return True
    if User._meta.db_table not in connection.introspection.table_names():
        return False  # not even migrated yet
    return (
        User.objects.exists()
        or Page.objects.filter(depth__gt=2).exists()
        or Revision.objects.exists()
    )


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(
            _("The backup holds a file with an unsafe name: %(name)s") % {"name": name}
        )
    return path


@dataclass
class Unpacked:
    manifest: dict[str, Any]
    plan: MigrationPlan
    database: Path
    media: Path


def unpack(archive_path: Path, work: Path, force: bool, progress: bool) -> Unpacked:
    """Read the archive into ``work`` and make every check; raise BackupError to refuse."""
    manifest = plan = None
    database = work / DATABASE_NAME
    media = work / "media"
    media.mkdir()
    digest = hashlib.sha256()
    try:
        with tarfile.open(archive_path, "r|gz") as archive:
            for member in tqdm(archive, unit="files", disable=not progress, desc="unpack"):
                if manifest is None:
                    if member.name != MANIFEST_NAME or not member.isfile():
                        raise BackupError(_("Not a hub backup: it does not start with a manifest."))
                    manifest = read_manifest(archive.extractfile(member).read())
                    plan = plan_migrations(manifest)
                    if not force and target_has_content():
                        raise BackupError(
                            _(
                                "This site already has content (people, documents or "
                                "files): restore into a fresh data folder, or give --force "
                                "to replace everything in it."
                            )
                        )
                    continue
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(
                        _("The backup holds something that is not a file: %(name)s")
                        % {"name": member.name}
                    )
                if member.name == DATABASE_NAME:
                    with database.open("wb") as out:
                        source = archive.extractfile(member)
                        while chunk := source.read(1 << 20):
                            digest.update(chunk)
                            out.write(chunk)
                elif member.name.startswith(MEDIA_PREFIX):
                    relative = _safe_member_path(member.name[len(MEDIA_PREFIX) :])
                    target = media.joinpath(*relative.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with target.open("wb") as out:
                        shutil.copyfileobj(archive.extractfile(member), out)
                else:
                    raise BackupError(
                        _("The backup holds an unexpected file: %(name)s") % {"name": member.name}
                    )
    except (tarfile.TarError, zlib.error, EOFError, OSError, ValueError) as error:
        raise BackupError(
            _("The backup is not a readable .tar.gz file or is damaged: %(error)s")
            % {"error": error}
        ) from error
    if manifest is None:
        raise BackupError(_("Not a hub backup: the archive is empty."))
    if not database.exists() or digest.hexdigest() != manifest.get("database", {}).get("sha256"):
        raise BackupError(_("The backup is damaged: its database dump is missing or altered."))
    return Unpacked(manifest, plan, database, media)


class _Deserializer(JSONLDeserializer):
    """Django's JSON-lines deserializer, reading models from a given registry (the
    historical models of an older backup's schema)."""

    def __init__(self, stream, *, model_apps, **options) -> None:
        self.model_apps = model_apps
        super().__init__(stream, **options)

    def _natural_pk(self, field, key: list):
        # Historical models have no natural-key methods of their own (and Permission's
        # would look content types up as the current model): resolve with the current
        # model (content types and permissions, whose tables migrations do not change).
        model = global_apps.get_model(field.remote_field.model._meta.label)
        return model._default_manager.db_manager(self.using).get_by_natural_key(*key).pk

    def _handle_fk_field_node(self, field, field_value):
        if self.model_apps is not global_apps and isinstance(field_value, list):
            return self._natural_pk(field, field_value)
        return super()._handle_fk_field_node(field, field_value)

    def _handle_m2m_field_node(self, field, field_value):
        if self.model_apps is global_apps:
            return super()._handle_m2m_field_node(field, field_value)
        to_pk = field.remote_field.model._meta.pk.to_python
        return [
            self._natural_pk(field, value) if isinstance(value, list) else to_pk(value)
            for value in field_value
        ]

    def _get_model_from_node(self, model_identifier: str):
        try:
            return self.model_apps.get_model(model_identifier)
        except (LookupError, TypeError) as error:
            raise serializers.base.DeserializationError(
                f"Invalid model identifier: {model_identifier}"
            ) from error


def _empty_tables() -> list[str]:
    tables = [
        table
        for table in connection.introspection.django_table_names(only_existing=True)
        if table not in KEPT_TABLES
    ]
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=False)
    )
    return tables


def load_database(dump: Path, model_apps, total: int, progress: bool) -> int:
    """Replace every row with the dump's, in one transaction; return the rows loaded."""
    loaded_models = set()
    loaded = 0
    with transaction.atomic():
        tables = _empty_tables()
        deferred = []
        with (
            dump.open(encoding="utf-8") as stream,
            tqdm(total=total, unit="rows", disable=not progress, desc="database") as bar,
        ):
            objects = _Deserializer(stream, model_apps=model_apps, handle_forward_references=True)
            for obj in objects:
                obj.save()
                if obj.deferred_fields:
                    deferred.append(obj)
                loaded_models.add(type(obj.object))
                loaded += 1
                bar.update()
        for obj in deferred:
            obj.save_deferred_fields()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(loaded_models)):
                cursor.execute(sql)
        connection.check_constraints(table_names=tables)
    return loaded


def _swap_media(restored: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    old = media.with_name(f".{media.name}.old-{uuid.uuid4().hex[:8]}")
    if media.exists():
        os.rename(media, old)
    shutil.move(restored, media)
    shutil.rmtree(old, ignore_errors=True)


def restore_backup(archive_path: Path, force: bool = False, progress: bool = True) -> dict:
    """Restore ``archive_path`` into this site; return the backup's manifest."""
    if not archive_path.is_file():
        raise BackupError(_("%(path)s is not a file.") % {"path": archive_path})
    media_parent = Path(settings.MEDIA_ROOT).parent
    media_parent.mkdir(parents=True, exist_ok=True)
    # Unpacked beside MEDIA_ROOT, so the media folder moves into place by a rename.
    with tempfile.TemporaryDirectory(dir=media_parent, prefix=".hub-restore-") as work:
        unpacked = unpack(archive_path, Path(work), force, progress)
        call_command("migrate", interactive=False, verbosity=0)
        plan = unpacked.plan
        total = unpacked.manifest["database"]["objects"]
        if plan.missing:
            executor = MigrationExecutor(connection)
            executor.migrate(plan.targets)
            model_apps = executor.loader.project_state(sorted(plan.backup_nodes)).apps
            try:
                load_database(unpacked.database, model_apps, total, progress)
            finally:
                call_command("migrate", interactive=False, verbosity=0)
        else:
            load_database(unpacked.database, global_apps, total, progress)
        _swap_media(unpacked.media)
    call_command("reindex", no_progress=not progress, verbosity=0)
    return unpacked.manifest
