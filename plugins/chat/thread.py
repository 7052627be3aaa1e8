"""A range of a room's messages made into a document in the room's space (a decision
log, minutes…): the messages as Markdown with a link back to the room, and a message in
the room linking to the new document."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hub.core.documents import create_document
from hub.core.models import DocumentPage, User
from hub.core.permissions import can
from plugins.chat import broadcast, services
from plugins.chat.models import Message, Room, ThreadDocument
from plugins.chat.services import ChatError

MAX_THREAD_MESSAGES = 500


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def thread_markdown(room: Room, messages: list[Message], viewer: User) -> str:
    """The messages as a Markdown document body, starting with a link back to the room."""
    first = messages[0]
    lines = [
        "> "
        + _("From the chat room [%(room)s](%(url)s), %(start)s – %(end)s")
        % {
            "room": room.display_name(viewer),
            "url": first.get_absolute_url(),
            "start": _when(first.created_at),
            "end": _when(messages[-1].created_at),
        },
        "",
    ]
    for message in messages:
        author = str(message.author) if message.author else _("Former employee")
        lines += [f"**{author}** · {_when(message.created_at)}", ""]
        if message.body:
            lines += [message.body, ""]
        attachment = getattr(message, "attachment", None)
        if attachment is not None:
            lines += [f"[{attachment.filename}]({attachment.get_absolute_url()})", ""]
    return "\n".join(lines)


def thread_to_document(
    user: User, room: Room, first_id: int, last_id: int, title: str, status: str
) -> DocumentPage:
    """Make the messages ``first_id``..``last_id`` of ``room`` into a document in its space."""
    if room.kind != Room.Kind.SPACE:
        raise ChatError("no_space", _("Only the messages of a space room can become a document."))
    if not can(user, "edit", room.space):
        raise ChatError("forbidden", _("You cannot add documents to this space."))
    messages = list(
        Message.objects.filter(
            room=room, pk__gte=first_id, pk__lte=last_id, deleted_at__isnull=True
        ).select_related("author", "attachment")[: MAX_THREAD_MESSAGES + 1]
    )
    if not messages:
        raise ChatError("empty", _("Choose at least one message of this room."))
    if len(messages) > MAX_THREAD_MESSAGES:
        raise ChatError(
            "too_long",
            _("Choose at most %(count)d messages.") % {"count": MAX_THREAD_MESSAGES},
        )
    with transaction.atomic():
        body = thread_markdown(room, messages, user)
        document = create_document(room.space, user, title, body, status)
        ThreadDocument.objects.create(
            room=room,
            document=document,
            first_message_id=messages[0].pk,
            last_message_id=messages[-1].pk,
            created_by=user,
        )
        note = services.post_message(
            user,
            room,
            _("Made %(count)d messages into the document [%(title)s](%(url)s).")
            % {
                "count": len(messages),
                "title": title.replace("[", "").replace("]", ""),
                "url": document.url,
            },
        )
        broadcast.publish_after_commit(room.pk, note.pk)
    return document
