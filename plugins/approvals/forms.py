"""Forms of the approval pages: an approver's decision, a comment, a withdrawal, the
figures' date range, and the Wagtail admin form of a flow (which checks its steps)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from plugins.approvals.fields import field_specs
from plugins.approvals.models import Action
from plugins.approvals.rules import step_errors

COMMENT_MAX_LENGTH = 2000


class DecisionForm(forms.Form):
    """Approve, reject or return one step; the step's id and nonce come from the page."""

    step_run = forms.IntegerField(widget=forms.HiddenInput)
    nonce = forms.CharField(max_length=32, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[
            (Action.APPROVE, gettext_lazy("Approve")),
            (Action.REJECT, gettext_lazy("Reject")),
            (Action.RETURN, gettext_lazy("Return for changes")),
        ]
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when you reject or return the request."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") in (Action.REJECT, Action.RETURN)
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error("comment", _("Say why, so that the requester knows what to do."))
        return cleaned


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=COMMENT_MAX_LENGTH
    )


class FiguresForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput({"type": "date"}))

    @staticmethod
    def default_range() -> dict:
        today = timezone.localdate()
        return {"start": today - timedelta(days=30), "end": today}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start is after the end."))
        return cleaned


class FlowAdminForm(WagtailAdminModelForm):
    """The flow's form with its steps inline: each step is checked against the form fields."""

    def clean(self):
        cleaned = super().clean()
        steps = self.formsets.get("steps")
        fields = cleaned.get("form_fields")
        if steps is None or fields is None or not steps.is_valid():
            return cleaned
        specs = field_specs(fields)
        kept = [
            form
            for form in steps.forms
            if not steps._should_delete_form(form) and (form.has_changed() or form.instance.pk)
        ]
        if not kept:
            raise forms.ValidationError(_("A flow needs at least one step."))
        for form in kept:
            step = form.instance
            for field, message in step_errors(step, specs).items():
                form.add_error(field, message)
        return cleaned
