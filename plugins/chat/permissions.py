"""Who may read (and so write in) which room, computed at access time.

- A space room: whoever may view its space (``hub.core.permissions``), so membership
  follows the space's members, departments and visibility without copying them.
- A group room or a direct conversation: the people in ``RoomMember``.
Only active accounts read anything. Callers that hold a user object across time (open
sockets) pass a fresh one: the space roles are cached on the object.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hub.core.models import User
from hub.core.permissions import can, visible_spaces
from plugins.chat.models import Room, RoomMember


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def readable_rooms_q(user: User) -> Q:
    """The rooms ``user`` may read, as a filter on ``Room``."""
    spaces = list(visible_spaces(user).values_list("pk", flat=True))
    joined = RoomMember.objects.filter(user=user.pk).values_list("room_id", flat=True)
    return Q(kind=Room.Kind.SPACE, space__in=spaces) | Q(pk__in=list(joined))


def visible_rooms(user: User) -> QuerySet[Room]:
    """The existing rooms ``user`` may read."""
    if not _active(user):
        return Room.objects.none()
    return Room.objects.filter(readable_rooms_q(user))


def visible_room_ids(user: User) -> list[int]:
    return list(visible_rooms(user).values_list("pk", flat=True))


def can_read_room(user: User, room: Room) -> bool:
    if not _active(user):
        return False
    if room.kind == Room.Kind.SPACE:
        return can(user, "view", room.space)
    return RoomMember.objects.filter(room=room, user=user.pk).exists()


def can_manage_members(user: User, room: Room) -> bool:
    """Group rooms: their creator (and admins) invite and remove people."""
    return (
        room.kind == Room.Kind.GROUP
        and can_read_room(user, room)
        and (room.created_by_id == user.pk or user.is_superuser)
    )
