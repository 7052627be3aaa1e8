"""Telling open sockets about a new or changed message, through the channel layer.

Every connection that joined a room is in the room's group; it gets the message id and
loads the message itself, so what it sends is built for its own person (previews).
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def room_group(room_id: int) -> str:
    return f"chat.room.{room_id}"


def message_event(message_id: int) -> dict:
    return {"type": "chat.message", "message_id": message_id}


async def publish(room_id: int, message_id: int) -> None:
    """From async code (the consumer), once the message is committed."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(room_group(room_id), message_event(message_id))


def publish_after_commit(room_id: int, message_id: int) -> None:
    """From sync code (views): sent once the current transaction commits."""
    transaction.on_commit(lambda: async_to_sync(publish)(room_id, message_id))
