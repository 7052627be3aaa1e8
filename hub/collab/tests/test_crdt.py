"""The engine-neutral CRDT API, on y-py and on pycrdt."""

from __future__ import annotations

import random

import pytest

from hub.collab import crdt


def test_engines_are_wire_compatible(engine):
    other = "pycrdt" if engine == "y_py" else "y_py"
    pytest.importorskip("y_py")
    a, b = crdt.new_doc(engine), crdt.new_doc(other)
    b.apply_update(a.set_text("会议纪要\n- 决定：发布 v2\n"))
    a.apply_update(b.set_text("会议纪要\n- 决定：发布 v2 😀\n"))
    assert a.text() == b.text() == "会议纪要\n- 决定：发布 v2 😀\n"


def test_set_text_is_a_small_diff(engine):
    doc = crdt.new_doc(engine)
    body = "第一行\n" + "x" * 5000 + "\n最后一行\n"
    doc.set_text(body)
    update = doc.set_text(body.replace("第一行", "第 1 行"))
    assert doc.text() == body.replace("第一行", "第 1 行")
    assert len(update) < 100  # not a delete-all-insert-all of 5,000 characters
    assert doc.set_text(doc.text()) == b""


def test_set_text_keeps_concurrent_inserts(engine):
    server, client = crdt.new_doc(engine), crdt.new_doc(engine)
    client.apply_update(server.set_text("alpha beta gamma\n周一 周二\n"))
    typed = client.set_text("alpha beta [client] gamma\n周一 周二\n")
    saved = server.set_text("ALPHA beta gamma\n周一 周二 周三\n")  # a form save, concurrently
    server.apply_update(typed)
    client.apply_update(saved)
    assert server.text() == client.text() == "ALPHA beta [client] gamma\n周一 周二 周三\n"


def test_random_edits_converge(engine):
    rng = random.Random(4)
    docs = [crdt.new_doc(engine) for _ in range(3)]
    words = ["中文", "abc", "😀", "\n", "文档 ", "x"]
    for _round in range(20):
        updates = []
        for doc in docs:
            text = doc.text()
            at = rng.randint(0, len(text))
            cut = rng.randint(0, min(3, len(text) - at))
            updates.append(doc.set_text(text[:at] + rng.choice(words) + text[at + cut :]))
        for doc in docs:
            for update in updates:
                doc.apply_update(update)
    assert docs[0].text() == docs[1].text() == docs[2].text()


def test_state_vector_diff(engine):
    a, b = crdt.new_doc(engine), crdt.new_doc(engine)
    b.apply_update(a.set_text("one"))
    a.set_text("one two")
    b.apply_update(a.encode_state(since=b.state_vector()))
    assert b.text() == "one two"


GARBAGE = [
    b"",
    b"\xff" * 12,
    b"hello world",
    # A real update with a broken UTF-8 type name: y-py segfaults on this one unguarded.
    bytes.fromhex(
        "0103e19af0d20600040107ba6f6e74656e7402e96581e19af0d206010384e19af0d206040d20e4b8ade6"
        "968720776f726c6401e19af0d206010203"
    ),
]


@pytest.mark.parametrize("garbage", GARBAGE)
def test_bad_update_changes_nothing(engine, garbage):
    doc = crdt.new_doc(engine)
    doc.set_text("保持不变")
    before = doc.encode_state()
    with pytest.raises(crdt.InvalidUpdate):
        doc.apply_update(garbage)
    assert doc.text() == "保持不变"
    assert doc.encode_state() == before


def test_mutated_updates_never_crash_the_process(engine):
    """Flipped bytes in real updates: each is applied or refused, never a crash."""
    source = crdt.new_doc(engine)
    source.set_text("hello 中文 world")
    source.set_text("he 中文 world!")
    update = source.encode_state()
    rng = random.Random(7)
    for _ in range(500):
        mutated = bytearray(update)
        for _flip in range(rng.randint(1, 3)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        doc = crdt.new_doc(engine)
        try:
            doc.apply_update(bytes(mutated))
        except crdt.InvalidUpdate:
            assert doc.text() == ""


def test_bad_state_vector_is_refused(engine):
    with pytest.raises(crdt.InvalidUpdate):
        crdt.new_doc(engine).encode_state(since=b"\x05\x01")


def test_unknown_engine():
    with pytest.raises(ValueError, match="unknown CRDT engine"):
        crdt.new_doc("automerge")
