"""Messages as JSON for one viewer: the websocket frames and the history API send these.

Built per viewer because document previews depend on who reads them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hub.core.models import User
from plugins.chat.links import previews
from plugins.chat.models import Message


def with_details(messages: QuerySet[Message]) -> QuerySet[Message]:
    """What ``message_payload`` reads, in a few queries."""
    return messages.select_related("author__department", "attachment").prefetch_related(
        "documents__space", "edits"
    )


def _person(user: User | None) -> dict[str, Any]:
    if user is None:
        return {"id": None, "name": _("Former employee"), "username": "", "department": ""}
    return {
        "id": user.pk,
        "name": str(user),
        "username": user.username,
        "department": str(user.department) if user.department_id else "",
    }


def message_payload(message: Message, viewer: User) -> dict[str, Any]:
    deleted = message.deleted_at is not None
    attachment = None if deleted else getattr(message, "attachment", None)
    return {
        "id": message.pk,
        "room": message.room_id,
        "author": _person(message.author),
        "own": message.author_id == viewer.pk,
        "body": message.body,
        "html": message.body_html,
        "created_at": message.created_at.isoformat(),
        "updated_at": message.updated_at.isoformat(),
        "edited": message.edited_at is not None,
        "deleted": deleted,
        # The edit log (previous texts) is for the room's readers: see views.message_edits.
        "has_edits": bool(message.edits.all()),
        "attachment": attachment
        and {
            "name": attachment.filename,
            "size": attachment.size,
            "url": attachment.get_absolute_url(),
            "image": attachment.is_image,
        },
        "previews": [] if deleted else previews(list(message.documents.all()), viewer),
    }


def payloads(messages: list[Message], viewer: User) -> list[dict[str, Any]]:
    return [message_payload(message, viewer) for message in messages]
