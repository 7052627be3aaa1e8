"""The Whoosh schema of one model hierarchy, built from the models' ``search_fields``,
and the document (field -> value) stored for one object.

Column names follow the Elasticsearch backend: a field defined below the root model is
prefixed ``<app>_<model>__``; suffixes say what a column holds (see ``hub.search``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache, lru_cache

from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from modelsearch.backends.base import get_model_root
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    RelatedFields,
    SearchField,
    get_indexed_models,
)
from whoosh import fields as whoosh_fields

from hub.search.analysis import (
    autocomplete_analyzer,
    bigram_analyzer,
    word_analyzer,
    word_positions,
)

# Django field names cannot contain "__", so these cannot clash with a model column.
PK, CONTENT_TYPES, NULLS = "pk__", "ct__", "null__"
BIGRAMS, AUTOCOMPLETE, FILTER = "__cjk", "__ac", "__filter"

_INT_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}
_BOOL_TYPES = {"BooleanField", "NullBooleanField"}
_FLOAT_TYPES = {"FloatField", "DecimalField"}
_DATE_TYPES = {"DateField", "DateTimeField"}


@dataclass(frozen=True)
class FilterColumn:
    """A filter column: its name and kind ("int", "bool", "float", "date", "text" or "multi")."""

    name: str
    kind: str

    def whoosh_field(self) -> whoosh_fields.FieldType:
        if self.kind in ("int", "bool"):
            # One term per value (shift_step=0) instead of 16 tiers: these columns are
            # matched by value (permissions, ids); a rare range query just reads more terms.
            return whoosh_fields.NUMERIC(numtype=int, bits=64, sortable=True, shift_step=0)
        if self.kind == "float":
            return whoosh_fields.NUMERIC(numtype=float, bits=64, sortable=True)
        if self.kind == "date":
            return whoosh_fields.DATETIME(sortable=True)
        if self.kind == "multi":
            return whoosh_fields.KEYWORD(commas=True)
        return whoosh_fields.ID(sortable=True)

    def to_index(self, value):
        """A Python/Django value as this column stores it (None stays None)."""
        if value is None:
            return None
        if isinstance(value, models.Model):
            value = value.pk
        if self.kind == "multi":
            values = value if isinstance(value, list | tuple | set) else [value]
            return ",".join(force_str(v).replace(",", " ") for v in values) or None
        if self.kind in ("int", "bool"):
            return int(value)
        if self.kind == "float":
            return float(value)
        if self.kind == "date":
            if not isinstance(value, datetime.datetime):
                value = datetime.datetime.combine(value, datetime.time())
            if timezone.is_aware(value):
                value = timezone.make_naive(value, datetime.UTC)
            return value
        return force_str(value)

    def from_index(self, value):
        """A stored column value back as Python (dates become aware, in UTC)."""
        if self.kind == "date" and isinstance(value, datetime.datetime):
            return value.replace(tzinfo=datetime.UTC)
        if self.kind == "bool":
            return bool(value)
        return value


# The ``Positions`` format's value of a term at one position, shared by every posting
# with that value (less work, and less memory in the bulk writer's pool).
_SINGLE_POSITIONS: dict[int, bytes] = {}
_SINGLE_POSITIONS_CACHED = 1 << 16


class _PositionsField(whoosh_fields.TEXT):
    """A text column indexed from its terms' positions directly.

    Whoosh's generic path builds a Token object per word or bigram, which made indexing
    cost more than jieba itself; the terms, weights and positions are the same.
    """

    def positions(self, value: str) -> dict[str, list[int]]:
        raise NotImplementedError

    def index(self, value, **kwargs):
        if not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        encode, boost = self.format.encode, self.format.field_boost
        single = _SINGLE_POSITIONS
        for term, found in self.positions(value).items():
            if len(found) == 1 and found[0] < _SINGLE_POSITIONS_CACHED:
                # Most terms occur once in a text: their value is one of a few thousand.
                encoded = single.get(found[0])
                if encoded is None:
                    encoded = single[found[0]] = encode(found)
            else:
                encoded = encode(found)
            yield term.encode("utf-8"), len(found), len(found) * boost, encoded


class WordField(_PositionsField):
    """The word column: jieba words and stemmed English, stored for highlighting."""

    def __init__(self, field_boost: float = 1.0):
        super().__init__(analyzer=word_analyzer(), stored=True, field_boost=field_boost)

    def positions(self, value: str) -> dict[str, list[int]]:
        return word_positions(value)


class BigramField(_PositionsField):
    """The CJK bigram column."""

    def __init__(self, field_boost: float = 1.0):
        super().__init__(analyzer=bigram_analyzer(), field_boost=field_boost)

    def positions(self, value: str) -> dict[str, list[int]]:
        return self.analyzer.positions(value)


def _filter_kind(field, model) -> str:
    try:
        django_field = field.get_field(model)
    except models.FieldDoesNotExist:
        django_field = None
    if django_field is not None and (django_field.many_to_many or django_field.one_to_many):
        return "multi"
    internal_type = field.get_type(model)
    if internal_type in _INT_TYPES:
        return "int"
    if internal_type in _BOOL_TYPES:
        return "bool"
    if internal_type in _FLOAT_TYPES:
        return "float"
    if internal_type in _DATE_TYPES:
        return "date"
    return "text"


def column_name(model, field, prefix: str = "") -> str:
    """The column of a ``search_fields`` entry (before any suffix)."""
    root = get_model_root(model)
    definer = field.get_definition_model(model)
    if not prefix and definer is not None and definer is not root:
        prefix = f"{definer._meta.app_label.lower()}_{definer.__name__.lower()}__"
    if isinstance(field, RelatedFields):
        return prefix + field.field_name
    return prefix + field.get_attname(model)


def filter_column(model, field: FilterField) -> FilterColumn:
    return FilterColumn(column_name(model, field) + FILTER, _filter_kind(field, model))


def content_types(model) -> list[str]:
    """``app.model`` labels of the model and its indexed ancestors (the model filter)."""
    labels = []
    while model is not None:
        labels.append(model._meta.label_lower)
        model = model.indexed_get_parent()
    return labels


def _prepare_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return "\n".join(_prepare_text(item) for item in value)
    return force_str(value)


class ModelLayout:
    """The columns of one model: text (word + bigram), autocomplete and filter columns."""

    def __init__(self, model):
        self.model = model
        self.text: dict[str, float] = {}  # column -> boost
        self.autocomplete: list[str] = []
        self.filters: dict[str, FilterColumn] = {}  # column name -> column
        self.filters_by_attname: dict[str, FilterColumn] = {}
        for field in model.get_search_fields():
            self._add(model, field, "", 1.0)

    def _add(self, model, field, prefix: str, boost: float) -> None:
        name = column_name(model, field, prefix)
        if isinstance(field, RelatedFields):
            related = field.get_field(model).related_model
            for sub_field in field.fields:
                self._add(related, sub_field, name + "__", boost)
        elif isinstance(field, SearchField):
            self.text[name] = float(field.boost or 1.0) * boost
        elif isinstance(field, AutocompleteField):
            self.autocomplete.append(name + AUTOCOMPLETE)
        elif isinstance(field, FilterField):
            kind = "multi" if prefix else _filter_kind(field, model)
            column = FilterColumn(name + FILTER, kind)
            self.filters[column.name] = column
            if not prefix:
                self.filters_by_attname[field.get_attname(model)] = column


@cache
def layout_for(model) -> ModelLayout:
    """The model's layout; ``search_fields`` are fixed when the models load, so once."""
    return ModelLayout(model)


