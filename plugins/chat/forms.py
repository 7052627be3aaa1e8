"""Forms of the chat pages: a group room, a direct conversation, invitations, an
attachment and a thread made into a document."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from hub.core.models import DocumentPage, User
from plugins.chat.models import TITLE_MAX_LENGTH


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        department = f" · {obj.department}" if obj.department_id else ""
        return f"{obj} ({obj.username}){department}"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    label_from_instance = PersonChoiceField.label_from_instance


def _colleagues(user: User):
    return (
        User.objects.filter(is_active=True)
        .exclude(pk=user.pk)
        .select_related("department")
        .order_by("username")
    )


class DirectForm(forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _colleagues(user)


class GroupRoomForm(forms.Form):
    title = forms.CharField(label=_("Name"), max_length=TITLE_MAX_LENGTH)
    people = PeopleChoiceField(label=_("People"), queryset=User.objects.none())

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _colleagues(user)

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the room a name."))
        return title


class InviteForm(forms.Form):
    people = PeopleChoiceField(label=_("Invite"), queryset=User.objects.none())

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _colleagues(user)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    caption = forms.CharField(label=_("Caption"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.HUB_MAX_ATTACHMENT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (at most %(limit)s).") % {"limit": filesizeformat(limit)},
                code="too_large",
            )
        return upload


class ThreadDocumentForm(forms.Form):
    first = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    last = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Document title"), max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (DocumentPage.Status.PUBLISHED, DocumentPage.Status.PUBLISHED.label),
            (DocumentPage.Status.DRAFT, DocumentPage.Status.DRAFT.label),
        ],
        initial=DocumentPage.Status.PUBLISHED,
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and first > last:
            cleaned["first"], cleaned["last"] = last, first
        return cleaned
