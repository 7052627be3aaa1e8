"""Creating, saving and restoring documents: every save is a Wagtail revision, published.

Views, the demo loader and importers all go through these functions, so each save
records its author and fires the same events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.coreutils import find_available_slug
from wagtail.models import Page, Revision, Site

from hub.core.models import DocumentPage, User

if TYPE_CHECKING:
    from hub.doctemplates.models import DocumentTemplate


class EditConflict(Exception):
    """The document changed since the editor loaded it; nothing was saved."""

    def __init__(self, latest: Revision):
        super().__init__(_("Someone else saved this document while you were editing."))
        self.latest = latest


DOCUMENT_ID_PATH = re.compile(r"^/docs/(\d{1,18})/")


def document_at(path: str) -> DocumentPage | None:
    """The document at a path of this site: ``/docs/<id>/…`` or its page address
    (``/rd/weekly/``) on the default site; None when no document is there. Permission is
    the caller's to check."""
    by_id = DOCUMENT_ID_PATH.match(path)
    if by_id:
        return DocumentPage.objects.filter(pk=int(by_id.group(1))).first()
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    url_path = site.root_page.url_path + path.strip("/") + "/"
    return DocumentPage.objects.filter(url_path=url_path).first()


def _slug_for(parent: Page, title: str, current: DocumentPage | None = None) -> str:
    base = slugify(title, allow_unicode=True)[:200] or "doc"
    if current is not None and current.slug == base:
        return base
    return find_available_slug(parent, base)


def _apply(
    document: DocumentPage,
    title: str,
    body: str,
    status: str,
    tags: Iterable[str],
    fields: dict[str, Any] | None = None,
) -> None:
    document.title = title
    document.draft_title = title
    document.body = body
    document.status = status
    document.tags.set(sorted({tag.strip() for tag in tags if tag.strip()}))
    if fields is not None:
        document.fields = fields


def _save_and_publish(document: DocumentPage, user: User | None, message: str = "") -> Revision:
    revision = document.save_revision(user=user, log_action=True, changed=True)
    if message:
        revision.content["change_message"] = message
        revision.save(update_fields=["content"])
    # The hub's own rules (hub.core.permissions) were checked by the caller; Wagtail's
    # page permissions are not used for employees.
    PublishPageRevisionAction(revision, user=user, log_action=True).execute(
        skip_permission_checks=True
    )
    return revision


@transaction.atomic
def create_document(
    parent: Page,
    user: User | None,
    title: str,
    body: str = "",
    status: str = DocumentPage.Status.DRAFT,
    tags: Iterable[str] = (),
    template: DocumentTemplate | None = None,
    fields: dict[str, Any] | None = None,
) -> DocumentPage:
    """Create a document under a space or another document and record its first revision.

    A document made from a ``template`` (``hub.doctemplates``) holds its typed ``fields``
    values (validated by the caller, see ``hub.doctemplates.forms``).
    """
    document = DocumentPage(slug=_slug_for(parent, title), owner=user, template=template)
    _apply(document, title, body, status, tags, fields or {})
    parent.add_child(instance=document)
    _save_and_publish(document, user)
    return document


@transaction.atomic
def save_document(
    document: DocumentPage,
    user: User | None,
    title: str,
    body: str,
    status: str,
    tags: Iterable[str],
    base_revision_id: int | None = None,
    fields: dict[str, Any] | None = None,
) -> Revision:
    """Save a new revision; raise EditConflict if ``base_revision_id`` is no longer the latest.

    ``fields`` replaces the template field values; None keeps them as they are.
    """
    locked = DocumentPage.objects.select_for_update().get(pk=document.pk)
    latest = locked.latest_revision
    if base_revision_id is not None and latest is not None and latest.pk != base_revision_id:
        raise EditConflict(latest)
    if title != locked.title:
        locked.slug = _slug_for(locked.get_parent(), title, current=locked)
    _apply(locked, title, body, status, tags, fields)
    return _save_and_publish(locked, user)


def revision_document(revision: Revision) -> DocumentPage:
    """The document as it was at ``revision``."""
    return revision.as_object()


@transaction.atomic
def restore_revision(document: DocumentPage, revision: Revision, user: User | None) -> Revision:
    """Make ``revision``'s content current again as a new revision; history is kept."""
    old = revision_document(revision)
    locked = DocumentPage.objects.select_for_update().get(pk=document.pk)
    tags = [tag.name for tag in old.tags.all()]
    _apply(locked, old.title, old.body, old.status, tags, old.fields)
    when = revision.created_at.strftime("%Y-%m-%d %H:%M")
    return _save_and_publish(locked, user, _("Restored the revision of %(when)s") % {"when": when})


def refresh_space(page: Page) -> None:
    """Recompute the denormalised space of a moved document and its descendants."""
    for document in DocumentPage.objects.descendant_of(page, inclusive=True):
        space = document.find_space()
        if space != document.space:
            DocumentPage.objects.filter(pk=document.pk).update(space=space)
