"""Typed template fields: their definitions (validated JSON), Django form fields, how values
are stored on a document (``DocumentPage.fields``, plain JSON) and how they are shown.

A template's field list is JSON, one object per field::

    {"name": "attendees", "type": "people", "label": "参会人", "label_en": "Attendees",
     "required": false, "help": "", "help_en": ""}

``choice`` fields add ``"choices": [{"value": "open", "label": "未开始", "label_en": "Open"}]``;
``rows`` fields add ``"columns": [<field>, ...]`` (any type but rows). Stored values: text
as strings, dates ``YYYY-MM-DD``, date-times ``YYYY-MM-DDTHH:MM`` (site time zone), weeks
``YYYY-Www``, people and departments as ids, numbers as numbers, rows as lists of objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from hub.core.diff import TextDiff, diff_text
from hub.core.models import Department, User
from hub.doctemplates.weeks import parse_week

if TYPE_CHECKING:
    from hub.core.models import DocumentPage

TYPES = {
    "text": gettext_lazy("Text"),
    "long_text": gettext_lazy("Long text"),
    "date": gettext_lazy("Date"),
    "datetime": gettext_lazy("Date and time"),
    "week": gettext_lazy("Week"),
    "person": gettext_lazy("Person"),
    # A field holding several people (the plain "People" is a heading elsewhere).
    "people": pgettext_lazy("field type", "People"),
    "department": gettext_lazy("Department"),
    "number": gettext_lazy("Number"),
    "percent": gettext_lazy("Percent"),
    "choice": gettext_lazy("Choice"),
    "rows": gettext_lazy("Rows"),
}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KEYS = {"name", "type", "label", "label_en", "required", "help", "help_en", "choices", "columns"}
MAX_TEXT = 500
MAX_LONG_TEXT = 20000
MAX_ROWS = 200

Display = str | list[list[str]]


def english() -> bool:
    return (get_language() or "").startswith("en")


def _in_language(chinese: str, english_text: str) -> str:
    return english_text if english_text and english() else chinese


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    label_en: str = ""

    @property
    def display_label(self) -> str:
        return _in_language(self.label, self.label_en)


@dataclass(frozen=True)
class FieldSpec:
    """One typed field of a template (or one column of a ``rows`` field)."""

    name: str
    type: str
    label: str
    label_en: str = ""
    required: bool = False
    help: str = ""
    help_en: str = ""
    choices: tuple[Choice, ...] = ()
    columns: tuple[FieldSpec, ...] = field(default=())

    @property
    def display_label(self) -> str:
        return _in_language(self.label, self.label_en)

    @property
    def display_help(self) -> str:
        return _in_language(self.help, self.help_en)

    def column(self, name: str) -> FieldSpec | None:
        return next((column for column in self.columns if column.name == name), None)


# Definitions ---------------------------------------------------------------------------


def _parse_choices(where: str, raw: Any, errors: list[str]) -> tuple[Choice, ...]:
    if not isinstance(raw, list) or not raw:
        errors.append(
            _("%(where)s: a choice field needs a non-empty list of choices.") % {"where": where}
        )
        return ()
    choices, seen = [], set()
    for item in raw:
        value = item.get("value") if isinstance(item, dict) else None
        label = item.get("label") if isinstance(item, dict) else None
        if (
            not isinstance(value, str)
            or not value.strip()
            or not isinstance(label, str)
            or not label.strip()
        ):
            errors.append(
                _("%(where)s: every choice needs a value and a label, e.g. %(example)s.")
                % {
                    "where": where,
                    "example": '{"value": "open", "label": "未开始", "label_en": "Open"}',
                }
            )
            continue
        if value in seen:
            errors.append(
                _("%(where)s: the choice %(value)s is listed twice.")
                % {"where": where, "value": value}
            )
        seen.add(value)
        choices.append(Choice(value, label.strip(), str(item.get("label_en") or "").strip()))
    return tuple(choices)


def _parse_one(raw: Any, where: str, errors: list[str], in_rows: bool) -> FieldSpec | None:
    if not isinstance(raw, dict):
        errors.append(
            _("%(where)s: each field must be an object with a name, type and label.")
            % {"where": where}
        )
        return None
    name, kind, label = raw.get("name"), raw.get("type"), raw.get("label")
    if isinstance(name, str) and name:
        where = f"{where} ({name})"
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        errors.append(
            _("%(where)s: unknown keys %(keys)s.") % {"where": where, "keys": ", ".join(unknown)}
        )
    if not isinstance(name, str) or not NAME.match(name):
        errors.append(
            _(
                "%(where)s: the name must be lower-case letters, digits and _, "
                "starting with a letter, at most 40."
            )
            % {"where": where}
        )
    allowed = [t for t in TYPES if not (in_rows and t == "rows")]
    if kind not in allowed:
        errors.append(
            _("%(where)s: unknown type %(type)s; use one of: %(types)s.")
            % {"where": where, "type": repr(kind), "types": ", ".join(allowed)}
        )
        return None
    if not isinstance(label, str) or not label.strip():
        errors.append(_("%(where)s: a label is required.") % {"where": where})
    for key in ("label_en", "help", "help_en"):
        if not isinstance(raw.get(key, ""), str):
            errors.append(_("%(where)s: %(key)s must be text.") % {"where": where, "key": key})
    if not isinstance(raw.get("required", False), bool):
        errors.append(_("%(where)s: required must be true or false.") % {"where": where})
    choices: tuple[Choice, ...] = ()
    columns: tuple[FieldSpec, ...] = ()
    if kind == "choice":
        choices = _parse_choices(where, raw.get("choices"), errors)
    elif "choices" in raw:
        errors.append(_("%(where)s: only choice fields have choices.") % {"where": where})
    if kind == "rows":
        columns = tuple(_parse_list(raw.get("columns"), errors, where, in_rows=True))
    elif "columns" in raw:
        errors.append(_("%(where)s: only rows fields have columns.") % {"where": where})
    if errors:
        return None
    return FieldSpec(
        name=name,
        type=kind,
        label=label.strip(),
        label_en=raw.get("label_en", "").strip(),
        required=raw.get("required", False),
        help=raw.get("help", ""),
        help_en=raw.get("help_en", ""),
        choices=choices,
        columns=columns,
    )


def _parse_list(
    raw: Any, errors: list[str], parent: str = "", in_rows: bool = False
) -> list[FieldSpec]:
    if not isinstance(raw, list) or not raw:
        if in_rows:
            errors.append(
                _("%(where)s: a rows field needs a non-empty list of columns.") % {"where": parent}
            )
        elif raw not in ([], None):
            errors.append(_("The fields must be a list of objects."))
        return []
    specs, names = [], set()
    for number, item in enumerate(raw, start=1):
        where = (
            _("Column %(n)d of %(parent)s") % {"n": number, "parent": parent}
            if in_rows
            else _("Field %(n)d") % {"n": number}
        )
        own_errors: list[str] = []
        spec = _parse_one(item, where, own_errors, in_rows)
        errors.extend(own_errors)
        if spec is None:
            continue
        if spec.name in names:
            errors.append(
                _("%(where)s: the name %(name)s is used twice.")
                % {"where": where, "name": spec.name}
            )
        names.add(spec.name)
        specs.append(spec)
    return specs


def parse_fields(raw: Any) -> list[FieldSpec]:
    """The field list of a template; ValidationError listing every problem found."""
    errors: list[str] = []
    specs = _parse_list(raw, errors)
    if errors:
        raise ValidationError(errors)
    return specs


# Form fields ---------------------------------------------------------------------------


class WeekField(forms.CharField):
    """An ISO week, typed in a browser week picker (``2026-W19``)."""

    widget = forms.TextInput(attrs={"type": "week", "placeholder": "2026-W19"})

    def clean(self, value):
        value = super().clean(value)
        if value:
            try:
                parse_week(value)
            except ValueError:
                raise ValidationError(_("Enter a week like 2026-W19.")) from None
        return value


def _people(keep_ids: set[int]):
    # Someone who left stays selectable where they were already chosen.
    return User.objects.filter(Q(is_active=True) | Q(pk__in=keep_ids)).order_by("name", "username")


def form_field(
    spec: FieldSpec, keep_user_ids: set[int] = frozenset(), required: bool | None = None
) -> forms.Field:
    """A Django form field for one typed field (``rows``: see ``hub.doctemplates.forms``)."""
    common = {
        "label": spec.display_label,
        "required": spec.required if required is None else required,
        "help_text": spec.display_help,
    }
    kind = spec.type
    if kind == "text":
        return forms.CharField(max_length=MAX_TEXT, **common)
    if kind == "long_text":
        return forms.CharField(
            max_length=MAX_LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    if kind == "datetime":
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
            **common,
        )
    if kind == "week":
        return WeekField(**common)
    if kind == "person":
        return forms.ModelChoiceField(queryset=_people(set(keep_user_ids)), **common)
    if kind == "people":
        return forms.ModelMultipleChoiceField(
            queryset=_people(set(keep_user_ids)),
            widget=forms.SelectMultiple(attrs={"size": 6}),
            **common,
        )
    if kind == "department":
        return forms.ModelChoiceField(queryset=Department.objects.order_by("code"), **common)
    if kind == "number":
        return forms.FloatField(min_value=-1e12, max_value=1e12, **common)
    if kind == "percent":
        return forms.IntegerField(
            min_value=0,
            max_value=100,
            widget=forms.NumberInput(attrs={"class": "percent"}),
            **common,
        )
    if kind == "choice":
        choices = [("", "—"), *((c.value, c.display_label) for c in spec.choices)]
        return forms.ChoiceField(choices=choices, **common)
    raise ValueError(f"no form field for {kind}")


def to_stored(spec: FieldSpec, value: Any) -> Any:
    """A cleaned form value as it is stored in ``DocumentPage.fields`` (plain JSON)."""
    if value in (None, ""):
        return [] if spec.type == "people" else None
    kind = spec.type
    if kind in ("text", "long_text", "week", "choice"):
        return value.strip() or None
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
    if kind in ("person", "department"):
        return value.pk
    if kind == "people":
        return [person.pk for person in value]
    if kind == "number":
        return int(value) if float(value).is_integer() else float(value)
    if kind == "percent":
        return int(value)
    raise ValueError(f"cannot store {kind}")


def user_ids(specs: list[FieldSpec], values: dict[str, Any]) -> set[int]:
    """Ids of every person named in ``values`` (rows included)."""
    return {user_id for _key, user_id in people_keys(specs, values)}


def people_keys(specs: list[FieldSpec], values: dict[str, Any]) -> set[tuple[str, int]]:
    """(field path, user id) of each person named: ``attendees``, ``actions.owner``…"""
    found: set[tuple[str, int]] = set()

    def add(path: str, spec: FieldSpec, value: Any) -> None:
        if spec.type == "person" and isinstance(value, int):
            found.add((path, value))
        elif spec.type == "people" and isinstance(value, list):
            found.update((path, pk) for pk in value if isinstance(pk, int))

    for spec in specs:
        value = values.get(spec.name)
        if spec.type == "rows" and isinstance(value, list):
            for row in value:
                for column in spec.columns:
                    add(f"{spec.name}.{column.name}", column, (row or {}).get(column.name))
        else:
            add(spec.name, spec, value)
    return found


# Display -------------------------------------------------------------------------------


class Names:
    """People and departments named in some documents' fields, loaded in two queries."""

    def __init__(self, user_ids: set[int] = frozenset(), department_ids: set[int] = frozenset()):
        self.users = User.objects.in_bulk(list(user_ids)) if user_ids else {}
        self.departments = (
            Department.objects.in_bulk(list(department_ids)) if department_ids else {}
        )

    @classmethod
    def for_values(cls, specs: list[FieldSpec], values_list: list[dict[str, Any]]) -> Names:
        users: set[int] = set()
        departments: set[int] = set()
        for values in values_list:
            users |= user_ids(specs, values)
            departments |= _department_ids(specs, values)
        return cls(users, departments)

    def person(self, pk: Any) -> str:
        user = self.users.get(pk)
        return user.get_full_name() if user else (_("(unknown person)") if pk is not None else "")

    def department(self, pk: Any, both: bool = False) -> str:
        department = self.departments.get(pk)
        if department is None:
            return _("(unknown department)") if pk is not None else ""
        if both:
            return f"{department.name} {department.name_en}".strip()
        return department.display_name


