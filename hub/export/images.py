"""Which image of a document's Markdown may be embedded for a reader.

A Markdown body refers to images by URL, and any document may name any URL, so each
image is looked up as the attachment its URL points to and embedded only if the reader
may view *that attachment* (it may belong to another, hidden document). Other URLs are
never fetched: the server must not be made to request addresses (SSRF).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.urls import Resolver404, resolve

from hub.core.models import Attachment, User
from hub.core.permissions import can

ATTACHMENT_VIEW = "attachment_download"


def viewable_image(src: str, user: User, site_host: str = "") -> Attachment | None:
    """The image attachment ``src`` points to, if ``user`` may view it; else None.

    ``src`` is a path on this site (``/attachments/12/图.png``, percent-encoded or not) or
    an absolute URL whose host is ``site_host``.
    """
    parts = urlsplit(src)
    external = parts.scheme or parts.netloc
    if external and (parts.scheme not in ("http", "https") or parts.netloc != site_host):
        return None
    try:
        match = resolve(unquote(parts.path))
    except Resolver404:
        return None
    if match.url_name != ATTACHMENT_VIEW:
        return None
    attachment = Attachment.objects.select_related("document").filter(pk=match.kwargs["pk"]).first()
    if (
        attachment is None
        or attachment.filename != match.kwargs["filename"]
        or not attachment.is_image
        or not can(user, "view", attachment)
    ):
        return None
    return attachment
