"""Elasticsearch with the hub's Chinese analysis (``SEARCH_BACKEND=elasticsearch``).

Wagtail's Elasticsearch 8 backend (modelsearch, ``elasticsearch`` 8) with the mixins of
``hub.search.segmented``: text reaches the server segmented exactly as for Whoosh.
"""

from modelsearch.backends import elasticsearch8 as wagtail

from hub.search import segmented


class Mapping(segmented.SegmentedMapping, wagtail.Elasticsearch8Mapping):
    pass


class QueryCompiler(segmented.SegmentedQueryCompiler, wagtail.Elasticsearch8SearchQueryCompiler):
    mapping_class = Mapping


class AutocompleteQueryCompiler(
    segmented.SegmentedAutocompleteQueryCompiler, wagtail.Elasticsearch8AutocompleteQueryCompiler
):
    mapping_class = Mapping


class SearchBackend(wagtail.Elasticsearch8SearchBackend):
    mapping_class = Mapping
    query_compiler_class = QueryCompiler
    autocomplete_query_compiler_class = AutocompleteQueryCompiler
    settings = segmented.index_settings(wagtail.Elasticsearch8SearchBackend.settings)
