"""Fidelity: LibreOffice (headless) opens the exported Word file and its text matches the
document's own text (title, every field, the rendered body), Chinese included."""

from __future__ import annotations

import difflib
import html
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from hub.core.markdown import render_markdown
from hub.doctemplates.fields import as_text, field_rows

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui "
    "(.ci/run installs it)",
)
# Bullets, checkboxes and numbers are list labels, which LibreOffice writes and the
# page's text has as markup; whitespace differs between the two by nature.
IGNORED = re.compile(r"[\s•◦▪☐☑]|^\d+\.", re.MULTILINE)
THRESHOLD = 0.9


def libreoffice_text(docx_bytes: bytes, folder) -> str:
    source = folder / "export.docx"
    source.write_bytes(docx_bytes)
    # A profile of its own, so a LibreOffice already running elsewhere does not interfere.
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "txt:Text (encoded):UTF8", "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return (folder / "export.txt").read_text(encoding="utf-8-sig")


def html_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def squeeze(text: str) -> str:
    return IGNORED.sub("", text)


def similarity(expected: str, actual: str) -> float:
    return difflib.SequenceMatcher(None, squeeze(expected), squeeze(actual), False).ratio()


def test_libreoffice_reads_the_word_file_like_the_page(org, minutes, login, tmp_path):
    document = minutes.document
    client = login(org.rd_member)
    response = client.get(reverse("export:docx", args=[document.pk]))
    text = libreoffice_text(response.content, tmp_path)

    assert text.lstrip().startswith(document.title)
    # Every field label and value, the rows table's cells included (in English, the
    # client's language).
    with translation.override("en"):
        fields = field_rows(document)
    squeezed = squeeze(text)
    for label, value in fields:
        assert squeeze(label) in squeezed
        for line in as_text(value).splitlines():
            for cell in line.split("\t"):
                assert squeeze(cell) in squeezed, cell

    body_start = text.index("会议概述")
    body = text[body_start:]
    expected = html_text(render_markdown(document.body))
    # The hidden image is its alt text in Word; the page shows an <img> (no text) instead.
    ratio = similarity(expected, body.replace("机密图", "").replace("架构图", ""))
    print(f"\nLibreOffice text vs the page's text: similarity {ratio:.3f}")
    assert ratio >= THRESHOLD, (squeeze(expected), squeeze(body))
    # LibreOffice numbers each list on its own: the second list starts again at 1.
    assert re.search(r"1\.\s*准备物料\s+2\.\s*预约场地", body)
    assert re.search(r"1\.\s*发布会彩排\s+2\.\s*正式发布", body)
    for phrase in ("发布计划", "平板横屏", "质量是第一位的", 'print("你好")', "引自总经理讲话"):
        assert phrase in body
