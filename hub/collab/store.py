"""Durability of co-editing: the update log, compaction, checkpoints into revisions, and
merging revisions saved through the edit form into the CRDT state.

Synchronous database functions; rooms call them through ``database_sync_to_async``,
except appending to the log, which goes through the process's ``LogWriter`` (a thread
with its own connection that commits updates from every room in shared transactions).
Every function that changes state runs in one transaction with the document locked, so
processes sharing the database serialise on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import functools
import logging
import queue
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from enum import Enum
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Revision

from hub.collab.crdt import CrdtDoc, InvalidUpdate, new_doc
from hub.collab.models import CollabSnapshot, CollabUpdate
from hub.core.documents import EditConflict, save_document
from hub.core.models import DocumentPage, User

logger = logging.getLogger("hub.collab")


class StoreUnreadable(Exception):
    """The stored co-editing state cannot be decoded; the room must not open."""


class Checkpoint(Enum):
    SAVED = "saved"  # a new revision holds the text
    UNCHANGED = "unchanged"  # the latest revision already has this text
    STALE = "stale"  # a newer revision is not merged into the CRDT state yet


def _locked(page_id: int) -> DocumentPage:
    return DocumentPage.objects.select_for_update().get(pk=page_id)


def doc_from(pieces: Iterable[bytes], what: str, page_id: int) -> CrdtDoc:
    """A document holding ``pieces``; raise StoreUnreadable (logged) if one is bad."""
    doc = new_doc()
    try:
        for piece in pieces:
            doc.apply_update(piece)
        return doc
    except InvalidUpdate as error:
        problem = str(error)
    # Raised outside the except block, with the document dropped first: a traceback
    # that kept it alive could free it in another thread, which y-py forbids.
    doc = None
    logger.error("document %s: stored %s cannot be decoded: %s", page_id, what, problem)
    raise StoreUnreadable(f"stored {what} of document {page_id} cannot be decoded: {problem}")


def _merge_revision(page: DocumentPage, snapshot: CollabSnapshot, revision: Revision) -> bytes:
    """Append the edits ``revision`` made to the base text as one update; b"" if none.

    The edits are computed on a copy of the base state (the CRDT state whose text is
    the base revision's body), so typing that happened since merges instead of being
    overwritten.
    """
    base = doc_from([bytes(snapshot.base_state)], "base state", page.pk)
    update = base.set_text(revision.content.get("body", ""))
    if update:
        CollabUpdate.objects.create(page=page, data=update, user=revision.user)
    snapshot.base_revision = revision
    snapshot.base_state = base.encode_state()
    snapshot.save()
    return update


def _latest_unmerged(page: DocumentPage, snapshot: CollabSnapshot) -> Revision | None:
    latest = page.latest_revision
    if latest is None or latest.pk == snapshot.base_revision_id:
        return None
    if snapshot.base_revision_id is not None and latest.pk < snapshot.base_revision_id:
        return None
    return latest


@transaction.atomic
def load(page_id: int) -> list[bytes]:
    """The stored pieces of a document's CRDT state, to apply in order.

    A document opened for the first time is seeded from its latest revision's body; a
    revision saved since the last merge (by the form while no room was open, say) is
    merged first. Raises ``DocumentPage.DoesNotExist`` or ``StoreUnreadable``.
    """
    page = _locked(page_id)
    snapshot = CollabSnapshot.objects.filter(page=page).first()
    if snapshot is None:
        if CollabUpdate.objects.filter(page=page).exists():
            raise StoreUnreadable(f"document {page_id} has an update log but no snapshot")
        seed = new_doc()
        update = seed.set_text(page.body)
        if update:
            CollabUpdate.objects.create(page=page, data=update, user=None)
        CollabSnapshot.objects.create(
            page=page, base_revision=page.latest_revision, base_state=seed.encode_state()
        )
    else:
        revision = _latest_unmerged(page, snapshot)
        if revision is not None:
            _merge_revision(page, snapshot, revision)
    snapshot = CollabSnapshot.objects.get(page=page)
    updates = CollabUpdate.objects.filter(page=page).values_list("data", flat=True)
    pieces = [bytes(snapshot.state)] if snapshot.state else []
    return pieces + [bytes(data) for data in updates]


@transaction.atomic
def merge_latest_revision(page_id: int) -> bytes:
    """Merge a revision saved outside co-editing into the stored state; the update or b""."""
    page = _locked(page_id)
    snapshot = CollabSnapshot.objects.filter(page=page).first()
    if snapshot is None:
        return b""  # never co-edited: a room seeds from the latest revision when it opens
    revision = _latest_unmerged(page, snapshot)
    return _merge_revision(page, snapshot, revision) if revision else b""


@functools.cache
def _insert_sql(rows: int, placeholder: str) -> str:
    """One multi-row INSERT of (page id, data, user id, created at), returning the ids."""
    table = connection.ops.quote_name(CollabUpdate._meta.db_table)
    values = ", ".join([f"({placeholder}, {placeholder}, {placeholder}, {placeholder})"] * rows)
    return f"INSERT INTO {table} (page_id, data, user_id, created_at) VALUES {values} RETURNING id"


def _insert_params(entries: list[tuple[int, bytes, int | None]]) -> list:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return [value for entry in entries for value in (*entry, now)]


def append(entries: list[tuple[int, bytes, int | None]]) -> list[int]:
    """Append accepted updates (page id, data, user id) to the log; their ids, in order.

    One multi-row INSERT in one transaction, without building model instances: this is
    the log writer's hot path, and the Python it runs holds the GIL the event loop needs.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_insert_sql(len(entries), "%s"), _insert_params(entries))
        # One statement numbers its rows in order; RETURNING may list them in any order.
        return sorted(row_id for (row_id,) in cursor.fetchall())


class _LoopCommitter:
    """SQLite only: commits a lone update in the event loop's own thread.

    With WAL and ``synchronous=NORMAL`` a commit writes the WAL without syncing (tens of
    microseconds), cheaper than the two thread hand-overs the log writer needs, each a
    wait for the GIL and a CPU. The connection is its own (plain ``sqlite3``, the same
    PRAGMAs as Django's) with no busy wait: if another connection holds the write lock it
    gives up at once and the caller queues the update for the writer thread instead, so
    the event loop never waits for a lock. It never checkpoints the WAL either (a
    checkpoint syncs the files, milliseconds): every ``CHECKPOINT_EVERY`` commits it asks
    the writer thread to. Closed after ``IDLE_SECONDS`` without use.
    """

    IDLE_SECONDS = 30.0
    CHECKPOINT_EVERY = 250  # commits; each adds a few pages, SQLite's own default is 1,000

    def __init__(self, request_checkpoint: Callable[[], None]) -> None:
        self._request_checkpoint = request_checkpoint
        # Held while the connection is in use: a loop in another thread (tests run one
        # per test) or a checkpoint that needs a pause finds it taken and moves on.
        self.lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._sql = _insert_sql(1, "?")
        # What Django's SQLite backend stores for timezone.now(), without its overhead.
        self._timezone = connection.timezone if settings.USE_TZ else None
        self._since_checkpoint = 0
        self._last_use = 0.0
        self._timer_loop: asyncio.AbstractEventLoop | None = None
        self.commits = 0  # transactions committed (tests and diagnostics)

    def _open(self) -> sqlite3.Connection:
        settings_dict = connection.settings_dict
        db = sqlite3.connect(
            settings_dict["NAME"], timeout=0, isolation_level=None, check_same_thread=False
        )
        try:
            db.executescript(settings_dict["OPTIONS"].get("init_command", ""))
            db.execute("PRAGMA wal_autocheckpoint=0")
        except sqlite3.Error:
            db.close()
            raise
        return db

    def append(self, page_id: int, data: bytes, user_id: int | None) -> int | None:
        """Commit one update and return its id; None if it must go to the writer thread."""
        if not self.lock.acquire(blocking=False):
            return None
        try:
            db = self._db = self._db or self._open()
            db.execute("BEGIN IMMEDIATE")
            try:
                now = datetime.datetime.now(self._timezone).replace(tzinfo=None)
                params = (page_id, data, user_id, str(now))
                ((update_id,),) = db.execute(self._sql, params).fetchall()
                db.execute("COMMIT")
            finally:
                if db.in_transaction:  # failed: nothing of it stays
                    db.rollback()
        except sqlite3.Error as error:
            if (error.sqlite_errorcode or 0) & 0xFF != sqlite3.SQLITE_BUSY:
                # Unexpected (disk full, say): the writer thread tries, and reports it.
                logger.warning("committing a co-editing update directly failed: %s", error)
                self._close()
            return None
        finally:
            self.lock.release()
        self.commits += 1
        self._since_checkpoint += 1
        if self._since_checkpoint >= self.CHECKPOINT_EVERY:
            self._since_checkpoint = 0
            self._request_checkpoint()
        self._last_use = time.monotonic()
        loop = asyncio.get_running_loop()
        if self._timer_loop is not loop:  # (a loop that ended took its timer with it)
            self._timer_loop = loop
            loop.call_later(self.IDLE_SECONDS, self._close_when_idle, loop)
        return update_id

    def _close_when_idle(self, loop: asyncio.AbstractEventLoop) -> None:
        idle = time.monotonic() - self._last_use
        if idle < self.IDLE_SECONDS or not self.lock.acquire(blocking=False):
            loop.call_later(max(self.IDLE_SECONDS - idle, 1.0), self._close_when_idle, loop)
            return
        self._timer_loop = None
        self._close()
        self.lock.release()

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class _Pending(NamedTuple):
    page_id: int
    data: bytes
    user_id: int | None
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future


_CHECKPOINT = object()  # queued to ask the writer thread for a WAL checkpoint


class LogWriter:
    """The process's one writer of the update log, with group commit.

    Rooms of every document queue (page id, update, user id) and await a future. A thread
    with its own database connection takes everything queued, appends it in one
    transaction and, once that committed, resolves each future with its row id, so an
    update is never acknowledged (relayed) before it is durable. Under load many updates
    share a commit, without the connection being opened and closed each time as
    ``database_sync_to_async`` does (closing SQLite's last connection checkpoints the
    WAL). Updates are committed in the order they were queued, so a room's log keeps its
    order. The thread closes its connection and ends after ``IDLE_SECONDS`` without work;
    the next update restarts it.

    On SQLite an update that finds nothing queued or being written is committed directly
    by the event loop's thread instead (``_LoopCommitter``), and falls back to the queue
    when another connection holds the write lock. Once one update is queued, every later
    one is queued behind it until the thread has committed them all, so no update is
    committed before one queued earlier (a room lives in one event loop, whose appends
    run one at a time). On PostgreSQL every update goes through the thread: the event
    loop never waits on the network.
    """

    IDLE_SECONDS = 30.0
    MAX_BATCH = 1000
    # WAL frames (pages) past which a checkpoint pauses direct commits to catch up.
    WAL_PAUSE_FRAMES = 10_000

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._outstanding = 0  # updates queued and not yet committed (or failed)
        self._direct: _LoopCommitter | None = None
        self._direct_decided = False
        self._checkpoint_queued = False
        self.commits = 0  # transactions committed by the thread (tests and diagnostics)
        self.checkpoints = 0  # WAL checkpoints the thread ran (tests and diagnostics)

    @property
    def direct_commits(self) -> int:
        """Transactions committed directly in an event loop (tests and diagnostics)."""
        return self._direct.commits if self._direct else 0

    async def append(self, page_id: int, data: bytes, user_id: int | None) -> int:
        """Store one update; return its log id once the transaction holding it committed."""
        if not self._direct_decided:
            self._direct_decided = True
            if connection.vendor == "sqlite":
                self._direct = _LoopCommitter(self._queue_checkpoint)
        if self._direct is not None and self._outstanding == 0:
            update_id = self._direct.append(page_id, data, user_id)
            if update_id is not None:
                return update_id
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            self._outstanding += 1
            self._put(_Pending(page_id, data, user_id, loop, future))
        return await future

    def _put(self, item: _Pending | object) -> None:
        """Queue ``item``, starting the thread if needed; the caller holds ``_lock``."""
        self._queue.put(item)
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, daemon=True, name="hub-collab-log-writer"
            )
            self._thread.start()

    def _queue_checkpoint(self) -> None:
        with self._lock:
            if not self._checkpoint_queued:
                self._checkpoint_queued = True
                self._put(_CHECKPOINT)

    def _next_batch(self) -> list | None:
        """Everything queued (at most MAX_BATCH), waiting for the first; None to stop."""
        while True:
            try:
                batch = [self._queue.get(timeout=self.IDLE_SECONDS)]
                break
            except queue.Empty:
                with self._lock:  # idle: stop, unless an update came in just now
                    if self._queue.empty():
                        self._thread = None
                        return None
        while len(batch) < self.MAX_BATCH:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        try:
            while (batch := self._next_batch()) is not None:
                updates = [item for item in batch if item is not _CHECKPOINT]
                if updates:
                    self._write(updates)
                if len(updates) < len(batch):
                    self._checkpoint()
        finally:
            with self._lock:  # died of a bug: the next update starts a new thread
                if self._thread is threading.current_thread():
                    self._thread = None
            connection.close()

    def _write(self, batch: list[_Pending]) -> None:
        try:
            results = append([(entry.page_id, entry.data, entry.user_id) for entry in batch])
            self.commits += 1
        except Exception as error:  # every waiting room hears of it; none is acknowledged
            logger.exception("appending %d co-editing updates failed", len(batch))
            results = [error] * len(batch)
            connection.close()  # a broken connection must not fail the next batch too
        with self._lock:
            self._outstanding -= len(batch)
        by_loop = defaultdict(list)
        for entry, result in zip(batch, results, strict=True):
            by_loop[entry.loop].append((entry.future, result))
        for loop, settled in by_loop.items():
            # One wake-up per event loop for the whole batch; a closed loop has no waiters.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, settled)

    def _checkpoint(self) -> None:
        """Copy the WAL into the database file while direct commits go on.

        A passive checkpoint copies what was committed when it began; SQLite starts the
        WAL over only at a write that finds all of it copied, so passes repeat while
        commits came in during the last one. Under a sustained stream of edits that may
        never happen: past ``WAL_PAUSE_FRAMES`` one pass runs with direct commits paused
        (updates queue here meanwhile), so the WAL cannot grow without end.
        """
        with self._lock:
            self._checkpoint_queued = False
        try:
            with connection.cursor() as cursor:
                frames = -1
                for _attempt in range(3):
                    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    _busy, log_frames, _copied = cursor.fetchone()
                    if log_frames == frames:  # nothing committed during the last pass
                        break
                    frames = log_frames
                else:
                    if frames >= self.WAL_PAUSE_FRAMES and self._direct is not None:
                        with self._direct.lock:
                            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self.checkpoints += 1
        except Exception:  # the next request, or SQLite itself, checkpoints later
            logger.exception("checkpointing the co-editing log's WAL failed")
            connection.close()


