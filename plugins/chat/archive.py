"""Archiving chat rooms through the hub's archiving (``hub_register_archive_types``).

Group rooms and direct conversations nobody wrote in for ``HUB_ARCHIVE_AFTER_DAYS`` are
proposed to their owners; a space's room follows its space instead (``hub_space_archived``
and ``hub_space_restored``). An archived room is read-only (``services`` refuses every
write), its history stays readable by its people, and its messages leave default search
(``Message.archived``, the search type's ``current`` filter) until it is restored.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from modelsearch.backends import get_search_backends

from hub.core.models import User
from hub.items import ArchiveItem, ArchiveType
from plugins.chat.models import Message, Room

PROPOSED_KINDS = [Room.Kind.GROUP, Room.Kind.DIRECT]


def room_owners(room: Room) -> list[User]:
    """Who decides about a room: both people of a direct conversation; a group room's
    creator while they are in it, else its people (active accounts only)."""
    people = [member.user for member in room.members.all() if member.user.is_active]
    if room.kind == Room.Kind.GROUP:
        return [person for person in people if person.pk == room.created_by_id] or people
    return people


def _reindex(room: Room) -> None:
    """Re-send the room's messages to the search index, which keeps ``archived`` as a filter."""
    messages = list(Message.objects.filter(room=room))
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(Message, messages)


@transaction.atomic
def _set_archived(room: Room, archived_at: datetime | None) -> bool:
    # Conditional: archiving twice (two owners at once) changes nothing the second time.
    changed = Room.objects.filter(pk=room.pk, archived_at__isnull=archived_at is not None).update(
        archived_at=archived_at
    )
    if not changed:
        return False
    room.archived_at = archived_at
    Message.objects.filter(room=room).update(archived=archived_at is not None)
    _reindex(room)
    return True


def archive_room(room: Room, user: User | None) -> bool:
    """Make ``room`` read-only and hide its messages from default search; False if it
    already was. Callers check that ``user`` may (``room_owners``)."""
    return _set_archived(room, timezone.now())


def restore_room(room: Room, user: User | None) -> bool:
    """Make an archived room writable and searchable again; False if it was not archived."""
    return _set_archived(room, None)


def _rooms():
    return Room.objects.filter(kind__in=PROPOSED_KINDS).prefetch_related("members__user")


def _item(room: Room) -> ArchiveItem:
    return ArchiveItem(
        key=str(room.pk),
        label=_("%(kind)s: %(name)s") % {"kind": room.get_kind_display(), "name": room},
        url=room.get_absolute_url(),
        owners=room_owners(room),
        last_activity=room.last_message_at or room.created_at,
    )


def _room(key: str) -> Room | None:
    return _rooms().filter(pk=int(key)).first() if key.isdigit() else None


def idle_rooms(cutoff: datetime) -> list[ArchiveItem]:
    """Group rooms and direct conversations with no message since ``cutoff`` (rooms never
    written in count from their creation), not archived, with someone to decide."""
    idle = _rooms().filter(
        Q(last_message_at__lt=cutoff) | Q(last_message_at__isnull=True, created_at__lt=cutoff),
        archived_at__isnull=True,
    )
    return [item for item in map(_item, idle) if item.owners]


def find_room(key: str) -> ArchiveItem | None:
    room = _room(key)
    return _item(room) if room else None


def archived_rooms(user: User) -> list[ArchiveItem]:
    """The archived rooms ``user`` may restore."""
    rooms = _rooms().filter(archived_at__isnull=False, members__user=user.pk)
    return [item for item in map(_item, rooms) if user in item.owners]


def _act(key: str, user: User, action) -> bool:
    room = _room(key)
    return room is not None and action(room, user)


def archive_type() -> ArchiveType:
    return ArchiveType(
        name="chat_room",
        label=gettext_lazy("Chat rooms"),
        idle=idle_rooms,
        find=find_room,
        archived=archived_rooms,
        archive=lambda key, user: _act(key, user, archive_room),
        restore=lambda key, user: _act(key, user, restore_room),
        counted=lambda n: ngettext("%(n)d chat room", "%(n)d chat rooms", n) % {"n": n},
        order=50,
    )
