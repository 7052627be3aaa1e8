"""Writing a backup (``hub backup``): the database dumped from one consistent snapshot,
streamed row by row to a temporary file, then packed with the manifest and the media files
into one ``.tar.gz`` (see ``hub.ops.archive`` for the format).

Nothing is held in memory but one row at a time; the archive appears under its name only
when it is complete.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from hub.ops.archive import (
    DATABASE_NAME,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    MEDIA_PREFIX,
    BackupError,
    Serializer,
    applied_migrations,
    dumped_models,
    hub_version,
    referred_to_by_name,
)


def default_name() -> str:
    return f"hub-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


@contextmanager
def _snapshot() -> Iterator[None]:
    """Read every table as of one moment, without blocking writers meanwhile."""
    if connection.vendor == "sqlite":
        # Django opens SQLite transactions IMMEDIATE (a write lock); a plain BEGIN is a
        # read snapshot in WAL mode, which lets the site keep saving during the backup.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
    else:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield


def _natural_key_relations(model) -> list[str]:
    # Writing a reference as a natural key loads the related row: join it instead of one
    # query per row.
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.many_to_one and referred_to_by_name(field.related_model)
    ]


def dump_database(out: TextIO, progress: bool) -> tuple[dict[str, int], str]:
    """Write every row as JSON lines to ``out``; return rows per model and the SHA-256."""
    counts: dict[str, int] = {}
    digest = hashlib.sha256()

    class Hashing(io.TextIOBase):
        def write(self, text: str) -> int:
            digest.update(text.encode("utf-8"))
            return out.write(text)

    stream = Hashing()
    serializer = Serializer()
    models = dumped_models()
    querysets = [
        model._base_manager.select_related(*_natural_key_relations(model)).order_by("pk")
        for model in models
    ]
    sizes = [queryset.count() for queryset in querysets]
    with tqdm(total=sum(sizes), unit="rows", disable=not progress, desc="database") as bar:
        for model, queryset, size in zip(models, querysets, sizes, strict=True):
            counts[model._meta.label_lower] = size
            if not size:
                continue
            serializer.serialize(
                queryset.iterator(chunk_size=1000),
                stream=stream,
                use_natural_primary_keys=False,
            )
            bar.update(size)
    return counts, digest.hexdigest()


def media_files() -> list[tuple[Path, str]]:
    """(file, name in the archive) for every regular file under MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return [
        (path, MEDIA_PREFIX + path.relative_to(root).as_posix())
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    ]


def _check_migrated() -> dict[str, list[str]]:
    applied = applied_migrations()
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    missing = sorted(set(loader.graph.nodes) - set(loader.applied_migrations))
    if missing:
        raise BackupError(
            _("The database is not fully migrated (%(migration)s): run `hub migrate` first.")
            % {"migration": ".".join(missing[0])}
        )
    return applied


def write_backup(path: Path, progress: bool = True) -> dict:
    """Write a complete backup to ``path`` (which must not exist); return its manifest."""
    if path.exists():
        raise BackupError(_("%(path)s already exists: choose another name.") % {"path": path})
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".hub-backup-") as work:
        dump_path = Path(work) / DATABASE_NAME
        with _snapshot():
            migrations = _check_migrated()
            with dump_path.open("w", encoding="utf-8") as out:
                counts, sha256 = dump_database(out, progress)
        files = media_files()
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "hub_version": hub_version(),
            "created": timezone.now().isoformat(),
            "database": {
                "vendor": connection.vendor,
                "file": DATABASE_NAME,
                "sha256": sha256,
                "objects": sum(counts.values()),
            },
            "migrations": migrations,
            "counts": counts,
            "media": {"files": len(files), "bytes": sum(path.stat().st_size for path, _ in files)},
        }
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size, info.mtime = len(data), int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump_path, arcname=DATABASE_NAME)
            for file, name in tqdm(files, unit="files", disable=not progress, desc="media"):
                archive.add(file, arcname=name, recursive=False)
        os.replace(partial, path)
    return manifest