def hierarchy(root) -> list:
    """The indexed models whose root model is ``root``."""
    return [model for model in get_indexed_models() if get_model_root(model) is root]


def build_schema(root) -> whoosh_fields.Schema:
    """The schema holding every column of every model in ``root``'s hierarchy."""
    schema = whoosh_fields.Schema(
        **{
            PK: whoosh_fields.ID(stored=True, unique=True, sortable=True),
            CONTENT_TYPES: whoosh_fields.KEYWORD(),
            NULLS: whoosh_fields.KEYWORD(),
        }
    )
    for model in hierarchy(root):
        layout = layout_for(model)
        for name, boost in layout.text.items():
            if name not in schema:
                schema.add(name, WordField(field_boost=boost))
                schema.add(name + BIGRAMS, BigramField(field_boost=boost))
        for name in layout.autocomplete:
            if name not in schema:
                schema.add(name, whoosh_fields.TEXT(analyzer=autocomplete_analyzer(), phrase=False))
        for column in layout.filters.values():
            if column.name not in schema:
                schema.add(column.name, column.whoosh_field())
    return schema


# The column of each (model, search_fields entry, prefix): a rebuild asks for every object.
_cached_column_name = lru_cache(maxsize=1024)(column_name)


def _values(model, field, obj, prefix: str, out: dict[str, list]) -> None:
    """Collect the raw values of one ``search_fields`` entry of ``obj`` into ``out``."""
    name = _cached_column_name(model, field, prefix)
    if isinstance(field, RelatedFields):
        value = field.get_value(obj)
        if value is None:
            return
        related = value.all() if isinstance(value, models.Manager) else [value]
        for item in related:
            for sub_field in field.fields:
                _values(type(item), sub_field, item, name + "__", out)
        return
    suffix = ""
    if isinstance(field, AutocompleteField):
        suffix = AUTOCOMPLETE
    elif isinstance(field, FilterField):
        suffix = FILTER
    value = field.get_value(obj)
    if isinstance(value, models.Manager | models.QuerySet):
        value = list(value.all())
    if isinstance(value, list) and isinstance(field, FilterField):
        out.setdefault(name + suffix, []).extend(
            item.pk if isinstance(item, models.Model) else item for item in value
        )
    else:
        out.setdefault(name + suffix, []).append(value)


def document_for(obj) -> dict:
    """The Whoosh document of ``obj``: text columns as strings, filter columns typed."""
    model = type(obj)
    layout = layout_for(model)
    raw: dict[str, list] = {}
    for field in model.get_search_fields():
        _values(model, field, obj, "", raw)
    document = {PK: str(obj.pk), CONTENT_TYPES: " ".join(content_types(model))}
    nulls = []
    for name, values in raw.items():
        if name in layout.filters:
            column = layout.filters[name]
            value = column.to_index(values if column.kind == "multi" else values[0])
            if value is None:
                nulls.append(name)
            else:
                document[name] = value
        else:
            text = "\n".join(_prepare_text(value) for value in values if value is not None)
            if text:
                document[name] = text
                if not name.endswith(AUTOCOMPLETE):
                    document[name + BIGRAMS] = text
    document[NULLS] = " ".join(nulls)
    return document
