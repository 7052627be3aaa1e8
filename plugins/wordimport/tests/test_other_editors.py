"""Word files written by another editor: LibreOffice Writer's .docx export.

Two documents in LibreOffice's own format (flat ODF, in ``libreoffice/``), in Chinese and
English, are turned into .docx by LibreOffice itself (``soffice --convert-to docx``) and
imported with ``hub import docs``. The Markdown must have their structure (heading levels,
nested lists, the table's header row, the link, the footnote, the image as an attachment)
and read like pandoc's reading of the same file (``fidelity.py``; the figures print with
``pytest -s``).
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from hub.core.markdown import render_markdown
from hub.core.models import Attachment, DocumentPage
from plugins.wordimport.converter import convert_docx
from plugins.wordimport.fidelity import counts, similarity
from plugins.wordimport.models import ImportedFile
from plugins.wordimport.tests.docx_files import tiny_png

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PANDOC = shutil.which("pandoc")
SOURCES = Path(__file__).parent / "libreoffice"
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui "
    "(.ci/run installs it)",
)
# The labels the hub keeps as text at a paragraph's start (pandoc drops them).
KEPT_LABEL = re.compile(r"^(?:\S{1,4}、|（\S{1,4}）|[\u2460-\u2473]) ", re.MULTILINE)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """A folder with LibreOffice's .docx of every document in ``libreoffice/``."""
    work = tmp_path_factory.mktemp("libreoffice")
    png = base64.b64encode(tiny_png()).decode()
    sources = []
    for template in sorted(SOURCES.glob("*.fodt")):
        source = work / template.name
        text = template.read_text(encoding="utf-8").replace("@PNG_BASE64@", png)
        source.write_text(text, encoding="utf-8")
        sources.append(str(source))
    out = work / "docx"
    # A profile of its own, so parallel runs and a LibreOffice open elsewhere don't clash.
    profile = (work / "profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx",
         "--outdir", str(out), *sources],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert sorted(path.stem for path in out.glob("*.docx")) == ["chinese_styles", "project_plan"]
    return out


