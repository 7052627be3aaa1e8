"""Durability: the update log, compaction, unreadable state, checkpoints into revisions,
and the edit form and the co-editor seeing each other's saves. Run once per engine."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import timezone

from hub.collab import protocol, rooms, store
from hub.collab.crdt import new_doc
from hub.collab.models import CollabSnapshot, CollabUpdate
from hub.collab.tests.conftest import Peer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run(scenario):
    async_to_sync(scenario)()
    assert rooms.open_rooms() == {}


@pytest.fixture
def wiki_doc(spaces, make_document, org):
    return make_document(spaces.company_edit, org.admin, "周报", "# 周报\n本周：\n")


def text_of(pieces: list[bytes]) -> str:
    doc = new_doc()
    for piece in pieces:
        doc.apply_update(piece)
    return doc.text()


def test_first_open_seeds_from_the_latest_revision(engine, wiki_doc):
    assert text_of(store.load(wiki_doc.pk)) == "# 周报\n本周：\n"
    snapshot = CollabSnapshot.objects.get(page=wiki_doc)
    assert snapshot.base_revision_id == wiki_doc.latest_revision_id
    assert text_of(store.load(wiki_doc.pk)) == "# 周报\n本周：\n"  # seeded once only


def test_compaction_keeps_every_edit(engine, wiki_doc):
    client = new_doc()
    for piece in store.load(wiki_doc.pk):
        client.apply_update(piece)
    for n in range(8):
        store.append([(wiki_doc.pk, client.set_text(client.text() + f"第{n}条\n"), None)])
    assert store.compact(wiki_doc.pk, minimum=100) == 0  # below the threshold: untouched
    assert store.compact(wiki_doc.pk, minimum=5) == 9  # the seed and the eight edits
    assert CollabUpdate.objects.filter(page=wiki_doc).count() == 0
    assert text_of(store.load(wiki_doc.pk)) == client.text()


@pytest.fixture
def write_lock(committed_log):
    """Another connection to the database file, to hold SQLite's write lock with."""
    other = sqlite3.connect(
        committed_log.path, isolation_level=None, check_same_thread=False, timeout=10
    )
    yield other
    if other.in_transaction:
        other.rollback()
    other.close()


def test_a_lone_update_is_committed_in_the_event_loop(engine, wiki_doc, org, committed_log):
    store.load(wiki_doc.pk)
    direct, commits = store.log_writer.direct_commits, store.log_writer.commits

    async def scenario():
        update_id = await store.log_writer.append(wiki_doc.pk, b"lone", org.admin.pk)
        assert committed_log.data(update_id) == b"lone"  # committed before the answer
        return update_id

    update_id = async_to_sync(scenario)()
    # No thread hand-over: committed directly, the writer thread did nothing.
    assert store.log_writer.direct_commits == direct + 1
    assert store.log_writer.commits == commits
    row = CollabUpdate.objects.get(pk=update_id)
    assert (bytes(row.data), row.page_id, row.user_id) == (b"lone", wiki_doc.pk, org.admin.pk)
    assert abs((timezone.now() - row.created_at).total_seconds()) < 60


def test_a_locked_database_sends_updates_to_the_writer_in_order(
    engine, spaces, make_document, org, committed_log, write_lock
):
    """While another connection holds the write lock, the event loop does not wait for
    it: updates queue for the writer thread, which commits them in groups, in the order
    each room handed them over, and answers only once they are committed; afterwards a
    lone update is committed directly again."""
    documents = [make_document(spaces.company_edit, org.admin, f"日志 {n}", "") for n in range(3)]
    # The writer stores bytes as given (rooms validate before they append).
    sent = {doc.pk: [f"{doc.pk}:{n}".encode() for n in range(40)] for doc in documents}
    direct, commits = store.log_writer.direct_commits, store.log_writer.commits

    async def scenario():
        async def append(page_id: int, data: bytes) -> int:
            update_id = await store.log_writer.append(page_id, data, org.admin.pk)
            # Answered only once committed: another connection sees the row right away.
            assert committed_log.data(update_id) == data
            return update_id

        write_lock.execute("BEGIN IMMEDIATE")
        jobs = asyncio.gather(
            *(append(page_id, data) for page_id, datas in sent.items() for data in datas)
        )
        await asyncio.sleep(0.5)
        assert not jobs.done()  # nothing answered while the lock is held elsewhere
        assert not any(committed_log.has(data) for datas in sent.values() for data in datas)
        write_lock.execute("COMMIT")
        ids = await jobs
        await store.log_writer.append(documents[0].pk, b"after", None)
        return ids

    ids = iter(async_to_sync(scenario)())
    for page_id, datas in sent.items():
        page_ids = [next(ids) for _ in datas]
        assert page_ids == sorted(page_ids)  # in the order each room handed them over
        rows = CollabUpdate.objects.filter(page_id=page_id).values_list("data", flat=True)
        assert [bytes(data) for data in rows][: len(datas)] == datas
    # Queued together, from three rooms: a few shared transactions, not one per update.
    assert 1 <= store.log_writer.commits - commits <= 12
    assert store.log_writer.direct_commits == direct + 1  # "after"
    assert bytes(CollabUpdate.objects.order_by("pk").last().data) == b"after"


