"""The hub's Chinese analysis for Wagtail's OpenSearch and Elasticsearch backends.

``hub.search.opensearch`` and ``hub.search.elasticsearch`` combine these mixins with
Wagtail's own classes (modelsearch), as ``hub.search.postgres`` does for PostgreSQL: the
text is analysed in Python by ``hub.search.analysis``, exactly as for the Whoosh index,
and the server only splits what it receives at spaces, so its own analyzers (which do not
segment Chinese) never run, and the server needs no Chinese plugin.

- Documents: each text field holds, as values of one field, its *words* (jieba words for
  Chinese, other words as they are, English stemmed; separated by spaces, so their
  positions are ordinal) and then, per run of Chinese, that run's *bigrams* (overlapping,
  then its last character) prefixed with ``_``. The server puts a position gap between the
  values of a field, so no phrase spans two runs, nor words and bigrams.
- Queries follow ``hub.search.query``: a Chinese run matches where it is a substring (its
  bigrams as a phrase; one character as a bigram prefix), another word by its stem (fuzzy
  queries: within one or two edits); a quoted phrase of one Chinese run is that substring,
  else a phrase of words. The default operator is "and", as on the other backends.
- Autocomplete: the autocomplete fields hold the unstemmed words; the server indexes their
  prefixes (1-15 characters), and every typed word must be the start of a word.

Filters, permissions (inside the query), ordering, facets and scoring stay Wagtail's.
"""

from __future__ import annotations

from copy import deepcopy

from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import Fuzzy, Phrase, PlainText
from modelsearch.utils import deep_update

from hub.search.analysis import BigramTokenizer, WordTokenizer, normalize, runs, word_analyzer

BIGRAM = "_"  # words are letters and digits only, so "_" keeps bigrams apart from them
WORDS_ANALYZER = "hub_words"
PREFIXES_ANALYZER = "hub_prefixes"
# Added to the index settings of Wagtail's backend: text arrives analysed, so the server
# only splits it at spaces (and, for autocomplete, indexes each word's prefixes).
ANALYSIS = {
    "settings": {
        "analysis": {
            "analyzer": {
                WORDS_ANALYZER: {"type": "custom", "tokenizer": "whitespace"},
                PREFIXES_ANALYZER: {
                    "type": "custom",
                    "tokenizer": "whitespace",
                    "filter": ["hub_prefixes"],
                },
            },
            "filter": {"hub_prefixes": {"type": "edge_ngram", "min_gram": 1, "max_gram": 15}},
        }
    }
}
NOTHING = {"bool": {"must_not": {"match_all": {}}}}

_words = word_analyzer()
_bigrams = BigramTokenizer()
_plain_words = WordTokenizer()


def index_settings(settings: dict) -> dict:
    """A backend's index settings with the hub's analyzers added."""
    return deep_update(deepcopy(settings), ANALYSIS)


def segments(text: str) -> list[str]:
    """A text as the server indexes it: its words, then each Chinese run's bigrams."""
    values = [" ".join(token.text for token in _words(text))]
    for is_cjk, run, _start, _end in runs(normalize(text)):
        if is_cjk:
            values.append(" ".join(BIGRAM + piece for piece, *_ in _bigrams.pieces(run)))
    return [value for value in values if value]


def plain_words(text: str) -> list[str]:
    """A text's unstemmed words, for autocomplete (one value, or none)."""
    words = " ".join(token.text for token in _plain_words(text))
    return [words] if words else []


def _analysed(value, analyse):
    """``value`` (a text, a list of texts, or anything else) with its texts analysed
    into the values of one field."""
    if isinstance(value, str):
        return analyse(value)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [piece for item in value for piece in analyse(item)]
    return value


def _set_analyzers(properties: dict) -> None:
    """Every text field of a mapping (nested ones too) analysed by the hub's analyzer."""
    for field in properties.values():
        if field.get("type") == "text":
            field.setdefault("analyzer", WORDS_ANALYZER)
        if "properties" in field:
            _set_analyzers(field["properties"])


class SegmentedMapping:
    """Mixin for Wagtail's mapping class: documents hold analysed text, text fields are
    split at spaces only."""

    edgengram_analyzer_config = {"analyzer": PREFIXES_ANALYZER, "search_analyzer": WORDS_ANALYZER}

    def get_mapping(self) -> dict:
        mapping = super().get_mapping()
        _set_analyzers(mapping["properties"])
        return mapping

    def _get_document_field_data(self, field, obj):
        name, value, edgengrams = super()._get_document_field_data(field, obj)
        if isinstance(field, AutocompleteField):
            value = _analysed(value, plain_words)
            return name, value, value if isinstance(value, list) else []
        if isinstance(field, SearchField):
            return name, _analysed(value, segments), edgengrams
        return name, value, edgengrams


