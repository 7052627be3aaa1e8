"""The chat's hook implementations: everything that connects it to the hub."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hub import hookimpl
from hub.items import ArchiveType, Fragment, NavItem, SearchType
from plugins.chat import archive
from plugins.chat.rooms import room_for_space
from plugins.chat.routing import websocket_urlpatterns
from plugins.chat.search import message_search_type
from plugins.chat.services import unread_total


@hookimpl
def hub_register_urls() -> list:
    return [path("chat/", include("plugins.chat.urls"))]


@hookimpl
def hub_register_websocket_routes() -> list:
    return websocket_urlpatterns


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    count = unread_total(request.user)
    label = _("Chat (%(count)d)") % {"count": count} if count else _("Chat")
    return [NavItem("chat", label, reverse("chat:rooms"), order=35)]


@hookimpl
def hub_register_search_types() -> list[SearchType]:
    return [message_search_type()]


@hookimpl
def hub_space_created(space) -> None:
    room_for_space(space)


@hookimpl
def hub_register_archive_types() -> list[ArchiveType]:
    return [archive.archive_type()]


@hookimpl
def hub_space_archived(space, user) -> None:
    archive.archive_room(room_for_space(space), user)


@hookimpl
def hub_space_restored(space, user) -> None:
    archive.restore_room(room_for_space(space), user)


@hookimpl
def hub_register_template_fragments(slot, request, context) -> list[Fragment]:
    if slot == "head":
        return [Fragment(format_html('<link rel="stylesheet" href="{}">', static("chat/chat.css")))]
    space = context.get("space")
    if slot == "space_sidebar" and space is not None:
        url = reverse("chat:space_room", args=[space.pk])
        return [
            Fragment(
                format_html(
                    '<section class="card"><a class="button" href="{}" data-chat-link>{}</a>'
                    "</section>",
                    url,
                    _("Chat room"),
                )
            )
        ]
    return []


@hookimpl
def hub_demo_loaded(users) -> None:
    from plugins.chat.demo import load

    load(users)
