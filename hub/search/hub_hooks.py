"""Search's hook implementations: its pages, stylesheet and suggestions script, and the
document search type."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html

from hub import hookimpl
from hub.items import Fragment, SearchType


@hookimpl
def hub_register_urls() -> list:
    return [path("search/", include("hub.search.urls"))]


@hookimpl
def hub_register_search_types() -> list[SearchType]:
    from hub.search.types import document_search_type

    return [document_search_type()]


@hookimpl
def hub_register_template_fragments(slot: str, request, context) -> list[Fragment]:
    if slot != "head":
        return []
    return [
        Fragment(format_html('<link rel="stylesheet" href="{}">', static("search/search.css"))),
        Fragment(format_html('<script defer src="{}"></script>', static("search/suggest.js"))),
    ]
