"""Matching, counting and ranking a compiled search over arrays instead of Whoosh matchers.

Whoosh's matchers walk postings one document at a time in Python. At 20,000 documents a
frequent English word matches thousands of them, and ranking every match (the search page
needs the exact count too) cost tens of milliseconds. Here a term's postings are decoded
once into numpy arrays (document numbers, weights; positions only when a phrase needs
them) and kept in a process-wide cache bounded in bytes (``HUB_SEARCH_CACHE_MB``). Keys
name the segment by its random id and its files' identity (inode, size, modification
time): a segment's postings never change once written, a rebuild or a commit writes new
segments, and files replaced or damaged behind the hub's back are read again (and found
damaged) instead of being answered from memory.

A query tree is evaluated segment by segment with set operations over sorted arrays, the
documents the filter does not allow (permissions) and deleted ones dropped at the leaves.
Scores are Whoosh's BM25F for every match at once, with the same global statistics; a
phrase scores the sum of its words' scores, where it occurs.

Supported: ``Term``, ``Phrase`` (exact, slop 1), ``Prefix``, ``And``, ``Or``, ``AndMaybe``,
``Not``, ``Every``, ``NullQuery`` and boosts, under Whoosh's BM25F weighting, ranked by
score or sorted by columns (``FieldFacet``s). Anything else raises ``Unsupported`` and the
caller lets Whoosh's searcher answer.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain

import numpy as np
from django.conf import settings
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.scoring import BM25F
from whoosh.sorting import FieldFacet
from whoosh.util.numeric import _length_byte_cache

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)
_BYTE_TO_LENGTH = np.array(_length_byte_cache, dtype=np.float64)
# A (document, position) pair as one int64: positions stay far below 2**32.
_POSITION_BITS = 32


class Unsupported(Exception):
    """The query (or weighting) has a part this engine does not evaluate."""


@dataclass(frozen=True)
class Matches:
    """Sorted document numbers and their scores."""

    ids: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


_NOTHING = Matches(_EMPTY_IDS, _EMPTY_SCORES)


def _size(entry: tuple) -> int:
    """Bytes an entry holds, roughly: its arrays and a little for the tuple and key."""
    return sum(part.nbytes for part in entry if isinstance(part, np.ndarray)) + 200


class _Cache:
    """A least-recently-used map bounded by the bytes of its numpy values."""

    def __init__(self) -> None:
        self._entries: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key, load: Callable[[], tuple]) -> tuple:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
        entry = load()  # outside the lock: other searches go on meanwhile
        size = _size(entry)
        limit = settings.HUB_SEARCH_CACHE_MB * 1024 * 1024
        with self._lock:
            if key not in self._entries:
                self._entries[key] = entry
                self._bytes += size
                while self._bytes > limit and len(self._entries) > 1:
                    _key, old = self._entries.popitem(last=False)
                    self._bytes -= _size(old)
        return entry


cache = _Cache()


def _read_postings(reader, fieldname: str, btext: bytes, values: bool) -> tuple:
    """(ids, weights, raw values or None) of a term in one segment, read block by block."""
    terminfo = reader.term_info(fieldname, btext)
    if terminfo.is_inlined():
        ids, weights, raw = terminfo.inlined_postings()
        return (
            np.array(ids, dtype=np.int64),
            np.array(weights, dtype=np.float64),
            list(raw) if values else None,
        )
    fieldformat = reader.schema[fieldname].format
    offset, length = terminfo.extent()
    matcher = W3LeafMatcher(reader._terms._postfile, offset, length, fieldformat)
    id_blocks, weight_blocks, value_blocks = [], [], []
    while not matcher._atend:
        matcher._read_data()
        deltas, weights, raw = matcher._data
        count = len(deltas)
        id_blocks.append(np.cumsum(np.array(deltas, dtype=np.int64)))
        if weights is None:
            weight_blocks.append(np.ones(count))
        elif isinstance(weights, float):
            weight_blocks.append(np.full(count, weights))
        else:
            weight_blocks.append(np.array(weights, dtype=np.float64))
        if values:
            value_blocks.append(raw)
        matcher._next_block()
    return (
        np.concatenate(id_blocks),
        np.concatenate(weight_blocks),
        list(chain.from_iterable(value_blocks)) if values else None,
    )


def _decode_positions(raw: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(posting index, position) of every position in a term's Whoosh ``Positions`` values.

    A value is a 4-byte count and a pickled list of position deltas; the deltas of all
    postings are summed along the whole list at once, each posting's sum restarted at its
    first position.
    """
    lists = [pickle.loads(v[4:] if v.endswith(b".") else v[4:] + b".") for v in raw]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    deltas = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    owners = np.repeat(np.arange(len(raw), dtype=np.int64), counts)
    running = np.cumsum(deltas)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    before = np.concatenate(([0], running))[starts]
    return owners, running - before[owners]