def _department_ids(specs: list[FieldSpec], values: dict[str, Any]) -> set[int]:
    found = set()
    for spec in specs:
        value = values.get(spec.name)
        if spec.type == "department" and isinstance(value, int):
            found.add(value)
        elif spec.type == "rows" and isinstance(value, list):
            for row in value:
                for column in spec.columns:
                    if column.type == "department" and isinstance(
                        (row or {}).get(column.name), int
                    ):
                        found.add(row[column.name])
    return found


def display(spec: FieldSpec, value: Any, names: Names, both: bool = False) -> Display:
    """A stored value as text in the UI language (``both``: Chinese and English, for search)."""
    if value is None or value == "" or value == []:
        return [] if spec.type == "rows" else ""
    kind = spec.type
    if kind == "rows":
        header = [column.display_label for column in spec.columns]
        rows = [
            [
                str(display(column, (row or {}).get(column.name), names, both))
                for column in spec.columns
            ]
            for row in value
            if isinstance(row, dict)
        ]
        return [header, *rows]
    if kind == "person":
        return names.person(value)
    if kind == "people":
        separator = ", " if english() else "、"
        return separator.join(names.person(pk) for pk in value)
    if kind == "department":
        return names.department(value, both)
    if kind == "datetime":
        return str(value).replace("T", " ")
    if kind == "percent":
        return f"{value}%"
    if kind == "choice":
        choice = next((c for c in spec.choices if c.value == value), None)
        if choice is None:
            return str(value)
        return f"{choice.label} {choice.label_en}".strip() if both else choice.display_label
    return str(value)


