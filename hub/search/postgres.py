"""PostgreSQL full-text search with the hub's Chinese analysis (``SEARCH_BACKEND=postgres``).

``{"BACKEND": "hub.search.postgres"}``: Wagtail's database search backend on PostgreSQL
(modelsearch) keeps one row per object in its index table, with ``tsvector`` columns
(title, body, autocomplete) that each search joins inside the same SQL query as the
queryset's filters, so permission filtering stays in the query, before counting and
faceting. This subclass only changes what goes into those vectors and queries: the text
is analysed in Python by ``hub.search.analysis``, exactly as for the Whoosh index, and
handed to PostgreSQL as ready-made lexemes with their positions (no text search parser
or dictionary runs, so the server's locale and configuration do not matter).

Per field the vector holds the *words* (jieba words for Chinese, other words as they are,
English stemmed; ordinal positions) and, with the prefix ``_``, the *bigrams* of each
Chinese run (overlapping, then its last character; a gap between runs). Queries follow
``hub.search.query``: a Chinese run matches where it is a substring (its bigrams as a
phrase, ``<->``; one character as a bigram prefix), another word by its stem; a quoted
phrase of one Chinese run is that substring, else a phrase of words. The autocomplete
vector holds the unstemmed words; every typed word matches a word prefix.

PostgreSQL keeps positions up to 16,383 per vector and 256 per lexeme: in a very long
document a phrase or a Chinese sub-word found only past that point is missed (Whoosh has
no such limit). A vector stays under PostgreSQL's 1 MB limit: lexemes beyond the budget
are left out and logged. Indexing runs in a savepoint and is logged on failure, so it
never breaks the user's save.
"""

from __future__ import annotations

import logging

