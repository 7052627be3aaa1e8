"""The upload page: space editors import .docx files in the browser and see the report."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from hub.core.models import SpacePage
from hub.core.permissions import can
from plugins.wordimport.forms import UploadForm
from plugins.wordimport.importers import Source, import_sources
from plugins.wordimport.mapping import Mapping
from plugins.wordimport.report import write_report_page


@login_required
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    space = get_object_or_404(SpacePage, pk=pk)
    if not can(request.user, "view", space):
        raise Http404
    if not can(request.user, "edit", space):
        return render(
            request, "wordimport/upload.html", {"space": space, "denied": True}, status=403
        )
    form = UploadForm(request.POST or None, request.FILES or None)
    report = page = None
    if request.method == "POST" and form.is_valid():
        sources = [
            Source(PurePath(upload.name).name, space, upload.read)
            for upload in form.cleaned_data["files"]
        ]
        report = import_sources(sources, request.user, Mapping())
        page = write_report_page(report, space, request.user)
    return render(
        request,
        "wordimport/upload.html",
        {"space": space, "form": form, "report": report, "report_page": page},
    )
