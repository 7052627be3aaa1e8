"""Batch import of Word files into a space's page tree, idempotent, one report per run.

Every file is converted and saved in its own transaction: a file that fails (hostile,
corrupt, or a bug) is reported and rolled back alone, and the batch goes on. A file whose
content hash matches the last import of the same path is skipped; a changed one becomes a
new revision of the same document. Folders become documents (reused by title or slug).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hub.core.documents import create_document, save_document
from hub.core.models import Attachment, DocumentPage, SpacePage, User
from plugins.wordimport.converter import Conversion, Options, convert_docx
from plugins.wordimport.mapping import Mapping
from plugins.wordimport.models import ImportedFile
from plugins.wordimport.safety import Limits, UnsafeDocument
from plugins.wordimport.warnings import describe

logger = logging.getLogger("hub.wordimport")

CREATED, UPDATED, SKIPPED, FAILED = "created", "updated", "skipped", "failed"


@dataclass
class Source:
    """One file to import: where it is shown from (``path``), its space and its bytes."""

    path: str
    space: SpacePage | None
    read: Callable[[], bytes]


@dataclass
class FileResult:
    """What happened to one file."""

    path: str
    status: str
    document: DocumentPage | None = None
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class ImportReport:
    """Every file's result, in the order they were imported."""

    results: list[FileResult] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.status == status)

    def summary(self) -> str:
        text = _(
            "%(created)d created, %(updated)d updated, %(skipped)d skipped, %(failed)d failed."
        ) % {status: self.count(status) for status in (CREATED, UPDATED, SKIPPED, FAILED)}
        return text + (" " + _("Dry run: nothing was changed.") if self.dry_run else "")


def folder_sources(paths: Iterable[str], space: SpacePage | None, mapping: Mapping) -> list[Source]:
    """The .docx files under ``paths`` (files or folders), with their spaces from the map."""
    sources: list[Source] = []
    for given in paths:
        root = Path(given)
        if root.is_file():
            files, base = [root], root.parent
        else:
            files, base = sorted(root.rglob("*.docx")), root
        for file in files:
            if file.name.startswith("~$"):  # Word's lock files
                continue
            relative = file.relative_to(base).as_posix()
            slug, rest = mapping.space_for(relative)
            target = SpacePage.objects.filter(slug=slug).first() if slug else space
            sources.append(Source(rest if slug else relative, target, _bounded_reader(file)))
    return sources


def _bounded_reader(file: Path) -> Callable[[], bytes]:
    """Read ``file`` unless it is over the size limit (then it is never loaded)."""

    def read() -> bytes:
        limit = Limits.configured().max_file_bytes
        if file.stat().st_size > limit:
            raise UnsafeDocument(
                _("The file is larger than %(limit)d MB.") % {"limit": limit >> 20}
            )
        return file.read_bytes()

    return read


def _folder_page(parent, name: str, user: User | None):
    """The document standing for a folder under ``parent``: reused by title or slug."""
    children = DocumentPage.objects.child_of(parent)
    existing = (
        children.filter(title=name).first()
        or children.filter(slug=slugify(name, allow_unicode=True)).first()
    )
    if existing is not None:
        return existing
    return create_document(parent, user, name, "", DocumentPage.Status.PUBLISHED)


def _store_images(document: DocumentPage, conversion: Conversion, user: User | None) -> str:
    """Save the images as attachments (reusing identical ones); return the final Markdown."""
    from django.core.files.base import ContentFile

    markdown = conversion.markdown
    existing = {(a.filename, a.size): a for a in document.attachments.all()}
    for image in conversion.images:
        attachment = existing.get((image.name, len(image.blob)))
        if attachment is None or attachment.file.read() != image.blob:
            attachment = Attachment.objects.create(
                document=document,
                file=ContentFile(image.blob, name=image.name),
                filename=image.name,
                content_type=image.content_type,
                size=len(image.blob),
                uploaded_by=user,
            )
        url = reverse("attachment_download", args=[attachment.pk, attachment.filename])
        markdown = markdown.replace(f"](media/{image.name})", f"]({url})")
    return markdown


def _save(
    source: Source,
    data: bytes,
    digest: str,
    conversion: Conversion,
    record: ImportedFile | None,
    user: User | None,
) -> tuple[str, DocumentPage]:
    """Write one converted file: create or revise its document, remember its hash."""
    folders = PurePosixPath(source.path).parts[:-1]
    title = conversion.title or PurePosixPath(source.path).stem
    document = record.document if record is not None else None
    if document is None:
        parent = source.space
        for folder in folders:
            parent = _folder_page(parent, folder, user)
        document = create_document(
            parent, user, title, conversion.markdown, DocumentPage.Status.PUBLISHED
        )
        status = CREATED
    else:
        status = UPDATED
    body = _store_images(document, conversion, user)
    if status == CREATED and body == conversion.markdown:
        revision = document.latest_revision
    else:
        tags = [tag.name for tag in document.tags.all()]
        revision = save_document(document, user, title, body, document.status, tags)
    ImportedFile.objects.update_or_create(
        space=source.space,
        path=source.path,
        defaults={
            "sha256": digest,
            "document": document,
            "revision_id": revision.pk if revision else None,
            "author": conversion.author[:255],
            "created": conversion.created,
            "modified": conversion.modified,
            "imported_by": user,
        },
    )
    return status, document


def import_one(
    source: Source, user: User | None, options: Options, dry_run: bool = False
) -> FileResult:
    """Import one file in its own transaction; never raises."""
    result = FileResult(source.path, FAILED)
    if source.space is None:
        result.error = _("No space: give --space or map its folder in the mapping file.")
        return result
    try:
        data = source.read()
        digest = hashlib.sha256(data).hexdigest()
        record = (
            ImportedFile.objects.filter(space=source.space, path=source.path)
            .select_related("document")
            .first()
        )
        if record is not None and record.sha256 == digest and record.document is not None:
            result.status, result.document = SKIPPED, record.document
            return result
        conversion = convert_docx(data, options)
        result.warnings = describe(conversion.warnings)
        result.dropped = describe(conversion.dropped)
        if dry_run:
            has_document = record is not None and record.document is not None
            result.status = UPDATED if has_document else CREATED
            return result
        with transaction.atomic():
            result.status, result.document = _save(source, data, digest, conversion, record, user)
    except UnsafeDocument as error:
        result.error = str(error)
    except Exception as error:  # one bad file never stops the batch
        logger.exception("importing %s failed", source.path)
        result.error = _("The file could not be converted: %(error)s") % {"error": error}
    return result


def import_sources(
    sources: list[Source],
    user: User | None,
    mapping: Mapping,
    dry_run: bool = False,
    progress: Callable | None = None,
) -> ImportReport:
    """Import every source; ``progress`` wraps the iteration (a tqdm bar on the terminal)."""
    options = Options(keep_deletions=mapping.keep_deletions, style_map=mapping.styles)
    report = ImportReport(dry_run=dry_run)
    for source in progress(sources) if progress else sources:
        report.results.append(import_one(source, user, options, dry_run))
    return report
