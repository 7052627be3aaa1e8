"""The upload form: one or many .docx files."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plugins.wordimport.safety import Limits


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files (the pattern of Django's documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".docx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("Word files (.docx)"))

    def clean_files(self) -> list:
        uploads = self.cleaned_data["files"]
        wrong = [upload.name for upload in uploads if not upload.name.lower().endswith(".docx")]
        if wrong:
            raise forms.ValidationError(
                _("Only .docx files can be imported: %(names)s") % {"names": ", ".join(wrong)}
            )
        limit = Limits.configured().max_file_bytes
        large = [upload.name for upload in uploads if upload.size > limit]
        if large:
            raise forms.ValidationError(
                _("Files larger than %(limit)d MB cannot be imported: %(names)s")
                % {"limit": limit >> 20, "names": ", ".join(large)}
            )
        return uploads
