"""The y-websocket wire protocol: lib0 encoding and complete validation of every frame.

A frame is ``varuint message type`` followed by its payload (see y-protocols' sync.js and
awareness.js): sync frames carry a sub-type and a ``varUint8Array`` (a state vector for
step 1, an update for step 2 and update); awareness frames carry a ``varUint8Array``
holding ``varuint count`` entries of ``varuint client id, varuint clock, varString JSON``.

``decode_frame`` checks a frame completely before anything acts on it: truncated
integers, lengths running past the end, trailing bytes, unknown types, oversized frames
and malformed awareness entries raise ``ProtocolError``, whose ``code`` is the websocket
close code to answer with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

MESSAGE_SYNC, MESSAGE_AWARENESS, MESSAGE_AUTH, MESSAGE_QUERY_AWARENESS = 0, 1, 2, 3
SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE = 0, 1, 2

# Websocket close codes (4000-4999 are free for applications); docs/collab.md lists them.
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NO_DOCUMENT = 4404
CLOSE_MALFORMED = 4400
CLOSE_TOO_LARGE = 4413
CLOSE_UNAVAILABLE = 4423

# lib0 reads integers as JavaScript numbers; anything above this is not a valid varuint.
MAX_SAFE_INTEGER = 2**53 - 1


class ProtocolError(ValueError):
    """A frame that must not be applied; ``code`` is the websocket close code."""

    def __init__(self, message: str, code: int = CLOSE_MALFORMED):
        super().__init__(message)
        self.code = code


def write_varuint(value: int) -> bytes:
    """lib0 ``writeVarUint``: 7 bits per byte, least significant first, high bit = more."""
    if not 0 <= value <= MAX_SAFE_INTEGER:
        raise ValueError(f"varuint out of range: {value}")
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def write_var_bytes(data: bytes) -> bytes:
    """lib0 ``writeVarUint8Array``: the length as a varuint, then the bytes."""
    return write_varuint(len(data)) + data


def write_var_string(text: str) -> bytes:
    """lib0 ``writeVarString``: UTF-8 bytes written as a varUint8Array."""
    return write_var_bytes(text.encode("utf-8"))


class Reader:
    """A cursor over one buffer; every read checks that the bytes are there."""

    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def remaining(self) -> int:
        return len(self.data) - self.pos

    def varuint(self) -> int:
        value, shift = 0, 0
        while True:
            if self.pos >= len(self.data):
                raise ProtocolError("truncated integer")
            byte = self.data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if value > MAX_SAFE_INTEGER:
                raise ProtocolError("integer out of range")
            if byte < 0x80:
                return value
            shift += 7

    def var_bytes(self) -> bytes:
        length = self.varuint()
        if length > self.remaining():
            raise ProtocolError("length runs past the end of the frame")
        chunk = self.data[self.pos : self.pos + length]
        self.pos += length
        return chunk

    def var_string(self) -> str:
        try:
            return self.var_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolError("string is not UTF-8") from error

    def count(self, smallest_entry: int) -> int:
        """A count of entries, each at least ``smallest_entry`` bytes, that must fit."""
        value = self.varuint()
        if value * smallest_entry > self.remaining():
            raise ProtocolError("count runs past the end of the frame")
        return value

    def finish(self) -> None:
        if self.remaining():
            raise ProtocolError("trailing bytes after the message")


@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state_json: str  # "null" means the client left

    @property
    def removed(self) -> bool:
        return self.state_json == "null"


@dataclass(frozen=True)
class Frame:
    """A validated frame: ``payload`` is the state vector, update or awareness update."""

    type: int
    sync_type: int | None = None
    payload: bytes = b""
    awareness: tuple[AwarenessEntry, ...] = field(default=())


def read_state_vector(data: bytes) -> dict[int, int]:
    """Decode a state vector (client id -> clock), rejecting any malformed one."""
    reader = Reader(data)
    entries = {}
    for _ in range(reader.count(2)):
        client_id = reader.varuint()
        entries[client_id] = reader.varuint()
    reader.finish()
    return entries


def read_awareness_update(data: bytes) -> tuple[AwarenessEntry, ...]:
    """Decode an awareness update; each state must be JSON (an object or null)."""
    reader = Reader(data)
    entries = []
    for _ in range(reader.count(3)):
        client_id, clock, state_json = reader.varuint(), reader.varuint(), reader.var_string()
        try:
            state = json.loads(state_json)
        except ValueError as error:
            raise ProtocolError("awareness state is not JSON") from error
        if state is not None and not isinstance(state, dict):
            raise ProtocolError("awareness state must be an object or null")
        entries.append(AwarenessEntry(client_id, clock, state_json))
    reader.finish()
    return tuple(entries)


def decode_frame(data: bytes, max_size: int) -> Frame:
    """Validate and decode one frame a client sent, or raise ``ProtocolError``."""
    if len(data) > max_size:
        raise ProtocolError(f"frame of {len(data)} bytes exceeds {max_size}", CLOSE_TOO_LARGE)
    reader = Reader(data)
    message_type = reader.varuint()
    if message_type == MESSAGE_SYNC:
        sync_type = reader.varuint()
        if sync_type not in (SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE):
            raise ProtocolError(f"unknown sync message {sync_type}")
        payload = reader.var_bytes()
        reader.finish()
        if sync_type == SYNC_STEP1:
            read_state_vector(payload)
        return Frame(MESSAGE_SYNC, sync_type, payload)
    if message_type == MESSAGE_AWARENESS:
        payload = reader.var_bytes()
        reader.finish()
        return Frame(MESSAGE_AWARENESS, payload=payload, awareness=read_awareness_update(payload))
    if message_type == MESSAGE_QUERY_AWARENESS:
        reader.finish()
        return Frame(MESSAGE_QUERY_AWARENESS)
    # Auth messages only ever go from server to client.
    raise ProtocolError(f"unknown message type {message_type}")


def sync_frame(sync_type: int, payload: bytes) -> bytes:
    """A sync frame: step 1 carries a state vector, step 2 and update carry an update."""
    return write_varuint(MESSAGE_SYNC) + write_varuint(sync_type) + write_var_bytes(payload)


def awareness_payload(entries: list[AwarenessEntry] | tuple[AwarenessEntry, ...]) -> bytes:
    """Encode awareness entries as the payload of an awareness frame."""
    out = bytearray(write_varuint(len(entries)))
    for entry in entries:
        out += write_varuint(entry.client_id) + write_varuint(entry.clock)
        out += write_var_string(entry.state_json)
    return bytes(out)


def awareness_frame(payload: bytes) -> bytes:
    return write_varuint(MESSAGE_AWARENESS) + write_var_bytes(payload)


def permission_denied_frame(reason: str) -> bytes:
    """The y-protocols auth message telling a client it may not do something."""
    return write_varuint(MESSAGE_AUTH) + write_varuint(0) + write_var_string(reason)
