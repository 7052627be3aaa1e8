"""Co-editing's hook implementations: its websocket route, the "Edit together" button on
document pages, and a revision saved elsewhere reaching open rooms."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from hub import hookimpl
from hub.items import Action


@hookimpl
def hub_register_websocket_routes() -> list:
    from hub.collab.routing import websocket_urlpatterns

    return websocket_urlpatterns


@hookimpl
def hub_register_document_actions(request, document) -> list[Action]:
    # Viewers may open it too: they watch the live text, read-only.
    url = reverse("collab:live_editor", args=[document.pk])
    return [Action("live", _("Edit together"), url, order=20)]


@hookimpl
def hub_document_saved(document, revision, user, created: bool) -> None:
    """Merge a revision saved through the form (or restored) into the co-editing state and
    send the resulting update to every open room of the document."""
    from hub.collab import rooms, store

    update = store.merge_latest_revision(document.pk)
    if update:
        rooms.publish_update(document.pk, update)