def _match(
    text: str, fields, boost: float, phrase: bool = False, fuzziness: int = 0, operator: str = ""
) -> dict:
    """``text`` (analysed tokens separated by spaces) in any of ``fields``."""
    options: dict = {"query": text}
    if fuzziness:
        options["fuzziness"] = fuzziness
    if operator:
        options["operator"] = operator
    if len(fields) == 1:
        if boost * fields[0].boost != 1.0:
            options["boost"] = boost * fields[0].boost
        return {("match_phrase" if phrase else "match"): {fields[0].field_name: options}}
    options["fields"] = [field.field_name_with_boost for field in fields]
    if phrase:
        options["type"] = "phrase"
    if boost != 1.0:
        options["boost"] = boost
    return {"multi_match": options}


def _prefix(value: str, fields, boost: float) -> dict:
    queries = [
        {"prefix": {field.field_name: {"value": value, "boost": boost * field.boost}}}
        for field in fields
    ]
    return queries[0] if len(queries) == 1 else {"dis_max": {"queries": queries}}


def _sequence(tokens: list[str], fields, boost: float) -> dict:
    """One token, or several as a phrase (ordinal positions make it exact)."""
    if not tokens:
        return NOTHING
    return _match(" ".join(tokens), fields, boost, phrase=len(tokens) > 1)


def _chinese(run: str, fields, boost: float) -> dict:
    """A run of Chinese, found exactly where it is a substring (see hub.search.query)."""
    if len(run) == 1:
        return _prefix(BIGRAM + run, fields, boost)
    bigrams = [BIGRAM + run[index : index + 2] for index in range(len(run) - 1)]
    return _sequence(bigrams, fields, boost)


def _combine(parts: list[dict], operator: str) -> dict:
    if not parts:
        return NOTHING
    if len(parts) == 1:
        return parts[0]
    if operator == "and":
        return {"bool": {"must": parts}}
    return {"bool": {"should": parts, "minimum_should_match": 1}}


class SegmentedQueryCompiler:
    """Mixin for Wagtail's query compiler: text queries built from the hub's analysis."""

    DEFAULT_OPERATOR = "and"

    def _term(self, is_cjk: bool, run: str, fields, boost: float, fuzzy: bool) -> dict:
        if is_cjk:
            return _chinese(run, fields, boost)
        words = [token.text for token in _words(run)]
        if fuzzy and len(words) == 1 and len(words[0]) > 2:
            return _match(words[0], fields, boost, fuzziness=1 if len(words[0]) <= 5 else 2)
        return _sequence(words, fields, boost)

    def _text(self, query, fields, boost: float, fuzzy: bool = False) -> dict:
        terms = [
            self._term(is_cjk, run, fields, boost, fuzzy)
            for is_cjk, run, _s, _e in runs(normalize(query.query_string))
        ]
        return _combine(terms, query.operator)

    def _compile_plaintext_query(self, query: PlainText, fields, boost: float = 1.0) -> dict:
        return self._text(query, fields, boost)

    def _compile_fuzzy_query(self, query: Fuzzy, fields) -> dict:
        return self._text(query, fields, 1.0, fuzzy=True)

    def _compile_phrase_query(self, query: Phrase, fields) -> dict:
        pieces = list(runs(normalize(query.query_string)))
        if len(pieces) == 1 and pieces[0][0]:
            return _chinese(pieces[0][1], fields, 1.0)
        return _sequence([token.text for token in _words(query.query_string)], fields, 1.0)


class SegmentedAutocompleteQueryCompiler:
    """Mixin for Wagtail's autocomplete compiler: every typed word (unstemmed) matches
    the start of a word."""

    DEFAULT_OPERATOR = "and"

    def _compile_plaintext_query(self, query: PlainText, fields, boost: float = 1.0) -> dict:
        words = plain_words(query.query_string)
        if not words:
            return NOTHING
        return _match(words[0], fields, boost, operator=query.operator)


def segmented_backend(
    module: str, backend: type, mapping: type, query_compiler: type, autocomplete_compiler: type
) -> type:
    """Wagtail's ``backend`` (an OpenSearch or Elasticsearch backend, with its mapping and
    compilers) with the mixins above, its classes named as members of ``module``: what
    ``hub.search.opensearch`` and ``hub.search.elasticsearch`` are."""
    own = {"__module__": module}
    segmented_mapping = type("Mapping", (SegmentedMapping, mapping), own)
    compilers = {
        "query_compiler_class": (SegmentedQueryCompiler, query_compiler),
        "autocomplete_query_compiler_class": (
            SegmentedAutocompleteQueryCompiler,
            autocomplete_compiler,
        ),
    }
    attributes = {
        name: type(bases[1].__name__, bases, {**own, "mapping_class": segmented_mapping})
        for name, bases in compilers.items()
    }
    return type(
        "SearchBackend",
        (backend,),
        {
            **own,
            **attributes,
            "mapping_class": segmented_mapping,
            "settings": index_settings(backend.settings),
        },
    )
