"""One Whoosh index folder per model hierarchy: opening it, noticing it is missing,
corrupt or outdated, per-thread searchers, and the atomic rebuild (build aside, swap).

A store is shared by every backend instance of the process (Wagtail creates a backend
per search), keyed by folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

from django.db import close_old_connections
from tqdm import tqdm
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Every

from hub.search.analysis import warm_up
from hub.search.bulk import bulk_writer
from hub.search.schema import build_schema, document_for, hierarchy

logger = logging.getLogger("hub.search")

LOCK_NAME = f"{whoosh_index._DEF_INDEX_NAME}_WRITELOCK"


def _storage(path: Path) -> FileStorage:
    # No mmap: a file changed under a mapping (corruption, a careless copy) would kill
    # the process with SIGBUS instead of raising an error we can recover from.
    return FileStorage(str(path), supports_mmap=False)


_stores: dict[str, IndexStore] = {}
_stores_lock = threading.Lock()


def store_for(path: Path, root) -> IndexStore:
    """The process-wide store of the index folder ``path`` (model hierarchy ``root``)."""
    key = str(path)
    with _stores_lock:
        if not _stores:
            # Load jieba in the background now rather than in the first search or update.
            threading.Thread(target=warm_up, daemon=True, name="hub-jieba").start()
        if key not in _stores:
            _stores[key] = IndexStore(path, root)
        return _stores[key]


def all_stores() -> list[IndexStore]:
    with _stores_lock:
        return list(_stores.values())


class IndexStore:
    """An index folder: ``index()`` opens it (or says it is unavailable), ``searcher()``
    gives this thread an up-to-date searcher, ``rebuild()`` replaces it atomically."""

    def __init__(self, path: Path, root):
        self.path = Path(path)
        self.root = root
        self._lock = threading.RLock()
        self._index = None
        self._inode = None
        self._rebuilding = False
        self._local = threading.local()
        self._schema = None

    @property
    def schema(self):
        if self._schema is None:
            self._schema = build_schema(self.root)
        return self._schema

    @property
    def rebuilding(self) -> bool:
        return self._rebuilding

    def _current_inode(self) -> int | None:
        try:
            return self.path.stat().st_ino
        except FileNotFoundError:
            return None

    def index(self):
        """The open index, or None while it is unavailable (being rebuilt).

        A missing folder becomes an empty index (``hub reindex`` fills it); an unreadable
        or outdated one is rebuilt from the database in the background.
        """
        inode = self._current_inode()
        with self._lock:
            if self._rebuilding:
                return None
            if self._index is not None and inode == self._inode:
                return self._index
            self._index = None
            try:
                if inode is None or not _storage(self.path).index_exists():
                    self._create_empty()
                else:
                    opened = _storage(self.path).open_index()
                    if set(opened.schema.names()) != set(self.schema.names()):
                        raise ValueError("its fields differ from the models' search fields")
                    self._index = opened
                self._inode = self._current_inode()
                return self._index
            except Exception as error:  # any unreadable index is rebuilt
                self.broken(error)
                return None

    def _create_empty(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self._index = _storage(self.path).create_index(self.schema)
        if _has_objects(self.root) is not False:
            logger.warning(
                "The search index %s was missing and is now empty: run `hub reindex` if the "
                "database holds content.",
                self.path,
            )

    def broken(self, error: BaseException) -> None:
        """Report an unreadable index and rebuild it in the background (once)."""
        with self._lock:
            if self._rebuilding:
                return
            self._rebuilding = True
            self._index = None
        logger.error(
            "The search index %s is unreadable (%s: %s); rebuilding it from the database. "
            "Searches use the database meanwhile.",
            self.path,
            type(error).__name__,
            error,
        )
        threading.Thread(target=self._background_rebuild, daemon=True, name="hub-reindex").start()

    def _background_rebuild(self) -> None:
        try:
            self.rebuild()
        except Exception:
            logger.exception("Rebuilding the search index %s failed; run `hub reindex`.", self.path)
        finally:
            close_old_connections()
            with self._lock:
                self._rebuilding = False

    def readable(self) -> bool:
        """Can the index be opened afresh and every stored document read?"""
        try:
            with _storage(self.path).open_index().searcher() as searcher:
                for _fields in searcher.all_stored_fields():
                    pass
                searcher.search(Every(), limit=1)
            return True
        except Exception:
            return False

    def searcher(self):
        """This thread's searcher, refreshed to the latest commit; None if unavailable."""
        index = self.index()
        if index is None:
            return None
        cached = getattr(self._local, "searcher", None)
        if cached is not None and cached[0] is index:
            # refresh() reuses (and retires) the old searcher's readers itself.
            searcher = cached[1].refresh()
        else:
            if cached is not None:
                cached[1].close()
            searcher = index.searcher()
        self._local.searcher = (index, searcher)
        return searcher

    def rebuild(self, progress: bool = False, procs: int = 1, empty: bool = False) -> int:
        """Index every object of the hierarchy (none if ``empty``) into a sibling folder,
        then swap it in.

        The live index's write lock is held from before the database is read until the
        swap, so the writers' updates meanwhile wait (in their queues) and land in the new
        index: nothing committed is lost. Returns the number of documents indexed.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.mkdir(exist_ok=True)
        build = self.path.with_name(f".{self.path.name}.build-{uuid.uuid4().hex[:8]}")
        live_lock = _storage(self.path).lock(LOCK_NAME)
        while not live_lock.acquire(blocking=False):
            time.sleep(0.05)
        try:
            build.mkdir()
            new_index = _storage(build).create_index(self.schema)
            count = 0 if empty else _write_all(new_index, self.root, progress, procs)
            old = self.path.with_name(f".{self.path.name}.old-{uuid.uuid4().hex[:8]}")
            os.rename(self.path, old)
            os.rename(build, self.path)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        finally:
            live_lock.release()
        shutil.rmtree(old, ignore_errors=True)
        with self._lock:
            self._index = None
        logger.info("Rebuilt the search index %s: %d documents.", self.path, count)
        return count


def _has_objects(root) -> bool | None:
    """Does the database hold objects of this hierarchy? None if it cannot be asked."""
    try:
        return any(model.get_indexed_objects().exists() for model in hierarchy(root))
    except Exception:
        logger.debug("Cannot count the objects of %s", root, exc_info=True)
        return None


def _write_all(index, root, progress: bool, procs: int) -> int:
    querysets = [model.get_indexed_objects() for model in hierarchy(root)]
    total = sum(queryset.count() for queryset in querysets)
    # Load jieba here, before the writer forks: a child forked while another thread holds
    # the loading lock would wait for it forever.
    warm_up()
    writer = bulk_writer(index, procs)
    count = 0
    try:
        with tqdm(
            total=total, disable=not progress, unit="doc", desc=f"Indexing {root.__name__}"
        ) as bar:
            for queryset in querysets:
                for obj in queryset.iterator(chunk_size=500):
                    bar.update(1)
                    instance = obj.get_indexed_instance()
                    if instance is None:
                        continue
                    try:
                        document = document_for(instance)
                    except Exception:
                        logger.exception("Cannot index %r; skipped", instance)
                        continue
                    writer.add_document(**document)
                    count += 1
        writer.commit(optimize=procs == 1)
    except BaseException:
        writer.cancel()
        raise
    return count
