"""Fixtures for the co-editing tests: both CRDT engines, quick timers, Python Yjs peers."""

from __future__ import annotations

import asyncio
import importlib.util
import sqlite3
from collections.abc import Callable

import pytest
from channels.testing import WebsocketCommunicator
from django.db import connection

from hub.collab import protocol
from hub.collab.crdt import ENGINES, new_doc
from hub.collab.models import CollabUpdate

ORIGIN = b"http://127.0.0.1:8000"


@pytest.fixture(params=ENGINES)
def engine(request, settings) -> str:
    """Run the test once per CRDT engine (the setting the server uses, too)."""
    if request.param == "y_py" and importlib.util.find_spec("y_py") is None:
        pytest.skip("y-py is not installed (it has no wheels for this Python)")
    settings.HUB_COLLAB_ENGINE = request.param
    return request.param


@pytest.fixture
def quick(settings):
    """Timers short enough for tests: idle checkpoint, permission re-check, peer sync."""
    settings.HUB_COLLAB_IDLE_CHECKPOINT_SECONDS = 0.5
    settings.HUB_COLLAB_RECHECK_SECONDS = 0.5
    settings.HUB_COLLAB_SYNC_SECONDS = 0.5
    return settings


@pytest.fixture
def cookies(org, login) -> dict[str, bytes]:
    """Session cookie headers of the org's people, by username (made before async code)."""
    people = ["admin", "rd_member", "mkt_member", "loner"]
    return {
        name: f"sessionid={login(getattr(org, name)).cookies['sessionid'].value}".encode()
        for name in people
    }


class CommittedLog:
    """The update log read over a connection of its own, synchronously and from any thread
    or event loop: a row it sees was committed."""

    def __init__(self, path: str):
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.table = CollabUpdate._meta.db_table

    def data(self, update_id: int) -> bytes | None:
        row = self.db.execute(f"SELECT data FROM {self.table} WHERE id = ?", (update_id,))
        found = row.fetchone()
        return bytes(found[0]) if found else None

    def has(self, data: bytes) -> bool:
        row = self.db.execute(f"SELECT 1 FROM {self.table} WHERE data = ?", (data,))
        return row.fetchone() is not None


@pytest.fixture
def committed_log(transactional_db):
    if connection.vendor != "sqlite":
        pytest.skip("reads the SQLite file directly")
    log = CommittedLog(connection.settings_dict["NAME"])
    yield log
    log.db.close()


class Peer:
    """A y-websocket client in Python: a CRDT document synced over the real ASGI app."""

    def __init__(self, page_id: int, cookie: bytes | None, origin: bytes | None = ORIGIN):
        from hub.asgi import application

        headers = [(b"origin", origin)] if origin else []
        if cookie:
            headers.append((b"cookie", cookie))
        # y-websocket appends the room name and may add query parameters.
        self.socket = WebsocketCommunicator(application, f"/ws/docs/{page_id}?v=1", headers)
        self.doc = new_doc()
        self.close_code: int | None = None
        self.awareness: dict[int, str] = {}
        self.denied = False
        # Called with each update the server relays (not step 2 answers), as it arrives.
        self.on_update: Callable[[bytes], None] | None = None

    async def connect(self) -> Peer:
        connected, _ = await self.socket.connect()
        assert connected
        await self.send(protocol.sync_frame(protocol.SYNC_STEP1, self.doc.state_vector()))
        return self

    async def send(self, frame: bytes) -> None:
        await self.socket.send_to(bytes_data=frame)

    async def edit(self, new_text: str) -> bytes:
        update = self.doc.set_text(new_text)
        await self.send(protocol.sync_frame(protocol.SYNC_UPDATE, update))
        return update

    async def say_hello(self, client_id: int, state: str) -> None:
        entry = protocol.AwarenessEntry(client_id, 1, state)
        await self.send(protocol.awareness_frame(protocol.awareness_payload([entry])))

    async def pump(self, until=lambda peer: False, timeout: float = 3.0) -> Peer:
        """Handle frames until ``until(self)`` holds, the socket closes or ``timeout`` ends.

        (asgiref's ``receive_output`` cancels the application when it times out, so
        quiet spells are waited out with ``receive_nothing``.)
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not until(self) and self.close_code is None:
            if await self.socket.receive_nothing(0.02, interval=0.005):
                if loop.time() > deadline:
                    break
                continue
            message = await self.socket.receive_output()
            if message["type"] == "websocket.close":
                self.close_code = message.get("code")
            else:
                await self.handle(message["bytes"])
        return self

    async def handle(self, data: bytes) -> None:
        reader = protocol.Reader(data)
        kind = reader.varuint()
        if kind == protocol.MESSAGE_SYNC:
            step, payload = reader.varuint(), reader.var_bytes()
            if step == protocol.SYNC_STEP1:
                diff = self.doc.encode_state(since=payload)
                await self.send(protocol.sync_frame(protocol.SYNC_STEP2, diff))
            else:
                if step == protocol.SYNC_UPDATE and self.on_update:
                    self.on_update(payload)
                self.doc.apply_update(payload)
        elif kind == protocol.MESSAGE_AWARENESS:
            for entry in protocol.read_awareness_update(reader.var_bytes()):
                self.awareness[entry.client_id] = entry.state_json
        elif kind == protocol.MESSAGE_AUTH:
            self.denied = True

    async def close(self) -> None:
        # Leaving may write the room's last checkpoint (a revision), which takes a moment.
        await self.socket.disconnect(timeout=10)
        self.doc = None  # y-py documents must be dropped in the thread that made them
