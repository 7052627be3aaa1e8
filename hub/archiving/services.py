"""Archive and restore spaces, documents and plugins' items, and propose what nobody
touched for a while.

Archiving a document saves a revision with the status "archived" (so history shows who
and when) and remembers the status it had; archiving a space marks it read-only and
archives its documents. Restoring gives each document back its status. Plugins add
their own kinds of things (``hub_register_archive_types``): the hub keeps their
proposals and decisions, the plugin says what archiving does. Callers check permission
(``can(user, "admin", obj)``, ``owned_item``); the archive and restore functions do not.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub.archiving.models import ArchivedDocument, Proposal
from hub.core.documents import save_document
from hub.core.models import DocumentPage, SpaceMembership, SpacePage, User
from hub.items import ArchiveItem, ArchiveType
from hub.notifications.api import send_notification
from hub.plugins import collect, notify
from hub.search.types import department_and_below

logger = logging.getLogger("hub.archiving")

Status = DocumentPage.Status


def archive_types() -> dict[str, ArchiveType]:
    """The plugins' kinds of archivable things by name (``hub_register_archive_types``)."""
    return {
        archive_type.name: archive_type for archive_type in collect("hub_register_archive_types")
    }


def owns(user: User, item: ArchiveItem) -> bool:
    return user.is_active and any(owner.pk == user.pk for owner in item.owners)


def owned_item(user: User, kind: str, key: str) -> tuple[ArchiveType, ArchiveItem] | None:
    """A plugin's item and its type if ``user`` is one of its owners, else None (an unknown
    kind, a missing item and someone else's item alike)."""
    archive_type = archive_types().get(kind)
    item = archive_type.find(key) if archive_type else None
    if item is None or not owns(user, item):
        return None
    return archive_type, item


@dataclass
class Shown:
    """What the archiving page and the command show of a proposal (and a plugin's item)."""

    label: str
    url: str
    item: ArchiveItem | None = None


def shown(proposal: Proposal, types: dict[str, ArchiveType]) -> Shown | None:
    """How to show ``proposal``; None for a plugin's item that is gone (or its plugin)."""
    if proposal.space_id:
        return Shown(_("Space: %(title)s") % {"title": proposal.space.title}, proposal.space.url)
    if proposal.document_id:
        document = proposal.document
        return Shown(_("Document: %(title)s") % {"title": document.title}, document.url)
    archive_type = types.get(proposal.kind)
    item = archive_type.find(proposal.key) if archive_type else None
    return Shown(item.label, item.url, item) if item else None


def _resave(document: DocumentPage, user: User | None, status: str) -> None:
    tags = [tag.name for tag in document.tags.all()]
    save_document(document, user, document.title, document.body, status, tags)


def _close_proposals(decision: str, user: User | None, **target) -> None:
    Proposal.objects.filter(decided_at__isnull=True, **target).update(
        decision=decision, decided_at=timezone.now(), decided_by=user
    )


@transaction.atomic
def archive_document(document: DocumentPage, user: User | None, with_space=None) -> bool:
    """Archive ``document``; False if it already was."""
    if document.status == Status.ARCHIVED:
        return False
    ArchivedDocument.objects.update_or_create(
        document=document,
        defaults={
            "previous_status": document.status,
            "archived_by": user,
            "with_space": with_space,
        },
    )
    _resave(document, user, Status.ARCHIVED)
    _close_proposals(Proposal.Decision.ARCHIVED, user, document=document)
    return True


@transaction.atomic
def restore_document(document: DocumentPage, user: User | None) -> bool:
    """Give an archived document back the status it had; False if it was not archived."""
    if document.status != Status.ARCHIVED:
        return False
    record = ArchivedDocument.objects.filter(document=document).first()
    _resave(document, user, record.previous_status if record else Status.PUBLISHED)
    if record:
        record.delete()
    return True


@transaction.atomic
def archive_space(space: SpacePage, user: User | None) -> int:
    """Make ``space`` read-only and archive its documents; returns how many were archived."""
    SpacePage.objects.filter(pk=space.pk).update(archived_at=timezone.now())
    space.refresh_from_db()
    archived = sum(
        archive_document(document, user, with_space=space)
        for document in DocumentPage.objects.filter(space=space).exclude(status=Status.ARCHIVED)
    )
    _close_proposals(Proposal.Decision.ARCHIVED, user, space=space)
    transaction.on_commit(lambda: notify("hub_space_archived", space=space, user=user))
    return archived


@transaction.atomic
def restore_space(space: SpacePage, user: User | None) -> int:
    """Make ``space`` writable again and restore the documents archived with it."""
    SpacePage.objects.filter(pk=space.pk).update(archived_at=None)
    space.refresh_from_db()
    records = ArchivedDocument.objects.filter(with_space=space).select_related("document")
    restored = sum(restore_document(record.document, user) for record in records)
    transaction.on_commit(lambda: notify("hub_space_restored", space=space, user=user))
    return restored


@transaction.atomic
def archive_item(archive_type: ArchiveType, key: str, user: User) -> bool:
    """Archive a plugin's item and close its proposal; False if it already was archived."""
    archived = archive_type.archive(key, user)
    _close_proposals(Proposal.Decision.ARCHIVED, user, kind=archive_type.name, key=key)
    return archived


def restore_item(archive_type: ArchiveType, key: str, user: User) -> bool:
    """Restore a plugin's archived item; False if it was not archived."""
    return archive_type.restore(key, user)


