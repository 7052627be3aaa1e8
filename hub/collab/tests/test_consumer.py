"""The websocket endpoint through the real ASGI app: auth, origin, read-only viewers,
convergence, bad frames and revoked access. Run once per CRDT engine."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator

from hub.collab import protocol, rooms
from hub.collab.models import CollabUpdate
from hub.collab.tests.conftest import Peer

# Serialized rollback restores the home page and site that migrations create.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run(scenario):
    """Run an async scenario; DB calls go back to the test's thread (one connection)."""
    async_to_sync(scenario)()
    assert rooms.open_rooms() == {}, "a room stayed open after its clients left"


def has_text(text):
    return lambda peer: peer.doc.text() == text


@pytest.fixture
def secret_doc(spaces, make_document, org):
    """In the members-only space: mkt_member edits, rd_member only views."""
    return make_document(spaces.secret, org.mkt_member, "保密计划", "第一版\n")


def test_anonymous_is_refused(engine, cookies, secret_doc):
    async def scenario():
        peer = await Peer(secret_doc.pk, cookie=None).connect()
        await peer.pump()
        assert peer.close_code == protocol.CLOSE_NOT_AUTHENTICATED

    run(scenario)


def test_deactivated_user_is_refused(engine, cookies, secret_doc, org):
    cookie = cookies["rd_member"]
    org.rd_member.is_active = False
    org.rd_member.save()

    async def scenario():
        peer = await Peer(secret_doc.pk, cookie).connect()
        await peer.pump()
        assert peer.close_code == protocol.CLOSE_NOT_AUTHENTICATED

    run(scenario)


@pytest.mark.parametrize("who", ["loner", "nobody's document"])
def test_no_access_looks_like_no_document(engine, cookies, secret_doc, org, who):
    page_id = secret_doc.pk if who == "loner" else secret_doc.pk + 1000

    async def scenario():
        peer = await Peer(page_id, cookies["loner"]).connect()
        await peer.pump()
        assert peer.close_code == protocol.CLOSE_NO_DOCUMENT
        assert peer.doc.text() == ""

    run(scenario)


def test_foreign_origin_is_refused(engine, cookies, secret_doc, org):
    async def scenario():
        from hub.asgi import application

        headers = [
            (b"origin", b"https://evil.example"),
            (b"cookie", cookies["mkt_member"]),
        ]
        socket = WebsocketCommunicator(application, f"/ws/docs/{secret_doc.pk}", headers)
        connected, _code = await socket.connect()
        assert not connected

    run(scenario)


def test_two_editors_converge_in_chinese(engine, cookies, spaces, make_document, org):
    document = make_document(spaces.company_edit, org.rd_member, "百科", "开头\n")

    async def scenario():
        a = await Peer(document.pk, cookies["rd_member"]).connect()
        b = await Peer(document.pk, cookies["mkt_member"], origin=None).connect()
        await a.pump(has_text("开头\n"))
        await b.pump(has_text("开头\n"))
        await a.edit("开头\n张伟写的一行\n")
        await b.edit("开头\n刘洋也写了 🙂\n")
        expected = {"开头\n张伟写的一行\n刘洋也写了 🙂\n", "开头\n刘洋也写了 🙂\n张伟写的一行\n"}
        await a.pump(lambda peer: peer.doc.text() in expected)
        await b.pump(lambda peer: peer.doc.text() in expected)
        assert a.doc.text() == b.doc.text() in expected
        assert rooms.open_rooms()[document.pk].doc.text() == a.doc.text()
        await a.close()
        await b.close()

    run(scenario)
    # Both updates were stored (with their authors) before anyone received them.
    authors = set(CollabUpdate.objects.filter(page=document).values_list("user", flat=True))
    assert {org.rd_member.pk, org.mkt_member.pk} <= authors


