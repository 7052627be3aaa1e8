"""Making rooms: the space room (with the space, or on first use), group rooms and the one
direct conversation of a pair."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hub.core.models import SpacePage, User
from plugins.chat.models import Room, RoomMember
from plugins.chat.permissions import can_read_room


class RoomError(Exception):
    """A room could not be made or changed; the message says why (shown to the user)."""


def room_for_space(space: SpacePage) -> Room:
    """The space's room, created if the space has none yet (safe when two race)."""
    room = Room.objects.filter(kind=Room.Kind.SPACE, space=space).first()
    if room is not None:
        return room
    try:
        with transaction.atomic():
            return Room.objects.create(kind=Room.Kind.SPACE, space=space)
    except IntegrityError:
        return Room.objects.get(kind=Room.Kind.SPACE, space=space)


def ensure_space_rooms(user: User) -> None:
    """Create the rooms of the spaces ``user`` can see that have none (spaces made before
    the chat was installed)."""
    from hub.core.permissions import visible_spaces

    with_room = Room.objects.filter(kind=Room.Kind.SPACE).values_list("space_id", flat=True)
    for space in visible_spaces(user).exclude(pk__in=with_room):
        room_for_space(space)


def direct_room(user: User, other: User) -> Room:
    """The one conversation of ``user`` and ``other``: found again, never duplicated."""
    if other.pk == user.pk:
        raise RoomError(_("Choose someone other than yourself."))
    if not other.is_active:
        raise RoomError(_("This person's account is not active."))
    key = Room.direct_key_for(user, other)
    room = Room.objects.filter(direct_key=key).first()
    if room is not None:
        return room
    try:
        with transaction.atomic():
            room = Room.objects.create(kind=Room.Kind.DIRECT, direct_key=key, created_by=user)
            RoomMember.objects.bulk_create(
                [RoomMember(room=room, user=person, added_by=user) for person in (user, other)]
            )
            return room
    except IntegrityError:
        return Room.objects.get(direct_key=key)


@transaction.atomic
def create_group_room(creator: User, title: str, people: Iterable[User]) -> Room:
    room = Room.objects.create(kind=Room.Kind.GROUP, title=title.strip(), created_by=creator)
    add_members(room, creator, [creator, *people])
    return room


def add_members(room: Room, by: User, people: Iterable[User]) -> list[User]:
    """Invite active ``people`` into a group room; returns those newly added."""
    if room.kind != Room.Kind.GROUP:
        raise RoomError(_("Only group rooms take new people."))
    present = set(room.members.values_list("user_id", flat=True))
    added = [person for person in people if person.is_active and person.pk not in present]
    added = list({person.pk: person for person in added}.values())
    RoomMember.objects.bulk_create(
        [RoomMember(room=room, user=person, added_by=by) for person in added]
    )
    return added


def remove_member(room: Room, person: User) -> None:
    if room.kind != Room.Kind.GROUP:
        raise RoomError(_("One cannot leave a space room or a direct conversation."))
    RoomMember.objects.filter(room=room, user=person).delete()


def readable_room_or_none(user: User, room_id: int) -> Room | None:
    """The room ``room_id`` if ``user`` may read it, else None (hidden or missing alike)."""
    room = Room.objects.select_related("space").filter(pk=room_id).first()
    if room is None or not can_read_room(user, room):
        return None
    return room
