"""The export pages: the Markdown file, the Word file and the print page of a document.

Each loads the document through ``document_or_404``: exporting needs exactly the view
permission, and a document the reader may not see is a 404 like everywhere else.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from hub.core.markdown import render_markdown
from hub.core.views import document_or_404
from hub.export.docx import WORD_CONTENT_TYPE, build_docx
from hub.export.markdown import export_markdown as markdown_file
from hub.ops.audit import EXPORT, record

# Characters Windows, macOS or a shell would refuse or misread in a file name.
UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def download_name(title: str, extension: str) -> str:
    """A file name for a download from a document title (Chinese kept, separators not)."""
    stem = UNSAFE_FILENAME.sub("_", title).strip(" ._")[:150] or "document"
    return f"{stem}.{extension}"


def download_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file download named ``filename`` (any language), never sniffed into something else."""
    response = HttpResponse(content, content_type=content_type)
    # RFC 6266/5987: a non-ASCII name is sent as filename*=utf-8''…
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def export_markdown(request: HttpRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    record(request.user, EXPORT, document, format="markdown")
    text = markdown_file(document, request.build_absolute_uri(document.url))
    return download_response(
        text.encode("utf-8"),
        "text/markdown; charset=utf-8",
        download_name(document.title, "md"),
    )


@login_required
def export_docx(request: HttpRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    record(request.user, EXPORT, document, format="docx")
    content = build_docx(
        document, request.user, request.build_absolute_uri(document.url), request.get_host()
    )
    return download_response(content, WORD_CONTENT_TYPE, download_name(document.title, "docx"))


@login_required
def print_page(request: HttpRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    return render(
        request,
        "export/print.html",
        {"document": document, "body_html": render_markdown(document.body)},
    )