def test_viewer_is_read_only(engine, cookies, secret_doc, org):
    async def scenario():
        editor = await Peer(secret_doc.pk, cookies["mkt_member"]).connect()
        viewer = await Peer(secret_doc.pk, cookies["rd_member"]).connect()
        await viewer.pump(has_text("第一版\n"))
        assert viewer.doc.text() == "第一版\n"  # the viewer's step 1 is answered
        await editor.pump(has_text("第一版\n"))
        await viewer.say_hello(99, '{"user":{"name":"viewer"}}')
        await viewer.edit("第一版\n偷偷改\n")
        await viewer.pump(lambda peer: peer.denied)
        assert viewer.denied and viewer.close_code is None
        await editor.edit("第一版\n第二版\n")
        await editor.pump(timeout=0.5)
        await viewer.pump(lambda peer: "第二版" in peer.doc.text())
        assert editor.doc.text() == "第一版\n第二版\n"
        assert 99 not in editor.awareness
        room = rooms.open_rooms()[secret_doc.pk]
        assert room.doc.text() == "第一版\n第二版\n"
        await viewer.close()
        await editor.close()

    run(scenario)
    assert not CollabUpdate.objects.filter(page=secret_doc, user=org.rd_member).exists()


GARBAGE_UPDATE = protocol.sync_frame(protocol.SYNC_UPDATE, b"\xff" * 12)
BAD_FRAMES = {
    "truncated": (b"\x00\x02\x09ab", protocol.CLOSE_MALFORMED),
    "unknown type": (b"\x07", protocol.CLOSE_MALFORMED),
    "garbage update": (GARBAGE_UPDATE, protocol.CLOSE_MALFORMED),
    "oversized": (
        protocol.sync_frame(protocol.SYNC_UPDATE, b"\x00" * 5000),
        protocol.CLOSE_TOO_LARGE,
    ),
    "bad awareness": (protocol.awareness_frame(b"\x01\x01\x01\x03{x}"), protocol.CLOSE_MALFORMED),
}


