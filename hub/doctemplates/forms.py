"""The typed fields of one document as a form: simple fields, and a small table per
``rows`` field (a Django formset) that works without JavaScript: a few blank rows, a
remove box per row and an "add more rows" button that re-shows the form with all input kept.
Each row carries its identity in a hidden input (``hub.doctemplates.rowkeys``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext as _

from hub.doctemplates.fields import MAX_ROWS, FieldSpec, form_field, to_stored, user_ids
from hub.doctemplates.rowkeys import ROW_KEY, is_key, keyed_rows, new_key

PREFIX = "f"
BLANK_ROWS = 3
# The name of the "add more rows" submit button; its value is the rows field's name.
MORE_ROWS = "_more_rows"
EMPTY = (None, "", [])


def is_more_rows(data) -> bool:
    """Did the person press "add more rows" (re-show the form, save nothing)?"""
    return bool(data.get(MORE_ROWS))


class RowForm(forms.Form):
    """One row of a ``rows`` field; a row left blank is ignored, a filled one is checked."""

    def __init__(self, *args, columns: tuple[FieldSpec, ...], keep_user_ids: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        for column in columns:
            field = form_field(column, keep_user_ids, required=False)
            field.widget.attrs["aria-label"] = column.display_label
            self.fields[column.name] = field
        # A malformed key is not the person's mistake to fix: it is replaced when stored.
        self.fields[ROW_KEY] = forms.CharField(required=False, widget=forms.HiddenInput)

    def is_blank(self) -> bool:
        return all(self.cleaned_data.get(column.name) in EMPTY for column in self.columns)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.is_blank():
            for column in self.columns:
                if (
                    column.required
                    and column.name not in self.errors
                    and data.get(column.name) in EMPTY
                ):
                    self.add_error(column.name, _("This column is required."))
        return data

    def stored(self) -> dict[str, Any]:
        key = self.cleaned_data.get(ROW_KEY)
        return {
            **{
                column.name: to_stored(column, self.cleaned_data.get(column.name))
                for column in self.columns
            },
            ROW_KEY: key if is_key(key) else new_key(),
        }


RowFormSet = formset_factory(
    RowForm,
    extra=BLANK_ROWS,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
    absolute_max=MAX_ROWS,
)


class FieldsForm:
    """The typed fields of ``specs``: a form for the simple ones, a formset per rows field."""

    def __init__(self, specs: list[FieldSpec], data=None, initial: dict[str, Any] | None = None):
        initial = initial or {}
        keep = user_ids(specs, initial)
        self.specs = specs
        if data is not None and data.get(MORE_ROWS):
            data = self._with_more_rows(data, data[MORE_ROWS])
        self.form = forms.Form(data, prefix=PREFIX, initial=initial)
        self.formsets: dict[str, Any] = {}
        for spec in specs:
            if spec.type != "rows":
                self.form.fields[spec.name] = form_field(spec, keep)
                continue
            rows = [{**row, ROW_KEY: key} for key, row in keyed_rows(initial.get(spec.name))]
            self.formsets[spec.name] = RowFormSet(
                data,
                prefix=f"{PREFIX}-{spec.name}",
                initial=rows,
                form_kwargs={"columns": spec.columns, "keep_user_ids": keep},
            )

    @staticmethod
    def _with_more_rows(data, name: str):
        key = f"{PREFIX}-{name}-TOTAL_FORMS"
        try:
            total = int(data.get(key, ""))
        except ValueError:
            return data
        data = data.copy()
        data[key] = str(min(total + BLANK_ROWS, MAX_ROWS))
        return data

    def entries(self) -> list[tuple[FieldSpec, Any, Any]]:
        """(spec, bound field or None, formset or None) in the template's order."""
        return [
            (spec, None, self.formsets[spec.name])
            if spec.type == "rows"
            else (spec, self.form[spec.name], None)
            for spec in self.specs
        ]

    def is_valid(self) -> bool:
        results = [
            self.form.is_valid(),
            *(formset.is_valid() for formset in self.formsets.values()),
        ]
        return all(results)

    def values(self) -> dict[str, Any]:
        """The cleaned values as stored on the document (call after ``is_valid()``)."""
        values: dict[str, Any] = {}
        for spec in self.specs:
            if spec.type != "rows":
                values[spec.name] = to_stored(spec, self.form.cleaned_data.get(spec.name))
                continue
            formset = self.formsets[spec.name]
            removed = formset.deleted_forms
            rows = [
                form.stored()
                for form in formset.forms
                if form not in removed and not form.is_blank()
            ]
            seen: set[str] = set()
            for row in rows:
                # A key sent twice (a forged form) names only the first row.
                if row[ROW_KEY] in seen:
                    row[ROW_KEY] = new_key()
                seen.add(row[ROW_KEY])
            values[spec.name] = rows
        return values
