"""Messages on the search page only for the room's readers; @mentions notify only people
who can read the room; a range of messages becomes a document that links back."""

from __future__ import annotations

from django.urls import reverse

from hub.core.models import DocumentPage
from hub.notifications.models import Notification
from hub.search.backend import flush
from plugins.chat.models import Room, ThreadDocument
from plugins.chat.rooms import direct_room, room_for_space
from plugins.chat.services import delete_message, post_message


def _finds(client, query: str, url: str, **filters) -> bool:
    page = client.get(reverse("search:page"), {"q": query, **filters}).content.decode()
    return url in page


def test_messages_are_found_only_by_those_who_can_read_the_room(
    org, spaces, login, django_capture_on_commit_callbacks
):
    # Index updates run after commit, which the test's transaction never reaches.
    with django_capture_on_commit_callbacks(execute=True):
        secret = post_message(org.mkt_member, room_for_space(spaces.secret), "火星计划 预算")
        private = post_message(
            org.rd_member, direct_room(org.rd_member, org.mkt_member), "火星计划 私聊"
        )
        public = post_message(org.rd_member, room_for_space(spaces.company_edit), "火星计划 公开")
        gone = post_message(org.rd_member, room_for_space(spaces.company_edit), "火星计划 撤回")
        delete_message(org.rd_member, gone.pk)
    assert flush(), "the index writer did not finish"
    urls = {m: m.get_absolute_url().replace("&", "&amp;") for m in (secret, private, public, gone)}
    expected = {
        "rd_member": {secret, private, public},
        "mkt_member": {secret, private, public},
        "rd_head": {public},
        "loner": {public},
        "admin": {secret, public},  # admins see every space, not others' direct messages
    }
    for who, visible in expected.items():
        client = login(getattr(org, who))
        found = {m for m, url in urls.items() if _finds(client, "火星计划", url, type="chat")}
        assert found == visible, who
    # The space filter applies to messages; direct messages have no space.
    client = login(org.rd_member)
    assert _finds(client, "火星计划", urls[secret], space=spaces.secret.pk)
    assert not _finds(client, "火星计划", urls[public], space=spaces.secret.pk)


def test_mentions_notify_people_and_departments_who_can_read_the_room(org, spaces):
    wiki = room_for_space(spaces.company_edit)
    post_message(org.mkt_member, wiki, "@rd_member 请看，@研发部 也看看，@nobody，邮件 a@rd_head")
    notified = set(Notification.objects.values_list("user__username", "kind"))
    # 研发部 with its sub-team 前端组; the inactive "gone" is not told; "a@rd_head" is no mention.
    assert notified == {("rd_member", "mentions"), ("rd_head", "mentions"), ("rd_web", "mentions")}
    note = Notification.objects.get(user=org.rd_member)
    assert "刘洋" in note.text and "公司百科" in note.text
    assert note.url.startswith(wiki.get_absolute_url())

    # In a members-only room a mention never reaches, or reveals the room to, outsiders.
    Notification.objects.all().delete()
    post_message(org.mkt_member, room_for_space(spaces.secret), "@loner @rd_head @rd_member")
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["rd_member"]


def _make_document(client, room, first, last, title="发布决定"):
    return client.post(
        reverse("chat:to_document", args=[room.pk]),
        {"first": first.pk, "last": last.pk, "title": title, "status": "published"},
    )


def test_a_thread_becomes_a_document_linking_back(org, spaces, login):
    room = room_for_space(spaces.company_edit)
    before = post_message(org.rd_member, room, "不相关")
    first = post_message(org.rd_member, room, "周五发布还是周一？")
    post_message(org.mkt_member, room, "**周一**，市场部准备好了")
    last = post_message(org.rd_member, room, "好，定周一")
    client = login(org.mkt_member)

    response = _make_document(client, room, last, first)  # either order
    document = DocumentPage.objects.get(title="发布决定")
    assert response.status_code == 302 and response.url == document.url
    assert document.space == spaces.company_edit and document.owner == org.mkt_member
    assert document.status == "published"
    body = document.body
    assert "周五发布还是周一？" in body and "**周一**，市场部准备好了" in body
    assert "**张伟**" in body and "**刘洋**" in body and "不相关" not in body
    assert f"{room.get_absolute_url()}?at={first.pk}" in body  # the link back
    assert document.latest_revision.user == org.mkt_member
    link = ThreadDocument.objects.get()
    assert (link.first_message_id, link.last_message_id) == (first.pk, last.pk)

    # The room shows the document, and a message in the room links to it.
    page = login(org.rd_member).get(room.get_absolute_url()).content.decode()
    assert f'href="{document.url}"' in page
    note = room.messages.order_by("pk").last()
    assert list(note.documents.all()) == [document]
    assert before.pk < first.pk


def test_making_a_document_needs_edit_rights_in_the_space(org, spaces, login):
    secret = room_for_space(spaces.secret)  # rd_member only views this space
    message = post_message(org.mkt_member, secret, "机密决定")
    response = _make_document(login(org.rd_member), secret, message, message)
    assert response.status_code == 302 and response.url == secret.get_absolute_url()
    assert login(org.loner).post(reverse("chat:to_document", args=[secret.pk])).status_code == 404
    dm = direct_room(org.rd_member, org.mkt_member)
    private = post_message(org.rd_member, dm, "私下决定")
    _make_document(login(org.rd_member), dm, private, private)
    # A message id of another room selects nothing in this one.
    _make_document(login(org.mkt_member), room_for_space(spaces.company_edit), message, message)
    assert not DocumentPage.objects.filter(title="发布决定").exists()
    assert not ThreadDocument.objects.exists()
    assert Room.objects.get(pk=secret.pk).messages.count() == 1
