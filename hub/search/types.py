"""The search-type registry and the search over every type a user may search.

Types come from the ``hub_register_search_types`` hook (the core's documents are
registered by ``hub.search.hub_hooks`` like any plugin's). Each type is searched through
Wagtail's search API on the query its ``visible(user)`` returns, so permission filtering
happens inside the search backend, before counting; the hits of all types are then merged
by relevance or date, page by page.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Phrase, PlainText, SearchQuery

from hub import plugins
from hub.core.markdown import html_text, render_markdown
from hub.core.models import Department, DocumentPage, SpacePage, User
from hub.core.permissions import visible_documents
from hub.items import SearchHit, SearchType

# Curly and corner quotes, as Chinese keyboards type them, mark phrases too.
QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "＂": '"'})


@dataclass
class SearchSubtype(SearchType):
    """A narrower kind of the type named ``parent`` (meeting minutes among documents).

    It is offered as a filter and searched only when chosen without its parent, so no hit
    shows twice.
    """

    parent: str = ""


def search_types() -> dict[str, SearchType]:
    """The registered search types by name, in their ``order``."""
    return {
        search_type.name: search_type
        for search_type in plugins.collect("hub_register_search_types")
    }


def parse_query(text: str) -> SearchQuery | None:
    """All words must match; a quoted part is a phrase. None for a query of only quotes."""
    parts = text.translate(QUOTES).split('"')
    terms: list[SearchQuery] = []
    for index, part in enumerate(parts):
        part = part.strip()
        if part:
            # Odd parts sit between quotes (an unclosed quote runs to the end).
            terms.append(Phrase(part) if index % 2 else PlainText(part, operator="and"))
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else And(terms)


def department_and_below(department: Department) -> list[int]:
    """The department's id and those of all its sub-departments."""
    parents = dict(Department.objects.values_list("pk", "parent_id"))
    below = []
    for pk in parents:
        node, seen = pk, set()
        while node is not None and node not in seen:
            if node == department.pk:
                below.append(pk)
                break
            seen.add(node)
            node = parents.get(node)
    return below


@dataclass
class Filters:
    """The validated filters of one search (None: not filtered)."""

    space: SpacePage | None = None
    department: Department | None = None
    author: User | None = None
    date_from: date | None = None
    date_to: date | None = None
    types: list[str] = field(default_factory=list)
    include_archived: bool = False

    def apply(self, search_type: SearchType, queryset: QuerySet) -> QuerySet | None:
        """``queryset`` narrowed by the filters, or None if a filter does not apply to the type."""
        lookups: dict[str, Any] = {} if self.include_archived else dict(search_type.current)
        if self.space is not None:
            if not search_type.space_field:
                return None
            lookups[f"{search_type.space_field}__in"] = [self.space.pk]
        if self.department is not None:
            departments = department_and_below(self.department)
            if search_type.department_field:
                lookups[f"{search_type.department_field}__in"] = departments
            elif search_type.space_field:
                spaces = SpacePage.objects.filter(department__in=departments)
                lookups[f"{search_type.space_field}__in"] = list(
                    spaces.values_list("pk", flat=True)
                )
            else:
                return None
        if self.author is not None:
            if not search_type.author_field:
                return None
            lookups[f"{search_type.author_field}__in"] = [self.author.pk]
        if self.date_from or self.date_to:
            if not search_type.date_field:
                return None
            zone = timezone.get_current_timezone()
            if self.date_from:
                since = datetime.combine(self.date_from, time.min, zone)
                lookups[f"{search_type.date_field}__gte"] = since
            if self.date_to:
                until = datetime.combine(self.date_to + timedelta(days=1), time.min, zone)
                lookups[f"{search_type.date_field}__lt"] = until
        return queryset.filter(**lookups)


@dataclass
class Hit:
    """One merged result: the object, its type and its relevance (1.0 is the type's best)."""

    search_type: SearchType
    obj: Any
    relevance: float | None
    date: datetime | None


class TypeResults:
    """One type's search results, fetched from the start as far as the page needs."""

    def __init__(self, search_type: SearchType, results, by_date: bool) -> None:
        self.search_type = search_type
        self.results = results
        self.by_date = by_date
        self.count = results.count()

    def space_counts(self) -> dict[int, int]:
        """Hits per space id (the space facet), for types that live in spaces."""
        if not self.search_type.space_field:
            return {}
        model = self.search_type.model
        return dict(self.results.facet(model._meta.get_field(self.search_type.space_field).attname))

    def first(self, stop: int) -> list[Hit]:
        hits = list(self.results[:stop])
        # Backends score on different scales and signs (SQLite's bm25 is negative, lower
        # is better); relative to the best hit of its type a score reads the same anywhere.
        best = getattr(hits[0], "_score", None) if hits and not self.by_date else None
        date_field = self.search_type.date_field
        return [
            Hit(
                self.search_type,
                hit,
                (hit._score / best if best else 1.0) if best is not None else None,
                getattr(hit, date_field) if date_field else None,
            )
            for hit in hits
        ]


