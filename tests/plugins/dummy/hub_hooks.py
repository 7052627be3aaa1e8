"""The dummy plugin's hook implementations: one for every hook in ``hub.hookspecs``.

Each records its call (see ``tests.plugins.dummy.record``) so tests can assert that the
hub really called it, with which arguments, and how often. Helpers are private: this
module holds hook implementations and nothing else.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management import CommandError
from django.urls import include, path, re_path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hub import hookimpl
from hub.items import (
    Action,
    ArchiveType,
    Fragment,
    NavItem,
    NotificationChannel,
    NotificationKind,
    Points,
    ReportSection,
    SearchHit,
    SearchType,
    Subcommand,
    Widget,
)
from hub.plugins import plugin_config
from tests.plugins.dummy import NAME, record


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    record("hub_register_nav_items", user=request.user)
    return [NavItem("dummy", gettext_lazy("Dummy"), reverse("dummy:index"), order=50)]


@hookimpl
def hub_construct_nav_items(request, items: list[NavItem]) -> None:
    record("hub_construct_nav_items", names=[item.name for item in items])
    config = plugin_config(NAME)
    hidden = set(config.get("hide_nav", []))
    labels = config.get("nav_labels", {})
    items[:] = [item for item in items if item.name not in hidden]
    for item in items:
        item.label = labels.get(item.name, item.label)


@hookimpl
def hub_register_home_widgets(request) -> list[Widget]:
    from hub.core.permissions import visible_documents

    record("hub_register_home_widgets", user=request.user)
    count = visible_documents(request.user).count()
    return [
        Widget(
            "dummy",
            gettext_lazy("Dummy widget"),
            "dummy/widget.html",
            {"document_count": count},
            order=50,
        )
    ]


@hookimpl
def hub_register_dashboard_widgets(request, scope) -> list[Widget]:
    record("hub_register_dashboard_widgets", user=request.user, departments=scope.department_ids)
    text = ngettext("%(count)d department", "%(count)d departments", len(scope.departments))
    context = {"text": text % {"count": len(scope.departments)}}
    return [Widget("dummy", _("Dummy panel"), "dummy/panel.html", context, order=5)]


@hookimpl
def hub_register_collaboration_points(since, until) -> list[Points]:
    from hub.core.models import User

    record("hub_register_collaboration_points", since=since, until=until)
    helper = User.objects.filter(username=plugin_config(NAME).get("star")).first()
    return [Points(helper.pk, 7, _("dummy help"))] if helper else []


@hookimpl
def hub_register_monthly_report_sections(month) -> list[ReportSection]:
    record("hub_register_monthly_report_sections", month=month)
    return [ReportSection(_("Dummy figures"), f"Dummy saw {month:%Y-%m}.", order=70)]


@hookimpl
def hub_register_document_actions(request, document) -> list[Action]:
    record("hub_register_document_actions", user=request.user, document=document.pk)
    url = reverse("dummy:document", args=[document.pk])
    return [Action("dummy", gettext_lazy("Dummy action"), url, order=70)]


@hookimpl
def hub_register_template_fragments(slot: str, request, context: dict[str, Any]) -> list[Fragment]:
    record("hub_register_template_fragments", slot=slot)
    # <template> is valid in <head> and <body> alike, so one marker fits every slot.
    return [Fragment(format_html('<template data-dummy-slot="{}"></template>', slot))]


@hookimpl
def hub_register_urls() -> list:
    record("hub_register_urls")
    return [path("dummy/", include("tests.plugins.dummy.urls"))]


@hookimpl
def hub_register_websocket_routes() -> list:
    from tests.plugins.dummy.consumers import EchoConsumer

    record("hub_register_websocket_routes")
    return [re_path(r"^ws/dummy/$", EchoConsumer.as_asgi())]


@hookimpl
def hub_register_archive_types() -> list[ArchiveType]:
    record("hub_register_archive_types")
    # The dummy has nothing that goes idle; tests/test_plugin_hooks.py registers a plugin
    # whose items are proposed, archived and restored.
    return []


@hookimpl
def hub_register_notification_kinds() -> list[NotificationKind]:
    record("hub_register_notification_kinds")
    return [NotificationKind("dummy_news", gettext_lazy("Dummy news"), order=50)]


def _deliver(notifications) -> None:
    record("deliver", texts=[(n.user.username, n.kind, n.text) for n in notifications])


@hookimpl
def hub_register_notification_channels() -> list[NotificationChannel]:
    record("hub_register_notification_channels")
    # Off unless a person ticks it: like a webhook, it is not for everyone.
    return [NotificationChannel("dummy_pager", gettext_lazy("Dummy pager"), _deliver, False)]


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help=gettext_lazy("a UTF-8 text file"))
    parser.add_argument(
        "--dry-run", action="store_true", help=gettext_lazy("read the file, change nothing")
    )


def _import(options: dict[str, Any], stdout) -> None:
    source = Path(options["file"])
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        message = _("Cannot read %(file)s: %(error)s") % {"file": source, "error": error}
        raise CommandError(message) from error
    record("import", file=str(source), lines=len(lines), dry_run=options["dry_run"])
    stdout.write(_("Read %(count)d lines from %(file)s") % {"count": len(lines), "file": source})


@hookimpl
def hub_register_importers() -> list[Subcommand]:
    record("hub_register_importers")
    return [
        Subcommand(
            "dummy", gettext_lazy("Read a text file (dummy importer)."), _import_arguments, _import
        )
    ]


def _month(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m")
    except ValueError as error:
        message = _("expected YYYY-MM, got %(value)r") % {"value": value}
        raise argparse.ArgumentTypeError(message) from error


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", type=_month, required=True, help=gettext_lazy("YYYY-MM"))


def _report(options: dict[str, Any], stdout) -> None:
    from hub.core.models import DocumentPage

    month = options["month"]
    published = DocumentPage.objects.filter(
        first_published_at__year=month.year, first_published_at__month=month.month
    ).count()
    record("report", month=month.strftime("%Y-%m"), published=published)
    message = ngettext(
        "%(month)s: %(count)d document first published",
        "%(month)s: %(count)d documents first published",
        published,
    )
    stdout.write(message % {"month": month.strftime("%Y-%m"), "count": published})


@hookimpl
def hub_register_reports() -> list[Subcommand]:
    record("hub_register_reports")
    return [
        Subcommand(
            "dummy", gettext_lazy("Count documents (dummy report)."), _report_arguments, _report
        )
    ]


def _visible_spaces(user):
    from hub.core.permissions import visible_spaces

    return visible_spaces(user)


def _describe_space(space) -> SearchHit:
    return SearchHit(space.title, space.url or "", space.description)


@hookimpl
def hub_register_search_types() -> list[SearchType]:
    from hub.core.models import SpacePage

    record("hub_register_search_types")
    # Spaces are indexed Wagtail pages already: searchable by whoever may view them.
    return [
        SearchType(
            "dummy_space",
            gettext_lazy("Dummy spaces"),
            SpacePage,
            _visible_spaces,
            _describe_space,
            order=90,
        )
    ]


@hookimpl
def hub_permission_check(user, action: str, obj: Any) -> bool | None:
    from hub.core.models import DocumentPage

    if not isinstance(obj, DocumentPage):
        return None
    record("hub_permission_check", user=user, action=action, document=obj.pk)
    config = plugin_config(NAME)
    if obj.title in config.get("deny_titles", []):
        return False
    if action == "view" and user.is_authenticated and obj.title in config.get("grant_titles", []):
        return True
    return None


@hookimpl
def hub_document_saved(document, revision, user, created: bool) -> None:
    record(
        "hub_document_saved",
        document=document.pk,
        revision=revision.pk,
        user=user,
        created=created,
    )


@hookimpl
def hub_document_published(document, revision, user) -> None:
    record("hub_document_published", document=document.pk, revision=revision.pk, user=user)


@hookimpl
def hub_space_created(space) -> None:
    record("hub_space_created", space=space.pk, title=space.title)


@hookimpl
def hub_space_archived(space, user) -> None:
    record("hub_space_archived", space=space.pk, user=user)


@hookimpl
def hub_space_restored(space, user) -> None:
    record("hub_space_restored", space=space.pk, user=user)


@hookimpl
def hub_demo_loaded(users) -> None:
    record("hub_demo_loaded", usernames=sorted(users))
