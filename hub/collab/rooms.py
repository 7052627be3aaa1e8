"""One room per document per process: the server's replica, its clients and its peers.

A room loads the stored state when its first client arrives and closes (after a last
checkpoint) when the last one leaves. An accepted update is appended to the database
(committed, by the process's ``store.log_writer``) before it is applied, relayed to the
room's other clients, or published to the channel layer group ``collab.doc.<id>``, where
the rooms of the same document in other processes pick it up (each message carries the
sending room's ``uid`` so a room skips its own). Layers may drop messages (Redis does when
a channel is full), so every room broadcasts its state vector now and then and peers
answer with what it lacks. With the in-memory layer there are no other processes: rooms
only listen (for updates the edit form stored) and publish nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Protocol

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings

from hub.collab import store
from hub.collab.crdt import CrdtDoc, InvalidUpdate
from hub.collab.protocol import (
    CLOSE_UNAVAILABLE,
    SYNC_UPDATE,
    AwarenessEntry,
    awareness_frame,
    awareness_payload,
    read_awareness_update,
    sync_frame,
)
from hub.core.models import DocumentPage

logger = logging.getLogger("hub.collab")

EMPTY_UPDATE = b"\x00\x00"
# Yjs clients renew their awareness every 15 s and drop peers silent for 30 s.
AWARENESS_TIMEOUT = 30.0
TICK_SECONDS = 0.5


class RoomUnavailable(Exception):
    """The room cannot open: the document is gone or its stored state is unreadable."""


class Connection(Protocol):
    """What a room needs from a client connection (the consumer)."""

    user_id: int
    awareness_ids: set[int]

    def send_frame(self, frame: bytes) -> None:
        """Queue ``frame`` for the client without waiting (a slow client delays no one)."""

    async def close_with(self, code: int) -> None: ...

    async def recheck(self) -> None: ...


def group_name(page_id: int) -> str:
    return f"collab.doc.{page_id}"


def _reaches_other_processes(layer) -> bool:
    # The in-memory layer (exactly that class) lives and dies with this process.
    return layer is not None and type(layer) is not InMemoryChannelLayer


def publish_update(page_id: int, update: bytes) -> None:
    """From synchronous code: hand an already stored update to every room of the document."""
    layer = get_channel_layer()
    message = {"type": "collab.update", "origin": "", "update": update}
    async_to_sync(layer.group_send)(group_name(page_id), message)


class Room:
    def __init__(self, page_id: int):
        self.page_id = page_id
        self.uid = uuid.uuid4().hex
        self.group = group_name(page_id)
        self.layer = get_channel_layer()
        self.has_peers = _reaches_other_processes(self.layer)
        self.channel = ""
        self.doc: CrdtDoc | None = None
        self.connections: set[Connection] = set()
        self.closed = False
        self.opening: asyncio.Task | None = None
        # client id -> (latest entry, when it arrived)
        self.awareness: dict[int, tuple[AwarenessEntry, float]] = {}
        # user id -> None, ordered by latest contribution since the last checkpoint
        self.contributors: dict[int, None] = {}
        self.edits = 0  # updates accepted from this room's clients
        self.checkpointed_edits = 0
        self.last_edit = self.last_checkpoint = time.monotonic()
        self.since_compaction = 0
        self.compact_after = settings.HUB_COLLAB_COMPACT_AFTER
        self._tasks: list[asyncio.Task] = []

    # -- life cycle -------------------------------------------------------------------

    async def open(self) -> None:
        try:
            pieces = await database_sync_to_async(store.load)(self.page_id)
            # Built here, not in a worker thread: y-py documents are bound to one thread.
            self.doc = store.doc_from(pieces, "state", self.page_id)
        except (store.StoreUnreadable, DocumentPage.DoesNotExist) as error:
            _rooms.pop(self.page_id, None)
            self.closed = True
            logger.error("document %s: room refused to open: %s", self.page_id, str(error))
            raise RoomUnavailable(str(error)) from None
        if self.layer is not None:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(self.group, self.channel)
            self._tasks.append(asyncio.ensure_future(self._listen()))
        self._tasks.append(asyncio.ensure_future(self._tick()))

    async def leave(self, connection: Connection) -> None:
        self.connections.discard(connection)
        gone = [
            AwarenessEntry(client_id, self.awareness.pop(client_id)[0].clock + 1, "null")
            for client_id in connection.awareness_ids
            if client_id in self.awareness
        ]
        if gone:
            await self._share_awareness(awareness_payload(gone), origin=None)
        if not self.connections and not self.closed:
            await self.close()

    async def close(self) -> None:
        """Stop, write a last checkpoint and leave the registry; clients must be gone."""
        self.closed = True
        if _rooms.get(self.page_id) is self:
            del _rooms[self.page_id]
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.channel:
            await self.layer.group_discard(self.group, self.channel)
        await self.checkpoint()
        # Dropped here, in the event loop's thread: y-py documents are bound to it.
        self.doc = None

    async def fail(self) -> None:
        """Drop the replica (it may be inconsistent) and every client; they reconnect."""
        for connection in list(self.connections):
            await connection.close_with(CLOSE_UNAVAILABLE)
        self.connections.clear()
        if not self.closed:
            await self.close()

    # -- clients ----------------------------------------------------------------------

    async def apply_client_update(self, update: bytes, user_id: int, origin: Connection) -> None:
        """Validate, store, apply and relay one update; raise InvalidUpdate if it is bad."""
        if update == EMPTY_UPDATE:
            return
        self.doc.check_update(update)
        update_id = await store.log_writer.append(self.page_id, update, user_id)
        try:
            self.doc.apply_update(update, checked=True)
        except InvalidUpdate:
            logger.exception("document %s: a validated update failed to apply", self.page_id)
            await database_sync_to_async(store.discard)([update_id])
            await self.fail()
            return
        self.contributors.pop(user_id, None)
        self.contributors[user_id] = None
        self.edits += 1
        self.last_edit = time.monotonic()
        self._relay(sync_frame(SYNC_UPDATE, update), exclude=origin)
        await self._publish({"type": "collab.update", "update": update})
        self.since_compaction += 1
        if self.since_compaction >= self.compact_after:
            self.since_compaction = 0
            self._tasks.append(asyncio.ensure_future(self._compact()))

    async def apply_client_awareness(self, payload: bytes, origin: Connection) -> None:
        for entry in read_awareness_update(payload):
            if entry.removed:
                origin.awareness_ids.discard(entry.client_id)
            else:
                origin.awareness_ids.add(entry.client_id)
        await self._share_awareness(payload, origin=origin)

    def awareness_states(self) -> bytes | None:
        """An awareness frame with every live client's state, for a newcomer; None if none."""
        cutoff = time.monotonic() - AWARENESS_TIMEOUT
        live = [entry for entry, seen in self.awareness.values() if seen >= cutoff]
        return awareness_frame(awareness_payload(live)) if live else None

    # -- internals --------------------------------------------------------------------

    def _relay(self, frame: bytes, exclude: Connection | None = None) -> None:
        for connection in self.connections:
            if connection is not exclude:
                connection.send_frame(frame)

    async def _publish(self, message: dict) -> None:
        if self.has_peers:
            await self.layer.group_send(self.group, {**message, "origin": self.uid})

    async def _share_awareness(self, payload: bytes, origin: Connection | None) -> None:
        self._remember_awareness(payload)
        self._relay(awareness_frame(payload), exclude=origin)
        await self._publish({"type": "collab.awareness", "payload": payload})

    def _remember_awareness(self, payload: bytes) -> None:
        now = time.monotonic()
        for entry in read_awareness_update(payload):
            if entry.removed:
                self.awareness.pop(entry.client_id, None)
            else:
                self.awareness[entry.client_id] = (entry, now)

    async def _apply_remote(self, update: bytes) -> None:
        """An update another room or the form already stored: apply and relay it."""
        try:
            self.doc.apply_update(update)
        except InvalidUpdate:
            logger.exception("document %s: dropped a bad update from a peer", self.page_id)
            return
        self._relay(sync_frame(SYNC_UPDATE, update))

    async def _listen(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            if message.get("origin") == self.uid:
                continue
            kind = message["type"]
            if kind == "collab.update":
                await self._apply_remote(message["update"])
            elif kind == "collab.awareness":
                self._remember_awareness(message["payload"])
                self._relay(awareness_frame(message["payload"]))
            elif kind == "collab.sync":
                diff = self.doc.encode_state(since=message["state_vector"])
                reply = {"type": "collab.update", "origin": self.uid, "update": diff}
                await self.layer.send(message["reply_to"], reply)

    async def _tick(self) -> None:
        last_sync = last_recheck = time.monotonic()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            now = time.monotonic()
            if self.edits > self.checkpointed_edits and (
                now - self.last_edit >= settings.HUB_COLLAB_IDLE_CHECKPOINT_SECONDS
                or now - self.last_checkpoint >= settings.HUB_COLLAB_CHECKPOINT_SECONDS
            ):
                await self.checkpoint()
            if now - last_sync >= settings.HUB_COLLAB_SYNC_SECONDS and self.has_peers:
                last_sync = now
                await self._publish(
                    {
                        "type": "collab.sync",
                        "state_vector": self.doc.state_vector(),
                        "reply_to": self.channel,
                    }
                )
            if now - last_recheck >= settings.HUB_COLLAB_RECHECK_SECONDS:
                last_recheck = now
                for connection in list(self.connections):
                    await connection.recheck()

    async def checkpoint(self) -> None:
        """Write the text into a revision if this room's clients changed it."""
        if self.doc is None or self.edits == self.checkpointed_edits:
            return
        edits, contributors = self.edits, list(self.contributors)
        text, state = self.doc.text(), self.doc.encode_state()
        try:
            result = await database_sync_to_async(store.checkpoint)(
                self.page_id, text, state, contributors
            )
        except Exception:
            logger.exception("document %s: checkpoint failed", self.page_id)
            return
        if result is store.Checkpoint.STALE:
            # A revision from elsewhere is not merged yet (its hook failed or is on its
            # way): merge it now; the next tick checkpoints on top of it.
            update = await database_sync_to_async(store.merge_latest_revision)(self.page_id)
            if update:
                await self._apply_remote(update)
                await self._publish({"type": "collab.update", "update": update})
            return
        self.last_checkpoint = time.monotonic()
        self.checkpointed_edits = edits
        if self.edits == edits:
            # Otherwise someone typed during the save: everyone is named next time too.
            self.contributors.clear()

    async def _compact(self) -> None:
        try:
            await database_sync_to_async(store.compact)(self.page_id)
        except Exception:
            logger.exception("document %s: compaction failed; the log is kept", self.page_id)


_rooms: dict[int, Room] = {}


async def join(page_id: int, connection: Connection) -> Room:
    """The open room of a document, opening it if needed; raise RoomUnavailable."""
    while True:
        room = _rooms.get(page_id)
        if room is None:
            room = _rooms[page_id] = Room(page_id)
            room.opening = asyncio.ensure_future(room.open())
        # shielded: a client that gives up while waiting must not cancel it for others
        await asyncio.shield(room.opening)
        if not room.closed:
            room.connections.add(connection)
            return room


def open_rooms() -> dict[int, Room]:
    """The rooms open in this process (read-only use: tests and diagnostics)."""
    return dict(_rooms)
