"""Writing and reading messages: every path (websocket, upload, pages) goes through these
functions, which check the room and the author and change nothing on bad input.

``ChatError`` carries a stable ``code`` for clients and a message for people.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from hub.core.models import Department, SpacePage, User
from hub.notifications.api import send_notification
from hub.search.types import department_and_below
from plugins.chat.conf import chat_setting
from plugins.chat.links import linked_documents
from plugins.chat.models import Message, MessageEdit, ReadMarker, Room
from plugins.chat.permissions import can_read_room, visible_room_ids
from plugins.chat.serialize import with_details

MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
MENTIONED = gettext_noop("%(who)s mentioned you in %(room)s: %(text)s")
MENTION_EXCERPT_CHARS = 120


class ChatError(Exception):
    """A refused request: ``code`` for programs, the message for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def clean_body(body: object, allow_empty: bool = False) -> str:
    """A message body as stored, or ChatError (not text, empty, too long)."""
    if not isinstance(body, str):
        raise ChatError("invalid", _("The message must be text."))
    body = body.strip()
    if not body and not allow_empty:
        raise ChatError("empty", _("The message is empty."))
    limit = chat_setting("max_message_chars")
    if len(body) > limit:
        raise ChatError(
            "too_long",
            _("The message is too long (%(length)d characters; at most %(limit)d).")
            % {"length": len(body), "limit": limit},
        )
    return body


def _touch_read(user: User, room: Room, message_id: int) -> None:
    """Move ``user``'s read marker in ``room`` forward to ``message_id`` (never back)."""
    moved = ReadMarker.objects.filter(room=room, user=user, last_read_id__lt=message_id).update(
        last_read_id=message_id
    )
    if not moved:
        ReadMarker.objects.get_or_create(
            room=room, user=user, defaults={"last_read_id": message_id}
        )


def _refuse_if_archived(room: Room) -> None:
    """An archived room is read-only, and so is a space's room while the space is archived
    (read fresh: either may have been archived since the socket opened)."""
    if Room.objects.filter(pk=room.pk, archived_at__isnull=False).exists():
        raise ChatError(
            "archived",
            _("This room is archived: it is read-only; its owner may restore it."),
        )
    if (
        room.space_id
        and SpacePage.objects.filter(pk=room.space_id, archived_at__isnull=False).exists()
    ):
        raise ChatError("archived", _("This space is archived: its room is read-only."))


def post_message(user: User, room: Room, body: str, allow_empty: bool = False) -> Message:
    """Store a message by ``user`` (always the author) in a room they may read."""
    if not can_read_room(user, room):
        raise ChatError("not_found", _("This room does not exist or you are not in it."))
    _refuse_if_archived(room)
    body = clean_body(body, allow_empty)
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            room=room, space=room.space, author=user, body=body, created_at=now, updated_at=now
        )
        message.documents.set(linked_documents(body))
        Room.objects.filter(pk=room.pk).update(last_message_at=now)
        _touch_read(user, room, message.pk)
    notify_mentions(message, user)
    return message


def _own_live_message(user: User, message_id: object) -> Message:
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise ChatError("invalid", _("A message id must be a number."))
    message = Message.objects.select_related("room__space").filter(pk=message_id).first()
    if message is None or not can_read_room(user, message.room):
        raise ChatError("not_found", _("This message does not exist or you cannot see it."))
    if message.author_id != user.pk:
        raise ChatError("not_yours", _("You can only change your own messages."))
    if message.deleted_at is not None:
        raise ChatError("deleted", _("This message was deleted."))
    _refuse_if_archived(message.room)
    return message


def edit_message(user: User, message_id: object, body: object) -> Message:
    """Replace the text of ``user``'s own message; the previous text goes to the edit log."""
    message = _own_live_message(user, message_id)
    body = clean_body(body, allow_empty=hasattr(message, "attachment"))
    if body == message.body:
        return message
    with transaction.atomic():
        MessageEdit.objects.create(
            message=message, kind=MessageEdit.Kind.EDITED, previous_body=message.body
        )
        message.body = body
        message.edited_at = message.updated_at = timezone.now()
        message.save(update_fields=["body", "edited_at", "updated_at"])
        message.documents.set(linked_documents(body))
    return message


