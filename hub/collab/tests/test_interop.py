"""Real Node Yjs clients (npm yjs + y-websocket, BroadcastChannel off) against the hub.

The clients run in ``node`` (tests/collab/node/client.mjs), connect to the real ASGI app
on a port with a logged-in session's cookie and a matching Origin, type concurrently and
must converge, Chinese included; a fresh client then reads what the server kept. Viewers'
edits must not reach anyone; people without access are refused.
"""

from __future__ import annotations

import pytest

from tests.collab.node.clients import missing_node, run_clients

pytestmark = [
    pytest.mark.skipif(missing_node() is not None, reason=str(missing_node())),
    # The server thread needs a real database; serialized rollback restores the home page
    # that migrations create, which the flush after each test removes.
    pytest.mark.usefixtures("django_db_serialized_rollback"),
]

TIMEOUT = 60


def _headers(server: str, login, user) -> dict[str, str]:
    client = login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}", "Origin": server}


def _converge(server: str, document, clients: list[dict], wait_ms: int = 20000) -> dict:
    return run_clients(
        {
            "mode": "converge",
            "url": server.replace("http://", "ws://") + "/ws/docs",
            "room": str(document.pk),
            "clients": clients,
            "timeoutMs": wait_ms,
        },
        timeout=TIMEOUT,
    )


def _read(server: str, document, headers: dict[str, str], wait_ms: int = 20000) -> dict:
    """What a fresh client gets from the server: the text, whether it synced, close codes.

    ``wait_ms`` bounds the wait for a sync that should not come (a refused handshake is
    retried by the client, not reported as final).
    """
    return _converge(server, document, [{"headers": headers}], wait_ms)["clients"][0]


def test_concurrent_node_clients_converge_and_the_server_keeps_the_text(
    asgi_server, spaces, org, make_document, login
):
    document = make_document(spaces.rd, org.rd_member, title="周会纪要", body="# 周会纪要\n")
    people = (org.rd_member, org.rd_head, org.rd_web)
    edits = {
        org.rd_member: [f"张伟{n}。" for n in range(15)],
        org.rd_head: [f"[head {n}] " for n in range(15)],
        org.rd_web: [f"前端组 ✓{n}\n" for n in range(15)],
    }
    clients = [{"headers": _headers(asgi_server, login, p), "edits": edits[p]} for p in people]

    result = _converge(asgi_server, document, clients)

    assert result["converged"], result
    texts = {client["text"] for client in result["clients"]}
    assert len(texts) == 1
    text = texts.pop()
    assert "# 周会纪要" in text
    for person_edits in edits.values():
        for edit in person_edits:
            assert text.count(edit) == 1, edit
    # Everything the clients agreed on is on the server: a newcomer syncs to the same text.
    fresh = _read(asgi_server, document, _headers(asgi_server, login, org.rd_member))
    assert fresh["synced"]
    assert fresh["text"] == text


def test_a_viewers_edits_reach_nobody(asgi_server, spaces, org, make_document, login):
    # In the secret space rd_member is a viewer and mkt_member an editor.
    document = make_document(spaces.secret, org.mkt_member, title="保密计划", body="计划：")
    viewer = {
        "headers": _headers(asgi_server, login, org.rd_member),
        "edits": ["观众不该写入"],
        "dropped": True,
    }
    editor = {"headers": _headers(asgi_server, login, org.mkt_member), "edits": ["编辑写入"]}

    result = _converge(asgi_server, document, [viewer, editor])

    assert result["converged"], result
    viewer_result, editor_result = result["clients"]
    assert viewer_result["synced"], "a viewer gets a read-only connection, not a refusal"
    assert "编辑写入" in viewer_result["text"], "the viewer still sees the editor's text"
    assert "观众不该写入" not in editor_result["text"]
    fresh = _read(asgi_server, document, _headers(asgi_server, login, org.mkt_member))
    assert fresh["text"] == editor_result["text"]
    assert "观众不该写入" not in fresh["text"]


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("mkt_member", {4403, 4404}),  # another department's members-only document
        (None, {4401, 4403}),  # no session at all
    ],
)
def test_people_without_access_are_refused(
    asgi_server, spaces, org, make_document, login, who, codes
):
    document = make_document(spaces.rd, org.rd_member, title="研发预算", body="预算：一百万")
    headers = _headers(asgi_server, login, getattr(org, who)) if who else {"Origin": asgi_server}

    refused = _read(asgi_server, document, headers, wait_ms=3000)

    assert not refused["synced"]
    assert refused["text"] == ""
    assert set(refused["closeCodes"]) & codes, refused


def test_a_foreign_origin_is_refused(asgi_server, spaces, org, make_document, login):
    document = make_document(spaces.rd, org.rd_member, title="研发预算", body="预算：一百万")
    headers = {**_headers(asgi_server, login, org.rd_member), "Origin": "http://evil.example"}

    refused = _read(asgi_server, document, headers, wait_ms=3000)

    assert not refused["synced"]
    assert refused["text"] == ""
