"""A flow's form: typed field definitions (a StreamField, a JSON list) and the Django form
built from them, which validates what a requester types.

Each definition is ``{"type": <kind>, "value": {"name", "label", "required", "help_text",
"choices"}}``. Values are stored as JSON: numbers and amounts as decimal strings, dates as
ISO dates, a person as the user's id, a file as ``{"attachment": id, "filename": name}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks

from hub.core.models import User

TEXT_MAX_LENGTH = 200
LONG_TEXT_MAX_LENGTH = 10_000
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"

KINDS = {
    "text": gettext_lazy("Text"),
    "long_text": gettext_lazy("Long text"),
    "number": gettext_lazy("Number"),
    "amount": gettext_lazy("Amount (¥)"),
    "date": gettext_lazy("Date"),
    "choice": gettext_lazy("Choice"),
    "person": gettext_lazy("Person"),
    "file": gettext_lazy("File attachment"),
}
ORDERED_KINDS = {"number", "amount", "date"}
# Conditions compare one value; long texts, people and files are not compared.
COMPARABLE_KINDS = ORDERED_KINDS | {"text", "choice"}


class FieldBlock(blocks.StructBlock):
    name = blocks.RegexBlock(
        regex=NAME_PATTERN,
        label=gettext_lazy("Key"),
        help_text=gettext_lazy(
            "Lower-case letters, digits and _, e.g. amount; used in conditions."
        ),
        error_messages={"invalid": gettext_lazy("Use lower-case letters, digits and _.")},
    )
    label = blocks.CharBlock(label=gettext_lazy("Label"), max_length=100)
    required = blocks.BooleanBlock(label=gettext_lazy("Required"), required=False, default=True)
    help_text = blocks.CharBlock(label=gettext_lazy("Help text"), required=False, max_length=200)


class ChoiceFieldBlock(FieldBlock):
    choices = blocks.ListBlock(
        blocks.CharBlock(max_length=100), label=gettext_lazy("Choices"), min_num=1
    )


class FormFieldsBlock(blocks.StreamBlock):
    """The list of field definitions; keys must be unique."""

    def __init__(self, **kwargs):
        children = [
            (kind, ChoiceFieldBlock(label=label) if kind == "choice" else FieldBlock(label=label))
            for kind, label in KINDS.items()
        ]
        super().__init__(children, **kwargs)

    def clean(self, value):
        cleaned = super().clean(value)
        seen: set[str] = set()
        errors = {}
        for index, child in enumerate(cleaned):
            name = child.value["name"]
            if name in seen:
                errors[index] = blocks.StructBlockValidationError(
                    {"name": ErrorList([_("Two fields have the key %(name)s.") % {"name": name}])}
                )
            seen.add(name)
        if errors:
            raise blocks.StreamBlockValidationError(block_errors=errors)
        return cleaned


@dataclass(frozen=True)
class FieldSpec:
    """One field definition, read from the stored JSON."""

    kind: str
    name: str
    label: str
    required: bool = True
    help_text: str = ""
    choices: tuple[str, ...] = ()


def field_specs(stream_value: Any) -> list[FieldSpec]:
    """The definitions of a flow's ``form_fields`` (a StreamValue), in order."""
    specs = []
    for child in stream_value:
        value = child.value
        specs.append(
            FieldSpec(
                kind=child.block_type,
                name=value["name"],
                label=value["label"],
                required=bool(value.get("required")),
                help_text=value.get("help_text") or "",
                choices=tuple(value.get("choices") or ()),
            )
        )
    return specs


def parse_value(kind: str, raw: Any) -> Any:
    """A stored value (or a condition's value) as a comparable Python value; None if unset.

    Raises ValueError for a value that does not fit ``kind``.
    """
    if raw in (None, ""):
        return None
    if kind in ("number", "amount"):
        try:
            return Decimal(str(raw))
        except InvalidOperation as error:
            raise ValueError(raw) from error
    if kind == "date":
        return date.fromisoformat(str(raw))
    return str(raw)


def _django_field(spec: FieldSpec) -> forms.Field:
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help_text}
    if spec.kind == "text":
        return forms.CharField(max_length=TEXT_MAX_LENGTH, **common)
    if spec.kind == "long_text":
        return forms.CharField(
            max_length=LONG_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}), **common
        )
    if spec.kind == "number":
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if spec.kind == "amount":
        return forms.DecimalField(max_digits=15, decimal_places=2, min_value=0, **common)
    if spec.kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.kind == "choice":
        choices = [("", "—"), *((choice, choice) for choice in spec.choices)]
        return forms.ChoiceField(choices=choices, **common)
    if spec.kind == "person":
        people = User.objects.filter(is_active=True).order_by("username")
        return forms.ModelChoiceField(queryset=people, **common)
    if spec.kind == "file":
        return forms.FileField(**common)
    raise ValueError(f"unknown field kind {spec.kind!r}")


class RequestForm(forms.Form):
    """The request's title and the flow's typed fields.

    ``existing`` holds the values of a request being edited after it was returned: a file
    field already filled keeps its file unless a new one is uploaded.
    """

    title = forms.CharField(label=gettext_lazy("Title"), max_length=TEXT_MAX_LENGTH)

    def __init__(self, specs: list[FieldSpec], *args, existing: dict | None = None, **kwargs):
        self.specs = specs
        self.existing = existing or {}
        initial = kwargs.pop("initial", {}) or {}
        for spec in specs:
            if spec.kind != "file" and spec.name in self.existing:
                initial.setdefault(spec.name, self.existing[spec.name])
        super().__init__(*args, initial=initial, **kwargs)
        for spec in specs:
            field = _django_field(spec)
            if spec.kind == "file" and self.existing.get(spec.name):
                field.required = False
                field.help_text = _("Leave empty to keep %(name)s.") % {
                    "name": self.existing[spec.name]["filename"]
                }
            self.fields[spec.name] = field

    def clean(self):
        cleaned = super().clean()
        limit = settings.HUB_MAX_ATTACHMENT_BYTES
        for spec in self.specs:
            upload = cleaned.get(spec.name)
            if spec.kind == "file" and upload and upload.size > limit:
                self.add_error(
                    spec.name,
                    ValidationError(
                        _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
                    ),
                )
        return cleaned

    def values(self) -> dict[str, Any]:
        """The typed values as JSON; file fields hold the upload until the caller stores it."""
        values: dict[str, Any] = {}
        for spec in self.specs:
            value = self.cleaned_data.get(spec.name)
            if spec.kind == "file":
                values[spec.name] = value or self.existing.get(spec.name)
            elif value in (None, ""):
                values[spec.name] = None
            elif spec.kind in ("number", "amount"):
                values[spec.name] = str(value)
            elif spec.kind == "date":
                values[spec.name] = value.isoformat()
            elif spec.kind == "person":
                values[spec.name] = value.pk
            else:
                values[spec.name] = value
        return values


def display_value(spec: FieldSpec, raw: Any, people: dict[int, User]) -> str:
    """A stored value as text for the request page (files are linked by the template)."""
    if raw in (None, ""):
        return "—"
    if spec.kind == "amount":
        return f"¥{Decimal(raw):,.2f}"
    if spec.kind == "number":
        return f"{Decimal(raw).normalize():f}"
    if spec.kind == "person":
        person = people.get(raw)
        return person.get_full_name() if person else "—"
    if spec.kind == "file":
        return raw.get("filename", "")
    return str(raw)
