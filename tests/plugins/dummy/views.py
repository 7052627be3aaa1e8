"""The dummy plugin's pages: an index and a per-document page that checks permission."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from hub.core.models import DocumentPage
from hub.core.permissions import can


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_("The dummy plugin is here."), content_type="text/plain; charset=utf-8")


@login_required
def document(request: HttpRequest, pk: int) -> JsonResponse:
    """The document's title, for people who may view it (404 for everyone else)."""
    page = get_object_or_404(DocumentPage, pk=pk)
    if not can(request.user, "view", page):
        raise Http404
    return JsonResponse({"id": page.pk, "title": page.title})
