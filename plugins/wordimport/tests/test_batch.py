"""``hub import docs``: folder tree to page tree, idempotent runs, the report, bad files."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from hub.core.models import Attachment, DocumentPage
from plugins.wordimport.models import ImportedFile
from plugins.wordimport.tests import docx_files


@pytest.fixture
def inbox(tmp_path):
    """制度/安全.docx, 制度/人事/请假.docx, 会议.docx (with an image) and a zip bomb."""
    import docx

    (tmp_path / "制度" / "人事").mkdir(parents=True)
    (tmp_path / "制度" / "安全.docx").write_bytes(docx_files.chinese_document("安全制度"))
    (tmp_path / "制度" / "人事" / "请假.docx").write_bytes(docx_files.chinese_document("请假制度"))
    document = docx.Document()
    document.add_paragraph("会议纪要")
    document.add_picture(io.BytesIO(docx_files.tiny_png()))
    document.inline_shapes[0]._inline.docPr.set("descr", "会场照片")
    document.save(tmp_path / "会议.docx")
    (tmp_path / "坏文件.docx").write_bytes(docx_files.zip_bomb(50))
    return tmp_path


def run(*args) -> str:
    out = io.StringIO()
    # The summary is read in English, whatever language an earlier test left active.
    with translation.override("en"):
        call_command("import", "docs", *map(str, args), stdout=out)
    return out.getvalue()


def test_import_builds_the_page_tree_and_a_report(org, editor_space, inbox, tmp_path):
    csv_path = tmp_path / "report.csv"
    output = run(inbox, "--space", editor_space.slug, "--report-csv", csv_path, "--user", "admin")
    assert "3 created, 0 updated, 0 skipped, 1 failed." in output
    safety = DocumentPage.objects.get(title="安全制度")
    assert safety.get_parent().title == "制度"
    assert safety.get_parent().get_parent().specific == editor_space
    leave = DocumentPage.objects.get(title="请假制度")
    assert leave.get_parent().title == "人事"
    assert leave.get_parent().get_parent().pk == safety.get_parent().pk
    assert "一、 目的" in safety.body and safety.owner == org.admin
    meeting = DocumentPage.objects.get(title="会议")
    attachment = Attachment.objects.get(document=meeting)
    assert f"![会场照片](/attachments/{attachment.pk}/image1.png)" in meeting.body
    assert attachment.content_type == "image/png"
    report = DocumentPage.objects.get(tags__name="word-import")
    assert report.status == DocumentPage.Status.DRAFT
    assert "坏文件.docx" in report.body and "zip bomb" in report.body
    with csv_path.open(encoding="utf-8-sig") as stream:
        rows = {row["path"]: row for row in csv.DictReader(stream)}
    assert rows["坏文件.docx"]["status"] == "failed"
    assert rows["制度/人事/请假.docx"]["status"] == "created"
    assert not ImportedFile.objects.filter(path="坏文件.docx").exists()


def test_second_run_skips_unchanged_and_revises_changed(org, editor_space, inbox):
    run(inbox, "--space", editor_space.slug)
    document = DocumentPage.objects.get(title="安全制度")
    revisions = document.revisions.count()
    (inbox / "制度" / "安全.docx").write_bytes(docx_files.chinese_document("安全制度", 3))
    output = run(inbox, "--space", editor_space.slug)
    assert "0 created, 1 updated, 2 skipped, 1 failed." in output
    document.refresh_from_db()
    assert document.revisions.count() == revisions + 1
    assert "第2段" in document.body
    assert DocumentPage.objects.filter(title="制度").count() == 1
    record = ImportedFile.objects.get(path="制度/安全.docx")
    assert record.revision_id == document.latest_revision.pk and record.author == "王芳"


def test_dry_run_changes_nothing(org, editor_space, inbox):
    before = DocumentPage.objects.count()
    output = run(inbox, "--space", editor_space.slug, "--dry-run")
    assert "3 created, 0 updated, 0 skipped, 1 failed." in output
    assert DocumentPage.objects.count() == before
    assert not ImportedFile.objects.exists()


def test_mapping_sends_folders_to_spaces(org, spaces, inbox, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("folders:\n  制度: rd\nstyles:\n  Code Block: code\n", encoding="utf-8")
    run(inbox, "--space", spaces.company_edit.slug, "--map", mapping)
    assert DocumentPage.objects.get(title="安全制度").space == spaces.rd
    assert DocumentPage.objects.get(title="请假制度").get_parent().title == "人事"
    assert DocumentPage.objects.get(title="会议").space == spaces.company_edit


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--space", "nowhere"], "no space nowhere"),
        (["--map", "missing.yaml", "--space", "wiki"], "Cannot read the mapping file"),
    ],
)
def test_bad_arguments_change_nothing(org, spaces, inbox, args, message):
    before = DocumentPage.objects.count()
    with pytest.raises(CommandError, match=message):
        run(inbox, *args)
    assert DocumentPage.objects.count() == before


def test_bad_mapping_file_is_refused(org, spaces, inbox, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("styles:\n  Code Block: table\n", encoding="utf-8")
    with pytest.raises(CommandError, match="unknown block kinds"):
        run(inbox, "--space", "wiki", "--map", mapping)
