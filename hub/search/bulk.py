"""Building a whole index fast (``hub reindex``, Wagtail's ``update_index``, repairs).

Whoosh's own writer spends most of a rebuild on bookkeeping, not on analysis: its posting
pool pickles every posting to a run file and sorts millions of 5-tuples, the field writer
looks each posting's document length up through the length column, and every term, even
one seen once, gets its own compressed block in the postings file. Here the same segment
files are written with less work:

- ``TermPool`` groups postings by field and term as they arrive (a document's field at
  once, equal weights and posting values sharing one object), so only the terms are
  sorted and a run spilled to disk (past ``limitmb``) is one pickle per term.
- ``BulkWriter`` writes each term's postings and term-table entry itself (``_FieldPostings``,
  ``_TermTable``): the bytes ``W3PostingsWriter`` and the table writer would write (a test
  compares them), without their calls per posting; each field's lengths are read once.
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
import struct
import zlib
from array import array
from collections.abc import Iterator
from hashlib import md5
from itertools import groupby
from operator import itemgetter

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3PostingsWriter, W3TermInfo
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util import random_name
from whoosh.util.numeric import length_to_byte
from whoosh.util.numlists import delta_encode
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
    """The postings of a segment under construction, grouped by field and term.

    Each term's postings are one flat list ``[docnum, weight, value, docnum, …]`` in the
    order they were added, which is document order.
    """

    # Rough bytes of a new term and of one posting (list slots; weights and the values of
    # one-position terms are shared objects).
    TERM_BYTES, POSTING_BYTES = 200, 60

    def __init__(self, tempstore, limitmb: float = LIMIT_MB):
        self.tempstore = tempstore
        self.limit = int(limitmb * 1024 * 1024)
        self.size = 0
        self.fields: dict[str, dict[bytes, list]] = {}
        self.runs: list[str] = []
        self.fieldnames: set[str] = set()
        # One float object per distinct weight, instead of one per posting.
        self._weights: dict[float, float] = {}

    def add_field(self, fieldname: str, docnum: int, items, boost: float = 1.0) -> int:
        """Add one document's ``(term bytes, frequency, weight, value bytes)`` postings of
        one field, each weight times ``boost``; return the sum of the frequencies."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        # Every weight a float (as Whoosh's float boosts make them), so that equal weights
        # can share one object.
        boost, weights = float(boost), self._weights
        length = added = new_bytes = 0
        for text, freq, weight, value in items:
            weight *= boost
            weight = weights.setdefault(weight, weight)
            postings = terms.get(text)
            if postings is None:
                terms[text] = [docnum, weight, value]
                new_bytes += self.TERM_BYTES + len(text)
            else:
                postings += (docnum, weight, value)
            length += freq
            added += 1
        self.size += new_bytes + added * self.POSTING_BYTES
        if self.size > self.limit:
            self._spill()
        return length

    def add(self, item: tuple) -> None:
        """Whoosh's pool interface: one posting ``(fieldname, term, docnum, weight, value)``."""
        fieldname, text, docnum, weight, value = item
        self.add_field(fieldname, docnum, [(text, 0, weight, value)])

    def _sorted(self) -> Iterator[tuple[tuple[str, bytes], list]]:
        """The pool's ((fieldname, term), postings) in order, emptying it."""
        fields, self.fields, self.size = self.fields, {}, 0
        for fieldname in sorted(fields):
            terms = fields.pop(fieldname)
            for text in sorted(terms):
                yield (fieldname, text), terms[text]

    def _spill(self) -> None:
        name = f"{random_name()}.terms"
        with self.tempstore.create_file(name).raw_file() as run:
            for entry in self._sorted():
                pickle.dump(entry, run, pickle.HIGHEST_PROTOCOL)
        self.runs.append(name)

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
        if not self.runs:
            for (fieldname, text), postings in self._sorted():
                yield fieldname, text, postings
            return
        # heapq.merge keeps earlier runs first for equal keys: postings stay in doc order.
        sources = [self._read_run(name) for name in self.runs] + [self._sorted()]
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
    """A segment writer using ``TermPool`` and writing its postings term by term.

    For schemas without term vectors or separate spelling words (the hub's).
    """

    def __init__(self, ix, limitmb: float = LIMIT_MB, **kwargs):
        kwargs.setdefault("codec", HubCodec())
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if any(field.vector or field.separate_spelling() for _name, field in self.schema.items()):
            raise ValueError("BulkWriter writes no term vectors or spelling words")
        self.pool = TermPool(self._tempstorage, limitmb)

    def add_document(self, **fields) -> None:
        """Whoosh's ``add_document``, with each field's postings added to the pool at once."""
        self._check_state()
        schema, perdocwriter, docnum = self.schema, self.perdocwriter, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, fieldname, docboost)
                length = self.pool.add_field(fieldname, docnum, field.index(value), boost)
                if not field.scorable:
                    length = 0
            stored = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
            column = field.column_type
            if column and stored is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(stored))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            _write_postings(self.fieldwriter, self.schema, lengths, self.docnum, self.pool)
        finally:
            lengths.close()
        self.fieldwriter.close()


