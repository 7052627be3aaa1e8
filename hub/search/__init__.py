"""Search: a Whoosh backend for Wagtail's search framework with first-class Chinese.

Modules: ``analysis`` (normalisation, jieba words, CJK bigrams), ``schema`` (columns from
``search_fields``), ``query`` (modelsearch queries and queryset filters to Whoosh),
``store`` (index folders, health, atomic rebuild), ``bulk`` (the fast writer of whole
rebuilds), ``writer`` (the background writer),
``backend`` (the Wagtail backend), ``management/commands/reindex.py`` (``hub reindex``).

Field layout: one index folder per model hierarchy (``<PATH>/wagtailcore_page``…). Per
``SearchField`` ``f``: ``f`` (jieba/English words, stemmed, ordinal positions, stored for
highlighting, field boost = the field's boost) and ``f__cjk`` (overlapping CJK bigrams).
``AutocompleteField`` -> ``f__ac`` (word prefixes, 1-15 characters). ``FilterField`` ->
``f__filter``: NUMERIC for integers, foreign keys and booleans, DATETIME for dates, ID for
text, KEYWORD for many-valued and ``RelatedFields`` values; ``null__`` lists a document's
null filter columns (``__isnull``). ``pk__`` is the key, ``ct__`` the content types (a
subclass queryset filters on it). Fields defined below the root model are prefixed
``<app>_<model>__`` as in the Elasticsearch backend.

Matching: a query term that is a run of Chinese matches its words in ``f`` or its bigram
phrase in ``f__cjk``, i.e. exactly where it is a substring; terms are ANDed by default
(``operator="or"`` ORs them); a quoted ``Phrase`` is a word phrase (plus the bigram phrase
for Chinese). The queryset's filters (permission Q objects included) become a Whoosh
filter, so counts and facets only see permitted documents; the hits are then loaded
through the same queryset, which re-applies the filters.

Writer: index updates are queued after the transaction commits, to one background
writer thread per index folder per process, which batches commits (~150 ms), retries on
Whoosh's ``LockError`` and never raises to a request; ``backend.flush()`` waits for it.
``hub reindex`` builds each index in a sibling folder while holding the live index's write
lock (so updates meanwhile wait in the queues, then land in the new index) and swaps it
into place by renaming; searchers notice the new folder (inode) and reopen.

Missing or broken index: a missing folder becomes an empty index and a warning says to
run ``hub reindex`` (when the database holds content). An unreadable or outdated index
(corrupt files, fields that no longer match the models) is logged and rebuilt from the
database in a background thread; meanwhile searches fall back to modelsearch's database
fallback backend (``icontains`` over the same queryset, so permissions still hold and
Chinese substrings are still found), and such results have ``degraded = True`` for the
search page to show a notice. The database stays the source of truth. Files are read
without mmap, so a file changed underneath raises an error instead of crashing (SIGBUS).
"""
