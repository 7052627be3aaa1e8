"""Translating modelsearch queries and a queryset's filters into Whoosh queries.

Text: each term of a ``PlainText`` matches any searched column; terms are combined with
the operator (AND by default). An English word matches its stem in the word column; a
run of Chinese characters matches exactly where it is a substring (its bigrams as a
phrase in the bigram column), its jieba words in the word column adding to the score.
``Phrase`` is a phrase of words, or for one Chinese run the same as a Chinese term.

Filters: the queryset's WHERE clause (ANDs, ORs, NOTs of exact/in/isnull/range/prefix
lookups on ``FilterField``s) becomes a Whoosh filter, so permission filtering happens
inside the index query, before counting.
"""

from __future__ import annotations

from functools import cached_property

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Subquery
from django.db.models.lookups import Lookup
from django.db.models.sql import Query
from django.db.models.sql.constants import MULTI, SINGLE
from modelsearch.backends.base import BaseSearchQueryCompiler, SearchFieldError, get_model_root
from modelsearch.index import RelatedFields
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import query as wq
from whoosh.sorting import FieldFacet

from hub.search.analysis import WordTokenizer, normalize, runs, word_analyzer
from hub.search.schema import (
    AUTOCOMPLETE,
    BIGRAMS,
    CONTENT_TYPES,
    FILTER,
    NULLS,
    PK,
    FilterColumn,
    column_name,
    filter_column,
    hierarchy,
    layout_for,
)

_word_analyzer = word_analyzer()
_plain_words = WordTokenizer()


