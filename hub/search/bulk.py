"""Building a whole index fast (``hub reindex``, Wagtail's ``update_index``, repairs).

Whoosh's own writer spends most of a rebuild on bookkeeping, not on analysis: its posting
pool pickles every posting to a run file and sorts millions of 5-tuples, the field writer
looks each posting's document length up through the length column, and every term, even
one seen once, gets its own compressed block in the postings file. Here the same segment
files are written with less work:

- ``TermPool`` groups postings by term as they arrive, so only the terms are sorted and a
  run spilled to disk (past ``limitmb``) is one pickle per term, not per posting.
- ``BulkWriter`` writes the grouped postings with each field's lengths read once.
- ``HubCodec`` is Whoosh's codec with the inlining it documents but never does (a typo:
  ``set_inline``): a term with fewer than ``inlinelimit`` postings is stored in the term
  table itself, which reading supports, so rare terms cost no block and no seek.
- ``bulk_writer(index, procs)`` spreads documents over ``procs`` processes, one segment
  each; the parent only feeds them.

The files are standard Whoosh segments: the incremental writer and every reader use them
as they are. ``HubCodec`` is pickled into each segment's description: keep its import path.
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

# Postings kept in memory per process before a sorted run is spilled to disk.
LIMIT_MB = 256
# Terms with fewer postings than this are stored inline in the term table.
INLINE_LIMIT = 4


class _PostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        terminfo = self._terminfo
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, self._values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()


class HubCodec(W3Codec):
    """Whoosh's W3 codec with working inline postings for rare terms."""

    def __init__(
        self, blocklimit: int = 128, compression: int = 3, inlinelimit: int = INLINE_LIMIT
    ):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


class TermPool:
    """The postings of a segment under construction, grouped by (field, term).

    Each term's postings are one flat list ``[docnum, weight, value, docnum, …]`` in the
    order they were added, which is document order.
    """

    # Rough bytes of a new term and of one posting (list slots, float, value bytes).
    TERM_BYTES, POSTING_BYTES = 200, 100

    def __init__(self, tempstore, limitmb: float = LIMIT_MB):
        self.tempstore = tempstore
        self.limit = int(limitmb * 1024 * 1024)
        self.size = 0
        self.current: dict[tuple[str, bytes], list] = {}
        self.runs: list[str] = []
        self.fieldnames: set[str] = set()

    def add(self, item: tuple) -> None:
        """Add one posting ``(fieldname, term bytes, docnum, weight, value bytes)``."""
        key = item[:2]
        postings = self.current.get(key)
        if postings is None:
            postings = self.current[key] = []
            self.fieldnames.add(key[0])
            self.size += self.TERM_BYTES + len(key[1])
        postings += item[2:]
        self.size += self.POSTING_BYTES
        if self.size > self.limit:
            self._spill()

    def _spill(self) -> None:
        name = f"{random_name()}.terms"
        with self.tempstore.create_file(name).raw_file() as run:
            for entry in sorted(self.current.items(), key=itemgetter(0)):
                pickle.dump(entry, run, pickle.HIGHEST_PROTOCOL)
        self.runs.append(name)
        self.current = {}
        self.size = 0

    def _read_run(self, name: str) -> Iterator[tuple]:
        with self.tempstore.open_file(name).raw_file() as run:
            while True:
                try:
                    yield pickle.load(run)
                except EOFError:
                    break
        self.tempstore.delete_file(name)

    def terms(self) -> Iterator[tuple[str, bytes, list]]:
        """(fieldname, term bytes, flat postings) in term order, runs merged."""
        current = sorted(self.current.items(), key=itemgetter(0))
        self.current = {}
        if not self.runs:
            for (fieldname, text), postings in current:
                yield fieldname, text, postings
            return
        # heapq.merge keeps earlier runs first for equal keys: postings stay in doc order.
        sources = [self._read_run(name) for name in self.runs] + [iter(current)]
        merged = heapq.merge(*sources, key=itemgetter(0))
        for (fieldname, text), entries in groupby(merged, key=itemgetter(0)):
            postings = []
            for _key, part in entries:
                postings += part
            yield fieldname, text, postings

    def iter_postings(self) -> Iterator[tuple]:
        """Whoosh's pool interface: every posting as a 5-tuple, in order."""
        for fieldname, text, postings in self.terms():
            for index in range(0, len(postings), 3):
                yield fieldname, text, *postings[index : index + 3]

    def cleanup(self) -> None:
        for name in self.runs:
            if self.tempstore.file_exists(name):
                self.tempstore.delete_file(name)
        self.runs = []


class BulkWriter(SegmentWriter):
    """A segment writer using ``TermPool`` and writing its postings term by term."""

    def __init__(self, ix, limitmb: float = LIMIT_MB, **kwargs):
        kwargs.setdefault("codec", HubCodec())
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = TermPool(self._tempstorage, limitmb)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            _write_postings(self.fieldwriter, self.schema, lengths, self.docnum, self.pool)
        finally:
            lengths.close()
        self.fieldwriter.close()


def _write_postings(fieldwriter, schema, lengths, doc_count: int, pool: TermPool) -> None:
    """What Whoosh's ``FieldWriter.add_postings`` does, a term at a time."""
    by_field: dict[str, list] = {}
    last_field = None
    for fieldname, text, postings in pool.terms():
        if fieldname != last_field:
            if last_field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            last_field = fieldname
            field_lengths = by_field[fieldname] = [
                lengths.doc_field_length(docnum, fieldname) for docnum in range(doc_count)
            ]
        fieldwriter.start_term(text)
        add = fieldwriter._postwriter.add_posting
        for index in range(0, len(postings), 3):
            docnum = postings[index]
            add(docnum, postings[index + 1], postings[index + 2] or b"", field_lengths[docnum])
        fieldwriter.finish_term()
    if last_field is not None:
        fieldwriter.finish_field()


class _BulkTask(SubWriterTask):
    """Whoosh's sub-writer process, writing its segment with ``BulkWriter``."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = BulkWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        fieldnames = writer.pool.fieldnames
        self.resultqueue.put((None, fieldnames, writer._finalize_segment()), timeout=5)


class _BulkMpWriter(MpWriter):
    """Whoosh's multi-process writer (one segment per process) with ``_BulkTask``s."""

    def __init__(self, ix, procs: int, **kwargs):
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)

    def _new_task(self):
        task = _BulkTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True
        )
        self.tasks.append(task)
        task.start()
        return task


def bulk_writer(index, procs: int = 1, limitmb: float = LIMIT_MB) -> SegmentWriter:
    """A writer for adding many documents to ``index`` at once; ``commit()`` when done."""
    if procs > 1:
        return _BulkMpWriter(index, procs=procs, limitmb=limitmb)
    return BulkWriter(index, limitmb=limitmb)