@pytest.fixture
def imported(exported, editor_space) -> dict[str, DocumentPage]:
    """Both files imported by ``hub import docs``, by file name."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("import", "docs", str(exported), "--space", editor_space.slug, stdout=out)
    assert "2 created, 0 updated, 0 skipped, 0 failed." in out.getvalue()
    records = ImportedFile.objects.filter(space=editor_space).select_related("document")
    return {Path(record.path).stem: record.document for record in records}


def _headings(markdown: str) -> list[tuple[int, str]]:
    return [(len(m[1]), m[2]) for m in re.finditer(r"^(#+) (.*)$", markdown, re.MULTILINE)]


def _pandoc(path: Path) -> str:
    if PANDOC is None:
        pytest.skip("pandoc is not installed")
    result = subprocess.run(
        [PANDOC, "-f", "docx", "-t", "gfm", str(path)],
        check=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return result.stdout


def test_project_plan_keeps_its_structure(imported):
    document = imported["project_plan"]
    body = document.body
    # The title and author from the document properties (LibreOffice relates them with
    # its own variant of the relationship type).
    assert document.title == "项目计划 Project plan"
    record = ImportedFile.objects.get(document=document)
    assert record.author == "王芳"
    assert record.created == datetime(2021, 3, 4, 9, 30, tzinfo=UTC)
    levels = [(level, text.split()[-1]) for level, text in _headings(body)]
    assert levels == [(1, "Overview"), (2, "Goals"), (3, "Steps"), (2, "Roles")]
    assert (
        "本计划说明**新版知识库**的上线步骤，*subject to review*。"
        "详见[项目主页](https://example.cn/hub/plan)。[^1]"
    ) in body
    assert "- 迁移全部文档\n  - 制度 policies\n  - 会议纪要 minutes\n- Train every team" in body
    assert (
        "1. 准备 Prepare\n   1. 清点文件\n   2. Write the mapping file\n"
        "2. 导入 Import\n3. 检查 Review"
    ) in body
    assert (
        "| 岗位 Role | 职责 Duty |\n|---|---|\n"
        "| 项目经理 | Approve the plan |\n| 管理员 | 运行导入 |"
    ) in body
    assert body.rstrip().endswith("[^1]: 初稿由王芳撰写 (first draft).")
    attachment = Attachment.objects.get(document=document)
    assert attachment.content_type == "image/png"
    assert attachment.file.read() == tiny_png()
    assert f"架构图：![系统架构图](/attachments/{attachment.pk}/image1.png)" in body
    html = render_markdown(body)
    assert "<thead>\n<tr>\n<th>岗位 Role</th>\n<th>职责 Duty</th>" in html
    assert re.search(r'<a href="https://example\.cn/hub/plan"[^>]*>项目主页</a>', html)
    assert '<li id="fn1" class="footnote-item"><p>初稿由王芳撰写' in html


def test_project_plan_headings_have_no_made_up_numbers(imported):
    # LibreOffice writes its outline numbering ("None" by default) into every heading as a
    # level with lvlText "%1" and numFmt "none", which Word shows as nothing.
    assert _headings(imported["project_plan"].body) == [
        (1, "概述 Overview"),
        (2, "目标 Goals"),
        (3, "步骤 Steps"),
        (2, "分工 Roles"),
    ]


def test_chinese_style_names_and_numbering(imported):
    document = imported["chinese_styles"]
    body = document.body
    assert document.title == "安全生产管理制度"
    # Styles named 标题 1-3: LibreOffice gives them the style ids 1, 2, 3, as Chinese Word does.
    assert _headings(body) == [(1, "第一章 总则"), (2, "第一节 目的"), (3, "责任人")]
    assert "本制度适用于**全体员工**。" in body
    # 1. under （一） is a real ordered list; ① is kept as text.
    assert "1. 第一项\n2. 第二项" in body
    assert "① 部门负责人\n\n② 安全员" in body


def test_chinese_counting_labels(imported):
    # LibreOffice exports its 一, 二, 三 numbering as numFmt taiwaneseCountingThousand.
    body = imported["chinese_styles"].body
    for line in ["一、 目的", "（一） 保障安全", "（二） 明确责任", "二、 范围"]:
        assert line in body.splitlines()


def test_close_to_pandoc_on_the_same_files(exported):
    plan = exported / "project_plan.docx"
    ours, theirs = convert_docx(plan.read_bytes()).markdown, _pandoc(plan)
    score = similarity(ours, theirs)
    print(f"\nproject_plan: similarity {score:.3f}, ours {counts(ours)}, pandoc {counts(theirs)}")
    assert score == 1.0
    assert counts(ours) == counts(theirs)
    chinese = exported / "chinese_styles.docx"
    ours, theirs = convert_docx(chinese.read_bytes()).markdown, _pandoc(chinese)
    # The labels 一、 （一） ① are kept as text on purpose; pandoc drops them. Counts
    # differ by pandoc's choice: it reads the 标题 N headings (their style carries
    # LibreOffice's empty outline numbering) as list items.
    score, raw = similarity(KEPT_LABEL.sub("", ours), theirs), similarity(ours, theirs)
    print(f"chinese_styles: similarity {score:.3f} without the kept labels, {raw:.3f} with them")
    assert score == 1.0


def test_a_file_without_document_properties_gets_no_made_up_title(exported):
    """Without docProps/core.xml: no title "Word Document" (the importer uses the file name)."""
    stream = io.BytesIO()
    with (
        zipfile.ZipFile(exported / "chinese_styles.docx") as source,
        zipfile.ZipFile(stream, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "_rels/.rels":
                data = re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", data)
            if item.filename != "docProps/core.xml":
                target.writestr(item, data)
    result = convert_docx(stream.getvalue())
    assert (result.title, result.author, result.created) == ("", "", None)
    assert "# 第一章 总则" in result.markdown
