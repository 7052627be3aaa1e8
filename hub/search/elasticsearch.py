"""Elasticsearch with the hub's Chinese analysis (``SEARCH_BACKEND=elasticsearch``):
Wagtail's Elasticsearch 8 backend (modelsearch, ``elasticsearch`` 8) with the mixins of
``hub.search.segmented``, so text reaches the server segmented exactly as for Whoosh.
"""

from modelsearch.backends import elasticsearch8 as wagtail

from hub.search.segmented import segmented_backend

SearchBackend = segmented_backend(
    __name__,
    wagtail.Elasticsearch8SearchBackend,
    wagtail.Elasticsearch8Mapping,
    wagtail.Elasticsearch8SearchQueryCompiler,
    wagtail.Elasticsearch8AutocompleteQueryCompiler,
)