def delete_message(user: User, message_id: object) -> Message:
    """Delete ``user``'s own message: a placeholder stays, its text goes to the edit log,
    an attached file is removed."""
    message = _own_live_message(user, message_id)
    with transaction.atomic():
        MessageEdit.objects.create(
            message=message, kind=MessageEdit.Kind.DELETED, previous_body=message.body
        )
        message.body = ""
        message.deleted_at = message.updated_at = timezone.now()
        message.save(update_fields=["body", "deleted_at", "updated_at"])
        message.documents.clear()
        attachment = getattr(message, "attachment", None)
        if attachment is not None:
            attachment.delete()
            transaction.on_commit(lambda: attachment.file.delete(save=False))
    return message


def mark_read(user: User, room: Room, message_id: object) -> None:
    """``user`` has read ``room`` up to ``message_id`` (a message of that room)."""
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise ChatError("invalid", _("A message id must be a number."))
    if not Message.objects.filter(room=room, pk=message_id).exists():
        raise ChatError("not_found", _("This message does not exist or you cannot see it."))
    _touch_read(user, room, message_id)


def unread_counts(user: User, room_ids: list[int]) -> dict[int, int]:
    """Unread messages per room id (others' messages after the person's read marker)."""
    marker = ReadMarker.objects.filter(user=user.pk, room=OuterRef("room")).values("last_read_id")
    rows = (
        Message.objects.filter(room__in=room_ids, deleted_at__isnull=True)
        .exclude(author=user.pk)
        .annotate(marker=Coalesce(Subquery(marker[:1]), 0))
        .filter(pk__gt=F("marker"))
        .values("room")
        .annotate(count=Count("pk"))
    )
    return {row["room"]: row["count"] for row in rows}


def unread_total(user: User) -> int:
    return sum(unread_counts(user, visible_room_ids(user)).values())


def history(room: Room, before: int | None = None) -> tuple[list[Message], bool]:
    """The page of messages before the id ``before`` (the latest without), oldest first,
    and whether older ones remain."""
    size = chat_setting("page_size")
    messages = with_details(Message.objects.filter(room=room))
    if before is not None:
        messages = messages.filter(pk__lt=before)
    page = list(messages.order_by("-pk")[: size + 1])
    return page[:size][::-1], len(page) > size


def missed(
    room: Room, since: int, changed_since: datetime | None = None
) -> tuple[list[Message], bool]:
    """What a reconnecting client missed: messages after ``since`` (and earlier ones
    changed after ``changed_since``), oldest first, and whether more remain."""
    limit = chat_setting("resume_limit")
    messages = with_details(Message.objects.filter(room=room))
    new = list(messages.filter(pk__gt=since).order_by("pk")[: limit + 1])
    changed = []
    if changed_since is not None:
        changed = list(messages.filter(pk__lte=since, updated_at__gt=changed_since)[:limit])
    return changed + new[:limit], len(new) > limit


def _mentioned_people(body: str) -> set[User]:
    names = {name.rstrip(".-+") for name in MENTION.findall(body)}
    if not names:
        return set()
    people = set(User.objects.filter(username__in=names, is_active=True))
    departments = Department.objects.filter(
        Q(name__in=names) | Q(name_en__in=names) | Q(code__in=names)
    )
    department_ids = {pk for dept in departments for pk in department_and_below(dept)}
    if department_ids:
        people |= set(User.objects.filter(department__in=department_ids, is_active=True))
    return people


def notify_mentions(message: Message, author: User) -> None:
    """Tell the people and departments @mentioned in ``message`` who can read the room."""
    room = message.room
    text = message.body.replace("\n", " ")
    if len(text) > MENTION_EXCERPT_CHARS:
        text = text[:MENTION_EXCERPT_CHARS] + "…"
    for person in _mentioned_people(message.body):
        # A mention never reveals a room (or its messages) to someone outside it.
        if person.pk == author.pk or not can_read_room(person, room):
            continue
        with override(person.language or settings.LANGUAGE_CODE):
            notice = _(MENTIONED) % {
                "who": str(author),
                "room": room.display_name(person),
                "text": text,
            }
        send_notification([person], notice, message.get_absolute_url(), kind="mentions")