class MergedResults:
    """The hits of several types as one sequence Django's Paginator can page through."""

    def __init__(self, parts: list[TypeResults], by_date: bool) -> None:
        self.parts = parts
        self.by_date = by_date

    def count(self) -> int:
        return sum(part.count for part in self.parts)

    def space_counts(self) -> dict[int, int]:
        """Hits per space id over all types."""
        counts: dict[int, int] = {}
        for part in self.parts:
            for space_id, count in part.space_counts().items():
                counts[space_id] = counts.get(space_id, 0) + count
        return counts

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Hit]:
        stop = window.stop if window.stop is not None else self.count()
        minimum = datetime.min.replace(tzinfo=UTC)
        if self.by_date:
            key = lambda hit: hit.date or minimum  # noqa: E731
        else:
            key = lambda hit: hit.relevance or 0.0  # noqa: E731
        # Each part is already sorted, best first: a k-way merge keeps the ties' order.
        merged = heapq.merge(*(part.first(stop) for part in self.parts), key=key, reverse=True)
        return list(merged)[window]


def run_search(user: User, query: SearchQuery, filters: Filters, by_date: bool) -> MergedResults:
    """Search every type ``user`` may search (all, or ``filters.types``) for ``query``.

    Each part of the result counts its type's hits (the type facet) on what ``user`` may see.
    """
    parts = []
    backend = get_search_backend()
    for name, search_type in search_types().items():
        if filters.types and name not in filters.types:
            continue
        if isinstance(search_type, SearchSubtype) and (
            not filters.types or search_type.parent in filters.types
        ):
            continue
        queryset = filters.apply(search_type, search_type.visible(user))
        if queryset is None:
            continue
        if by_date and search_type.date_field:
            queryset = queryset.order_by(f"-{search_type.date_field}")
        # The backend's own search(): plugin models need no searchable QuerySet class.
        results = backend.search(query, queryset, order_by_relevance=not by_date)
        if not by_date:
            results = results.annotate_score("_score")
        parts.append(TypeResults(search_type, results, by_date))
    return MergedResults(parts, by_date)


def suggest(user: User, text: str, limit: int) -> list[tuple[SearchType, SearchHit]]:
    """Titles starting with what ``user`` typed, from every type with an autocomplete
    field, each type's in turn up to ``limit`` in all; only what ``user`` may see."""
    backend = get_search_backend()
    found: list[tuple[SearchType, SearchHit]] = []
    for search_type in search_types().values():
        if (
            len(found) >= limit
            or isinstance(search_type, SearchSubtype)
            or not search_type.model.get_autocomplete_search_fields()
        ):
            continue
        current = search_type.visible(user).filter(**search_type.current)
        results = backend.autocomplete(text, current)
        found.extend(
            (search_type, search_type.describe(obj)) for obj in results[: limit - len(found)]
        )
    return found


def _document_text(document: DocumentPage) -> str:
    """The document as plain text: its template fields, then the body rendered (no
    Markdown syntax), tags removed, unescaped."""
    body = html_text(render_markdown(document.body))
    return "\n".join(part for part in (document.fields_text(), body) if part)


def _describe_document(document: DocumentPage) -> SearchHit:
    space = document.space
    return SearchHit(
        title=document.title,
        url=document.url or "",
        text=_document_text(document),
        space=space.title if space else "",
        department=str(space.department) if space and space.department else "",
        author=str(document.owner) if document.owner else "",
        date=document.latest_revision_created_at,
    )


def _visible_documents(user: User) -> QuerySet[DocumentPage]:
    # The template too: a hit's text includes its field values (DocumentPage.fields_text).
    return visible_documents(user).select_related("space__department", "owner", "template")


def document_search_type() -> SearchType:
    """The core's documents, as the search page's first type."""
    return SearchType(
        name="document",
        label=gettext_lazy("Documents"),
        model=DocumentPage,
        visible=_visible_documents,
        describe=_describe_document,
        space_field="space",
        author_field="owner",
        date_field="latest_revision_created_at",
        current={
            "status__in": [
                s for s in DocumentPage.Status.values if s != DocumentPage.Status.ARCHIVED
            ]
        },
        order=10,
    )