def keep(proposal: Proposal, user: User) -> None:
    """Decide to keep: not proposed again until another period passes without activity."""
    _close_proposals(Proposal.Decision.KEPT, user, pk=proposal.pk)


def space_admins(space: SpacePage) -> list[User]:
    """Active people with the admin role in ``space``, in person or through a department;
    the hub's admins for a space that has none."""
    admin_roles = SpaceMembership.objects.filter(space=space, role=SpaceMembership.Role.ADMIN)
    department_ids: set[int] = set()
    for membership in admin_roles.exclude(department=None).select_related("department"):
        department_ids.update(department_and_below(membership.department))
    admins = User.objects.filter(
        Q(pk__in=admin_roles.exclude(user=None).values("user"))
        | Q(department_id__in=department_ids),
        is_active=True,
    )
    return list(admins) or list(User.objects.filter(is_superuser=True, is_active=True))


def _space_activity() -> dict[int, datetime | None]:
    """Each space's last activity: its latest document save, else its own last change."""
    latest = dict(
        DocumentPage.objects.values_list("space_id")
        .annotate(last=Max("latest_revision_created_at"))
        .values_list("space_id", "last")
    )
    return {
        space.pk: latest.get(space.pk) or space.last_published_at or space.first_published_at
        for space in SpacePage.objects.all()
    }


def _recently_kept(cutoff: datetime, **target) -> bool:
    return Proposal.objects.filter(
        decision=Proposal.Decision.KEPT, decided_at__gte=cutoff, **target
    ).exists()


def _idle_items(cutoff: datetime, now: datetime) -> list[Proposal]:
    """Proposals of the plugins' idle items, each carrying its ``item`` for the notice."""
    open_items = set(
        Proposal.objects.filter(decided_at__isnull=True).exclude(kind="").values_list("kind", "key")
    )
    new = []
    for archive_type in archive_types().values():
        try:
            idle = archive_type.idle(cutoff)
        except Exception:
            # One plugin's failure must not stop the proposals of the others.
            logger.exception("archive type %r failed to list idle items", archive_type.name)
            continue
        for item in idle:
            target = {"kind": archive_type.name, "key": item.key}
            if (archive_type.name, item.key) in open_items or _recently_kept(cutoff, **target):
                continue
            proposal = Proposal(**target, last_activity=item.last_activity, proposed_at=now)
            proposal.item = item
            new.append(proposal)
    return new


def propose(
    days: int | None = None, now: datetime | None = None, dry_run: bool = False
) -> list[Proposal]:
    """Propose spaces, documents and the plugins' items with no activity for ``days``
    (HUB_ARCHIVE_AFTER_DAYS), and tell the people who may archive them; each is proposed
    once until decided, and one kept is not proposed again before another period passes."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days or settings.HUB_ARCHIVE_AFTER_DAYS)
    open_spaces = set(
        Proposal.objects.filter(decided_at__isnull=True).values_list("space", flat=True)
    )
    open_documents = set(
        Proposal.objects.filter(decided_at__isnull=True).values_list("document", flat=True)
    )
    new: list[Proposal] = []
    stale_spaces = set()
    for space_id, last in _space_activity().items():
        if last is None or last >= cutoff:
            continue
        stale_spaces.add(space_id)
        space = SpacePage.objects.get(pk=space_id)
        if space.archived_at or space_id in open_spaces or _recently_kept(cutoff, space=space):
            continue
        new.append(Proposal(space=space, last_activity=last, proposed_at=now))
    documents = (
        DocumentPage.objects.filter(latest_revision_created_at__lt=cutoff)
        .exclude(status=Status.ARCHIVED)
        .exclude(space_id__in=stale_spaces)  # the space's proposal covers them
        .exclude(pk__in=open_documents)
    )
    for document in documents:
        if not _recently_kept(cutoff, document=document):
            new.append(
                Proposal(
                    document=document,
                    last_activity=document.latest_revision_created_at,
                    proposed_at=now,
                )
            )
    new.extend(_idle_items(cutoff, now))
    if dry_run:
        return new
    created = []
    for proposal in new:
        try:
            with transaction.atomic():
                proposal.save()
        except IntegrityError:
            continue  # another run proposed it meanwhile
        created.append(proposal)
    _tell_owners(created)
    return created


def _tell_owners(proposals: list[Proposal]) -> None:
    """One notification per person for everything newly proposed that they may archive."""
    counts: dict[User, Counter] = defaultdict(Counter)
    for proposal in proposals:
        if proposal.space_id:
            people, kind = space_admins(proposal.space), "space"
        elif proposal.document_id:
            document = proposal.document
            owner = [document.owner] if document.owner and document.owner.is_active else []
            people, kind = owner or space_admins(document.space), "document"
        else:
            people, kind = proposal.item.owners, proposal.kind
        for person in people:
            counts[person][kind] += 1
    types = archive_types()
    counted = {
        "space": lambda n: ngettext("%(n)d space", "%(n)d spaces", n) % {"n": n},
        "document": lambda n: ngettext("%(n)d document", "%(n)d documents", n) % {"n": n},
        **{name: archive_type.counted for name, archive_type in types.items()},
    }
    for person, kinds in counts.items():
        parts = [counted[kind](n) for kind, n in kinds.items() if kind in counted]
        text = _("No activity for a long time: %(what)s. Archive or keep them?") % {
            "what": ", ".join(parts)
        }
        send_notification([person], text, reverse("archiving:list"), kind="archiving")
