"""The upload page: space editors import .docx files in the browser and see the report."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hub.core.models import DocumentPage
from plugins.wordimport.tests import docx_files


def _files(*pairs):
    return [SimpleUploadedFile(name, data) for name, data in pairs]


def test_editor_uploads_files_and_sees_the_report(org, spaces, login):
    client = login(org.rd_member)
    url = reverse("wordimport:upload", args=[spaces.rd.pk])
    assert "Import Word files" in client.get(spaces.rd.url).content.decode()
    # Made once: python-docx stamps the time into a new file, so a second one may differ.
    policy = docx_files.chinese_document("管理制度")
    response = client.post(
        url,
        {
            "files": _files(
                ("制度.docx", policy),
                ("宏.docx", docx_files.macro_enabled()),
            )
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 created, 0 updated, 0 skipped, 1 failed." in page
    assert "contains macros" in page
    document = DocumentPage.objects.get(title="管理制度")
    assert document.space == spaces.rd and document.owner == org.rd_member
    again = client.post(url, {"files": _files(("制度.docx", policy))})
    assert "0 created, 0 updated, 1 skipped, 0 failed." in again.content.decode()


def test_viewers_and_strangers_cannot_upload(org, spaces, login):
    before = DocumentPage.objects.count()
    data = {"files": _files(("a.docx", docx_files.chinese_document()))}
    # rd_member only views the secret space; mkt_member does not see the rd space at all.
    viewer = login(org.rd_member).post(reverse("wordimport:upload", args=[spaces.secret.pk]), data)
    assert viewer.status_code == 403
    assert "Import Word files" not in login(org.rd_member).get(spaces.secret.url).content.decode()
    data = {"files": _files(("a.docx", docx_files.chinese_document()))}
    stranger = login(org.mkt_member).post(reverse("wordimport:upload", args=[spaces.rd.pk]), data)
    assert stranger.status_code == 404
    assert DocumentPage.objects.count() == before


def test_only_docx_files_are_accepted(org, spaces, login):
    client = login(org.rd_member)
    response = client.post(
        reverse("wordimport:upload", args=[spaces.rd.pk]),
        {"files": _files(("notes.txt", b"hello"))},
    )
    assert "Only .docx files can be imported" in response.content.decode()
    assert not DocumentPage.objects.filter(space=spaces.rd).exists()
