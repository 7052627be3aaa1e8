"""Nothing acknowledged is lost: SIGKILL the real server mid-edit, restart it, and every
character a second client had received (= acknowledged) is still there.

The server is ``hub serve`` in a subprocess with its own data folder; the clients are
Python y-websocket clients (the ``websockets`` package and a CRDT document). Checkpoints
are pushed out of reach, so only the update log can save the text. A client that stops
reading is closed with 1013 instead of growing the server's memory, and catches up.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hub.collab import protocol
from hub.collab.crdt import new_doc
from hub.testing import embedded_site_env

HUB = str(Path(sys.executable).with_name("hub"))
SETUP = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from hub.core.documents import create_document
from hub.core.models import HomePage, SpacePage, User
user = User.objects.create_superuser("boss", "boss@example.cn", "x-pass-42", name="老板")
space = SpacePage(title="测试", slug="kill-test", visibility="company_edit")
HomePage.objects.get().add_child(instance=space)
document = create_document(space, user, "崩溃测试", "开头\\n", "published")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(document.pk, session.session_key)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str]):
        self.env, self.port, self.process = env, _free_port(), None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [HUB, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("hub serve did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


class Client:
    """A y-websocket client: connects, syncs, and keeps applying what the server sends."""

    def __init__(self, url: str, cookie: str):
        self.url, self.cookie, self.doc = url, cookie, new_doc()

    async def __aenter__(self) -> Client:
        from websockets.asyncio.client import connect

        self.socket = await connect(
            self.url, additional_headers={"Cookie": self.cookie}, max_size=None
        )
        await self.socket.send(protocol.sync_frame(protocol.SYNC_STEP1, self.doc.state_vector()))
        self.reader = asyncio.ensure_future(self._read())
        return self

    async def __aexit__(self, *exc) -> None:
        self.reader.cancel()
        await self.socket.close()

    async def _read(self) -> None:
        async for data in self.socket:
            reader = protocol.Reader(data)
            if reader.varuint() != protocol.MESSAGE_SYNC:
                continue
            step, payload = reader.varuint(), reader.var_bytes()
            if step == protocol.SYNC_STEP1:
                diff = self.doc.encode_state(since=payload)
                await self.socket.send(protocol.sync_frame(protocol.SYNC_STEP2, diff))
            else:
                self.doc.apply_update(payload)

    async def wait_for(self, predicate, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.doc.text()):
            assert time.monotonic() < deadline, f"timed out; text is {self.doc.text()!r}"
            await asyncio.sleep(0.01)


@pytest.mark.timeout(180)
def test_sigkill_loses_no_acknowledged_update(engine, tmp_path):
    env = embedded_site_env(
        tmp_path / "data",
        HUB_COLLAB_ENGINE=engine,
        HUB_COLLAB_IDLE_SECONDS="3600",
        HUB_COLLAB_CHECKPOINT_SECONDS="3600",
        HUB_COLLAB_COMPACT_AFTER="50",  # compaction runs mid-edit too
    )
    subprocess.run([HUB, "migrate", "-v", "0"], env=env, check=True)
    out = subprocess.run(
        [HUB, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    page_id, cookie = out[-2], f"sessionid={out[-1]}"
    server = Server(env)
    url = f"ws://127.0.0.1:{server.port}/ws/docs/{page_id}"
    typed = "".join(f"{n % 10}字" for n in range(150))

    async def edit_and_kill() -> str:
        async with Client(url, cookie) as writer, Client(url, cookie) as watcher:
            await writer.wait_for(lambda text: text == "开头\n")
            await watcher.wait_for(lambda text: text == "开头\n")

            async def type_all():
                for char in typed:
                    await writer.socket.send(
                        protocol.sync_frame(
                            protocol.SYNC_UPDATE, writer.doc.set_text(writer.doc.text() + char)
                        )
                    )
                    await asyncio.sleep(0.002)

            typing = asyncio.ensure_future(type_all())
            await watcher.wait_for(lambda text: len(text) >= 3 + 200)
            server.kill()  # mid-edit: the writer is still typing
            acknowledged = watcher.doc.text()
            typing.cancel()
            return acknowledged

    async def reopen() -> str:
        async with Client(url, cookie) as reader:
            await reader.wait_for(lambda text: len(text) >= len(acknowledged))
            return reader.doc.text()

    server.start()
    try:
        acknowledged = asyncio.run(edit_and_kill())
        server.start()
        recovered = asyncio.run(reopen())
    finally:
        if server.process.poll() is None:
            server.kill()
    assert acknowledged.startswith("开头\n") and len(acknowledged) >= 203
    assert recovered.startswith(acknowledged)
    assert ("开头\n" + typed).startswith(recovered)


@pytest.mark.timeout(180)
def test_reader_that_falls_behind_is_closed_1013_and_resyncs(tmp_path):
    """A client that stops reading while edits pour in is closed with 1013 once its outbox
    holds ``HUB_COLLAB_MAX_BACKLOG`` frames; the writer is unaffected, and the slow client
    reconnects to the whole text."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    env = embedded_site_env(tmp_path / "data", HUB_COLLAB_MAX_BACKLOG="20")
    subprocess.run([HUB, "migrate", "-v", "0"], env=env, check=True)
    out = subprocess.run(
        [HUB, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    page_id, cookie = out[-2], f"sessionid={out[-1]}"
    server = Server(env)
    url = f"ws://127.0.0.1:{server.port}/ws/docs/{page_id}"
    # Big updates fill the loopback socket buffers after a few megabytes; only then do
    # frames wait in the server's outbox.
    chunk, chunks = "慢" * 20_000, 200

    async def flood() -> tuple[int | None, int]:
        async with Client(url, cookie) as writer:
            await writer.wait_for(lambda text: text == "开头\n")
            # max_queue=1: the client stops reading its socket once one frame waits; a
            # fixed receive buffer keeps the kernel from growing it to tens of megabytes.
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
            sock.connect(("127.0.0.1", server.port))
            sock.setblocking(False)
            slow = await connect(url, sock=sock, additional_headers={"Cookie": cookie}, max_queue=1)
            await slow.send(protocol.sync_frame(protocol.SYNC_STEP1, new_doc().state_vector()))
            for _ in range(chunks):
                # Each chunk from a fresh replica (no diff against megabytes of text): a
                # concurrent insert, which every replica merges in the same order.
                update = new_doc().set_text(chunk)
                await writer.socket.send(protocol.sync_frame(protocol.SYNC_UPDATE, update))
            code = None
            try:
                while True:
                    await asyncio.wait_for(slow.recv(), timeout=30)
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
            # The writer's connection is still open and served: a sync round trip works.
            await writer.socket.send(
                protocol.sync_frame(protocol.SYNC_STEP1, writer.doc.state_vector())
            )
            async with Client(url, cookie) as again:
                expected = len("开头\n") + chunks * len(chunk)
                await again.wait_for(lambda text: len(text) == expected, timeout=60)
                return code, len(again.doc.text())

    server.start()
    try:
        code, length = asyncio.run(flood())
    finally:
        server.kill()
    assert code == 1013
    assert length == len("开头\n") + chunks * len(chunk)