def test_updates_queued_behind_one_that_waits_keep_their_order(
    engine, wiki_doc, committed_log, write_lock
):
    """One room's update finds the lock taken and queues; the room's next updates queue
    behind it even once the lock is free, so none is committed before it."""
    store.load(wiki_doc.pk)

    async def scenario():
        write_lock.execute("BEGIN IMMEDIATE")
        first = asyncio.ensure_future(store.log_writer.append(wiki_doc.pk, b"first", None))
        await asyncio.sleep(0.2)
        write_lock.execute("COMMIT")
        # The lock is free now, but "first" may still be on its way: these wait behind it.
        later = [
            await store.log_writer.append(wiki_doc.pk, f"{n}".encode(), None) for n in range(3)
        ]
        return [await first, *later]

    ids = async_to_sync(scenario)()
    assert ids == sorted(ids)
    rows = CollabUpdate.objects.filter(page=wiki_doc, pk__in=ids).order_by("pk")
    assert [bytes(row.data) for row in rows] == [b"first", b"0", b"1", b"2"]


def test_direct_commits_leave_checkpoints_to_the_writer_thread(
    engine, wiki_doc, committed_log, monkeypatch
):
    """The event loop's connection never checkpoints the WAL; the writer thread does. An
    edit every millisecond lands during every checkpoint, so the WAL would never be all
    copied and start over: past ``WAL_PAUSE_FRAMES`` a checkpoint pauses direct commits."""
    monkeypatch.setattr(store._LoopCommitter, "CHECKPOINT_EVERY", 20)
    monkeypatch.setattr(store.LogWriter, "WAL_PAUSE_FRAMES", 100)
    store.load(wiki_doc.pk)
    checkpoints = store.log_writer.checkpoints

    async def scenario():
        for n in range(300):
            await store.log_writer.append(wiki_doc.pk, f"{n}".encode(), None)
            await asyncio.sleep(0.001)
        while store.log_writer.checkpoints < checkpoints + 15:
            await asyncio.sleep(0.01)

    async_to_sync(scenario)()
    assert CollabUpdate.objects.filter(page=wiki_doc).count() >= 300
    # (busy, frames in the WAL, frames copied): the 300 commits wrote over 1,000 frames
    # (measured: 1,445 when the WAL never started over).
    busy, frames, _copied = committed_log.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and frames < 500


def test_unreadable_state_refuses_to_open(engine, cookies, wiki_doc):
    store.load(wiki_doc.pk)
    CollabSnapshot.objects.filter(page=wiki_doc).update(state=b"\xff\xfe not a CRDT state")
    revisions = wiki_doc.revisions.count()

    async def scenario():
        peer = await Peer(wiki_doc.pk, cookies["mkt_member"]).connect()
        await peer.pump()
        assert peer.close_code == protocol.CLOSE_UNAVAILABLE
        assert peer.doc.text() == ""
        await peer.close()

    run(scenario)
    # Nothing was overwritten: the stored bytes and the revisions are as they were.
    assert bytes(CollabSnapshot.objects.get(page=wiki_doc).state) == b"\xff\xfe not a CRDT state"
    assert wiki_doc.revisions.count() == revisions


def test_idle_room_checkpoints_with_contributors(engine, quick, cookies, wiki_doc):
    async def scenario():
        a = await Peer(wiki_doc.pk, cookies["rd_member"]).connect()
        b = await Peer(wiki_doc.pk, cookies["mkt_member"]).connect()
        await a.pump(lambda peer: peer.doc.text() != "")
        await a.edit(a.doc.text() + "张伟：接口完成\n")
        await b.pump(lambda peer: "张伟" in peer.doc.text())
        await b.edit(b.doc.text() + "刘洋：发布会\n")
        await a.pump(lambda peer: "刘洋" in peer.doc.text())
        await a.pump(timeout=1.5)  # idle: the room writes a checkpoint
        await a.close()
        await b.close()

    run(scenario)
    wiki_doc.refresh_from_db()
    assert wiki_doc.body == "# 周报\n本周：\n张伟：接口完成\n刘洋：发布会\n"
    revision = wiki_doc.latest_revision
    assert "张伟" in revision.content["change_message"]
    assert "刘洋" in revision.content["change_message"]
    assert revision.user.username in {"rd_member", "mkt_member"}


def test_form_save_merges_into_an_open_room(engine, cookies, login, org, wiki_doc):
    base_revision = wiki_doc.latest_revision_id
    form = login(org.admin)

    async def scenario():
        peer = await Peer(wiki_doc.pk, cookies["mkt_member"]).connect()
        await peer.pump(lambda p: p.doc.text() != "")
        await peer.edit("# 周报\n本周：[实时输入]\n")  # not checkpointed yet
        await peer.pump(timeout=0.3)
        response = await database_sync_to_async(form.post)(
            reverse("document_edit", args=[wiki_doc.pk]),
            {
                "title": "周报",
                "body": "# 周报（定稿）\n本周：",  # (the form strips the last newline)
                "status": "published",
                "tags": "",
                "base_revision": base_revision,
            },
        )
        assert response.status_code == 302
        merged = "# 周报（定稿）\n本周：[实时输入]"
        await peer.pump(lambda p: p.doc.text() == merged)
        assert peer.doc.text() == merged  # the form's edit arrived; the typing survived
        assert rooms.open_rooms()[wiki_doc.pk].doc.text() == merged
        await peer.close()

    run(scenario)
    wiki_doc.refresh_from_db()
    assert wiki_doc.body == "# 周报（定稿）\n本周：[实时输入]"  # the last checkpoint


def test_form_save_while_no_room_is_open(engine, cookies, login, org, wiki_doc):
    store.load(wiki_doc.pk)
    response = login(org.admin).post(
        reverse("document_edit", args=[wiki_doc.pk]),
        {
            "title": "周报",
            "body": "表单改过",
            "status": "published",
            "tags": "",
            "base_revision": wiki_doc.latest_revision_id,
        },
    )
    assert response.status_code == 302

    async def scenario():
        peer = await Peer(wiki_doc.pk, cookies["mkt_member"]).connect()
        await peer.pump(lambda p: p.doc.text() == "表单改过")
        assert peer.doc.text() == "表单改过"
        await peer.close()

    run(scenario)
