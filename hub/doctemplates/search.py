"""Template kinds as search types: "Meeting minutes" and "Weekly reports" narrow the
search page to documents of that kind (``hub.search.types.SearchSubtype``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hub.doctemplates.models import DocumentTemplate
from hub.search.types import SearchSubtype, document_search_type

LABELS = {
    DocumentTemplate.Kind.MINUTES: _("Meeting minutes"),
    DocumentTemplate.Kind.WEEKLY: _("Weekly reports"),
}


def template_kind_search_types() -> list[SearchSubtype]:
    documents = document_search_type()

    def visible_of(kind: str):
        return lambda user: documents.visible(user).filter(template__kind=kind)

    return [
        SearchSubtype(
            name=str(kind),
            label=label,
            model=documents.model,
            visible=visible_of(kind),
            describe=documents.describe,
            space_field=documents.space_field,
            department_field=documents.department_field,
            author_field=documents.author_field,
            date_field=documents.date_field,
            order=documents.order + 1,
            parent=documents.name,
        )
        for kind, label in LABELS.items()
    ]
