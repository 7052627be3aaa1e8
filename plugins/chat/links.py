"""Links to documents in a message, and their preview for one viewer.

A message may link to documents of this site (``/docs/12/…`` or a page address such as
``/rd/weekly/``, relative or absolute); the ids are stored with the message and the
preview (title, space, first lines) is built per viewer, only for documents that viewer
may read, so a link never reveals a document to someone who may not see it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from django.conf import settings

from hub.core.documents import document_at
from hub.core.markdown import html_text, render_markdown
from hub.core.models import DocumentPage, User
from hub.core.permissions import can

MAX_LINKED_DOCUMENTS = 3
PREVIEW_LINES = 3
PREVIEW_CHARS = 240
ABSOLUTE_URL = re.compile(r"https?://[^\s<>()\[\]\"']+")
# Markdown links and autolinks to a path of this site: [text](/path) or </path>.
RELATIVE_URL = re.compile(r"\]\((/[^\s)]*)\)|<(/[^\s>]*)>")


def _local_hosts() -> set[str]:
    hosts = {host.lower() for host in settings.ALLOWED_HOSTS}
    hosts.add((urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "").lower())
    return hosts


def _paths(body: str) -> list[str]:
    paths = [next(filter(None, match.groups())) for match in RELATIVE_URL.finditer(body)]
    hosts = _local_hosts()
    for match in ABSOLUTE_URL.finditer(body):
        parts = urlsplit(match.group(0))
        if (parts.hostname or "").lower() in hosts:
            paths.append(parts.path or "/")
    return [unquote(path) for path in paths]


def linked_documents(body: str) -> list[DocumentPage]:
    """The documents of this site that ``body`` links to (at most a few, in order)."""
    paths = _paths(body)
    if not paths:
        return []
    found: dict[int, DocumentPage] = {}
    for path in paths:
        document = document_at(path)
        if document is not None:
            found.setdefault(document.pk, document)
        if len(found) >= MAX_LINKED_DOCUMENTS:
            break
    return list(found.values())


def first_lines(markdown: str) -> str:
    """The first lines of a document as plain text, for a preview."""
    text = html_text(render_markdown(markdown))
    lines = [line.strip() for line in text.splitlines() if line.strip()][:PREVIEW_LINES]
    excerpt = "\n".join(lines)
    return excerpt if len(excerpt) <= PREVIEW_CHARS else excerpt[:PREVIEW_CHARS] + "…"


def previews(documents: list[DocumentPage], viewer: User) -> list[dict[str, str]]:
    """Previews of the ``documents`` that ``viewer`` may read (the others are left out)."""
    return [
        {
            "title": document.title,
            "space": document.space.title if document.space else "",
            "excerpt": first_lines(document.body),
            "url": document.url or "",
        }
        for document in documents
        if can(viewer, "view", document)
    ]
