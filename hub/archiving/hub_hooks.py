"""Archiving's hook implementations: its page, the archive/restore buttons on spaces and
documents, and its kind of notification."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub import hookimpl
from hub.items import Action, Fragment, NotificationKind


@hookimpl
def hub_register_urls() -> list:
    return [path("archive/", include("hub.archiving.urls"))]


@hookimpl
def hub_register_notification_kinds() -> list[NotificationKind]:
    return [NotificationKind("archiving", gettext_lazy("Proposals to archive"), order=80)]


@hookimpl
def hub_register_document_actions(request, document) -> list[Action]:
    from hub.core.models import DocumentPage
    from hub.core.permissions import can

    space = document.space
    if (space and space.archived_at) or not can(request.user, "admin", document):
        return []
    if document.status == DocumentPage.Status.ARCHIVED:
        url = reverse("archiving:document", args=[document.pk, "restore"])
        return [Action("restore", _("Restore"), url, "post", order=90)]
    url = reverse("archiving:document", args=[document.pk, "archive"])
    return [Action("archive", _("Archive"), url, "post", order=90)]


@hookimpl
def hub_register_template_fragments(slot, request, context) -> list[Fragment]:
    from hub.core.permissions import can

    space = context.get("space")
    if slot != "space_sidebar" or space is None:
        return []
    may_admin = can(request.user, "admin", space)
    if not (may_admin or space.archived_at):
        return []
    context = {"space": space, "may_admin": may_admin}
    return [Fragment(render_to_string("archiving/space_box.html", context, request=request))]
