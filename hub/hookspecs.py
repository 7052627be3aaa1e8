"""The whole plugin API: every ``hub_*`` hook, one docstring each.

Vocabulary (after Wagtail): ``hub_register_<things>`` returns a list of items (see
``hub.items``); ``hub_construct_<thing>`` edits a list in place; ``hub_<noun>_<past
participle>`` is an event that already happened (fired after the transaction commits,
return value ignored); ``firstresult`` only for decisions. Core features implement these
hooks in their own ``hub_hooks.py`` exactly like plugins do. Call hooks only through
``hub.plugins.collect``/``notify``/``decide``, which isolate a failing plugin.

This module must not import Django models: settings import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from datetime import date

    from django.http import HttpRequest
    from django.urls import URLPattern, URLResolver
    from wagtail.models import Revision

    from hub.core.models import DocumentPage, SpacePage, User
    from hub.dashboards.scope import Scope
    from hub.items import (
        Action,
        ArchiveType,
        Fragment,
        NavItem,
        NotificationChannel,
        NotificationKind,
        Points,
        ReportSection,
        SearchType,
        Subcommand,
        Widget,
    )

hookspec = pluggy.HookspecMarker("hub")
hookimpl = pluggy.HookimplMarker("hub")


@hookspec
def hub_register_nav_items(request: HttpRequest) -> list[NavItem]:
    """Add links to the header navigation for this request's user."""


@hookspec
def hub_construct_nav_items(request: HttpRequest, items: list[NavItem]) -> None:
    """Edit the collected navigation items in place (remove, rename, reorder)."""


@hookspec
def hub_register_home_widgets(request: HttpRequest) -> list[Widget]:
    """Add widgets to the home dashboard; return none for users who may not see them."""


@hookspec
def hub_register_dashboard_widgets(request: HttpRequest, scope: Scope) -> list[Widget]:
    """Add panels to the dashboard, with figures for the departments and dates of ``scope``."""


@hookspec
def hub_register_collaboration_points(since: date, until: date) -> list[Points]:
    """Award points towards the monthly collaboration stars for what people did in a period."""


@hookspec
def hub_register_monthly_report_sections(month: date) -> list[ReportSection]:
    """Add sections to the monthly operations report of ``month`` (its first day)."""


@hookspec
def hub_register_document_actions(request: HttpRequest, document: DocumentPage) -> list[Action]:
    """Add buttons to a document page; the user can already view ``document``."""


@hookspec
def hub_register_template_fragments(
    slot: str, request: HttpRequest, context: dict[str, Any]
) -> list[Fragment]:
    """Insert HTML into a named slot of the page templates (``{% hub_slot "name" %}``).

    Slots: ``head``, ``body_end``, ``home_sidebar``, ``space_sidebar``,
    ``document_sidebar``, ``document_fields``, ``document_footer``.
    """


@hookspec
def hub_register_urls() -> list[URLPattern | URLResolver]:
    """Add URL patterns, mounted at the site root; prefix them with the plugin's name."""


@hookspec
def hub_register_websocket_routes() -> list[URLPattern]:
    """Add websocket routes (Channels consumers), behind session auth and an origin check."""


@hookspec
def hub_register_notification_kinds() -> list[NotificationKind]:
    """Add kinds of notification that people can choose channels for."""


@hookspec
def hub_register_notification_channels() -> list[NotificationChannel]:
    """Add ways notifications reach people besides the notification centre (core: email)."""


@hookspec
def hub_register_importers() -> list[Subcommand]:
    """Add ``hub import <name>`` subcommands (the core adds ``org``)."""


@hookspec
def hub_register_reports() -> list[Subcommand]:
    """Add ``hub report <name>`` subcommands."""


@hookspec
def hub_register_search_types() -> list[SearchType]:
    """Add a kind of content to the search page, searchable only by those who may see it."""


@hookspec
def hub_register_archive_types() -> list[ArchiveType]:
    """Add kinds of things that archiving proposes when idle, archives and restores.

    Spaces and documents are the core's own; a type's items are proposed, notified and
    decided with them (``hub archive propose``, ``/archive/``), by their owners only.
    """


@hookspec(firstresult=True)
def hub_permission_check(user: User, action: str, obj: Any) -> bool | None:
    """Decide whether ``user`` may do ``action`` ("view", "edit", "admin") on ``obj``.

    Return True or False to decide, None to leave it to the next plugin; the core rules
    answer last. Listings apply the core rules in the query and then drop objects a
    plugin denies, so a plugin can hide objects everywhere but grants show only on
    direct access.
    """


@hookspec
def hub_document_saved(
    document: DocumentPage, revision: Revision, user: User | None, created: bool
) -> None:
    """A document was saved as a new revision (``created`` on its first revision)."""


@hookspec
def hub_document_published(document: DocumentPage, revision: Revision, user: User | None) -> None:
    """A document's status changed to published."""


@hookspec
def hub_space_created(space: SpacePage) -> None:
    """A space was created (by the org import, a user or the admin)."""


@hookspec
def hub_demo_loaded(users: dict[str, User]) -> None:
    """The demo organisation and documents were loaded: add the plugin's own demo content."""


@hookspec
def hub_space_archived(space: SpacePage, user: User | None) -> None:
    """A space was archived: it is read-only and its documents are archived."""


@hookspec
def hub_space_restored(space: SpacePage, user: User | None) -> None:
    """An archived space was restored, with the documents archived along with it."""
