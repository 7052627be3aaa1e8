"""The chat pages and their JSON API through Django's test client: the room list with
unread counts and the nav item, space rooms (with the space and for older spaces),
direct messages, group rooms, the history and edit-log API, and attachments."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plugins.chat.models import ChatAttachment, Message, Room, RoomMember
from plugins.chat.rooms import create_group_room, direct_room, room_for_space
from plugins.chat.services import delete_message, edit_message, post_message


def _nav_label(client) -> str:
    page = client.get(reverse("chat:rooms")).content.decode()
    start = page.index('data-nav="chat">') + len('data-nav="chat">')
    return page[start : page.index("</a>", start)]


def test_room_list_shows_readable_rooms_with_unread_counts(org, spaces, login):
    wiki = room_for_space(spaces.company_edit)
    # Writing reads the room up to one's own message; one's own messages are never unread.
    post_message(org.mkt_member, wiki, "已读")
    post_message(org.rd_member, wiki, "我自己的不算未读")
    for body in ("一", "二"):
        post_message(org.mkt_member, wiki, body)
    secret = room_for_space(spaces.secret)
    post_message(org.mkt_member, secret, "机密")

    client = login(org.rd_member)
    page = client.get(reverse("chat:rooms")).content.decode()
    # Rooms of the spaces made before the chat came, created on first use.
    names = set(Room.objects.filter(kind="space").values_list("space__title", flat=True))
    assert names == {"公司百科", "保密项目", "研发部", "员工手册"}
    assert "市场部" not in page  # a members-only space rd_member is not in
    rows = page.split("<li data-room=")[1:]
    # Busiest first, with the count of others' unread messages.
    assert rows[0].startswith(f'"{secret.pk}"') and 'data-unread="1"' in rows[0]
    assert rows[1].startswith(f'"{wiki.pk}"') and 'data-unread="2"' in rows[1]
    assert _nav_label(client) == "Chat (3)"
    assert _nav_label(login(org.loner)) == "Chat (4)"  # company-wide rooms only

    # Opening a room reads it up to its last message.
    client.get(reverse("chat:room", args=[wiki.pk]))
    assert _nav_label(client) == "Chat (1)"


def test_a_new_space_gets_its_room(org, login, django_capture_on_commit_callbacks):
    client = login(org.rd_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("space_create"),
            {"title": "新项目", "slug": "new-project", "visibility": "members"},
        )
    assert response.status_code == 302
    room = Room.objects.get(kind="space", space__slug="new-project")
    assert client.get(room.get_absolute_url()).status_code == 200
    assert login(org.mkt_member).get(room.get_absolute_url()).status_code == 404


def test_space_sidebar_links_to_the_room(org, spaces, login):
    client = login(org.rd_member)
    page = client.get(spaces.rd.url).content.decode()
    link = reverse("chat:space_room", args=[spaces.rd.pk])
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 302
    assert response.url == room_for_space(spaces.rd).get_absolute_url()
    assert login(org.mkt_member).get(link).status_code == 404


def test_direct_messages_are_one_room_per_pair(org, login):
    wei = login(org.rd_member)
    first = wei.post(reverse("chat:direct"), {"person": org.mkt_member.pk})
    again = login(org.mkt_member).post(reverse("chat:direct"), {"person": org.rd_member.pk})
    assert first.status_code == again.status_code == 302 and first.url == again.url
    room = Room.objects.get(kind="direct")
    assert set(room.members.values_list("user__username", flat=True)) == {
        "rd_member",
        "mkt_member",
    }
    assert "刘洋" in wei.get(room.get_absolute_url()).content.decode()
    assert login(org.admin).get(room.get_absolute_url()).status_code == 404
    assert login(org.rd_head).get(room.get_absolute_url()).status_code == 404

    # Bad choices change nothing.
    for person in (org.rd_member.pk, org.gone.pk, 999_999, "x"):
        response = wei.post(reverse("chat:direct"), {"person": person}, follow=True)
        assert response.status_code == 200
        assert b"errorlist" in response.content or b'class="message error' in response.content
    assert Room.objects.count() == 1


def test_group_rooms_by_invitation(org, login):
    creator = login(org.rd_member)
    response = creator.post(
        reverse("chat:group_create"),
        {"title": "发布小组", "people": [org.mkt_member.pk]},
    )
    room = Room.objects.get(kind="group")
    assert response.url == room.get_absolute_url()
    assert login(org.mkt_member).get(room.get_absolute_url()).status_code == 200
    assert login(org.loner).get(room.get_absolute_url()).status_code == 404

    # Only the creator invites.
    invite = reverse("chat:invite", args=[room.pk])
    assert login(org.mkt_member).post(invite, {"people": [org.loner.pk]}).status_code == 403
    assert login(org.loner).post(invite, {"people": [org.loner.pk]}).status_code == 404
    creator.post(invite, {"people": [org.loner.pk]})
    assert login(org.loner).get(room.get_absolute_url()).status_code == 200

    # Anyone leaves; then the room is gone for them.
    leave = reverse("chat:remove", args=[room.pk, org.loner.pk])
    assert login(org.loner).post(leave).status_code == 302
    assert login(org.loner).get(room.get_absolute_url()).status_code == 404

    # Bad forms create nothing.
    bad = creator.post(reverse("chat:group_create"), {"title": "  ", "people": ["x"]})
    assert bad.status_code == 200 and b"errorlist" in bad.content
    assert Room.objects.count() == 1


def test_history_is_paged_for_readers_only(org, spaces, login, chat_config):
    chat_config(page_size=3)
    secret = room_for_space(spaces.secret)
    ids = [post_message(org.mkt_member, secret, f"第{n}条").pk for n in range(7)]
    url = reverse("chat:history", args=[secret.pk])
    reader = login(org.rd_member)

    latest = reader.get(url).json()
    assert [m["id"] for m in latest["messages"]] == ids[4:] and latest["more"] is True
    older = reader.get(url, {"before": ids[4]}).json()
    assert [m["id"] for m in older["messages"]] == ids[1:4] and older["more"] is True
    oldest = reader.get(url, {"before": ids[1]}).json()
    assert [m["id"] for m in oldest["messages"]] == ids[:1] and oldest["more"] is False
    assert reader.get(url, {"before": "abc"}).status_code == 400

    for outsider in (org.loner, org.rd_head, org.rd_web):
        assert login(outsider).get(url).status_code == 404
    assert login(org.rd_member).get(reverse("chat:history", args=[999_999])).status_code == 404
    # The room page embeds the same first page.
    page = reader.get(reverse("chat:room", args=[secret.pk])).content.decode()
    config = json.loads(page.split('id="chat-config" type="application/json">')[1].split("<")[0])
    assert [m["body"] for m in config["messages"]] == ["第4条", "第5条", "第6条"]


def test_edit_log_is_visible_to_the_room_only(org, spaces, login):
    secret = room_for_space(spaces.secret)
    message = post_message(org.mkt_member, secret, "初稿")
    edit_message(org.mkt_member, message.pk, "二稿")
    delete_message(org.mkt_member, message.pk)
    url = reverse("chat:edits", args=[message.pk])
    edits = login(org.rd_member).get(url).json()["edits"]
    assert [(e["kind"], e["body"]) for e in edits] == [("edited", "初稿"), ("deleted", "二稿")]
    assert login(org.loner).get(url).status_code == 404
    history = login(org.rd_member).get(reverse("chat:history", args=[secret.pk])).json()
    shown = history["messages"][0]
    assert shown["deleted"] and shown["has_edits"] and shown["body"] == ""


def _upload(client, room, content: bytes = b"hello", name: str = "计划.txt", caption=""):
    return client.post(
        reverse("chat:attach", args=[room.pk]),
        {"file": SimpleUploadedFile(name, content), "caption": caption},
    )


def test_attachments_are_served_to_room_readers_only(org, spaces, login, settings):
    secret = room_for_space(spaces.secret)
    response = _upload(login(org.mkt_member), secret, b"secret plan", caption="见附件")
    assert response.status_code == 201
    payload = response.json()["message"]
    assert payload["attachment"]["name"] == "计划.txt" and payload["body"] == "见附件"
    url = payload["attachment"]["url"]

    download = login(org.rd_member).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"secret plan"
    assert download["X-Content-Type-Options"] == "nosniff"
    for outsider in (org.loner, org.rd_head):
        assert login(outsider).get(url).status_code == 404
    attachment = ChatAttachment.objects.get()
    assert login(org.rd_member).get(f"/chat/files/{attachment.pk}/other.txt").status_code == 404

    # Outsiders cannot upload; too large is refused; both change nothing.
    assert _upload(login(org.loner), secret).status_code == 404
    settings.HUB_MAX_ATTACHMENT_BYTES = 10
    too_large = _upload(login(org.mkt_member), secret, b"x" * 11)
    assert too_large.status_code == 413 and too_large.json()["code"] == "too_large"
    assert Message.objects.count() == ChatAttachment.objects.count() == 1

    # Deleting the message removes the file.
    delete_message(org.mkt_member, attachment.message_id)
    assert login(org.rd_member).get(url).status_code == 404
    assert not ChatAttachment.objects.exists()


@pytest.mark.parametrize("who", ["rd_member", "mkt_member"])
def test_direct_message_history_is_for_the_pair(org, login, who):
    room = direct_room(org.rd_member, org.mkt_member)
    post_message(org.rd_member, room, "私聊")
    url = reverse("chat:history", args=[room.pk])
    assert login(getattr(org, who)).get(url).json()["messages"][0]["body"] == "私聊"
    assert login(org.admin).get(url).status_code == 404
    assert RoomMember.objects.filter(room=room).count() == 2


def test_group_room_members_list(org, login):
    room = create_group_room(org.rd_member, "午饭", [org.mkt_member])
    page = login(org.mkt_member).get(room.get_absolute_url()).content.decode()
    assert "张伟" in page and "刘洋" in page
    assert reverse("chat:invite", args=[room.pk]) not in page  # not the creator


def test_an_archived_spaces_room_is_read_only_until_restored(org, spaces):
    from hub.archiving.services import archive_space, restore_space
    from plugins.chat.services import ChatError

    room = room_for_space(spaces.company_edit)
    kept = post_message(org.mkt_member, room, "归档前的消息")
    archive_space(spaces.company_edit, org.admin)
    with pytest.raises(ChatError, match="archived"):
        post_message(org.mkt_member, room, "归档后")
    with pytest.raises(ChatError, match="archived"):
        edit_message(org.mkt_member, kept.pk, "改")
    assert list(Message.objects.filter(room=room).values_list("body", flat=True)) == [
        "归档前的消息"
    ]
    restore_space(spaces.company_edit, org.admin)
    assert post_message(org.mkt_member, room, "恢复后").body == "恢复后"
