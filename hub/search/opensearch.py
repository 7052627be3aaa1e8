"""OpenSearch with the hub's Chinese analysis (``SEARCH_BACKEND=opensearch``).

Wagtail's OpenSearch 3 backend (modelsearch, ``opensearch-py`` 3) with the mixins of
``hub.search.segmented``: text reaches the server segmented exactly as for Whoosh.
"""

from modelsearch.backends import opensearch3 as wagtail

from hub.search import segmented


class Mapping(segmented.SegmentedMapping, wagtail.OpenSearch3Mapping):
    pass


class QueryCompiler(segmented.SegmentedQueryCompiler, wagtail.OpenSearch3SearchQueryCompiler):
    mapping_class = Mapping


class AutocompleteQueryCompiler(
    segmented.SegmentedAutocompleteQueryCompiler, wagtail.OpenSearch3AutocompleteQueryCompiler
):
    mapping_class = Mapping


class SearchBackend(wagtail.OpenSearch3SearchBackend):
    mapping_class = Mapping
    query_compiler_class = QueryCompiler
    autocomplete_query_compiler_class = AutocompleteQueryCompiler
    settings = segmented.index_settings(wagtail.OpenSearch3SearchBackend.settings)
