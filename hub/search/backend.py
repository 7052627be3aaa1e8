"""The Whoosh search backend for Wagtail (``WAGTAILSEARCH_BACKENDS`` ``BACKEND``).

``{"BACKEND": "hub.search.backend", "PATH": <folder>}``: one index folder per model
hierarchy under PATH (default ``<HUB_DATA_DIR>/search-index``). See ``hub.search`` for
the design; ``flush()`` waits until queued index updates are committed.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from functools import cached_property
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchResults,
    FilterFieldError,
    get_model_root,
)
from modelsearch.backends.database.fallback import DatabaseSearchBackend, DatabaseSearchResults
from modelsearch.index import class_is_indexed
from whoosh import query as wq
from whoosh.idsets import BitSet
from whoosh.sorting import Count, FieldFacet

from hub.search import engine
from hub.search.query import WhooshAutocompleteQueryCompiler, WhooshQueryCompiler
from hub.search.schema import NULLS, PK, document_for, filter_column
from hub.search.store import IndexStore, store_for
from hub.search.writer import flush_all, writer_for

logger = logging.getLogger("hub.search")


# Wagtail's update_index rebuilds with as many analysing processes as ``hub reindex``.
REBUILD_PROCS = min(2, os.cpu_count() or 1)

# A search first waits this long at most for updates this process queued (read your writes).
FLUSH_BEFORE_SEARCH_SECONDS = 2.0


def after_commit(func) -> None:
    """Run ``func`` once the current transaction commits (at once outside of one)."""
    transaction.on_commit(func, robust=True)


def flush(timeout: float = 10.0) -> bool:
    """Wait until every index update queued in this process is committed."""
    return flush_all(timeout)


# Filtered searches cache the allowed documents per searcher: a searcher sees one commit,
# so the set stays right for as long as it is reused, and every user's permission filter
# is computed once per commit instead of once per query. Keys are Whoosh query objects,
# whose equality compares the terms themselves.
FILTER_CACHE_SIZE = 64


class Allowed:
    """The documents a search's filters let through: as Whoosh's filter set and as the
    boolean array over document numbers that ``hub.search.engine`` takes."""

    def __init__(self, docnums, size: int):
        self.mask = np.zeros(size, dtype=bool)
        self.mask[np.fromiter(docnums, dtype=np.int64)] = True
        self.count = int(self.mask.sum())

    @cached_property
    def bits(self) -> BitSet:
        return BitSet(np.flatnonzero(self.mask).tolist(), size=len(self.mask))


def _allowed(searcher, compiler) -> Allowed | None:
    """The documents the compiler's filters allow, from this searcher's cache."""
    filter_query = compiler.compiled_filter
    if filter_query is None:
        return None
    cache = searcher.__dict__.setdefault("_hub_allowed", OrderedDict())
    allowed = cache.get(filter_query)
    if allowed is None:
        allowed = Allowed(searcher.docs_for_query(filter_query), searcher.doc_count_all())
        cache[filter_query] = allowed
        if len(cache) > FILTER_CACHE_SIZE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(filter_query)
    return allowed


def _pk_column(searcher):
    """The searcher's column of document keys (docnum -> pk), opened once per searcher."""
    column = searcher.__dict__.get("_hub_pk_column")
    if column is None:
        column = searcher.__dict__["_hub_pk_column"] = searcher.reader().column_reader(PK)
    return column


def _remember_total(compiler, searcher, total: int) -> None:
    """Keep a search's total on its compiler, which a results object shares with its
    slices, so the count after a page (or the page after a count) costs nothing."""
    compiler._hub_total = (searcher, total)


def _remembered_total(compiler, searcher) -> int | None:
    remembered = getattr(compiler, "_hub_total", None)
    return remembered[1] if remembered is not None and remembered[0] is searcher else None


class FallbackResults(DatabaseSearchResults):
    """Results from the database while the index is unavailable (``degraded`` is True)."""

    degraded = True


class FallbackBackend(DatabaseSearchBackend):
    results_class = FallbackResults


class WhooshIndex(BaseIndex):
    """The index of one model hierarchy; updates go to the process's one writer after
    the transaction commits."""

    def __init__(self, backend, store: IndexStore):
        super().__init__(backend)
        self.store = store

    def get_key(self) -> str:
        return str(self.store.path)

    def refresh(self) -> None:
        writer_for(self.store).flush()

    def reset(self) -> None:
        self.store.rebuild(empty=True)

    def add_items(self, model, items) -> None:
        if not class_is_indexed(model):
            return
        for item in items:
            after_commit(lambda item=item: self._update(item))

    def _update(self, obj) -> None:
        try:
            document = document_for(obj)
        except Exception:
            logger.exception("Cannot index %r", obj)
            return
        writer_for(self.store).update(document[PK], document)

    def delete_item(self, item) -> None:
        key = str(item.pk)
        after_commit(lambda: writer_for(self.store).delete(key))


class NullIndex(BaseIndex):
    """What the rebuilder hands to Wagtail's index commands: the rebuild already happened."""


class WhooshRebuilder:
    """For Wagtail's ``update_index``: rebuilds the whole folder atomically at start."""

    def __init__(self, index: WhooshIndex):
        self.index = index

    def start(self) -> BaseIndex:
        self.index.store.rebuild(procs=REBUILD_PROCS)
        return NullIndex(self.index.backend)

    def finish(self) -> None:
        pass


