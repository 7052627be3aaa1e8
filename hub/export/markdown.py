"""The Markdown export: the document's own Markdown source, preceded by YAML front matter
holding its title, space, owner, status, dates, tags and template fields.

Front matter is what static-site generators, pandoc and GitHub read (GitHub shows it as a
table), so the fields stay both readable and machine-readable. Keys are fixed English
words; field labels and values follow the reader's language, as on the page. A ``rows``
field becomes a list of mappings from column heading to cell.
"""

from __future__ import annotations

import yaml

from hub.core.models import DocumentPage
from hub.doctemplates.fields import field_rows


def _field_value(value: str | list[list[str]]) -> str | list[dict[str, str]]:
    if isinstance(value, list):
        header, *rows = value or [[]]
        return [dict(zip(header, row, strict=False)) for row in rows]
    return value


def front_matter(document: DocumentPage, url: str = "") -> dict:
    """The document's metadata and template fields, as the front matter's mapping."""
    meta: dict = {"title": document.title}
    if document.space:
        meta["space"] = document.space.title
    if document.owner:
        meta["owner"] = document.owner.get_full_name()
    meta["status"] = document.status
    if document.first_published_at:
        meta["created"] = document.first_published_at.isoformat(timespec="seconds")
    if document.latest_revision_created_at:
        meta["updated"] = document.latest_revision_created_at.isoformat(timespec="seconds")
    tags = sorted(tag.name for tag in document.tags.all())
    if tags:
        meta["tags"] = tags
    if document.template_id:
        meta["template"] = str(document.template)
        meta["fields"] = {label: _field_value(value) for label, value in field_rows(document)}
    if url:
        meta["url"] = url
    return meta


def export_markdown(document: DocumentPage, url: str = "") -> str:
    """The whole Markdown file: front matter, a blank line, then the body unchanged."""
    header = yaml.safe_dump(
        front_matter(document, url), allow_unicode=True, sort_keys=False, width=100
    )
    body = document.body or ""
    if body and not body.endswith("\n"):
        body += "\n"
    return f"---\n{header}---\n\n{body}"
