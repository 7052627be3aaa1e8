"""The Word importer's hook implementations: ``hub import docs``, the upload page, its link."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hub import hookimpl
from hub.items import Fragment, Subcommand


@hookimpl
def hub_register_importers() -> list[Subcommand]:
    from plugins.wordimport.command import docs_subcommand

    return [docs_subcommand()]


@hookimpl
def hub_register_urls() -> list:
    return [path("wordimport/", include("plugins.wordimport.urls"))]


@hookimpl
def hub_register_template_fragments(slot: str, request, context) -> list[Fragment]:
    from hub.core.models import SpacePage
    from hub.core.permissions import can

    space = context.get("space")
    if slot != "space_sidebar" or not isinstance(space, SpacePage):
        return []
    if not can(request.user, "edit", space):
        return []
    url = reverse("wordimport:upload", args=[space.pk])
    return [Fragment(format_html('<p><a href="{}">{}</a></p>', url, _("Import Word files")))]
