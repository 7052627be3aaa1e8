"""Hostile files are refused before parsing, with a clear message, in bounded memory."""

from __future__ import annotations

import http.server
import threading
import tracemalloc

import pytest
from django.utils import translation

from plugins.wordimport.converter import convert_docx
from plugins.wordimport.safety import UnsafeDocument, check_docx
from plugins.wordimport.tests import docx_files


@pytest.fixture(autouse=True)
def _english():
    """The refusals are asserted in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """512 MB of zeros packed into half a megabyte."""
    return docx_files.zip_bomb(512)


def test_zip_bomb_is_refused_in_bounded_memory(bomb):
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(UnsafeDocument, match="unpacks to 512 MB"):
            convert_docx(bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024 * 1024, f"peak {peak / 2**20:.1f} MB"


def test_compression_ratio_is_checked_below_the_size_limit():
    with pytest.raises(UnsafeDocument, match="compressed"):
        check_docx(docx_files.zip_bomb(50))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (docx_files.many_members(2100), r"\d+ parts; at most 2000"),
        (docx_files.macro_enabled(), "macros"),
        (docx_files.encrypted(), "encrypted"),
        (b"PK\x03\x04 not really a zip", "not a .docx"),
        (b"%PDF-1.7", "not a .docx"),
    ],
    ids=["too-many-members", "docm", "encrypted", "broken-zip", "pdf"],
)
def test_hostile_files_get_a_clear_error(data, message):
    with pytest.raises(UnsafeDocument, match=message):
        convert_docx(data)


def test_external_images_are_never_fetched():
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/tracker.png"
        result = convert_docx(docx_files.external_image_document(url))
    finally:
        server.shutdown()
    assert requests == []
    assert result.warnings == {"external_image": 1}
    assert f"[logo]({url})" in result.markdown
    assert result.images == []
