"""Archiving chat rooms: idle group rooms and direct messages are proposed to their owners
(through ``hub_register_archive_types``), decided by them only, read-only once archived
(over HTTP and the websocket) with their history still readable, left out of default
search, and restorable; a space's room follows its space."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from hub.archiving.models import Proposal
from hub.archiving.services import archive_space, propose, restore_space
from hub.notifications.models import Notification
from hub.search.backend import flush
from plugins.chat.models import ChatAttachment, Message, Room
from plugins.chat.rooms import create_group_room, direct_room, room_for_space
from plugins.chat.services import ChatError, delete_message, edit_message, post_message
from plugins.chat.tests.conftest import ChatSocket

LATER = timedelta(days=400)


def item_url(room: Room, action: str) -> str:
    return reverse("archiving:item", args=["chat_room", room.pk, action])


def bodies(room: Room) -> list[str]:
    return list(Message.objects.filter(room=room).values_list("body", flat=True))


@pytest.fixture
def old_group(org) -> Room:
    """A group room made by rd_member with mkt_member in it, and one message."""
    room = create_group_room(org.rd_member, "旧项目群", [org.mkt_member])
    post_message(org.rd_member, room, "归档前的消息")
    return room


def test_idle_rooms_are_proposed_once_to_their_owners(org, spaces, old_group):
    dm = direct_room(org.rd_head, org.loner)
    busy = create_group_room(org.mkt_member, "活跃群", [org.rd_member])
    room_for_space(spaces.company_edit)  # a space's room is proposed with its space only
    with time_machine.travel(timezone.now() + LATER), translation.override("en"):
        post_message(org.mkt_member, busy, "今天还在聊")
        created = propose()
        again = propose()
    items = {(p.kind, p.key) for p in created if p.kind}
    assert items == {("chat_room", str(old_group.pk)), ("chat_room", str(dm.pk))}
    assert again == []
    notes = dict(
        Notification.objects.filter(kind="archiving").values_list("user__username", "text")
    )
    # The group's creator decides for it; both people of a direct conversation do.
    for owner in ("rd_member", "rd_head", "loner"):
        assert "1 chat room" in notes[owner], owner
    assert "chat room" not in notes.get("mkt_member", "")


def test_the_owner_archives_the_room_becomes_read_only_and_restorable(org, login, old_group):
    with time_machine.travel(timezone.now() + LATER):
        propose()
    proposal = Proposal.objects.get(kind="chat_room", key=str(old_group.pk))
    owner, member, stranger = login(org.rd_member), login(org.mkt_member), login(org.loner)
    # Someone in the room who does not own it, and someone outside it, decide nothing.
    for client in (member, stranger):
        assert "旧项目群" not in client.get(reverse("archiving:list")).content.decode()
        decide = reverse("archiving:decide", args=[proposal.pk, "archive"])
        assert client.post(decide).status_code == 404
        assert client.post(item_url(old_group, "archive")).status_code == 404
    old_group.refresh_from_db()
    assert old_group.archived_at is None
    assert "旧项目群" in owner.get(reverse("archiving:list")).content.decode()

    response = owner.post(reverse("archiving:decide", args=[proposal.pk, "archive"]))
    assert response.status_code == 302
    old_group.refresh_from_db()
    proposal.refresh_from_db()
    assert old_group.archived_at is not None and proposal.decision == "archived"

    # History stays readable by its people; the page says why nobody can write.
    page = member.get(old_group.get_absolute_url()).content.decode()
    assert "this room is read-only" in page and 'class="chat-composer" hidden' in page
    history = member.get(reverse("chat:history", args=[old_group.pk])).json()
    assert [message["body"] for message in history["messages"]] == ["归档前的消息"]
    assert stranger.get(old_group.get_absolute_url()).status_code == 404

    # Every write is refused with a clear message and changes nothing.
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    refused = member.post(reverse("chat:attach", args=[old_group.pk]), {"file": upload})
    assert refused.status_code == 400 and refused.json()["code"] == "archived"
    assert "archived" in refused.json()["message"]
    kept = Message.objects.get(room=old_group)
    for write in (
        lambda: post_message(org.mkt_member, old_group, "归档后"),
        lambda: edit_message(org.rd_member, kept.pk, "改写"),
        lambda: delete_message(org.rd_member, kept.pk),
    ):
        with pytest.raises(ChatError, match="archived"):
            write()
    assert bodies(old_group) == ["归档前的消息"] and not ChatAttachment.objects.exists()

    # Restoring: not by the others, by the owner (from the room page or the archive).
    for client in (member, stranger):
        assert client.post(item_url(old_group, "restore")).status_code == 404
    archived = owner.get(reverse("archiving:list")).content.decode()
    assert f'data-archived-item="chat_room:{old_group.pk}"' in archived
    assert (
        item_url(old_group, "restore") in owner.get(old_group.get_absolute_url()).content.decode()
    )
    owner.post(item_url(old_group, "restore"))
    old_group.refresh_from_db()
    assert old_group.archived_at is None
    assert post_message(org.mkt_member, old_group, "恢复后").body == "恢复后"


def test_a_kept_room_waits_a_period_and_the_command_lists_rooms(org, login, old_group):
    with time_machine.travel(timezone.now() + LATER):
        out = StringIO()
        call_command("archive", "propose", "--dry-run", stdout=out)
        assert "旧项目群" in out.getvalue() and not Proposal.objects.exists()
        (proposal,) = [p for p in propose() if p.kind]
        login(org.rd_member).post(reverse("archiving:decide", args=[proposal.pk, "keep"]))
    proposal.refresh_from_db()
    assert proposal.decision == "kept" and proposal.decided_by == org.rd_member
    old_group.refresh_from_db()
    assert old_group.archived_at is None
    with time_machine.travel(timezone.now() + LATER + timedelta(days=30)):
        assert not [p for p in propose() if p.kind]
    with time_machine.travel(timezone.now() + LATER + timedelta(days=366)):
        assert [p.key for p in propose() if p.kind] == [str(old_group.pk)]


def _finds(client, url: str, **filters) -> bool:
    page = client.get(reverse("search:page"), {"q": "火星计划", "type": "chat", **filters})
    return url.replace("&", "&amp;") in page.content.decode()


def test_archived_messages_leave_default_search_until_restored(
    org, spaces, login, django_capture_on_commit_callbacks
):
    # Index updates run after commit, which the test's transaction never reaches.
    with django_capture_on_commit_callbacks(execute=True):
        room = create_group_room(org.rd_member, "火星群", [org.mkt_member])
        message = post_message(org.rd_member, room, "火星计划 结论")
        space_message = post_message(org.rd_member, room_for_space(spaces.rd), "火星计划 研发")
    assert flush()
    client = login(org.rd_member)
    url, space_url = message.get_absolute_url(), space_message.get_absolute_url()
    assert _finds(client, url) and _finds(client, space_url)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(item_url(room, "archive"))
        archive_space(spaces.rd, org.admin)  # its room follows (hub_space_archived)
    assert flush()
    assert not _finds(client, url) and not _finds(client, space_url)
    assert _finds(client, url, archived="on") and _finds(client, space_url, archived="on")
    assert not _finds(login(org.loner), url, archived="on")  # still only for its people

    with django_capture_on_commit_callbacks(execute=True):
        client.post(item_url(room, "restore"))
        restore_space(spaces.rd, org.admin)
    assert flush()
    assert _finds(client, url) and _finds(client, space_url)
    assert Room.objects.get(space=spaces.rd).archived_at is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_websocket_refuses_writes_to_an_archived_room(cookies, org, old_group):
    from plugins.chat.archive import archive_room

    archive_room(old_group, org.rd_member)

    async def scenario():
        socket = await ChatSocket(cookies["mkt_member"]).connect()
        joined = await socket.join(old_group.pk)
        assert [message["body"] for message in joined["messages"]] == ["归档前的消息"]
        await socket.send(type="send", room=old_group.pk, body="还能发吗？", ref="r1")
        error = await socket.expect("error")
        assert error["code"] == "archived" and error["ref"] == "r1"
        assert "archived" in error["message"]
        await socket.close()

    async_to_sync(scenario)()
    assert bodies(old_group) == ["归档前的消息"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upgrading_archives_the_rooms_of_spaces_archived_before(org, spaces):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from hub.core.models import SpacePage

    archived, open_space = spaces.company_edit, spaces.rd
    rooms = {space.pk: room_for_space(space) for space in (archived, open_space)}
    for room in rooms.values():
        post_message(org.admin, room, "升级前的消息")
    # As a space archived before rooms followed their space: the space only.
    when = timezone.now() - timedelta(days=3)
    SpacePage.objects.filter(pk=archived.pk).update(archived_at=when)
    executor = MigrationExecutor(connection)
    executor.migrate([("chat", "0002_archiving")])
    executor.loader.build_graph()
    executor.migrate([("chat", "0003_archive_rooms_of_archived_spaces")])
    room = Room.objects.get(pk=rooms[archived.pk].pk)
    assert room.archived_at == when
    assert set(Message.objects.filter(room=room).values_list("archived", flat=True)) == {True}
    untouched = Room.objects.get(pk=rooms[open_space.pk].pk)
    assert untouched.archived_at is None
    assert not Message.objects.filter(room=untouched, archived=True).exists()
