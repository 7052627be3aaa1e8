"""A benchmark reference: Wagtail's SQLite FTS5 backend over jieba-segmented text.

FTS5's ``unicode61`` tokenizer reads a run of Chinese characters as one token, so the
stock backend cannot find a Chinese word inside a sentence. The usual workaround is to
segment text and queries with jieba and join the words with spaces; this backend does
exactly that and nothing else, as the fair FTS5 reference the issue quotes. Imported
only after Django is set up (``WAGTAILSEARCH_BACKENDS`` path ``tests.bench.fts5_jieba``).
"""

from __future__ import annotations

import copy

from wagtail.search.backends.database.sqlite.sqlite import SQLiteIndex, SQLiteSearchBackend
from wagtail.search.query import Phrase, PlainText

from tests.bench.corpus import segment


def segmented(text: str) -> str:
    """``text`` as jieba's words separated by single spaces."""
    return " ".join(word for word in segment(text) if word.strip())


class JiebaSQLiteIndex(SQLiteIndex):
    def add_items(self, model, objs):
        # Index segmented copies; the objects' own fields stay as they are.
        copies = []
        for obj in objs:
            clone = copy.copy(obj)
            clone.title = segmented(obj.title)
            clone.body = segmented(obj.body)
            copies.append(clone)
        super().add_items(model, copies)


class SearchBackend(SQLiteSearchBackend):
    index_class = JiebaSQLiteIndex

    def search(self, query, model_or_queryset, **kwargs):
        if isinstance(query, str):
            query = segmented(query)
        elif isinstance(query, Phrase):
            query = Phrase(segmented(query.query_string))
        elif isinstance(query, PlainText):
            query = PlainText(segmented(query.query_string), operator=query.operator)
        return super().search(query, model_or_queryset, **kwargs)