class _Union(wq.Or):
    """An OR of a query's terms or columns, matched as a tree of unions.

    Whoosh preloads an OR into an array of scores over every document of a segment below
    5,000 documents; a query's alternatives match a few documents each, so walking only
    their matches costs a fraction of that.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


def _words(text: str) -> list[str]:
    return [token.text for token in _word_analyzer(text)]


def _sequence(column: str, tokens: list[str]) -> wq.Query:
    """One token as a term, several as a phrase (ordinal positions make this exact)."""
    if not tokens:
        return wq.NullQuery
    if len(tokens) == 1:
        return wq.Term(column, tokens[0])
    return wq.Phrase(column, tokens)


def _bigrams(run: str) -> list[str]:
    return [run[index : index + 2] for index in range(len(run) - 1)]


def _chinese(column: str, run: str) -> wq.Query:
    """A run of Chinese found exactly where it is a substring of ``column``: its bigram
    phrase (one character: the bigrams it starts, or itself at a run's end) decides; its
    jieba words only add to the score, since as a word phrase they would also match
    across punctuation ("知识，管理" for 知识管理), which is no substring."""
    if len(run) == 1:
        exact = wq.Prefix(column + BIGRAMS, run)
    else:
        exact = _sequence(column + BIGRAMS, _bigrams(run))
    return wq.AndMaybe(exact, _sequence(column, _words(run)))


def _resolve(value):
    """Evaluate a subquery used as a filter value (as the Elasticsearch backend does)."""
    if isinstance(value, Query | Subquery):
        query = value.query if isinstance(value, Subquery) else value
        compiler = query.get_compiler(DEFAULT_DB_ALIAS)
        if query.is_sliced and query.high_mark == 1:
            row = compiler.execute_sql(result_type=SINGLE)
            return row[0] if row else None
        return [row[0] for chunk in compiler.execute_sql(result_type=MULTI) for row in chunk]
    return value


class WhooshQueryCompiler(BaseSearchQueryCompiler):
    """Compiles ``self.query`` and the queryset's filters; see the module docstring."""

    DEFAULT_OPERATOR = "and"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self.queryset.model
        self.root = get_model_root(model)
        self.layout = layout_for(model)
        self.columns = self._columns()

    def _models(self) -> list:
        return [m for m in hierarchy(self.root) if issubclass(m, self.queryset.model)]

    def _columns(self) -> list[str]:
        """The text columns searched: ``fields`` if given, else every text column of the
        model and its subclasses."""
        model = self.queryset.model
        if self.fields:
            by_name = {f.field_name: f for f in model.get_searchable_search_fields()}
            return [column_name(model, by_name[name]) for name in self.fields]
        columns: dict[str, None] = {}
        for sub_model in self._models():
            columns.update(dict.fromkeys(layout_for(sub_model).text))
        return list(columns)

    # Text

    def _term(self, is_cjk: bool, run: str, fuzzy: bool = False) -> wq.Query:
        """One query term (a run of letters/digits or of Chinese) over every column."""
        alternatives = []
        for column in self.columns:
            if not is_cjk:
                words = _words(run)
                if fuzzy and len(words) == 1 and len(words[0]) > 2:
                    distance = 1 if len(words[0]) <= 5 else 2
                    alternatives.append(wq.FuzzyTerm(column, words[0], maxdist=distance))
                else:
                    alternatives.append(_sequence(column, words))
                continue
            alternatives.append(_chinese(column, run))
        return _Union(alternatives)

    def _terms(self, text: str, operator: str, fuzzy: bool = False) -> wq.Query:
        terms = [self._term(is_cjk, run, fuzzy) for is_cjk, run, _s, _e in runs(normalize(text))]
        if not terms:
            return wq.NullQuery
        return wq.And(terms) if operator == "and" else _Union(terms)

    def _phrase(self, text: str) -> wq.Query:
        pieces = list(runs(normalize(text)))
        if len(pieces) == 1 and pieces[0][0]:
            return _Union([_chinese(column, pieces[0][1]) for column in self.columns])
        return _Union([_sequence(column, _words(text)) for column in self.columns])

    def compile_text(self, query) -> wq.Query:
        if isinstance(query, MatchAll):
            return wq.Every()
        if isinstance(query, PlainText):
            return self._terms(query.query_string, query.operator).with_boost(query.boost)
        if isinstance(query, Fuzzy):
            return self._terms(query.query_string, query.operator, fuzzy=True)
        if isinstance(query, Phrase):
            return self._phrase(query.query_string)
        if isinstance(query, Boost):
            return self.compile_text(query.subquery).with_boost(query.boost)
        if isinstance(query, And):
            return wq.And([self.compile_text(sub) for sub in query.subqueries])
        if isinstance(query, Or):
            return _Union([self.compile_text(sub) for sub in query.subqueries])
        if isinstance(query, Not):
            return wq.And([wq.Every(), wq.Not(self.compile_text(query.subquery))])
        raise NotImplementedError(
            f"`{type(query).__name__}` is not supported by the Whoosh search backend."
        )

    # Filters

    def _column_for_path(self, field_path) -> FilterColumn:
        model = self.queryset.model
        if len(field_path) == 1:
            return filter_column(model, field_path[0])
        name = ""
        for field in field_path:
            name = column_name(model, field, name + "__" if name else "")
            if isinstance(field, RelatedFields):
                model = field.get_field(model).related_model
        return FilterColumn(name + FILTER, "multi")

    def _get_filters_from_where_node(self, where_node, check_only=False):
        # modelsearch skips lookups on a subclass's primary key (``page_ptr_id``), which
        # a queryset such as ``filter(pk__in=allowed)`` uses: keep them, on the key column.
        target = getattr(getattr(where_node, "lhs", None), "target", None)
        if (
            isinstance(where_node, Lookup)
            and getattr(target, "primary_key", False)
            and target.attname.endswith("_ptr_id")
            and where_node.lookup_name in ("exact", "in")
        ):
            if check_only:
                return None
            value = _resolve(where_node.rhs)
            values = value if where_node.lookup_name == "in" else [value]
            return wq.Or([wq.Term(PK, str(item)) for item in values]) if values else wq.NullQuery
        return super()._get_filters_from_where_node(where_node, check_only=check_only)

    def _process_lookup(self, field_path, lookup, value):
        column = self._column_for_path(field_path)
        value = _resolve(value)
        if lookup == "exact" and value is None:
            lookup, value = "isnull", True
        if lookup == "exact":
            return self._equals(column, value)
        if lookup == "in":
            return wq.Or([self._equals(column, item) for item in value]) if value else wq.NullQuery
        if lookup == "isnull":
            is_null = wq.Term(NULLS, column.name)
            return is_null if value else wq.And([wq.Every(), wq.Not(is_null)])
        if lookup in ("gt", "gte", "lt", "lte", "range"):
            return self._range(column, lookup, value)
        if lookup in ("startswith", "prefix") and column.kind == "text":
            return wq.Prefix(column.name, column.to_index(value))
        return None

    @staticmethod
    def _equals(column: FilterColumn, value) -> wq.Query:
        indexed = column.to_index(value)
        if indexed is None:
            return wq.Term(NULLS, column.name)
        return wq.Term(column.name, indexed)

    @staticmethod
    def _range(column: FilterColumn, lookup: str, value) -> wq.Query:
        if lookup == "range":
            start, end = (column.to_index(v) for v in value)
            exclusive = (False, False)
        elif lookup in ("gt", "gte"):
            start, end, exclusive = column.to_index(value), None, (lookup == "gt", False)
        else:
            start, end, exclusive = None, column.to_index(value), (False, lookup == "lt")
        if column.kind in ("int", "bool", "float"):
            query_class = wq.NumericRange
        elif column.kind == "date":
            query_class = wq.DateRange
        else:
            query_class = wq.TermRange
        return query_class(column.name, start, end, startexcl=exclusive[0], endexcl=exclusive[1])

    def _process_match_none(self):
        return wq.NullQuery

    def _connect_filters(self, filters, connector, negated):
        if not filters:
            return None
        combined = (
            filters[0]
            if len(filters) == 1
            else (wq.And(filters) if connector == "AND" else wq.Or(filters))
        )
        return wq.And([wq.Every(), wq.Not(combined)]) if negated else combined

    def compile_filter(self) -> wq.Query | None:
        """The model filter (for a subclass) AND the queryset's filters."""
        parts = []
        if self.queryset.model is not self.root:
            parts.append(wq.Term(CONTENT_TYPES, self.queryset.model._meta.label_lower))
        queryset_filter = self._get_filters_from_queryset()
        if queryset_filter is not None:
            parts.append(queryset_filter)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def compile_query(self) -> wq.Query:
        return self.compile_text(self.query)

    # A results object and its slices share one compiler, and a page and its count each
    # run a search: compile the query and the filters (permissions included) once.
    @cached_property
    def compiled_query(self) -> wq.Query:
        return self.compile_query()

    @cached_property
    def compiled_filter(self) -> wq.Query | None:
        return self.compile_filter()

    def sort_facets(self) -> list[FieldFacet] | None:
        """Whoosh sort keys for ``order_by`` (None: by relevance)."""
        if self.order_by_relevance:
            return None
        facets = [
            FieldFacet(filter_column(self.queryset.model, field).name, reverse=reverse)
            for reverse, field in self._get_order_by()
        ]
        if not facets:
            pk_column = self.layout.filters_by_attname.get(self.queryset.model._meta.pk.attname)
            facets = [FieldFacet(pk_column.name if pk_column else PK, reverse=True)]
        return facets


class WhooshAutocompleteQueryCompiler(WhooshQueryCompiler):
    """Autocomplete: every word typed matches a word prefix in an autocomplete column."""

    def _columns(self) -> list[str]:
        model = self.queryset.model
        if self.fields:
            by_name = {f.field_name: f for f in model.get_autocomplete_search_fields()}
            return [column_name(model, by_name[name]) + AUTOCOMPLETE for name in self.fields]
        columns: dict[str, None] = {}
        for sub_model in self._models():
            columns.update(dict.fromkeys(layout_for(sub_model).autocomplete))
        return list(columns)

    def check(self):
        if self.fields:
            allowed = {f.field_name for f in self.queryset.model.get_autocomplete_search_fields()}
            missing = [name for name in self.fields if name not in allowed]
            if missing:
                raise SearchFieldError(
                    f'Cannot autocomplete with field "{missing[0]}". Please add '
                    f'index.AutocompleteField("{missing[0]}") to '
                    f"{self.queryset.model.__name__}.search_fields.",
                    field_name=missing[0],
                )
        self._get_filters_from_queryset(check_only=True)
        list(self._get_order_by())

    def compile_text(self, query) -> wq.Query:
        if isinstance(query, MatchAll):
            return wq.Every()
        if not isinstance(query, PlainText):
            raise NotImplementedError(
                f"`{type(query).__name__}` is not supported for autocomplete queries."
            )
        words = [token.text[:15] for token in _plain_words(query.query_string)]
        terms = [_Union([wq.Term(column, word) for column in self.columns]) for word in words]
        if not terms:
            return wq.NullQuery
        return wq.And(terms) if query.operator == "and" else _Union(terms)
