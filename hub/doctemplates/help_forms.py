"""The form answering a help request: a short Markdown reply and an optional link to a
document or another page of the hub (a task…).

A link is an address on this site, relative (``/tasks/12/``) or absolute with this site's
host. A document's address is stored as the document itself (it keeps working when the
document moves) and must be one the person answering may open; any other address must be
a page of the hub. Addresses elsewhere are refused: the reply's text can hold those.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.core.documents import document_at
from hub.core.models import DocumentPage, User
from hub.core.permissions import can
from hub.doctemplates.models import MAX_REPLY

WAGTAIL_SERVE = "wagtail_serve"


def _local_hosts(request_host: str) -> set[str]:
    hosts = {host.lower() for host in settings.ALLOWED_HOSTS if host != "*"}
    hosts.add((urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "").lower())
    hosts.add(request_host.split(":")[0].lower())
    return hosts - {""}


def resolve_link(address: str, user: User, request_host: str) -> tuple[DocumentPage | None, str]:
    """(document, "") for a document's address, (None, path) for another page of the hub;
    ValidationError for anything else."""
    unknown = ValidationError(
        _("No document or page of the hub that you may open has this address."), code="unknown"
    )
    parts = urlsplit(address.strip())
    path = unquote(parts.path or "/")
    elsewhere = (parts.scheme or parts.netloc) and (
        parts.scheme not in ("http", "https")
        or (parts.hostname or "").lower() not in _local_hosts(request_host)
    )
    if elsewhere or not path.startswith("/") or path.startswith("//"):
        raise ValidationError(
            _("Link to a document or task of this hub (an address starting with /)."),
            code="elsewhere",
        )
    document = document_at(path)
    if document is not None:
        # One answer for a missing document and a hidden one: existence is not revealed.
        if not can(user, "view", document):
            raise unknown
        return document, ""
    try:
        match = resolve(path)
    except Resolver404:
        raise unknown from None
    if match.url_name == WAGTAIL_SERVE:
        raise unknown
    return None, urlunsplit(("", "", parts.path, parts.query, parts.fragment))


class AnswerForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("Reply"),
        max_length=MAX_REPLY,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Markdown, at most 2000 characters."),
        error_messages={"required": gettext_lazy("Write a reply.")},
    )
    link = forms.CharField(
        label=gettext_lazy("Link (optional)"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("The address of a document or task of the hub that helps."),
    )

    def __init__(self, *args, user: User, request_host: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request_host = user, request_host
        self.linked_document: DocumentPage | None = None
        self.link_path = ""

    def clean_link(self) -> str:
        address = self.cleaned_data["link"]
        if address:
            self.linked_document, self.link_path = resolve_link(
                address, self.user, self.request_host
            )
        return address
