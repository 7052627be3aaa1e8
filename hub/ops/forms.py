"""The audit page's filter form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hub.ops.auditlog import AuditFilters, action_choices, object_type_choices


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=_("Person (username)"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    object_type = forms.TypedChoiceField(
        label=_("Object type"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["action"].choices = everything + action_choices()
        self.fields["object_type"].choices = everything + object_type_choices()

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise ValidationError(_("The start date is after the end date."))
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters of a valid form."""
        data = self.cleaned_data
        return AuditFilters(
            person=data["person"].strip(),
            action=data["action"],
            start=data["start"],
            end=data["end"],
            object_type=data["object_type"],
        )