def _segment_token(searcher, segment) -> tuple:
    storage = getattr(searcher._ix, "storage", None)
    if getattr(storage, "folder", None) is None:
        return (segment.segment_id(),)  # not files on disk (an index in memory)
    if segment.is_compound():
        names = [segment.make_filename(segment.COMPOUND_EXT)]
    else:
        names = sorted(segment.list_files(storage))
    files = []
    for name in names:
        found = os.stat(os.path.join(storage.folder, name))
        files.append((found.st_ino, found.st_size, found.st_mtime_ns))
    return (segment.segment_id(), *files)


class _Segment:
    """One segment's part of a search: its postings, lengths and allowed documents."""

    def __init__(self, searcher, leaf, offset: int, allowed: np.ndarray | None):
        self.top = searcher
        self.reader = leaf.reader()
        self.token = _segment_token(searcher, self.reader.segment())
        self.size = self.reader.doc_count_all()
        mask = None if allowed is None else allowed[offset : offset + self.size]
        if self.reader.has_deletions():
            mask = np.ones(self.size, dtype=bool) if mask is None else mask.copy()
            deleted = np.fromiter(self.reader._perdoc.deleted_docs(), dtype=np.int64)
            mask[deleted] = False
        self.mask = mask
        weighting = searcher.weighting
        if type(weighting) is not BM25F:
            raise Unsupported(f"weighting {type(weighting).__name__}")
        self.weighting = weighting

    # Reading, through the cache

    def _btext(self, fieldname: str, text) -> bytes:
        return text if isinstance(text, bytes) else self.reader.schema[fieldname].to_bytes(text)

    def _postings(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        def load() -> tuple:
            if (fieldname, btext) not in self.reader:
                return _EMPTY_IDS, _EMPTY_SCORES
            ids, weights, _raw = _read_postings(self.reader, fieldname, btext, values=False)
            return ids, weights

        return cache.get((self.token, "postings", fieldname, btext), load)

    def _positions(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(document, position) of every occurrence of the term."""

        def load() -> tuple:
            ids, _weights, raw = _read_postings(self.reader, fieldname, btext, values=True)
            owners, positions = _decode_positions(raw)
            return ids[owners], positions

        return cache.get((self.token, "positions", fieldname, btext), load)

    def _lengths(self, fieldname: str) -> np.ndarray:
        def load() -> tuple:
            column = self.reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            encoded = np.zeros(self.size, dtype=np.int64)  # a missing length byte is 0
            if isinstance(column, NumericColumn.Reader) and column._fixedlen == 1:
                # One byte per document up to the last one with a length: read at once.
                raw = column._dbfile.get(column._basepos, column._count)
                encoded[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)
            elif column is not None:
                encoded[:] = np.fromiter((column[n] for n in range(self.size)), dtype=np.int64)
            return (_BYTE_TO_LENGTH[encoded],)

        return cache.get((self.token, "lengths", fieldname), load)[0]

    def column(self, fieldname: str) -> np.ndarray:
        """The sortable value of every document in a column (Whoosh's sort keys)."""

        def load() -> tuple:
            if fieldname not in self.reader.schema or not self.reader.schema[fieldname].column_type:
                raise Unsupported(f"sorting by {fieldname}")
            values = self.reader.column_reader(fieldname, translate=False)
            return (np.array([values[n] for n in range(self.size)]),)

        return cache.get((self.token, "column", fieldname), load)[0]

    def _universe(self) -> np.ndarray:
        if self.mask is None:
            return np.arange(self.size, dtype=np.int64)
        return np.flatnonzero(self.mask).astype(np.int64)

    # Scoring

    def _scores(self, fieldname: str, text, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F score of each posting (``bm25`` in ``whoosh.scoring``)."""
        if not self.top.schema[fieldname].scorable:
            return weights.copy()
        weighting = self.weighting
        b = weighting._field_B.get(fieldname, weighting.B)
        k1 = weighting.K1
        idf = self.top.idf(fieldname, text)
        average = self.top.avg_field_length(fieldname) or 1
        lengths = self._lengths(fieldname)[ids]
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / average)))

    # Evaluation

    def evaluate(self, query) -> Matches:
        if isinstance(query, type(wq.NullQuery)):
            return _NOTHING
        if type(query) is wq.Term:
            found = self._term(query.fieldname, query.text)
        elif type(query) is wq.Phrase:
            found = self._phrase(query)
        elif type(query) is wq.Prefix:
            found = self._prefix(query)
        elif type(query) is wq.And:
            found = self._and(query.subqueries)
        elif isinstance(query, wq.Or) and not query.minmatch and query.scale is None:
            found = _union([self.evaluate(sub) for sub in query.subqueries])
        elif type(query) is wq.AndMaybe:
            found = self._and_maybe(query.a, query.b)
        elif type(query) is wq.Every and query.fieldname in (None, "", "*"):
            universe = self._universe()
            found = Matches(universe, np.ones(len(universe)))
        elif type(query) is wq.Not:
            found = self._and([wq.Every(), query])
        else:
            raise Unsupported(type(query).__name__)
        boost = getattr(query, "boost", 1.0)
        if boost != 1.0 and len(found):
            found = Matches(found.ids, found.scores * boost)
        return found

    def _allowed_postings(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        ids, weights = self._postings(fieldname, self._btext(fieldname, text))
        if self.mask is not None and len(ids):
            keep = self.mask[ids]
            ids, weights = ids[keep], weights[keep]
        return ids, weights

    def _term(self, fieldname: str, text) -> Matches:
        if fieldname not in self.reader.schema:
            return _NOTHING
        ids, weights = self._allowed_postings(fieldname, text)
        if not len(ids):
            return _NOTHING
        return Matches(ids, self._scores(fieldname, text, ids, weights))

    def _phrase(self, query: wq.Phrase) -> Matches:
        if query.slop != 1:
            raise Unsupported("a phrase with slop")
        words = [self._term(query.fieldname, word) for word in query.words]
        if not words or any(not len(word) for word in words):
            return _NOTHING
        found = _intersection(words)
        if not len(found):
            return _NOTHING
        candidate = np.zeros(self.size, dtype=bool)
        candidate[found.ids] = True
        # A (document, position) key per occurrence of each word, shifted back by the
        # word's place in the phrase: keys common to every word are phrase starts.
        starts = None
        for place, word in enumerate(query.words):
            docs, positions = self._positions(query.fieldname, self._btext(query.fieldname, word))
            keep = candidate[docs]
            keys = (docs[keep] << _POSITION_BITS) + positions[keep] + (len(query.words) - place)
            starts = keys if starts is None else np.intersect1d(starts, keys, assume_unique=True)
            if not len(starts):
                return _NOTHING
        matched = np.unique(starts >> _POSITION_BITS)
        return Matches(matched, found.scores[np.searchsorted(found.ids, matched)])

    def _prefix(self, query: wq.Prefix) -> Matches:
        """Whoosh's scoring: one matching term scores as a term, several by their weights."""
        btexts = [btext for btext in query._btexts(self.reader) if btext]
        if len(btexts) == 1:
            return self._term(query.fieldname, btexts[0])
        return _union([Matches(*self._allowed_postings(query.fieldname, b)) for b in btexts])

    def _and(self, subqueries) -> Matches:
        positive, negative = [], []
        for sub in subqueries:
            if type(sub) is wq.Not:
                negative.append(sub.query)
                continue
            found = self.evaluate(sub)
            if not len(found):
                return _NOTHING
            positive.append(found)
        if not positive:
            universe = self._universe()
            positive.append(Matches(universe, np.zeros(len(universe))))
        found = _intersection(positive)
        for sub in negative:
            excluded = self.evaluate(sub)
            if len(excluded) and len(found):
                keep = ~np.isin(found.ids, excluded.ids, assume_unique=True)
                found = Matches(found.ids[keep], found.scores[keep])
        return found

    def _and_maybe(self, required, optional) -> Matches:
        found = self.evaluate(required)
        if not len(found):
            return _NOTHING
        extra = self.evaluate(optional)
        if not len(extra):
            return found
        _common, mine, theirs = np.intersect1d(
            found.ids, extra.ids, assume_unique=True, return_indices=True
        )
        scores = found.scores.copy()
        scores[mine] += extra.scores[theirs]
        return Matches(found.ids, scores)


def _intersection(parts: list[Matches]) -> Matches:
    parts = sorted(parts, key=len)
    ids, scores = parts[0].ids, parts[0].scores.copy()
    for part in parts[1:]:
        ids, mine, theirs = np.intersect1d(ids, part.ids, assume_unique=True, return_indices=True)
        scores = scores[mine] + part.scores[theirs]
        if not len(ids):
            return _NOTHING
    return Matches(ids, scores)


def _union(parts: list[Matches]) -> Matches:
    parts = [part for part in parts if len(part)]
    if not parts:
        return _NOTHING
    if len(parts) == 1:
        return parts[0]
    ids, where = np.unique(np.concatenate([part.ids for part in parts]), return_inverse=True)
    scores = np.bincount(where, weights=np.concatenate([part.scores for part in parts]))
    return Matches(ids, scores)


def _matches(searcher, query, allowed: np.ndarray | None) -> Iterator[tuple]:
    """(segment, its first document number, its matches) of every segment."""
    for leaf, offset in searcher.leaf_searchers():
        if not leaf.doc_count_all():
            continue  # an empty index has a reader without a segment
        segment = _Segment(searcher, leaf, offset, allowed)
        yield segment, offset, segment.evaluate(query)


def counts_by_column(searcher, query, allowed: np.ndarray | None, fieldname: str) -> dict:
    """How many matches have each value of the sortable column ``fieldname`` (values as
    the field reads them back, like Whoosh's ``FieldFacet`` groups)."""
    counts: Counter = Counter()
    for segment, _offset, found in _matches(searcher, query, allowed):
        if len(found):
            values, found_counts = np.unique(
                segment.column(fieldname)[found.ids], return_counts=True
            )
            counts.update(dict(zip(values.tolist(), found_counts.tolist(), strict=True)))
    field = searcher.schema[fieldname]
    return {field.from_column_value(value): count for value, count in counts.items()}


def search(
    searcher,
    query,
    allowed: np.ndarray | None,
    limit: int | None,
    sortedby: list[FieldFacet] | None = None,
) -> tuple[int, list[tuple[float, int]]]:
    """(number of matches, the first ``limit`` as (score, document number)).

    ``allowed`` is a boolean array over the searcher's document numbers (None: all).
    Best score first, or ordered by the columns of ``sortedby``; ties put the earlier
    document first, as Whoosh's collectors do. Raises ``Unsupported`` for what only
    Whoosh can evaluate.
    """
    ids, scores, columns = [], [], []
    for segment, offset, found in _matches(searcher, query, allowed):
        if len(found):
            ids.append(found.ids + offset)
            scores.append(found.scores)
            if sortedby and limit != 0:
                columns.append([segment.column(facet.fieldname)[found.ids] for facet in sortedby])
    if not ids:
        return 0, []
    ids, scores = np.concatenate(ids), np.concatenate(scores)
    total = len(ids)
    if limit == 0:
        return total, []
    if sortedby:
        keys = [ids]  # np.lexsort: the last key sorts first
        for place, facet in reversed(list(enumerate(sortedby))):
            values = np.concatenate([segment_columns[place] for segment_columns in columns])
            _values, rank = np.unique(values, return_inverse=True)
            keys.append(-rank if facet.reverse else rank)
        order = np.lexsort(keys)[:limit]
    else:
        if limit is not None and limit < total:
            # The limit-th best score: only matches scoring that or more are sorted.
            threshold = np.partition(scores, total - limit)[total - limit]
            keep = scores >= threshold
            ids, scores = ids[keep], scores[keep]
        order = np.lexsort((ids, -scores))[:limit]
    return total, [(float(scores[n]), int(ids[n])) for n in order]