def document_specs(document: DocumentPage) -> list[FieldSpec]:
    """The field definitions of ``document``'s template (none without a template)."""
    template = document.template if document.template_id else None
    return template.specs() if template else []


def field_rows(document: DocumentPage) -> list[tuple[str, Display]]:
    """(label, value) of each field of ``document``, in the request's language.

    Values are text, or for ``rows`` fields a list of rows whose first row is the header;
    an empty field gives "" (or [] for rows). A document without a template has none.
    """
    specs = document_specs(document)
    values = document.fields or {}
    names = Names.for_values(specs, [values])
    return [(spec.display_label, display(spec, values.get(spec.name), names)) for spec in specs]


def as_text(value: Display) -> str:
    """A displayed value as plain text: rows become tab-separated lines."""
    if isinstance(value, list):
        return "\n".join("\t".join(row) for row in value[1:])
    return value


def field_texts(document: DocumentPage) -> list[tuple[str, str]]:
    """(label, text) of each field, for diffs: every value as lines of plain text."""
    return [(label, as_text(value)) for label, value in field_rows(document)]


def search_text(document: DocumentPage) -> str:
    """The text of every field value, names and choices in Chinese and English (indexed)."""
    specs = document_specs(document)
    values = document.fields or {}
    names = Names.for_values(specs, [values])
    return "\n".join(
        text
        for spec in specs
        if (text := as_text(display(spec, values.get(spec.name), names, both=True)))
    )