def _settle(settled: list[tuple[asyncio.Future, int | Exception]]) -> None:
    for future, result in settled:
        if future.done():  # the waiting client went away
            continue
        if isinstance(result, Exception):
            future.set_exception(result)
        else:
            future.set_result(result)


log_writer = LogWriter()


def discard(update_ids: list[int]) -> None:
    """Remove log rows whose update a room could not apply after all."""
    CollabUpdate.objects.filter(pk__in=update_ids).delete()


def compact(page_id: int, minimum: int | None = None) -> int:
    """Merge the log into the snapshot once it holds ``minimum`` rows; rows merged.

    The merge (decoding and encoding the whole document, the slow part) runs outside
    any transaction, so appends are not locked out meanwhile; a short transaction then
    stores the new state only if the snapshot's state is still the one read, and deletes
    only the rows read, so a row committed meanwhile stays in the log. If the state
    changed (another process compacted), nothing is written: the next compaction merges.
    """
    minimum = settings.HUB_COLLAB_COMPACT_AFTER if minimum is None else minimum
    state = bytes(
        CollabSnapshot.objects.filter(page_id=page_id).values_list("state", flat=True).get()
    )
    rows = list(CollabUpdate.objects.filter(page_id=page_id).values_list("pk", "data"))
    if not rows or len(rows) < minimum:
        return 0
    pieces = [state] if state else []
    merged = doc_from(pieces + [bytes(data) for _pk, data in rows], "state", page_id)
    new_state = merged.encode_state()
    merged = None  # dropped here, in the thread that made it (y-py documents are bound)
    with transaction.atomic():
        _locked(page_id)
        stored = CollabSnapshot.objects.filter(page_id=page_id, state=state).update(
            state=new_state, updated_at=timezone.now()
        )
        if not stored:
            return 0
        CollabUpdate.objects.filter(pk__in=[pk for pk, _data in rows]).delete()
    return len(rows)