@pytest.mark.parametrize("frame, code", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_bad_frame_closes_and_changes_nothing(engine, cookies, settings, secret_doc, frame, code):
    settings.HUB_COLLAB_MAX_FRAME_BYTES = 4096

    async def scenario():
        good = await Peer(secret_doc.pk, cookies["mkt_member"]).connect()
        bad = await Peer(secret_doc.pk, cookies["mkt_member"]).connect()
        await good.pump(has_text("第一版\n"))
        await bad.pump(has_text("第一版\n"))
        room = rooms.open_rooms()[secret_doc.pk]
        state = room.doc.encode_state()
        rows = await database_sync_to_async(CollabUpdate.objects.count)()
        await bad.send(frame)
        await bad.pump()
        assert bad.close_code == code
        assert room.doc.encode_state() == state
        assert await database_sync_to_async(CollabUpdate.objects.count)() == rows
        await bad.close()
        # The worker and the room live on: the good client still edits.
        await good.edit("第一版\n还在\n")
        await good.pump(timeout=0.3)
        assert room.doc.text() == "第一版\n还在\n"
        await good.close()

    run(scenario)


def test_revoked_access_disconnects(engine, cookies, quick, secret_doc, org):
    from hub.core.models import SpaceMembership

    async def scenario():
        peer = await Peer(secret_doc.pk, cookies["mkt_member"]).connect()
        await peer.pump(has_text("第一版\n"))
        await database_sync_to_async(
            SpaceMembership.objects.filter(user=org.mkt_member, space=secret_doc.space).delete
        )()
        await peer.pump(timeout=3)
        assert peer.close_code == protocol.CLOSE_FORBIDDEN
        await peer.close()

    run(scenario)


def test_awareness_is_relayed_and_removed_on_leave(engine, cookies, secret_doc, org):
    async def scenario():
        a = await Peer(secret_doc.pk, cookies["mkt_member"]).connect()
        await a.say_hello(11, '{"user":{"name":"刘洋"}}')
        await a.pump(timeout=0.3)
        b = await Peer(secret_doc.pk, cookies["admin"]).connect()
        await b.pump(lambda peer: 11 in peer.awareness)  # a newcomer gets current states
        assert b.awareness[11] == '{"user":{"name":"刘洋"}}'
        await a.close()
        await b.pump(lambda peer: peer.awareness.get(11) == "null")
        assert b.awareness[11] == "null"
        await b.close()

    run(scenario)


def test_worker_survives_a_client_vanishing_mid_relay(engine, cookies, secret_doc, org):
    async def scenario():
        peers = [await Peer(secret_doc.pk, cookies["mkt_member"]).connect() for _ in range(3)]
        for peer in peers:
            await peer.pump(has_text("第一版\n"))
        await peers[1].close()
        await peers[0].edit("第一版\nA\n")
        await peers[2].pump(has_text("第一版\nA\n"))
        assert peers[2].doc.text() == "第一版\nA\n"
        await asyncio.gather(peers[0].close(), peers[2].close())

    run(scenario)


def test_rooms_store_every_update_before_relaying_it(
    engine, cookies, spaces, make_document, org, committed_log
):
    documents = [make_document(spaces.company_edit, org.admin, f"并发 {n}", "") for n in range(3)]
    stored_on_arrival: list[bool] = []

    async def scenario():
        peers = []
        for document in documents:
            for person in ("rd_member", "mkt_member"):
                peer = await Peer(document.pk, cookies[person]).connect()
                peer.on_update = lambda update: stored_on_arrival.append(committed_log.has(update))
                peers.append(peer)
        await asyncio.gather(*(peer.pump(timeout=0.3) for peer in peers))
        for n in range(15):  # everyone types at once, without waiting for anything
            for number, peer in enumerate(peers):
                await peer.edit(peer.doc.text() + f"{number}-{n}\n")
        for number, peer in enumerate(peers):
            partner = number ^ 1  # the other peer of the same document
            lines = [f"{who}-{n}\n" for who in (number, partner) for n in range(15)]
            await peer.pump(lambda p, lines=lines: all(line in p.doc.text() for line in lines))
            assert all(line in peer.doc.text() for line in lines)
        for first, second in zip(peers[::2], peers[1::2], strict=True):
            assert first.doc.text() == second.doc.text()
        await asyncio.gather(*(peer.close() for peer in peers))

    run(scenario)
    assert len(stored_on_arrival) >= 6 * 15 and all(stored_on_arrival)


class SharedLayer(InMemoryChannelLayer):
    """Stands in for a layer that other processes share (Redis)."""


@pytest.mark.parametrize("shared", [True, False], ids=["shared layer", "in-memory layer"])
def test_updates_go_to_other_processes_only_through_a_shared_layer(
    engine, cookies, settings, secret_doc, committed_log, shared
):
    if shared:
        backend = f"{__name__}.SharedLayer"
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": backend}}

    async def scenario():
        layer = get_channel_layer()
        elsewhere = await layer.new_channel()  # the room of this document in another process
        await layer.group_add(rooms.group_name(secret_doc.pk), elsewhere)
        peer = await Peer(secret_doc.pk, cookies["mkt_member"]).connect()
        await peer.pump(has_text("第一版\n"))
        update = await peer.edit("第一版\n远方\n")
        if shared:
            message = await asyncio.wait_for(layer.receive(elsewhere), 3)
            assert message["type"] == "collab.update" and message["update"] == update
            assert committed_log.has(update)
        else:  # no other process can hear an in-memory layer: nothing is published
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(layer.receive(elsewhere), 0.5)
        assert rooms.open_rooms()[secret_doc.pk].doc.text() == "第一版\n远方\n"
        await peer.close()

    run(scenario)


class LossyLayer(InMemoryChannelLayer):
    """A shared layer that loses every update broadcast to a group, as Redis does when a
    channel is full; state-vector syncs and their direct answers get through."""

    async def group_send(self, group, message):
        if message["type"] != "collab.update":
            await super().group_send(group, message)


def test_state_vector_sync_repairs_updates_a_lossy_layer_dropped(
    engine, quick, cookies, settings, secret_doc
):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.LossyLayer"}}

    async def scenario():
        peer = await Peer(secret_doc.pk, cookies["mkt_member"]).connect()
        await peer.pump(has_text("第一版\n"))
        # The same document's room in another process, joined to the same group.
        elsewhere = rooms.Room(secret_doc.pk)
        await elsewhere.open()
        try:
            await peer.edit("第一版\n丢失的更新\n")
            for _ in range(60):  # the sync runs every 0.5 s here
                if elsewhere.doc.text() == "第一版\n丢失的更新\n":
                    break
                await asyncio.sleep(0.1)
            assert elsewhere.doc.text() == "第一版\n丢失的更新\n"
        finally:
            await elsewhere.close()
            await peer.close()

    run(scenario)