def parse_stored_date(value: Any) -> date | None:
    """A stored date (``YYYY-MM-DD``) as a date; None if absent or malformed."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def field_diffs(old: DocumentPage, new: DocumentPage) -> list[tuple[str, TextDiff]]:
    """(label, diff) of each field whose value differs between two versions of a document."""
    old_texts = dict(field_texts(old))
    diffs = []
    for label, new_text in field_texts(new):
        old_text = old_texts.get(label, "")
        if old_text != new_text:
            diffs.append((label, diff_text(old_text, new_text)))
    return diffs


def values_from_names(specs: list[FieldSpec], plain: dict[str, Any]) -> dict[str, Any]:
    """Field values written with usernames and department codes (demo files, importers)
    as stored values with ids; ValueError naming an unknown person or department."""
    users = dict(User.objects.values_list("username", "pk"))
    departments = dict(Department.objects.values_list("code", "pk"))

    def lookup(table: dict[str, int], name: Any, what: str) -> int:
        if name not in table:
            raise ValueError(f"unknown {what} {name!r}")
        return table[name]

    def convert(spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        if spec.type == "person":
            return lookup(users, value, "person")
        if spec.type == "people":
            return [lookup(users, name, "person") for name in value]
        if spec.type == "department":
            return lookup(departments, value, "department")
        if spec.type == "rows":
            return [{c.name: convert(c, row.get(c.name)) for c in spec.columns} for row in value]
        return str(value) if spec.type in ("date", "datetime", "week") else value

    unknown = set(plain) - {spec.name for spec in specs}
    if unknown:
        raise ValueError(f"unknown fields {', '.join(sorted(unknown))}")
    return {spec.name: convert(spec, plain.get(spec.name)) for spec in specs}
