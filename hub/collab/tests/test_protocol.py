"""The y-websocket wire format: lib0 round trips and every kind of malformed frame."""

from __future__ import annotations

import pytest

from hub.collab import protocol as p

LIMIT = 1 << 20


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 2**32 + 5, p.MAX_SAFE_INTEGER])
def test_varuint_round_trip(value):
    encoded = p.write_varuint(value)
    reader = p.Reader(encoded)
    assert reader.varuint() == value
    reader.finish()


def test_varuint_matches_lib0_bytes():
    # lib0: 7 bits per byte, least significant group first.
    assert p.write_varuint(300) == b"\xac\x02"
    assert p.write_varuint(127) == b"\x7f"


def test_var_string_round_trip_chinese():
    reader = p.Reader(p.write_var_string("周报：进度 ✓"))
    assert reader.var_string() == "周报：进度 ✓"


def test_sync_frames_round_trip():
    for sync_type, payload in [(p.SYNC_STEP1, b"\x00"), (p.SYNC_STEP2, b"\x00\x00")]:
        frame = p.decode_frame(p.sync_frame(sync_type, payload), LIMIT)
        assert (frame.type, frame.sync_type, frame.payload) == (p.MESSAGE_SYNC, sync_type, payload)


def test_awareness_round_trip():
    entries = [p.AwarenessEntry(7, 3, '{"user":{"name":"张伟"}}'), p.AwarenessEntry(9, 4, "null")]
    frame = p.decode_frame(p.awareness_frame(p.awareness_payload(entries)), LIMIT)
    assert frame.awareness == tuple(entries)
    assert frame.awareness[1].removed


def test_query_awareness():
    assert p.decode_frame(b"\x03", LIMIT).type == p.MESSAGE_QUERY_AWARENESS


def test_state_vector_decoding():
    sv = p.write_varuint(2) + p.write_varuint(5) + p.write_varuint(10)
    sv += p.write_varuint(99) + p.write_varuint(0)
    assert p.read_state_vector(sv) == {5: 10, 99: 0}


def _awareness(count: int, *fields: bytes) -> bytes:
    payload = p.write_varuint(count) + b"".join(fields)
    return p.awareness_frame(payload)


MALFORMED = {
    "empty": b"",
    "truncated type": b"\x80",
    "truncated sync type": b"\x00",
    "unknown sync type": b"\x00\x05\x00",
    "length past the end": b"\x00\x02\x05ab",
    "trailing bytes": p.sync_frame(p.SYNC_UPDATE, b"\x00\x00") + b"\x00",
    "unknown message type": b"\x09",
    "auth from a client": p.permission_denied_frame("x"),
    "query awareness with trailing bytes": b"\x03\x00",
    "integer beyond 2^53": b"\x00\x02" + b"\xff" * 8 + b"\x7f",
    "step 1 with a bad state vector": p.sync_frame(p.SYNC_STEP1, b"\x05\x01"),
    "step 1 with state vector trailing bytes": p.sync_frame(p.SYNC_STEP1, b"\x00\x00"),
    "awareness count past the end": _awareness(1000),
    "awareness state not JSON": _awareness(1, b"\x01\x01" + p.write_var_string("{nope")),
    "awareness state a list": _awareness(1, b"\x01\x01" + p.write_var_string("[1]")),
    "awareness state not UTF-8": _awareness(1, b"\x01\x01\x02\xff\xfe"),
    "awareness payload trailing bytes": _awareness(0, b"\x01"),
    "awareness truncated entry": _awareness(1, b"\x01"),
}


@pytest.mark.parametrize("frame", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_frames_are_refused(frame):
    with pytest.raises(p.ProtocolError) as caught:
        p.decode_frame(frame, LIMIT)
    assert caught.value.code == p.CLOSE_MALFORMED


def test_oversized_frame_is_refused_with_its_own_code():
    frame = p.sync_frame(p.SYNC_UPDATE, b"\x00" * 100)
    with pytest.raises(p.ProtocolError) as caught:
        p.decode_frame(frame, 50)
    assert caught.value.code == p.CLOSE_TOO_LARGE
    assert p.decode_frame(frame, len(frame)).payload == b"\x00" * 100
