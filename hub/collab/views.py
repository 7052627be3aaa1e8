"""The live co-editor page: CodeMirror bound to the document's shared text over a websocket.

The page carries everything the bundle (``static/collab/editor.js``, built from
``frontend/``) needs as one JSON script tag: the websocket URL and room, the user's name
and colour for the others' view of their cursor, whether the user may only read, and
every UI string, translated here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from hub.core.models import User
from hub.core.permissions import can
from hub.core.views import document_or_404

# Where hub.collab.routing serves the y-websocket protocol; the room (document id) follows.
WEBSOCKET_PATH = "/ws/docs"

# Distinct on a white page and readable under white caret labels.
CURSOR_COLOURS = (
    "#1456f0",
    "#d83931",
    "#2ea121",
    "#de7802",
    "#7f3bf5",
    "#0d9488",
    "#c026d3",
    "#8a5a00",
    "#0284c7",
    "#be123c",
    "#4d7c0f",
    "#6b21a8",
)


def user_colour(user: User) -> str:
    """A colour that stays the same for a person across sessions and documents."""
    return CURSOR_COLOURS[user.pk % len(CURSOR_COLOURS)]


def websocket_url(request: HttpRequest) -> str:
    """The co-editing websocket's address on the host the page was served from."""
    scheme = "wss" if request.is_secure() else "ws"
    return f"{scheme}://{request.get_host()}{WEBSOCKET_PATH}"


def editor_strings() -> dict:
    """The bundle's UI strings in the request's language (status keys: see editor.js)."""
    return {
        "connecting": _("Connecting…"),
        "saving": _("Saving…"),
        "saved": _("All changes saved"),
        "offline": _("Offline — will sync"),
        "you": _("(you)"),
        "editorLabel": _("Document text (Markdown)"),
        "closed": {
            "4400": _("The connection was closed: the server could not read a message."),
            "4401": _("Your session has ended. Log in again to keep editing."),
            "4403": _("You no longer have access to this document."),
            "4404": _("This document no longer exists."),
            "4413": _("A change was too large to send."),
            "default": _("The connection was closed."),
        },
    }


@login_required
def live_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a document together with others; read-only for people who may only view it."""
    document = document_or_404(request, pk)
    read_only = not can(request.user, "edit", document)
    config = {
        "wsUrl": websocket_url(request),
        "room": str(document.pk),
        "readOnly": read_only,
        "user": {
            "name": request.user.get_full_name() or request.user.get_username(),
            "color": user_colour(request.user),
        },
        "strings": editor_strings(),
    }
    return render(
        request,
        "collab/editor.html",
        {"document": document, "config": config, "read_only": read_only},
    )
