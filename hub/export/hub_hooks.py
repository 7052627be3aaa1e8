"""Export's hook implementations: its URLs and the export buttons on every document."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from hub import hookimpl
from hub.items import Action


@hookimpl
def hub_register_urls() -> list:
    return [path("", include("hub.export.urls"))]


@hookimpl
def hub_register_document_actions(request, document) -> list[Action]:
    # Exporting needs exactly what viewing needs, which the hook already guarantees.
    return [
        Action(
            "export_docx", _("Export to Word"), reverse("export:docx", args=[document.pk]), order=70
        ),
        Action(
            "export_markdown",
            _("Export Markdown"),
            reverse("export:markdown", args=[document.pk]),
            order=71,
        ),
        Action("print", _("Print"), reverse("export:print", args=[document.pk]), order=72),
    ]
