"""Serving uploaded files (attachments of documents, requests, messages) safely.

Callers check permission on the object first; this only decides how the bytes go out.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

# Shown in the browser; anything else is downloaded, never rendered (an uploaded HTML or
# SVG file must not run in the hub's origin).
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


def serve_upload(file: FieldFile, filename: str, content_type: str) -> FileResponse:
    """The file as a response: inline for the safe types above, else as a download; the
    browser may not sniff another type or run anything in it."""
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        file.open("rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
