"""The chat websocket through the real ASGI app: live messages across departments, the
sender always being the session's person, refused joins, bad frames, flooding, edits and
deletions, previews per viewer, reconnecting, and access re-checked on open sockets."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from plugins.chat.models import Message, MessageEdit, RoomMember
from plugins.chat.rooms import direct_room, room_for_space
from plugins.chat.tests.conftest import ChatSocket

# Serialized rollback restores the home page and site that migrations create.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run(scenario) -> None:
    async_to_sync(scenario)()


count_messages = database_sync_to_async(lambda: Message.objects.count())


@pytest.fixture
def wiki_room(spaces):
    """The room of the company-wide editable project space 公司百科 (everyone reads it)."""
    return room_for_space(spaces.company_edit)


@pytest.fixture
def secret_room(spaces):
    """The room of the members-only 保密项目: rd_member (viewer) and mkt_member (editor)."""
    return room_for_space(spaces.secret)


def test_anonymous_is_refused(cookies):
    async def scenario():
        socket = ChatSocket(cookie=None)
        await socket.connect(hello=False)
        assert await socket.receive() == {"type": "closed", "code": 4401}

    run(scenario)


def test_foreign_origin_is_refused(cookies):
    async def scenario():
        socket = ChatSocket(cookies["rd_member"], origin=b"https://evil.example")
        connected, _code = await socket.socket.connect()
        assert not connected

    run(scenario)


def test_two_departments_chat_live_and_the_sender_cannot_be_forged(cookies, org, wiki_room):
    async def scenario():
        wei = await ChatSocket(cookies["rd_member"]).connect()
        yang = await ChatSocket(cookies["mkt_member"]).connect()
        assert (await wei.join(wiki_room.pk))["messages"] == []
        await yang.join(wiki_room.pk)
        # "author", "sender" and "user" are not part of the protocol: the session decides.
        await wei.send(
            type="send",
            room=wiki_room.pk,
            body="大家好，**发布**定在周五",
            ref="a1",
            author=org.admin.pk,
            sender={"id": org.admin.pk},
            user="admin",
        )
        ack = await wei.expect("ack")
        assert ack["ref"] == "a1"
        for socket in (wei, yang):
            message = (await socket.expect("message"))["message"]
            assert message["id"] == ack["message"]
            assert message["author"]["username"] == "rd_member"
            assert message["author"]["department"] == "R&D"
            assert "<strong>发布</strong>" in message["html"]
            assert message["own"] is (socket is wei)
        await yang.send(type="send", room=wiki_room.pk, body="收到 👍")
        await yang.expect("ack")
        assert (await wei.expect("message"))["message"]["body"] == "收到 👍"
        await wei.close()
        await yang.close()

    run(scenario)
    stored = list(Message.objects.order_by("pk").values_list("author__username", "room_id"))
    assert stored == [("rd_member", wiki_room.pk), ("mkt_member", wiki_room.pk)]


def test_markdown_is_rendered_safely(cookies, wiki_room):
    async def scenario():
        socket = await ChatSocket(cookies["rd_member"]).connect()
        await socket.join(wiki_room.pk)
        await socket.send(
            type="send",
            room=wiki_room.pk,
            body='<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="y">',
        )
        await socket.expect("ack")
        html = (await socket.expect("message"))["message"]["html"]
        assert "<script" not in html and 'href="javascript' not in html and "<img" not in html
        assert "&lt;script&gt;" in html
        await socket.close()

    run(scenario)


def test_rooms_one_is_not_in_are_refused_and_nothing_leaks(cookies, org, secret_room):
    dm = direct_room(org.rd_member, org.mkt_member)

    async def scenario():
        loner = await ChatSocket(cookies["loner"]).connect()
        member = await ChatSocket(cookies["mkt_member"]).connect()
        await member.join(secret_room.pk)
        errors = []
        for room_id in (secret_room.pk, dm.pk, 999_999):
            await loner.send(type="join", room=room_id)
            errors.append(await loner.expect("error"))
            await loner.send(type="send", room=room_id, body="我能进来吗？")
            errors.append(await loner.expect("error"))
        assert {error["code"] for error in errors} == {"not_found"}
        # A room that exists answers exactly like one that does not.
        assert len({error["message"] for error in errors}) == 1
        await loner.send(type="send", room=secret_room.pk, body="偷看")
        await loner.expect("error")
        # Nothing reached the room, and the loner gets nothing of it afterwards.
        assert await member.silent()
        await member.send(type="send", room=secret_room.pk, body="机密内容")
        await member.expect("ack")
        await member.expect("message")
        assert await loner.silent()
        await loner.close()
        await member.close()

    run(scenario)
    assert list(Message.objects.values_list("body", flat=True)) == ["机密内容"]


BAD_FRAMES = {
    "not json": ("{type: send", "malformed"),
    "not an object": ("[1, 2]", "malformed"),
    "unknown type": ('{"type": "shout"}', "unknown_type"),
    "no type": ('{"room": 1}', "unknown_type"),
    "type not text": ('{"type": ["send"]}', "unknown_type"),
    "bad ref": ('{"type": "ping", "ref": {"x": 1}}', "invalid"),
    "bad resume time": (
        '{"type": "join", "room": %(room)d, "since": 1, "changed_since": "2026-13-45T00:00"}',
        "invalid",
    ),
    "negative since": ('{"type": "join", "room": %(room)d, "since": -1}', "invalid"),
    "room as text": ('{"type": "send", "room": "1", "body": "x"}', "invalid"),
    "room as bool": ('{"type": "send", "room": true, "body": "x"}', "invalid"),
    "body not text": ('{"type": "send", "room": %(room)d, "body": {"x": 1}}', "invalid"),
    "empty body": ('{"type": "send", "room": %(room)d, "body": "   "}', "empty"),
    "too long": (json.dumps({"type": "send", "room": 0, "body": "长" * 10_001}), "too_long"),
    "huge frame": ("x" * 70_000, "too_large"),
    "edit nothing": ('{"type": "edit", "message": 999999, "body": "x"}', "not_found"),
}


@pytest.mark.parametrize("frame, code", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_bad_frames_get_a_clear_error_change_nothing_and_the_socket_stays(
    cookies, wiki_room, frame, code
):
    text = frame % {"room": wiki_room.pk} if "%(room)d" in frame else frame
    if code == "too_long":
        text = text.replace('"room": 0', f'"room": {wiki_room.pk}')

    async def scenario():
        socket = await ChatSocket(cookies["rd_member"]).connect()
        await socket.join(wiki_room.pk)
        await socket.send_raw(text)
        error = await socket.expect("error")
        assert error["code"] == code and error["message"]
        assert await count_messages() == 0
        await socket.send(type="ping", ref=7)
        assert await socket.expect("pong") == {"type": "pong", "ref": 7}
        await socket.close()

    run(scenario)


def test_binary_frames_are_refused(cookies):
    async def scenario():
        socket = await ChatSocket(cookies["rd_member"]).connect()
        await socket.send_raw(data=b"\x00\x01")
        assert (await socket.expect("error"))["code"] == "malformed"
        await socket.close()

    run(scenario)


def test_flooding_is_limited_with_a_clear_error(cookies, chat_config, wiki_room):
    chat_config(rate_burst=3, rate_per_second=0.01)

    async def scenario():
        socket = await ChatSocket(cookies["rd_member"]).connect()
        second = await ChatSocket(cookies["rd_member"]).connect()  # another tab: same bucket
        await socket.join(wiki_room.pk)
        answers = []
        for number in range(4):
            await socket.send(type="send", room=wiki_room.pk, body=f"刷屏 {number}", ref=number)
            answers.append(await socket.receive())
            if answers[-1]["type"] == "ack":
                await socket.expect("message")
        await second.send(type="send", room=wiki_room.pk, body="换个标签页")
        answers.append(await second.receive())
        assert [a["type"] for a in answers] == ["ack", "ack", "ack", "error", "error"]
        assert {a["code"] for a in answers[3:]} == {"rate_limited"}
        assert answers[3]["ref"] == 3 and "too fast" in answers[3]["message"]
        await socket.close()
        await second.close()

    run(scenario)
    assert Message.objects.count() == 3


def test_edit_and_delete_only_own_messages_keeping_a_trace(cookies, wiki_room):
    async def scenario():
        wei = await ChatSocket(cookies["rd_member"]).connect()
        yang = await ChatSocket(cookies["mkt_member"]).connect()
        await wei.join(wiki_room.pk)
        await yang.join(wiki_room.pk)
        await wei.send(type="send", room=wiki_room.pk, body="周五发布")
        message_id = (await wei.expect("ack"))["message"]
        await wei.expect("message")
        await yang.expect("message")

        await yang.send(type="edit", message=message_id, body="改成周一")
        assert (await yang.expect("error"))["code"] == "not_yours"
        await yang.send(type="delete", message=message_id)
        assert (await yang.expect("error"))["code"] == "not_yours"

        await wei.send(type="edit", message=message_id, body="周六发布")
        await wei.expect("ack")
        edited = (await yang.expect("message"))["message"]
        assert edited["id"] == message_id and edited["edited"] and edited["has_edits"]
        assert edited["body"] == "周六发布"
        await wei.expect("message")

        await wei.send(type="delete", message=message_id)
        await wei.expect("ack")
        deleted = (await yang.expect("message"))["message"]
        assert deleted["deleted"] and deleted["body"] == "" and deleted["html"] == ""
        await wei.expect("message")
        await wei.send(type="edit", message=message_id, body="复活")
        assert (await wei.expect("error"))["code"] == "deleted"
        await wei.close()
        await yang.close()

    run(scenario)
    log = list(MessageEdit.objects.values_list("kind", "previous_body"))
    assert log == [("edited", "周五发布"), ("deleted", "周六发布")]


def test_document_previews_are_checked_per_viewer(cookies, spaces, org, make_document, wiki_room):
    # 市场部's space is for its members: rd_member may not read the plan.
    hidden = make_document(spaces.mkt, org.mkt_member, "市场预算", "# 预算\n\n第一行\n\n第二行")
    public = make_document(spaces.company_read, org.admin, "员工手册", "欢迎加入")
    body = f"看 http://127.0.0.1:8000/docs/{hidden.pk}/history/ 和 [手册]({public.url})"

    async def scenario():
        yang = await ChatSocket(cookies["mkt_member"]).connect()
        wei = await ChatSocket(cookies["rd_member"]).connect()
        await yang.join(wiki_room.pk)
        await wei.join(wiki_room.pk)
        await yang.send(type="send", room=wiki_room.pk, body=body)
        await yang.expect("ack")
        seen_by_author = (await yang.expect("message"))["message"]["previews"]
        seen_by_other = (await wei.expect("message"))["message"]["previews"]
        assert [p["title"] for p in seen_by_author] == ["市场预算", "员工手册"]
        assert seen_by_author[0]["space"] == "市场部"
        assert seen_by_author[0]["excerpt"] == "预算\n第一行\n第二行"
        assert [p["title"] for p in seen_by_other] == ["员工手册"]
        await yang.close()
        await wei.close()

    run(scenario)


def test_a_reconnecting_client_receives_what_it_missed(cookies, wiki_room):
    async def scenario():
        wei = await ChatSocket(cookies["rd_member"]).connect()
        yang = await ChatSocket(cookies["mkt_member"]).connect()
        await wei.join(wiki_room.pk)
        await yang.join(wiki_room.pk)
        await yang.send(type="send", room=wiki_room.pk, body="第一条")
        first_id = (await yang.expect("ack"))["message"]
        await yang.expect("message")
        seen = (await wei.expect("message"))["message"]
        await wei.close()

        for body in ("第二条", "第三条"):
            await yang.send(type="send", room=wiki_room.pk, body=body)
            await yang.expect("ack")
            await yang.expect("message")
        await yang.send(type="edit", message=first_id, body="第一条（改）")
        await yang.expect("ack")
        await yang.expect("message")

        again = await ChatSocket(cookies["rd_member"]).connect()
        joined = await again.join(wiki_room.pk, since=seen["id"], changed_since=seen["updated_at"])
        assert [m["body"] for m in joined["messages"]] == ["第一条（改）", "第二条", "第三条"]
        assert joined["more"] is False
        # Live again afterwards.
        await yang.send(type="send", room=wiki_room.pk, body="第四条")
        await yang.expect("ack")
        assert (await again.expect("message"))["message"]["body"] == "第四条"
        await again.close()
        await yang.close()

    run(scenario)


def test_read_marks_update_unread_counts(cookies, org, wiki_room):
    async def scenario():
        yang = await ChatSocket(cookies["mkt_member"]).connect()
        wei = await ChatSocket(cookies["rd_member"]).connect()
        await yang.join(wiki_room.pk)
        ids = []
        for body in ("一", "二"):
            await yang.send(type="send", room=wiki_room.pk, body=body)
            ids.append((await yang.expect("ack"))["message"])
            await yang.expect("message")
        await wei.send(type="read", room=wiki_room.pk, message=ids[0])
        assert await wei.expect("unread") == {
            "type": "unread",
            "room": wiki_room.pk,
            "count": 1,
            "total": 1,
        }
        await wei.send(type="read", room=wiki_room.pk, message=ids[1])
        assert (await wei.expect("unread"))["total"] == 0
        await wei.close()
        await yang.close()

    run(scenario)


def test_lost_access_leaves_the_room_on_an_open_socket(cookies, chat_config, org, secret_room):
    from hub.core.models import SpaceMembership

    chat_config(recheck_seconds=0.2)

    async def scenario():
        yang = await ChatSocket(cookies["mkt_member"]).connect()
        wei = await ChatSocket(cookies["rd_member"]).connect()
        await yang.join(secret_room.pk)
        await wei.join(secret_room.pk)
        await database_sync_to_async(
            SpaceMembership.objects.filter(
                user=org.mkt_member, space_id=secret_room.space_id
            ).delete
        )()
        error = await yang.expect("error", timeout=3)
        assert error["code"] == "forbidden" and error["room"] == secret_room.pk
        await wei.send(type="send", room=secret_room.pk, body="之后的机密")
        await wei.expect("ack")
        await wei.expect("message")
        assert await yang.silent(0.5)
        await yang.send(type="send", room=secret_room.pk, body="我还在吗")
        assert (await yang.expect("error"))["code"] == "not_found"
        await yang.close()
        await wei.close()

    run(scenario)
    assert not Message.objects.filter(author=org.mkt_member).exists()


def test_removed_group_member_and_deactivated_people_are_cut_off(cookies, chat_config, org):
    from plugins.chat.rooms import create_group_room

    chat_config(recheck_seconds=0.2)
    room = create_group_room(org.rd_member, "午饭", [org.mkt_member, org.loner])

    async def scenario():
        yang = await ChatSocket(cookies["mkt_member"]).connect()
        chen = await ChatSocket(cookies["loner"]).connect()
        await yang.join(room.pk)
        await chen.join(room.pk)
        await database_sync_to_async(
            RoomMember.objects.filter(room=room, user=org.mkt_member).delete
        )()
        assert (await yang.expect("error"))["code"] == "forbidden"
        org.loner.is_active = False
        await database_sync_to_async(org.loner.save)()
        assert await chen.receive() == {"type": "closed", "code": 4401}
        await yang.close()

    run(scenario)
