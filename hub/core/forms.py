"""Forms of the employee pages: documents, attachments, project spaces and members."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hub.core.models import Department, DocumentPage, SpaceMembership, SpacePage, User


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    body = forms.CharField(
        label=_("Content (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=DocumentPage.Status.choices)
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("A title is required."))
        return title

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data["tags"].replace("，", ",")
        tags = [tag.strip() for tag in raw.split(",") if tag.strip()]
        too_long = [tag for tag in tags if len(tag) > 100]
        if too_long:
            raise forms.ValidationError(_("A tag can be at most 100 characters long."))
        return tags


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.HUB_MAX_ATTACHMENT_BYTES:
            limit = settings.HUB_MAX_ATTACHMENT_BYTES // (1024 * 1024)
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": limit}
            )
        if not upload.name or len(upload.name) > 255:
            raise forms.ValidationError(_("The file needs a name of at most 255 characters."))
        return upload


class SpaceForm(forms.ModelForm):
    class Meta:
        model = SpacePage
        fields = ["title", "slug", "description", "visibility"]
        labels = {"title": _("Name"), "slug": _("Address (slug)")}
        help_texts = {
            "title": _("Shown in lists and at the top of the space's pages."),
            "slug": _("The last part of the space's web address, e.g. launch-2026."),
        }


class MembershipForm(forms.Form):
    """Add a person or a department to a space with a role."""

    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.filter(is_active=True), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=SpaceMembership.Role.choices)

    def clean(self):
        data = super().clean()
        if bool(data.get("user")) == bool(data.get("department")):
            raise forms.ValidationError(_("Choose either a person or a department."))
        return data
