"""A scaled-out site: two ``hub serve`` processes on different ports sharing PostgreSQL
and Redis. Stock Yjs clients on each co-edit one document and converge in real time
(rooms relay through Redis); a chat message sent through one worker reaches a socket on
the other; a document is found by a Chinese sub-word through either worker, only by
those who may see it."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import quote

import pytest
from django.conf import settings
from websockets.sync.client import connect

from tests.collab.node.clients import missing_node
from tests.scale.conftest import needs_postgres, needs_redis, run_yjs_clients, session_headers

pytestmark = [needs_postgres, needs_redis]

needs_node = pytest.mark.skipif(missing_node() is not None, reason=str(missing_node()))
needs_chat = pytest.mark.skipif(
    "plugins.chat" not in settings.INSTALLED_APPS, reason="the chat plugin is not enabled"
)


def _ws(url: str, path: str) -> str:
    return url.replace("http://", "ws://") + path


@needs_node
def test_people_on_two_workers_co_edit_one_document_and_converge(
    workers, spaces, org, make_document, login
):
    document = make_document(spaces.rd, org.rd_member, title="跨进程协作", body="# 跨进程协作\n")
    people = (org.rd_member, org.rd_head)
    edits = [[f"张伟{n}。" for n in range(20)], [f"[王芳 {n}] " for n in range(20)]]
    clients = [
        {
            "url": _ws(url, "/ws/docs"),
            "headers": session_headers(url, login(person)),
            "edits": person_edits,
        }
        for url, person, person_edits in zip(workers, people, edits, strict=True)
    ]

    result = run_yjs_clients({"room": str(document.pk), "clients": clients, "latencyEdits": 20})

    assert result["converged"], result
    text = result["clients"][0]["text"]
    assert text.startswith("# 跨进程协作")
    for edit in edits[0] + edits[1]:
        assert text.count(edit) == 1, edit
    # Typed on one worker, seen on the other as it is typed.
    assert len(result["latenciesMs"]) == 20
    final = {client["text"] for client in result["clients"]}
    assert len(final) == 1 and final.pop().endswith("0123456789" * 2)
    # What they agreed on is what each worker now serves to a newcomer.
    for url in workers:
        fresh = run_yjs_clients(
            {
                "room": str(document.pk),
                "clients": [{"url": _ws(url, "/ws/docs"), "headers": clients[0]["headers"]}],
            }
        )
        assert fresh["clients"][0]["text"] == result["clients"][0]["text"]


@needs_chat
def test_a_chat_message_sent_through_one_worker_reaches_a_socket_on_the_other(
    workers, spaces, org, login
):
    from plugins.chat.rooms import room_for_space

    room = room_for_space(spaces.rd)
    sender_url, reader_url = workers
    with (
        connect(
            _ws(sender_url, "/ws/chat/?lang=en"),
            additional_headers=session_headers(sender_url, login(org.rd_member)),
        ) as sender,
        connect(
            _ws(reader_url, "/ws/chat/?lang=en"),
            additional_headers=session_headers(reader_url, login(org.rd_head)),
        ) as reader,
    ):
        for socket in (sender, reader):
            assert json.loads(socket.recv(timeout=10))["type"] == "hello"
        reader.send(json.dumps({"type": "join", "room": room.pk}))
        assert json.loads(reader.recv(timeout=10))["type"] == "joined"

        sender.send(json.dumps({"type": "send", "room": room.pk, "body": "跨进程的消息"}))

        assert json.loads(sender.recv(timeout=10))["type"] == "ack"
        frame = json.loads(reader.recv(timeout=10))
        assert frame["type"] == "message", frame
        assert frame["message"]["body"] == "跨进程的消息"
        assert frame["message"]["author"]["username"] == "rd_member"


def _search(url: str, client, query: str) -> set[str]:
    request = urllib.request.Request(
        f"{url}/search/api/?q={quote(query)}",
        headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return {result["title"] for result in json.loads(response.read())["results"]}


def test_either_worker_finds_a_document_by_a_chinese_sub_word(
    workers, spaces, org, make_document, login
):
    make_document(spaces.rd, org.rd_head, title="知识库建设方案", body="推进公司知识库建设。")
    make_document(spaces.rd, org.rd_head, title="知识，管理", body="学习知识，管理团队")
    member, outsider = login(org.rd_member), login(org.mkt_member)
    for url in workers:
        assert _search(url, member, "识库") == {"知识库建设方案"}
        assert _search(url, member, "知识管理") == set(), "never across punctuation"
        assert _search(url, member, "库建") == {"知识库建设方案"}
        assert _search(url, outsider, "识库") == set(), "another department's space"
