"""OpenSearch with the hub's Chinese analysis (``SEARCH_BACKEND=opensearch``): Wagtail's
OpenSearch 3 backend (modelsearch, ``opensearch-py`` 3) with the mixins of
``hub.search.segmented``, so text reaches the server segmented exactly as for Whoosh.
"""

from modelsearch.backends import opensearch3 as wagtail

from hub.search.segmented import segmented_backend

SearchBackend = segmented_backend(
    __name__,
    wagtail.OpenSearch3SearchBackend,
    wagtail.OpenSearch3Mapping,
    wagtail.OpenSearch3SearchQueryCompiler,
    wagtail.OpenSearch3AutocompleteQueryCompiler,
)
