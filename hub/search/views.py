"""The search page (``/search/``) and its JSON twin (``/search/api/``), same parameters.

Both validate every parameter with one form (a bad value is a clear 400, never a 500),
search only what the user may see (``hub.search.types``), and record queries that found
nothing for the monthly report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Page, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.core.models import Department, User
from hub.core.permissions import visible_spaces
from hub.items import SearchType
from hub.search.analysis import normalize
from hub.search.models import ZeroResultQuery
from hub.search.snippets import QueryTerms, highlight, snippet
from hub.search.types import Filters, parse_query, run_search, search_types, suggest

PER_PAGE = 20
SUGGESTIONS = 8
MAX_SUGGEST_LENGTH = 100
MAX_PAGE = 100
RELEVANCE, NEWEST = "relevance", "date"
FILTER_NAMES = ("type", "space", "department", "author", "date_from", "date_to", "archived")
FILTER_FIELDS = ("space", "department", "author", "date_from", "date_to", "sort", "archived")


class SearchForm(forms.Form):
    """The query and its filters; choices are limited to what the user may see."""

    q = forms.CharField(label=gettext_lazy("Search"), max_length=200, required=False)
    type = forms.MultipleChoiceField(
        label=gettext_lazy("Type"), required=False, widget=forms.CheckboxSelectMultiple
    )
    space = forms.ModelChoiceField(
        label=gettext_lazy("Space"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("All spaces"),
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=gettext_lazy("All departments"),
    )
    author = forms.ModelChoiceField(
        label=gettext_lazy("Author"),
        queryset=User.objects.order_by("name", "username"),
        required=False,
        empty_label=gettext_lazy("Anyone"),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        choices=[(RELEVANCE, gettext_lazy("Relevance")), (NEWEST, gettext_lazy("Newest first"))],
        required=False,
    )
    archived = forms.BooleanField(label=gettext_lazy("Include archived"), required=False)
    page = forms.IntegerField(
        label=gettext_lazy("Page"), min_value=1, max_value=MAX_PAGE, required=False
    )

    def __init__(self, data: Any, user: User) -> None:
        super().__init__(data)
        self.fields["type"].choices = [(t.name, t.label) for t in search_types().values()]
        # A space the user may not see is refused like one that does not exist.
        self.fields["space"].queryset = visible_spaces(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            space=data["space"],
            department=data["department"],
            author=data["author"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            types=data["type"],
            include_archived=data["archived"],
        )


@dataclass
class Search:
    """The outcome of one search request, shared by the page and the API."""

    form: SearchForm
    query: str = ""
    page: Page | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    type_counts: list[tuple[SearchType, int]] = field(default_factory=list)
    space_counts: list[tuple[Any, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # True when the index could not be read and the database answered instead.
    degraded: bool = False

    @property
    def count(self) -> int:
        return self.page.paginator.count if self.page else 0


def _result(hit, terms: QueryTerms) -> dict[str, Any]:
    shown = hit.search_type.describe(hit.obj)
    return {
        "type": hit.search_type.name,
        "type_label": hit.search_type.label,
        "title": shown.title,
        "title_html": highlight(shown.title, terms),
        "url": shown.url,
        "snippet_html": snippet(shown.text, terms),
        "space": shown.space,
        "department": shown.department,
        "author": shown.author,
        "date": shown.date,
        "score": round(hit.relevance, 4) if hit.relevance is not None else None,
    }


def _record_zero_result(request: HttpRequest, query: str, form: SearchForm) -> None:
    """Keep the query for the monthly report: its text and department, not who asked."""
    filters = {
        name: str(getattr(value, "pk", value))
        for name in FILTER_NAMES
        if (value := form.cleaned_data.get(name)) not in (None, "", [], False)
    }
    if form.cleaned_data["type"]:
        filters["type"] = ",".join(form.cleaned_data["type"])
    ZeroResultQuery.objects.create(
        query=query,
        normalized=normalize(query),
        department_id=request.user.department_id,
        filters=filters,
    )


def _search(request: HttpRequest, with_facets: bool) -> Search:
    form = SearchForm(request.GET, request.user)
    search = Search(form)
    if not form.is_valid():
        search.errors = [
            f"{form.fields[name].label}: {error}" if name in form.fields else error
            for name, errors in form.errors.items()
            for error in errors
        ]
        return search
    query = parse_query(form.cleaned_data["q"])
    if query is None:
        return search
    search.query = form.cleaned_data["q"]
    by_date = form.cleaned_data["sort"] == NEWEST
    merged = run_search(request.user, query, form.filters(), by_date)
    search.type_counts = [(part.search_type, part.count) for part in merged.parts if part.count]
    number = form.cleaned_data["page"] or 1
    try:
        search.page = Paginator(merged, PER_PAGE).page(number)
    except EmptyPage:
        search.errors = [_("There is no page %(page)d of these results.") % {"page": number}]
        return search
    terms = QueryTerms.of(search.query)
    search.results = [_result(hit, terms) for hit in search.page.object_list]
    search.degraded = any(getattr(part.results, "degraded", False) for part in merged.parts)
    if search.count == 0 and number == 1:
        _record_zero_result(request, search.query, form)
    if with_facets and search.count:
        spaces = {space.pk: space for space in form.fields["space"].queryset}
        search.space_counts = [
            (spaces[pk], count) for pk, count in merged.space_counts().items() if pk in spaces
        ]
    return search


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    search = _search(request, with_facets=True)
    return render(
        request,
        "search/search.html",
        {
            "search": search,
            "form": search.form,
            "filter_fields": [search.form[name] for name in FILTER_FIELDS],
        },
        status=400 if search.errors else 200,
    )


def search_api(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"errors": [_("Log in to search.")]}, status=401)
    search = _search(request, with_facets=False)
    if search.errors:
        return JsonResponse({"errors": search.errors}, status=400)
    if not search.query:
        return JsonResponse({"errors": [_("Enter something to search for.")]}, status=400)
    fields = ("type", "title", "url", "snippet_html", "space", "author", "date", "score")
    results = [{name: result[name] for name in fields} for result in search.results]
    for result in results:
        result["snippet_html"] = str(result["snippet_html"])
        result["date"] = timezone.localtime(result["date"]).isoformat() if result["date"] else None
    return JsonResponse(
        {
            "query": search.query,
            "count": search.count,
            "page": search.page.number,
            "pages": search.page.paginator.num_pages,
            "degraded": search.degraded,
            "results": results,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def search_suggest(request: HttpRequest) -> JsonResponse:
    """Titles starting with what is typed in the search box (``?q=``), as JSON."""
    if not request.user.is_authenticated:
        return JsonResponse({"errors": [_("Log in to search.")]}, status=401)
    text = request.GET.get("q", "").strip()
    if len(text) > MAX_SUGGEST_LENGTH:
        message = _("Type at most %(limit)d characters.") % {"limit": MAX_SUGGEST_LENGTH}
        return JsonResponse({"errors": [message]}, status=400)
    found = suggest(request.user, text, SUGGESTIONS) if text else []
    suggestions = [
        {
            "type": search_type.name,
            "label": str(search_type.label),
            "title": hit.title,
            "url": hit.url,
            "space": hit.space,
        }
        for search_type, hit in found
    ]
    return JsonResponse(
        {"query": text, "suggestions": suggestions}, json_dumps_params={"ensure_ascii": False}
    )
