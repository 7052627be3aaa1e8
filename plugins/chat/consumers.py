"""The chat websocket (``/ws/chat/``): JSON frames, documented in ``docs/chat.md``.

One socket carries any number of rooms: the client joins the rooms it shows. The session
authenticates the handshake; every frame is validated and every action re-checks the
person's access against the database, so a refused frame gets an ``error`` frame, changes
nothing, and the connection stays open. The sender of a message is always the session's
person (any sender field in a frame is ignored). Writes are rate-limited per person.
Every ``recheck_seconds`` the socket re-checks the person: deactivated, the socket closes
(4401); a room they lost is left with a ``forbidden`` error frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hub.core.models import User
from plugins.chat import broadcast, ratelimit, services
from plugins.chat.conf import chat_setting
from plugins.chat.models import Message
from plugins.chat.rooms import readable_room_or_none
from plugins.chat.serialize import message_payload, payloads, with_details
from plugins.chat.services import ChatError

logger = logging.getLogger("hub.chat")

CLOSE_NOT_AUTHENTICATED = 4401
# Room ids and message ids are database ids; anything else in their place is refused.
MAX_ID = 2**63 - 1


def _fresh_user(user_id: int) -> User:
    """The person as the database has them now (roles are cached per object)."""
    user = User.objects.select_related("department").filter(pk=user_id).first()
    if user is None or not user.is_active:
        raise ChatError("not_authenticated", _("Your account is not active."))
    return user


def _id(frame: dict[str, Any], key: str) -> int:
    value = frame.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise ChatError("invalid", _("“%(key)s” must be a positive number.") % {"key": key})
    return value


def _room(user: User, frame: dict[str, Any]):
    room = readable_room_or_none(user, _id(frame, "room"))
    if room is None:
        raise ChatError("not_found", _("This room does not exist or you are not in it."))
    return room


@database_sync_to_async
def _join(user_id: int, frame: dict[str, Any]) -> dict[str, Any]:
    user = _fresh_user(user_id)
    room = _room(user, frame)
    since = frame.get("since")
    if since is None:
        messages, more = services.history(room)
    else:
        messages, more = services.missed(room, _since(frame), _changed_since(frame))
    return {"room": room.pk, "messages": payloads(messages, user), "more": more}


def _changed_since(frame: dict[str, Any]) -> datetime | None:
    value = frame.get("changed_since")
    if value is None:
        return None
    try:
        when = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise ChatError("invalid", _("“changed_since” must be an ISO date and time with a zone."))
    return when


def _since(frame: dict[str, Any]) -> int:
    """0 (the client has seen nothing yet) or the id of the last message it saw."""
    since = frame.get("since")
    if since == 0 and since is not False:
        return 0
    return _id(frame, "since")


@database_sync_to_async
def _send(user_id: int, frame: dict[str, Any]) -> Message:
    user = _fresh_user(user_id)
    return services.post_message(user, _room(user, frame), frame.get("body"))


@database_sync_to_async
def _edit(user_id: int, frame: dict[str, Any]) -> Message:
    return services.edit_message(_fresh_user(user_id), _id(frame, "message"), frame.get("body"))


@database_sync_to_async
def _delete(user_id: int, frame: dict[str, Any]) -> Message:
    return services.delete_message(_fresh_user(user_id), _id(frame, "message"))


@database_sync_to_async
def _read(user_id: int, frame: dict[str, Any]) -> dict[str, Any]:
    user = _fresh_user(user_id)
    room = _room(user, frame)
    services.mark_read(user, room, _id(frame, "message"))
    count = services.unread_counts(user, [room.pk]).get(room.pk, 0)
    return {"room": room.pk, "count": count, "total": services.unread_total(user)}


@database_sync_to_async
def _message_for(user_id: int, message_id: int) -> dict[str, Any] | None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    message = with_details(Message.objects.filter(pk=message_id)).first()
    # Checked for every message, not only at the periodic re-check: nothing of a room
    # reaches someone who lost it moments ago.
    if user is None or message is None or not readable_room_or_none(user, message.room_id):
        return None
    return message_payload(message, user)


@database_sync_to_async
def _still_readable(user_id: int, room_ids: set[int]) -> set[int] | None:
    """The rooms of ``room_ids`` the person may still read; None if they are inactive."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return {room_id for room_id in room_ids if readable_room_or_none(user, room_id)}


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.rooms: set[int] = set()
        self.rechecker: asyncio.Future | None = None
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(CLOSE_NOT_AUTHENTICATED)
            return
        self.user_id = user.pk
        self.language = self._language(user)
        self.rechecker = asyncio.ensure_future(self._recheck_forever())
        await self.send_json({"type": "hello", "user": {"id": user.pk, "name": str(user)}})

    def _language(self, user: User) -> str:
        """The account's language, else the page's (``?lang=``), else the site's."""
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        choices = dict(settings.LANGUAGES)
        for language in (user.language, *query.get("lang", [])):
            if language in choices:
                return language
        return settings.LANGUAGE_CODE

    async def disconnect(self, code: int) -> None:
        if self.rechecker is not None:
            self.rechecker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.rechecker
        for room_id in list(self.rooms):
            await self._leave(room_id)

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not hasattr(self, "user_id"):
            return
        frame: dict[str, Any] = {}
        with translation.override(self.language):
            try:
                frame = self._parse(text_data)
                kind = frame.get("type")
                handler = self.HANDLERS.get(kind) if isinstance(kind, str) else None
                if handler is None:
                    raise ChatError("unknown_type", _("Unknown frame type."))
                await handler(self, frame)
            except ChatError as error:
                if error.code == "not_authenticated":
                    await self.close(CLOSE_NOT_AUTHENTICATED)
                    return
                reply = {"type": "error", "code": error.code, "message": str(error)}
                if "ref" in frame:
                    reply["ref"] = frame["ref"]
                if isinstance(frame.get("room"), int):
                    reply["room"] = frame["room"]
                await self.send_json(reply)

    def _parse(self, text_data: str | None) -> dict[str, Any]:
        if text_data is None:
            raise ChatError("malformed", _("Frames must be JSON text."))
        # A body of the longest allowed length, fully escaped, plus the other fields.
        if len(text_data) > chat_setting("max_message_chars") * 6 + 4096:
            raise ChatError("too_large", _("This frame is too large."))
        try:
            frame = json.loads(text_data)
        except ValueError as error:
            raise ChatError("malformed", _("This frame is not valid JSON.")) from error
        if not isinstance(frame, dict):
            raise ChatError("malformed", _("A frame must be a JSON object."))
        # Echoed back in answers; kept short so a client cannot make the server echo a lot.
        ref = frame.get("ref")
        if ref is not None and not (isinstance(ref, str | int) and len(str(ref)) <= 64):
            frame.pop("ref")
            raise ChatError("invalid", _("“ref” must be a short string or number."))
        return frame

    def _check_rate(self) -> None:
        wait = ratelimit.take(self.user_id)
        if wait:
            raise ChatError(
                "rate_limited",
                _("You are sending too fast; wait %(seconds).1f seconds.") % {"seconds": wait},
            )

    # -- frame handlers -------------------------------------------------------------------

    async def on_join(self, frame: dict[str, Any]) -> None:
        joined = await _join(self.user_id, frame)
        room_id = joined["room"]
        if room_id not in self.rooms:
            self.rooms.add(room_id)
            await self.channel_layer.group_add(broadcast.room_group(room_id), self.channel_name)
        await self.send_json({"type": "joined", **joined, **self._ref(frame)})

    async def on_leave(self, frame: dict[str, Any]) -> None:
        room_id = _id(frame, "room")
        await self._leave(room_id)
        await self.send_json({"type": "left", "room": room_id})

    async def on_send(self, frame: dict[str, Any]) -> None:
        self._check_rate()
        await self._published(await _send(self.user_id, frame), frame)

    async def on_edit(self, frame: dict[str, Any]) -> None:
        self._check_rate()
        await self._published(await _edit(self.user_id, frame), frame)

    async def on_delete(self, frame: dict[str, Any]) -> None:
        self._check_rate()
        await self._published(await _delete(self.user_id, frame), frame)

    async def on_read(self, frame: dict[str, Any]) -> None:
        await self.send_json({"type": "unread", **await _read(self.user_id, frame)})

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send_json({"type": "pong", **self._ref(frame)})

    HANDLERS = {
        "join": on_join,
        "leave": on_leave,
        "send": on_send,
        "edit": on_edit,
        "delete": on_delete,
        "read": on_read,
        "ping": on_ping,
    }

    @staticmethod
    def _ref(frame: dict[str, Any]) -> dict[str, Any]:
        return {"ref": frame["ref"]} if "ref" in frame else {}

    async def _published(self, message: Message, frame: dict[str, Any]) -> None:
        """Acknowledge a write to its author, then tell every socket in the room."""
        await self.send_json({"type": "ack", "message": message.pk, **self._ref(frame)})
        await broadcast.publish(message.room_id, message.pk)

    async def _leave(self, room_id: int) -> None:
        if room_id in self.rooms:
            self.rooms.discard(room_id)
            await self.channel_layer.group_discard(broadcast.room_group(room_id), self.channel_name)

    # -- channel layer events -------------------------------------------------------------

    async def chat_message(self, event: dict[str, Any]) -> None:
        with translation.override(self.language):
            payload = await _message_for(self.user_id, event["message_id"])
        if payload is not None and payload["room"] in self.rooms:
            await self.send_json({"type": "message", "message": payload})

    # -- access re-check ------------------------------------------------------------------

    async def _recheck_forever(self) -> None:
        while True:
            await asyncio.sleep(chat_setting("recheck_seconds"))
            try:
                if not await self._recheck():
                    return
            except Exception:
                # A failed check (database busy) is retried at the next tick.
                logger.exception("chat: re-checking access failed")

    async def _recheck(self) -> bool:
        """Leave the rooms the person lost; False (and closed) if they were deactivated."""
        readable = await _still_readable(self.user_id, set(self.rooms))
        if readable is None:
            await self.close(CLOSE_NOT_AUTHENTICATED)
            return False
        with translation.override(self.language):
            for room_id in sorted(self.rooms - readable):
                await self._leave(room_id)
                await self.send_json(
                    {
                        "type": "error",
                        "code": "forbidden",
                        "room": room_id,
                        "message": _("You no longer have access to this room."),
                    }
                )
        return True
