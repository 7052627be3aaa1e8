"""Fixtures of the chat tests, which need the plugin installed (HUB_PLUGINS must list
plugins.chat): session cookies, a JSON websocket client on the real ASGI app, quick
timers, a fresh flood bucket per test."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from django.conf import settings

if "plugins.chat" not in settings.INSTALLED_APPS:
    # Not enabled (HUB_PLUGINS): the modules would not even import.
    collect_ignore_glob = ["test_*.py"]

ORIGIN = b"http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def _fresh_flood_buckets():
    from plugins.chat import ratelimit

    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def chat_config(settings):
    """chat_config(key=value, …) sets the chat's HUB_PLUGIN_CONFIG for the test."""

    def configure(**values: Any) -> None:
        settings.HUB_PLUGIN_CONFIG = {**settings.HUB_PLUGIN_CONFIG, "chat": values}

    return configure


@pytest.fixture
def cookies(org, login) -> dict[str, bytes]:
    """Session cookie headers of the org's people, by username (made before async code)."""
    people = ["admin", "rd_member", "rd_head", "rd_web", "mkt_member", "loner"]
    return {
        name: f"sessionid={login(getattr(org, name)).cookies['sessionid'].value}".encode()
        for name in people
    }


class ChatSocket:
    """A client of ``/ws/chat/`` speaking the JSON protocol through the real ASGI app."""

    def __init__(self, cookie: bytes | None, origin: bytes | None = ORIGIN):
        from channels.testing import WebsocketCommunicator

        from hub.asgi import application

        headers = [(b"origin", origin)] if origin else []
        if cookie:
            headers.append((b"cookie", cookie))
        self.socket = WebsocketCommunicator(application, "/ws/chat/?lang=en", headers)
        self.close_code: int | None = None

    async def connect(self, hello: bool = True) -> ChatSocket:
        connected, _ = await self.socket.connect()
        assert connected
        if hello:
            assert (await self.receive())["type"] == "hello"
        return self

    async def send(self, **frame: Any) -> None:
        await self.socket.send_to(text_data=json.dumps(frame))

    async def send_raw(self, text: str | None = None, data: bytes | None = None) -> None:
        await self.socket.send_to(text_data=text, bytes_data=data)

    async def receive(self, timeout: float = 3.0) -> dict[str, Any]:
        """The next frame (``{"type": "closed", "code": …}`` when the server closed).

        (asgiref's ``receive_output`` cancels the application when it times out, so the
        wait is done with ``receive_nothing``.)
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while await self.socket.receive_nothing(0.02, interval=0.005):
            assert loop.time() < deadline, "no frame arrived in time"
        output = await self.socket.receive_output()
        if output["type"] == "websocket.close":
            self.close_code = output.get("code")
            return {"type": "closed", "code": self.close_code}
        return json.loads(output["text"])

    async def expect(self, kind: str, timeout: float = 3.0) -> dict[str, Any]:
        """The next frame, which must be of type ``kind``."""
        frame = await self.receive(timeout)
        assert frame["type"] == kind, frame
        return frame

    async def silent(self, timeout: float = 0.3) -> bool:
        """Did nothing arrive for ``timeout`` seconds?"""
        return await self.socket.receive_nothing(timeout)

    async def join(self, room_id: int, **extra: Any) -> dict[str, Any]:
        await self.send(type="join", room=room_id, **extra)
        return await self.expect("joined")

    async def close(self) -> None:
        await self.socket.disconnect(timeout=5)