@transaction.atomic
def checkpoint(page_id: int, text: str, state: bytes, contributor_ids: list[int]) -> Checkpoint:
    """Save ``text`` (a room's text, whose CRDT state is ``state``) as a new revision.

    The message names the contributors (``contributor_ids``, most recent last; the last
    one is the revision's author). A revision saved meanwhile that the CRDT state does
    not hold yet makes this STALE: nothing is saved until it is merged.
    """
    page = _locked(page_id)
    snapshot = CollabSnapshot.objects.get(page=page)
    latest = page.latest_revision
    if latest is not None and latest.pk != snapshot.base_revision_id:
        return Checkpoint.STALE
    if text == page.body:
        return Checkpoint.UNCHANGED
    people = User.objects.in_bulk(contributor_ids)
    contributors = [people[pk] for pk in contributor_ids if pk in people]
    author = contributors[-1] if contributors else None
    try:
        revision = save_document(
            page,
            author,
            page.title,
            text,
            page.status,
            [tag.name for tag in page.tags.all()],
            base_revision_id=latest.pk if latest else None,
        )
    except EditConflict:
        return Checkpoint.STALE
    names = ", ".join(person.get_full_name() for person in contributors)
    revision.content["change_message"] = _("Co-editing session: %(names)s") % {"names": names}
    revision.save(update_fields=["content"])
    snapshot.base_revision = revision
    snapshot.base_state = state
    snapshot.save(update_fields=["base_revision", "base_state", "updated_at"])
    return Checkpoint.SAVED