# The fixed part of a term's entry in the term table (Whoosh's ``W3TermInfo``) and the
# lengths before each key/value pair of that table (``filetables.HashWriter``).
_TERM_INFO = W3TermInfo._struct
_KEY_VALUE_LENGTHS = struct.Struct("!ii")
# Buffered writes per file before they are handed to the file at once.
_BUFFERED_WRITES = 4096


class _Appender:
    """Appends to a Whoosh file through a buffer, knowing each write's offset (the file's
    own ``tell()`` would be a call per write)."""

    def __init__(self, dbfile):
        self.dbfile = dbfile
        self.offset = dbfile.tell()
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        """Append ``data``; return the offset where it starts."""
        offset = self.offset
        self.chunks.append(data)
        self.offset += len(data)
        if len(self.chunks) >= _BUFFERED_WRITES:
            self.flush()
        return offset

    def flush(self) -> None:
        self.dbfile.write(b"".join(self.chunks))
        self.chunks = []


class _TermTable:
    """What ``OrderedHashWriter.add`` does for each term of the field writer's term table,
    with the writes buffered; ``close()`` before the field writer closes the table."""

    def __init__(self, tindex):
        self.tindex = tindex
        self.out = _Appender(tindex.dbfile)
        self.positions: list[int] = []
        self.last_key = tindex.lastkey

    def add(self, key: bytes, value: bytes) -> None:
        position = self.out.write(_KEY_VALUE_LENGTHS.pack(len(key), len(value)) + key + value)
        # The table's hash (filetables.md5_hash): the digest's last four bytes.
        hashed = int.from_bytes(md5(key).digest()[-4:], "big")
        self.tindex.buckets[hashed & 255].append((hashed, position))
        self.positions.append(position)
        self.last_key = key

    def close(self) -> None:
        self.out.flush()
        self.tindex.index.extend(self.positions)
        self.tindex.lastkey = self.last_key


def _length_range(ids, length_bytes: list[int] | None) -> tuple[int, int]:
    """The byte codes of the shortest and longest non-zero field length of the documents
    ``ids`` (0, 0 if none): as the codes rise with the lengths, the codes of the extremes."""
    if length_bytes is None:
        return 0, 0
    found = [code for code in map(length_bytes.__getitem__, ids) if code]
    return (min(found), max(found)) if found else (0, 0)


def _max_weight(weights) -> float:
    # Whoosh keeps the largest weight above 0, starting from 0.
    largest = max(weights)
    return largest if largest > 0 else 0


def _block_weights(weights: array):
    """A block's weights as Whoosh minifies them: None if all 1, one number if all equal."""
    first = weights[0]
    if weights.count(first) == len(weights):
        return None if first == 1.0 else first
    return tuple(weights)


def _block_values(values, fixed_size: int | None):
    """A block's posting values as Whoosh minifies them for the field's format."""
    if fixed_size is None or fixed_size < 0:
        return tuple(value for value in values if value)
    if fixed_size == 0:
        return None
    return b"".join(value for value in values if value)