class WhooshSearchResults(BaseSearchResults):
    """Hits from the index (filters applied inside it), loaded from the queryset.

    ``degraded`` becomes True once evaluated if the database had to answer instead.
    """

    supports_facet = True
    degraded = False

    @property
    def _store(self) -> IndexStore:
        model = self.query_compiler.queryset.model
        return self.backend.get_index_for_model(model).store

    def _fallback(self) -> BaseSearchResults:
        self.degraded = True
        compiler = self.query_compiler
        results = FallbackBackend({})._search(
            FallbackBackend.query_compiler_class,
            compiler.query,
            compiler.queryset,
            fields=compiler.fields,
            order_by_relevance=compiler.order_by_relevance,
        )[self.start : self.stop]
        return results.annotate_score(self._score_field) if self._score_field else results

    def _run(self, search):
        """Run ``search(searcher, query, allowed)``; None if the index is unavailable.

        ``allowed`` holds the documents the queryset's filters (permissions included)
        let through, or is None when it has no filter.
        """
        store = self._store
        writer = writer_for(store)
        if writer.pending:
            writer.flush(FLUSH_BEFORE_SEARCH_SECONDS)
        searcher = store.searcher()
        if searcher is None:
            return None
        compiler = self.query_compiler
        try:
            allowed = _allowed(searcher, compiler)
            # Whoosh ignores an empty filter set (it tests the set's truth), so a filter
            # that allows nothing must turn the query itself into one that matches nothing.
            query = compiler.compiled_query if allowed is None or allowed.count else wq.NullQuery
            return search(searcher, query, allowed)
        except Exception as error:
            # The database answers this query; the index is rebuilt only if it is unreadable.
            logger.exception("Searching %s failed", store.path)
            if not store.readable():
                store.broken(error)
            return None

    def _ranked(
        self, searcher, query, allowed: Allowed | None, limit: int | None
    ) -> list[tuple[float, int]]:
        """The first ``limit`` matches as (score, document number), best first (none for
        a limit of 0: counting only); remembers how many match in all."""
        compiler = self.query_compiler
        facets = compiler.sort_facets() if limit != 0 else None
        try:
            mask = None if allowed is None else allowed.mask
            total, ranked = engine.search(searcher, query, mask, limit, facets)
            _remember_total(compiler, searcher, total)
            return ranked
        except engine.Unsupported:
            pass  # Whoosh's own matchers answer
        # optimize=False: the collector then counts every match while ranking, so the
        # count (which the search page asks for next) needs no second pass.
        results = searcher.search(
            query,
            filter=None if allowed is None else allowed.bits,
            limit=limit or None,
            sortedby=facets,
            scored=limit != 0,
            optimize=False,
        )
        _remember_total(compiler, searcher, len(results))
        return results.top_n if limit != 0 else []

    def _hits(self, searcher, query, allowed) -> list[tuple[str, float]]:
        if self.stop is not None and self.stop <= self.start:
            return []
        ranked = self._ranked(searcher, query, allowed, self.stop)
        # The key from its column: reading the stored fields would unpickle whole bodies.
        keys = _pk_column(searcher)
        return [(keys[docnum], score) for score, docnum in ranked[self.start : self.stop]]

    def _do_search(self):
        hits = self._run(self._hits)
        if hits is None:
            return list(self._fallback())
        pks = [pk for pk, _score in hits]
        queryset = self.query_compiler.queryset.filter(pk__in=pks)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        # The queryset re-applies its own filters: a stale index never shows a hidden object.
        objects = {str(obj.pk): obj for obj in queryset}
        results = []
        for pk, score in hits:
            obj = objects.get(pk)
            if obj is not None:
                if self._score_field:
                    setattr(obj, self._score_field, score)
                results.append(obj)
        return results

    def _count(self, searcher, query, allowed) -> int:
        total = _remembered_total(self.query_compiler, searcher)
        if total is None:
            self._ranked(searcher, query, allowed, limit=0)
            total = _remembered_total(self.query_compiler, searcher)
        return total

    def _do_count(self) -> int:
        total = self._run(self._count)
        if total is None:
            return self._fallback().count()
        total = max(total - self.start, 0)
        return total if self.stop is None else min(total, self.stop - self.start)

    def facet(self, field_name: str) -> OrderedDict:
        field = self.query_compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to '
                f"{self.query_compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        column = filter_column(self.query_compiler.queryset.model, field)

        def counts(searcher, query, allowed: Allowed | None):
            is_null = wq.Term(NULLS, column.name)
            present_query, null_query = wq.And([query, wq.Not(is_null)]), wq.And([query, is_null])
            try:
                mask = None if allowed is None else allowed.mask
                present = engine.counts_by_column(searcher, present_query, mask, column.name)
                nulls, _none = engine.search(searcher, null_query, mask, limit=0)
            except engine.Unsupported:  # Whoosh's own matchers answer
                bits = None if allowed is None else allowed.bits
                present = searcher.search(
                    present_query,
                    filter=bits,
                    groupedby=FieldFacet(column.name, maptype=Count),
                    limit=None,
                    scored=False,
                ).groups()
                nulls = len(searcher.search(null_query, filter=bits, limit=None, scored=False))
            found = [(column.from_index(key), count) for key, count in present.items()]
            if nulls:
                found.append((None, nulls))
            return OrderedDict(sorted(found, key=lambda item: -item[1]))

        result = self._run(counts)
        return self._fallback().facet(field_name) if result is None else result


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    rebuilder_class = WhooshRebuilder
    # Indexing is queued; a failure is logged and never breaks the user's save.
    catch_indexing_errors = True

    def __init__(self, params: dict):
        super().__init__(params)
        self.path = Path(params.get("PATH") or Path(settings.DATA_DIR) / "search-index")

    def get_index_for_model(self, model) -> WhooshIndex:
        root = get_model_root(model)
        folder = self.path / f"{root._meta.app_label}_{root._meta.model_name}"
        return WhooshIndex(self, store_for(folder, root))


SearchBackend = WhooshSearchBackend
