"""Forms of the feedback box: sending, triage, the inbox filter and the summary month.

Choice fields only accept the listed values, so a forged category, status or department
is a form error and nothing is saved.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hub.core.models import Department
from hub.core.months import parse_month
from plugins.feedback.models import BODY_MAX_LENGTH, Feedback, Status


def markdown_field(label: str, required: bool = True) -> forms.CharField:
    """A Markdown text area limited to BODY_MAX_LENGTH characters."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=BODY_MAX_LENGTH,
        help_text=format_lazy(_("Markdown; at most {limit} characters."), limit=BODY_MAX_LENGTH),
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class FeedbackForm(forms.ModelForm):
    body = markdown_field(_("Message"))

    class Meta:
        model = Feedback
        fields = ["category", "department", "subject", "body", "anonymous"]
        labels = {
            "category": _("Category"),
            "department": _("To department"),
            "subject": _("Subject"),
            "anonymous": _("Send anonymously"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("code")


class TriageForm(forms.Form):
    """Change the status and/or reply; at least one of the two."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    reply = markdown_field(_("Reply"), required=False)

    def __init__(self, *args, feedback: Feedback, **kwargs) -> None:
        kwargs.setdefault("initial", {"status": feedback.status})
        super().__init__(*args, **kwargs)
        self.feedback = feedback

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") == self.feedback.status and not data.get("reply"):
            raise forms.ValidationError(_("Change the status or write a reply."))
        return data


class DepartmentScopeForm(forms.Form):
    """A GET form limited to the departments the user may triage."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All my departments"),
    )

    def __init__(self, *args, departments: QuerySet[Department], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments.order_by("code")

    def scope(self, departments: QuerySet[Department]) -> QuerySet[Department]:
        """The chosen department, else all of ``departments`` (call after is_valid())."""
        chosen = self.cleaned_data.get("department")
        return departments.filter(pk=chosen.pk) if chosen else departments


class InboxFilterForm(DepartmentScopeForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False
    )


class SummaryForm(DepartmentScopeForm):
    month = forms.CharField(
        label=_("Month"),
        help_text=_("YYYY-MM"),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
    )

    field_order = ["month", "department"]

    def clean_month(self) -> date:
        try:
            return parse_month(self.cleaned_data["month"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