class _FieldPostings:
    """Writes the posting lists of one field, each as ``W3PostingsWriter`` and
    ``HubCodec``'s inlining would, byte for byte, without a call per posting.

    ``length_bytes`` holds each document's field length as the byte code Whoosh stores
    (None when the field has no lengths).
    """

    def __init__(self, codec: HubCodec, posts: _Appender, fieldobj, length_bytes: list[int] | None):
        self.codec = codec
        self.posts = posts
        self.fixed_size = fieldobj.format.fixed_value_size()
        self.length_bytes = length_bytes
        self._float32: dict[float, float] = {}

    def term_info(self, postings: list) -> bytes:
        """Write one term's flat postings; return its entry for the term table."""
        if len(postings) == 3 and self.codec._inlinelimit > 1:
            return self._one(*postings)
        ids, weights, values = postings[0::3], postings[1::3], postings[2::3]
        count = len(ids)
        if count < self.codec._inlinelimit:
            floats = array("f", weights)
            shortest, longest = _length_range(ids, self.length_bytes)
            head = _TERM_INFO.pack(
                True, sum(floats), count, shortest, longest, _max_weight(weights), ids[0], ids[-1]
            )
            inlined = (tuple(ids), tuple(floats), tuple(value for value in values if value))
            return head + pickle.dumps(inlined, 2)
        return self._blocks(ids, weights, values)

    def _one(self, docnum: int, weight: float, value: bytes) -> bytes:
        """The inlined entry of a term with one posting (most terms): the general case's
        computations, each reduced to one value."""
        stored = self._float32.get(weight)
        if stored is None:
            stored = self._float32[weight] = array("f", (weight,))[0]
        code = self.length_bytes[docnum] if self.length_bytes is not None else 0
        head = _TERM_INFO.pack(
            True, stored, 1, code, code, weight if weight > 0 else 0, docnum, docnum
        )
        return head + pickle.dumps(((docnum,), (stored,), (value,) if value else ()), 2)

    def _blocks(self, ids: list[int], weights: list[float], values: list) -> bytes:
        posts, limit, compression = self.posts, self.codec._blocklimit, self.codec._compression
        start = posts.write(WHOOSH3_HEADER_MAGIC)
        total, shortest, longest, heaviest = 0, None, 0, 0
        count = len(ids)
        for first in range(0, count, limit):
            last = first + limit
            block_ids, block_weights = ids[first:last], weights[first:last]
            floats = array("f", block_weights)
            block_shortest, block_longest = _length_range(block_ids, self.length_bytes)
            block_heaviest = _max_weight(block_weights)
            total += sum(floats)
            shortest = block_shortest if shortest is None else min(shortest, block_shortest)
            longest = max(longest, block_longest)
            heaviest = max(heaviest, block_heaviest)
            data = pickle.dumps(
                (
                    tuple(delta_encode(block_ids)),
                    _block_weights(floats),
                    _block_values(values[first:last], self.fixed_size),
                ),
                2,
            )
            if compression:
                data = zlib.compress(data, compression)
            info = pickle.dumps(
                (
                    len(block_ids),
                    block_ids[-1],
                    block_heaviest,
                    compression,
                    block_shortest,
                    block_longest,
                ),
                2,
            )
            size = len(info) + len(data)
            # The last block's size is written negative.
            posts.write(pack_int(-size if last >= count else size) + info + data)
        head = _TERM_INFO.pack(False, total, count, shortest, longest, heaviest, ids[0], ids[-1])
        return head + pack_long(start) + pack_int(posts.offset - start)


def _write_postings(fieldwriter, schema, lengths, doc_count: int, pool: TermPool) -> None:
    """What Whoosh's ``FieldWriter.add_postings`` writes, a term at a time."""
    table = _TermTable(fieldwriter._tindex)
    posts = _Appender(fieldwriter._postfile)
    fieldmap = fieldwriter._fieldmap
    last_field = None
    for fieldname, text, postings in pool.terms():
        if fieldname != last_field:
            last_field = fieldname
            field_id = pack_ushort(fieldmap.setdefault(fieldname, len(fieldmap)))
            length_bytes = [
                length_to_byte(lengths.doc_field_length(docnum, fieldname))
                for docnum in range(doc_count)
            ]
            writer = _FieldPostings(
                fieldwriter._codec,
                posts,
                schema[fieldname],
                length_bytes if any(length_bytes) else None,
            )
        table.add(field_id + text, writer.term_info(postings))
    posts.flush()
    table.close()


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
