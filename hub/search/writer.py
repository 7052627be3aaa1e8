"""The one writer per index folder per process: a background thread that batches updates.

Whoosh allows one writer at a time (a file lock). Requests never write: after their
transaction commits they put (key, document) on this queue and return. The thread
collects what arrives within ``BATCH_SECONDS``, keeps the last change per object, commits
once, and retries on ``LockError`` (another process, or ``hub reindex``) or while the index
is being rebuilt, keeping the batch. Any other failure triggers a rebuild from the
database, which covers the batch. Nothing is lost and nothing raises to a request.
The thread stops after a minute idle and restarts with the next update; at exit the
queue is flushed.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time

from django.db import connections
from whoosh.index import LockError

from hub.search.schema import PK

logger = logging.getLogger("hub.search")

BATCH_SECONDS = 0.15
IDLE_SECONDS = 60.0
RETRY_SECONDS = (0.05, 0.1, 0.2, 0.5, 1.0)


class IndexWriter:
    """Queue of pending updates for one ``IndexStore`` and the thread that applies them."""

    def __init__(self, store):
        self.store = store
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._enqueued = 0
        self._applied = 0
        # Set while someone waits in flush(): commit without waiting for more updates.
        self._hurry = threading.Event()

    def update(self, key: str, document: dict) -> None:
        self._put((key, document))

    def delete(self, key: str) -> None:
        self._put((key, None))

    def _put(self, item) -> None:
        with self._lock:
            self._queue.put(item)
            self._enqueued += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, daemon=True, name=f"hub-index-writer:{self.store.path.name}"
                )
                self._thread.start()

    @property
    def pending(self) -> bool:
        return self._applied < self._enqueued

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is committed; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            target = self._enqueued
            if self._applied < target:
                self._hurry.set()
            while self._applied < target:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._done.wait(remaining)
        return True

    def _next_batch(self) -> tuple[dict, int] | None:
        """Wait for the first update, then gather more for a short while.

        Returns (key -> document or None for a delete, updates taken), or None when idle.
        """
        try:
            key, document = self._queue.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            return None
        batch = {key: document}
        taken = 1
        deadline = time.monotonic() + BATCH_SECONDS
        while (remaining := deadline - time.monotonic()) > 0 and not self._hurry.is_set():
            try:
                key, document = self._queue.get(timeout=min(remaining, 0.01))
            except queue.Empty:
                continue
            batch[key] = document
            taken += 1
        return batch, taken

    def _drain_into(self, batch: dict) -> int:
        """Add anything queued meanwhile to ``batch`` (later changes win); how many."""
        taken = 0
        while True:
            try:
                key, document = self._queue.get_nowait()
            except queue.Empty:
                return taken
            batch[key] = document
            taken += 1

    def _run(self) -> None:
        while True:
            pending = self._next_batch()
            if pending is None:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            batch, taken = pending
            taken += self._commit(batch)
            # Opening an empty index asks the database whether to rebuild it: hold no
            # connection between batches (an idle one blocks dropping a PostgreSQL database).
            connections.close_all()
            with self._lock:
                self._applied += taken
                if self._applied == self._enqueued:
                    self._hurry.clear()
                self._done.notify_all()

    def _commit(self, batch: dict) -> int:
        """Commit ``batch``, retrying until it lands; returns updates merged in meanwhile."""
        merged = 0
        attempt = 0
        while True:
            try:
                index = self.store.index()
                if index is not None:
                    self._write(index, batch)
                    return merged
            except LockError:
                pass
            except Exception as error:  # a write must never raise
                # The rebuild reads the database after these updates were committed, so
                # it covers the batch: nothing is lost by dropping it here.
                logger.exception("Writing to the search index %s failed", self.store.path)
                self.store.broken(error)
                return merged
            time.sleep(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
            attempt += 1
            merged += self._drain_into(batch)

    @staticmethod
    def _write(index, batch: dict) -> None:
        writer = index.writer()
        try:
            for key, document in batch.items():
                if document is None:
                    writer.delete_by_term(PK, key)
                else:
                    writer.update_document(**document)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()


_writers: dict[str, IndexWriter] = {}
_writers_lock = threading.Lock()


def writer_for(store) -> IndexWriter:
    """The process's one writer for ``store``'s folder."""
    key = str(store.path)
    with _writers_lock:
        if key not in _writers:
            _writers[key] = IndexWriter(store)
        return _writers[key]


def flush_all(timeout: float = 10.0) -> bool:
    """Wait until every writer of the process is idle (tests and exit use this)."""
    with _writers_lock:
        writers = list(_writers.values())
    return all(writer.flush(timeout) for writer in writers)


atexit.register(flush_all)
