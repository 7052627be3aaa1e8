"""The websocket endpoint of a document: y-websocket protocol, permissions, validation.

The session authenticates the handshake. Someone who may not view the document gets the
same answer as for a document that does not exist (4404); viewers get a read-only
connection (their step 1 is answered, their updates and awareness are dropped); access
is re-checked every ``HUB_COLLAB_RECHECK_SECONDS`` and a person who lost it, or was
deactivated, is disconnected (4403). Every frame is validated completely before it is
applied or relayed; a bad one closes the socket with the code ``ProtocolError`` carries.

Frames to a client go through its outbox, which one task per connection drains: the room
relays to everyone without waiting for anyone's socket, and a client that falls
``HUB_COLLAB_MAX_BACKLOG`` frames behind is closed (1013, try again later; y-websocket reconnects
and syncs what it missed) instead of growing the server's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _

from hub.collab import rooms
from hub.collab.crdt import InvalidUpdate
from hub.collab.protocol import (
    CLOSE_FORBIDDEN,
    CLOSE_MALFORMED,
    CLOSE_NO_DOCUMENT,
    CLOSE_NOT_AUTHENTICATED,
    CLOSE_UNAVAILABLE,
    MESSAGE_AWARENESS,
    MESSAGE_QUERY_AWARENESS,
    SYNC_STEP1,
    SYNC_STEP2,
    ProtocolError,
    decode_frame,
    permission_denied_frame,
    sync_frame,
)
from hub.core.models import DocumentPage, User
from hub.core.permissions import can

logger = logging.getLogger("hub.collab")

CLOSE_TRY_AGAIN = 1013


@database_sync_to_async
def access(user_id: int, page_id: int) -> str | None:
    """ "edit", "view" or None (no such document, or no access), read fresh from the DB."""
    user = User.objects.filter(pk=user_id).first()
    page = DocumentPage.objects.filter(pk=page_id).first()
    if user is None or page is None or not can(user, "view", page):
        return None
    return "edit" if can(user, "edit", page) else "view"


class DocumentConsumer(AsyncWebsocketConsumer):
    # Rooms talk to the channel layer; a connection needs no channel of its own.
    channel_layer_alias = None

    async def __call__(self, scope, receive, send) -> None:
        # Without a channel layer the socket is the one source of messages: each is
        # awaited and dispatched here, not through channels' await_many_dispatch, which
        # makes a task and an asyncio.wait for every frame.
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            while True:
                await self.dispatch(await receive())

    async def connect(self) -> None:
        self.room: rooms.Room | None = None
        # Read once: these are looked up for every frame.
        self.max_frame_bytes = settings.HUB_COLLAB_MAX_FRAME_BYTES
        self.max_backlog = settings.HUB_COLLAB_MAX_BACKLOG
        self.closing = False
        self.can_edit = False
        self.told_read_only = False
        self.awareness_ids: set[int] = set()
        self.outbox: deque[bytes] = deque()
        self.outbox_ready = asyncio.Event()
        self.sender = asyncio.ensure_future(self._send_outbox())
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close_with(CLOSE_NOT_AUTHENTICATED)
            return
        self.user_id = user.pk
        self.page_id = int(self.scope["url_route"]["kwargs"]["page_id"])
        level = await access(self.user_id, self.page_id)
        if level is None:
            await self.close_with(CLOSE_NO_DOCUMENT)
            return
        self.can_edit = level == "edit"
        try:
            self.room = await rooms.join(self.page_id, self)
        except rooms.RoomUnavailable:
            await self.close_with(CLOSE_UNAVAILABLE)
            return
        self.send_frame(sync_frame(SYNC_STEP1, self.room.doc.state_vector()))
        states = self.room.awareness_states()
        if states:
            self.send_frame(states)

    async def dispatch(self, message: dict) -> None:
        # Channels first closes stale database connections, a hop to the one thread all
        # sync database work shares, for every message. This consumer reaches the
        # database only through database_sync_to_async (which does that itself) and the
        # log writer, so frames are handled without queueing behind that thread.
        await getattr(self, get_handler_name(message))(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.room is None or self.closing:
            return
        try:
            if bytes_data is None:
                raise ProtocolError("text frames are not part of the protocol")
            frame = decode_frame(bytes_data, self.max_frame_bytes)
            await self._handle(frame)
        except (ProtocolError, InvalidUpdate) as error:
            # The message only: a record holding the exception would keep documents alive.
            logger.info("document %s: closing a connection: %s", self.page_id, str(error))
            await self.close_with(getattr(error, "code", CLOSE_MALFORMED))

    async def _handle(self, frame) -> None:
        room = self.room
        if frame.type == MESSAGE_QUERY_AWARENESS:
            states = room.awareness_states()
            if states:
                self.send_frame(states)
        elif frame.sync_type == SYNC_STEP1:
            self.send_frame(sync_frame(SYNC_STEP2, room.doc.encode_state(frame.payload)))
        elif not self.can_edit:
            await self._refuse_write()
        elif frame.type == MESSAGE_AWARENESS:
            await room.apply_client_awareness(frame.payload, origin=self)
        else:
            await room.apply_client_update(frame.payload, self.user_id, origin=self)

    async def _refuse_write(self) -> None:
        """Drop a viewer's update or awareness; tell the client once (y-protocols auth)."""
        if not self.told_read_only:
            self.told_read_only = True
            self.send_frame(permission_denied_frame(_("You may only view this document.")))

    async def disconnect(self, code: int) -> None:
        self.closing = True
        self.sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.sender
        if self.room is not None:
            room, self.room = self.room, None
            await room.leave(self)

    async def _send_outbox(self) -> None:
        while not self.closing:
            await self.outbox_ready.wait()
            self.outbox_ready.clear()
            while self.outbox and not self.closing:
                try:
                    # The ASGI send itself, without the consumer's send() wrappers.
                    await self.base_send({"type": "websocket.send", "bytes": self.outbox.popleft()})
                except Exception:
                    # The peer is gone; its disconnect is on the way.
                    self.closing = True
        self.outbox.clear()

    # -- what the room calls ------------------------------------------------------------

    def send_frame(self, frame: bytes) -> None:
        if self.closing:
            return
        if len(self.outbox) >= self.max_backlog:
            logger.info("document %s: closing a connection that fell behind", self.page_id)
            self.closing = True
            self.outbox.clear()
            # In a task: the close frame too waits until the socket takes writes again.
            self.closer = asyncio.ensure_future(self.close(CLOSE_TRY_AGAIN))
            return
        self.outbox.append(frame)
        self.outbox_ready.set()

    async def close_with(self, code: int) -> None:
        if not self.closing:
            self.closing = True
            self.outbox.clear()
            await self.close(code)

    async def recheck(self) -> None:
        level = await access(self.user_id, self.page_id)
        if level is None:
            await self.close_with(CLOSE_FORBIDDEN)
        else:
            self.can_edit = level == "edit"