from django.contrib.postgres.search import SearchQuery
from django.db import DatabaseError, transaction
from django.db.models import Value
from modelsearch.backends.database.postgres.postgres import (
    IndexEntry,
    ObjectIndexer,
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.query import And, Boost, MatchAll, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from hub.search.analysis import (
    BigramTokenizer,
    WordTokenizer,
    normalize,
    runs,
    word_analyzer,
)

logger = logging.getLogger("hub.search")

BIGRAM = "_"  # words are letters and digits only, so "_" keeps bigrams apart from them
MAX_POSITION = 16383
# PostgreSQL refuses a tsvector over 1 MB; each lexeme costs its bytes, a 4-byte entry
# and 2 bytes per position (padded to 2 bytes).
MAX_VECTOR_BYTES = 1_000_000
# A query that matches nothing (a query of only punctuation): a lexeme no text yields.
NOTHING = f"'{BIGRAM}'"

_words = word_analyzer()
_bigrams = BigramTokenizer()
_plain_words = WordTokenizer()


def _quote(lexeme: str) -> str:
    """A lexeme in tsvector/tsquery text form."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class _Vector:
    """Lexemes with positions and weights, built field by field, as tsvector text."""

    def __init__(self) -> None:
        self.positions: dict[str, list[str]] = {}
        self.size = 0
        self.end = 0  # the last position used
        self.left_out = 0

    def add(self, lexeme: str, position: int, weight: str) -> None:
        entries = self.positions.get(lexeme)
        cost = 2 if entries is not None else len(lexeme.encode()) + 8
        if entries is not None and len(entries) >= 256:
            return
        if self.size + cost > MAX_VECTOR_BYTES:
            self.left_out += 1
            return
        self.size += cost
        self.positions.setdefault(lexeme, []).append(f"{min(position, MAX_POSITION)}{weight}")
        self.end = max(self.end, position)

    def add_text(self, text: str, weight: str, autocomplete: bool = False) -> None:
        """One field's words (and bigrams), after a position gap so no phrase spans fields."""
        start = self.end + 2
        if autocomplete:
            for token in _plain_words(text, positions=True):
                self.add(token.text, start + token.pos, weight)
            return
        for token in _words(text, positions=True):
            self.add(token.text, start + token.pos, weight)
        for piece, position, _start, _end in _bigrams.numbered(normalize(text)):
            self.add(BIGRAM + piece, start + position, weight)

    def text(self) -> str:
        return " ".join(
            f"{_quote(lexeme)}:{','.join(entries)}" for lexeme, entries in self.positions.items()
        )


class SegmentedIndexer(ObjectIndexer):
    """modelsearch's indexer (it gathers each field's text and weight); vectors are built
    with the hub's analysis as tsvector text, which PostgreSQL casts on insert."""

    def as_vector(self, texts, for_autocomplete: bool = False) -> str:
        vector = _Vector()
        for text, weight in texts:
            if text.strip():
                vector.add_text(text, weight, autocomplete=for_autocomplete)
        if vector.left_out:
            logger.warning(
                "%r: %d words left out of the search index (over PostgreSQL's 1 MB per field)",
                self.obj,
                vector.left_out,
            )
        return vector.text()


class SegmentedIndex(PostgresIndex):
    def add_items(self, model, objs) -> None:
        if not model.get_search_fields():
            return
        content_type = get_content_type_pk(model)
        entries = []
        for obj in objs:
            indexer = SegmentedIndexer(obj, self.backend)
            entries.append(
                IndexEntry(
                    content_type_id=content_type,
                    object_id=indexer.id,
                    title=indexer.title,
                    autocomplete=indexer.autocomplete,
                    body=indexer.body,
                    title_norm=1.0,
                    title_text=indexer.title_text,
                    body_text=indexer.body_text,
                )
            )
        if not entries:
            return
        alias = self.write_connection.alias
        try:
            # A savepoint: a failed index write must not abort the user's transaction.
            with transaction.atomic(using=alias):
                IndexEntry._default_manager.using(alias).bulk_create(
                    entries,
                    update_conflicts=True,
                    unique_fields=["content_type", "object_id"],
                    update_fields=[
                        "title",
                        "autocomplete",
                        "body",
                        "title_norm",
                        "title_text",
                        "body_text",
                    ],
                )
                self._refresh_title_norms()
        except DatabaseError:
            logger.exception("Cannot index %d %s objects", len(entries), model.__name__)


class TextQuery(SearchQuery):
    """A tsquery given in its text form, lexemes already analysed: no parser runs."""

    template = "%(expressions)s::tsquery"

    def __init__(self, text: str) -> None:
        super().__init__(Value(text), search_type="raw")


def _sequence(lexemes: list[str]) -> str:
    """One lexeme, or several as a phrase (ordinal positions make ``<->`` exact)."""
    if not lexemes:
        return NOTHING
    return " <-> ".join(_quote(lexeme) for lexeme in lexemes)


def _chinese(run: str) -> str:
    """A run of Chinese, found exactly where it is a substring (see hub.search.query)."""
    if len(run) == 1:
        return _quote(BIGRAM + run) + ":*"
    return _sequence([BIGRAM + run[index : index + 2] for index in range(len(run) - 1)])


def _combine(parts: list[str], operator: str) -> str:
    if not parts:
        return NOTHING
    joiner = " & " if operator == "and" else " | "
    return joiner.join(f"({part})" for part in parts)


class SegmentedQueryCompiler(PostgresSearchQueryCompiler):
    """Builds the tsquery text from the query tree with the hub's analysis."""

    def term(self, is_cjk: bool, run: str) -> str:
        if is_cjk:
            return _chinese(run)
        return _sequence([token.text for token in _words(run)])

    def plain_text(self, query: PlainText) -> str:
        terms = [
            self.term(is_cjk, run) for is_cjk, run, _s, _e in runs(normalize(query.query_string))
        ]
        return _combine(terms, query.operator)

    def phrase(self, query: Phrase) -> str:
        pieces = list(runs(normalize(query.query_string)))
        if len(pieces) == 1 and pieces[0][0]:
            return _chinese(pieces[0][1])
        return _sequence([token.text for token in _words(query.query_string)])

    def tsquery_text(self, query) -> str:
        if isinstance(query, PlainText):
            return self.plain_text(query)
        if isinstance(query, Phrase):
            return self.phrase(query)
        if isinstance(query, Boost):
            return self.tsquery_text(query.subquery)
        if isinstance(query, Not):
            return f"!({self.tsquery_text(query.subquery)})"
        if isinstance(query, And | Or):
            parts = [self.tsquery_text(sub) for sub in query.subqueries]
            return _combine(parts, "and" if isinstance(query, And) else "or")
        if isinstance(query, MatchAll):
            raise NotImplementedError("MatchAll inside another query is not supported.")
        raise NotImplementedError(
            f"`{type(query).__name__}` is not supported by the PostgreSQL search backend."
        )

    def build_tsquery(self, query, config=None) -> TextQuery:
        return TextQuery(self.tsquery_text(query))

    def get_fields_vectors(self, search_query) -> list:
        # The model's own columns were never analysed, their indexed vectors were: only
        # the title's when only the title is asked for, else title and body (a search
        # limited to other fields may then also find a word in the title).
        vectors = self.get_index_vectors(search_query)
        return vectors[:1] if set(self.search_fields) == {"title"} else vectors


class SegmentedAutocompleteQueryCompiler(PostgresAutocompleteQueryCompiler):
    """Every typed word (unstemmed) matches the start of a word."""

    def build_tsquery(self, query, config=None) -> TextQuery:
        if not isinstance(query, PlainText):
            raise NotImplementedError(
                f"`{type(query).__name__}` is not supported for autocomplete queries."
            )
        prefixes = [_quote(token.text) + ":*" for token in _plain_words(query.query_string)]
        return TextQuery(_combine(prefixes, query.operator))

    def get_fields_vectors(self, search_query) -> list:
        return self.get_index_vectors(search_query)


class SegmentedSearchBackend(PostgresSearchBackend):
    query_compiler_class = SegmentedQueryCompiler
    autocomplete_query_compiler_class = SegmentedAutocompleteQueryCompiler
    index_class = SegmentedIndex
    # Index writes run in a savepoint (SegmentedIndex), so a failure can be logged and
    # the user's save goes on.
    catch_indexing_errors = True


SearchBackend = SegmentedSearchBackend
