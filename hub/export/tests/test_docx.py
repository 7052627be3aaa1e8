"""The Word export parsed back with python-docx: structure, styles, fonts, numbering,
links, images (only those the reader may view) and core properties; bad input."""

from __future__ import annotations

import io
from datetime import UTC

import docx
import pytest
from django.urls import reverse
from docx.oxml.ns import qn

from hub.core.documents import save_document
from hub.export.docx import WORD_CONTENT_TYPE
from hub.export.tests.conftest import attach, png_bytes


def export(client, document) -> docx.document.Document:
    response = client.get(reverse("export:docx", args=[document.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == WORD_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    return docx.Document(io.BytesIO(response.content))


def numbering(paragraph) -> tuple[int, int] | None:
    """(level, numId) of a numbered paragraph."""
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    if num_pr is None:
        return None
    return num_pr.ilvl.val, num_pr.numId.val


def number_format(word, num_id: int, level: int) -> tuple[str, int]:
    """(numFmt, start) that numbering instance ``num_id`` gives ``level``."""
    root = word.part.numbering_part.element
    num = root.num_having_numId(num_id)
    abstract_id = num.abstractNumId.val
    abstract = next(
        node
        for node in root.findall(qn("w:abstractNum"))
        if int(node.get(qn("w:abstractNumId"))) == abstract_id
    )
    lvl = next(n for n in abstract.findall(qn("w:lvl")) if int(n.get(qn("w:ilvl"))) == level)
    start = int(lvl.find(qn("w:start")).get(qn("w:val")))
    for override in num.findall(qn("w:lvlOverride")):
        if int(override.get(qn("w:ilvl"))) == level:
            start = int(override.find(qn("w:startOverride")).get(qn("w:val")))
    return lvl.find(qn("w:numFmt")).get(qn("w:val")), start


def paragraph(word, text: str):
    return next(p for p in word.paragraphs if text in p.text)


@pytest.fixture
def word(org, minutes, login):
    return export(login(org.rd_member), minutes.document)


def test_title_meta_and_headings(word):
    assert word.paragraphs[0].style.name == "Title"
    assert word.paragraphs[0].text == "研发周会纪要 2026/05/14"
    assert "Space: 研发部" in word.paragraphs[1].text and "Owner: 王芳" in word.paragraphs[1].text
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Head")]
    assert headings == [("Heading 2", "会议概述"), ("Heading 3", "待办事项")]


def test_inline_formatting(word):
    runs = {run.text: run for run in paragraph(word, "本次会议").runs}
    assert runs["发布计划"].bold and runs["回归测试"].italic and runs["旧方案"].font.strike
    assert runs["git rebase"].style.name == "Code Char"
    assert not runs["本次会议讨论"].bold


def test_links_are_real_hyperlinks(word):
    links = {link.text: link.url for link in paragraph(word, "详见").hyperlinks}
    assert links == {
        # markdown-it percent-encodes the path, as a URI needs.
        "公司主页": "https://example.cn/%E9%A6%96%E9%A1%B5",
        # Relative links resolve against the document's address.
        "空间列表": "http://testserver/spaces/",
    }
    run = paragraph(word, "详见").hyperlinks[0].runs[0]
    assert run.style.name == "Hyperlink"


def test_lists_are_word_numbering_with_levels_and_restarts(word):
    nested = [numbering(paragraph(word, text)) for text in ("前端适配", "移动端", "平板横屏")]
    assert [level for level, _num in nested] == [0, 1, 2]
    for level, num_id in nested:
        assert number_format(word, num_id, level)[0] == "bullet"
    assert numbering(paragraph(word, "后端接口")) == nested[0]
    first, second = numbering(paragraph(word, "准备物料")), numbering(paragraph(word, "预约场地"))
    assert first == second
    again = numbering(paragraph(word, "发布会彩排"))
    assert again[1] != first[1], "the second numbered list must be its own list"
    assert number_format(word, first[1], 0) == ("decimal", 1)
    assert number_format(word, again[1], 0) == ("decimal", 1)
    assert numbering(paragraph(word, "会议之间")) is None


def test_ordered_list_keeps_its_start_number(org, spaces, make_document, login):
    document = make_document(spaces.rd, org.rd_member, body="3. 三\n4. 四\n")
    word = export(login(org.rd_member), document)
    level, num_id = numbering(paragraph(word, "三"))
    assert number_format(word, num_id, level) == ("decimal", 3)


def test_task_lists_quotes_code_rules_and_footnotes(word):
    assert paragraph(word, "已完成的任务").text == "☑ 已完成的任务"
    assert paragraph(word, "未完成的任务").text == "☐ 未完成的任务"
    quote = paragraph(word, "质量是第一位的")
    assert quote.style.name == "Quote"
    assert quote.runs[-1].text == "[1]" and quote.runs[-1].font.superscript
    code = paragraph(word, "你好")
    assert code.style.name == "Code" and code.text == 'print("你好")'
    assert paragraph(word, "[1] 引自总经理讲话。")
    borders = [p for p in word.paragraphs if p._p.find(f".//{qn('w:pBdr')}") is not None]
    assert len(borders) == 2  # the rule and the line above the footnotes


def test_fields_table_then_markdown_table(org, word):
    fields, body_table = word.tables
    rows = {row.cells[0].text: row.cells[1] for row in fields.rows}
    assert rows["Place"].text == "三楼会议室"
    assert rows["Attendees"].text == "张伟, 李娜"
    assert rows["Absent"].text == "—"
    assert rows["Agenda"].text == "1. 发布计划\n2. 回归测试"
    assert fields.rows[0].cells[0].paragraphs[0].runs[0].bold
    nested = rows["Action items"].tables[0]
    assert [cell.text for cell in nested.rows[0].cells] == ["What", "Owner", "Due date", "Status"]
    first_row = [cell.text for cell in nested.rows[1].cells]
    assert first_row == ["评审离线合并方案", "李娜", "2026-05-20", "Open"]
    assert body_table.style.name == "Table Grid"
    assert [[c.text for c in row.cells] for row in body_table.rows] == [
        ["模块", "负责人", "进度"],
        ["搜索", "张伟", "80%"],
        ["协作", "李娜", "50%"],
    ]
    header = body_table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert body_table.rows[1].cells[2].paragraphs[0].alignment == 2  # right


def test_visible_image_is_embedded_scaled_and_the_hidden_one_is_not(minutes, word):
    shapes = word.inline_shapes
    assert len(shapes) == 1
    assert shapes[0]._inline.docPr.get("descr") == "架构图"
    section = word.sections[0]
    assert shapes[0].width == section.page_width - section.left_margin - section.right_margin
    assert shapes[0].height == shapes[0].width // 4  # 1600 x 400 keeps its ratio
    media = word.part.package.parts
    blobs = [part.blob for part in media if part.partname.startswith("/word/media/")]
    assert blobs == [minutes.image.file.open("rb").read()]
    # The other document's image is left out: only its alt text remains.
    alt = paragraph(word, "机密图")
    assert alt.text == "机密图" and alt.runs[0].italic


def test_hidden_image_by_absolute_and_encoded_urls_is_not_embedded(
    org, spaces, minutes, make_document, login
):
    secret = minutes.secret
    body = (
        f"![a](http://testserver/attachments/{secret.pk}/secret.png)\n\n"
        f"![b](/attachments/{secret.pk}/%73ecret.png)\n\n"
        f"![c](/attachments/{minutes.image.pk}/%E6%9E%B6%E6%9E%84%E5%9B%BE.png)\n\n"
        f"![d](http://other.example/attachments/{minutes.image.pk}/架构图.png)\n"
    )
    document = make_document(spaces.rd, org.rd_member, body=body)
    word = export(login(org.rd_member), document)
    # Only c: the viewable image through its percent-encoded URL. d names another host.
    assert [s._inline.docPr.get("descr") for s in word.inline_shapes] == ["c"]
    assert [p.text for p in word.paragraphs if p.text and p.text in "abd"] == ["a", "b", "d"]
    # Whoever may see the secret document gets its image (a, b and c; never d).
    admin_word = export(login(org.admin), document)
    assert len(admin_word.inline_shapes) == 3


def test_east_asian_fonts_and_language(word):
    styles = word.styles
    for name, font in [("Normal", "SimSun"), ("Title", "SimHei"), ("Heading 1", "SimHei")]:
        rfonts = styles[name].element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) == font, name
        assert rfonts.get(qn("w:eastAsiaTheme")) is None, name
    for level in range(2, 7):
        assert styles[f"Heading {level}"].element.rPr.rFonts.get(qn("w:eastAsia")) == "SimHei"
    defaults = styles.element.find(qn("w:docDefaults")).find(f".//{qn('w:rPr')}")
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "SimSun"


def test_core_properties(org, minutes, word):
    props = word.core_properties
    document = minutes.document
    assert props.title == "研发周会纪要 2026/05/14"
    assert props.author == "王芳"
    assert props.last_modified_by == "张伟"
    assert props.subject == "研发部"
    assert props.keywords == "会议纪要, 研发"
    assert props.language == "zh-CN"
    assert props.revision == 2
    assert props.identifier == f"http://testserver{document.url}"
    modified = document.latest_revision_created_at.astimezone(UTC).replace(microsecond=0)
    assert props.modified == modified
    assert props.created <= props.modified


def test_broken_markdown_missing_and_bad_images_still_give_a_file(
    org, spaces, make_document, login
):
    document = make_document(spaces.rd, org.rd_member, body="")
    missing = attach(document, "missing.png", png_bytes(10, 10))
    missing.file.delete(save=False)
    not_an_image = attach(document, "fake.png", b"not a png at all")
    webp = attach(document, "pic.webp", b"RIFF....WEBP", "image/webp")
    body = (
        "# 未闭合 **粗体 *斜体 [链接](javascript:alert(1)) `代码\n\n"
        + "> " * 8 + "深层引用\n\n"
        + "".join("  " * depth + f"- 层级{depth}\n" for depth in range(9))
        + "\n| a | b |\n|---|---|\n| 1 |\n\n"
        + f"![丢失的图](/attachments/{missing.pk}/missing.png)\n"
        + f"![坏图](/attachments/{not_an_image.pk}/fake.png)\n"
        + f"![webp](/attachments/{webp.pk}/pic.webp)\n"
        + "![](/attachments/999999/none.png) [^nope] <script>alert(1)</script>\n\n"
        # An unclosed fence runs to the end of the document.
        + "```\n未闭合的代码块\x01\x0b控制字符\n"
    )  # fmt: skip
    save_document(document, org.rd_member, "坏\x07文档", body, "published", [])
    word = export(login(org.rd_member), document)
    text = "\n".join(p.text for p in word.paragraphs)
    assert word.paragraphs[0].text == "坏文档"
    assert "javascript" not in "".join(r.target_ref for r in word.part.rels.values())
    assert "未闭合的代码块控制字符" in text
    assert "<script>alert(1)</script>" in text  # shown as text, never markup
    assert len(word.inline_shapes) == 0
    assert "深层引用" in text
    # Nine list levels: Word's deepest is 8, which the ninth keeps.
    assert numbering(paragraph(word, "层级8"))[0] == 8
    # Each image that cannot be embedded leaves its alt text, in italics.
    alts = [run.text for p in word.paragraphs for run in p.runs if run.italic]
    assert alts == ["丢失的图", "坏图", "webp", "none.png"]


def test_nesting_beyond_the_parser_limit_still_gives_a_file(org, spaces, make_document, login):
    # markdown-it stops nesting at 20 levels (the page does the same); the file stays valid.
    body = "> " * 30 + "深\n\n" + "".join("  " * depth + "- 层\n" for depth in range(15))
    document = make_document(spaces.rd, org.rd_member, body=body)
    word = export(login(org.rd_member), document)
    levels = [numbering(p)[0] for p in word.paragraphs if numbering(p)]
    assert levels and max(levels) <= 8


def test_images_the_file_names_cannot_be_mismatched(org, spaces, minutes, make_document, login):
    # The right id with another file name is not the attachment (as on its download URL).
    body = f"![x](/attachments/{minutes.image.pk}/other.png)\n"
    document = make_document(spaces.rd, org.rd_member, body=body)
    assert len(export(login(org.rd_member), document).inline_shapes) == 0
