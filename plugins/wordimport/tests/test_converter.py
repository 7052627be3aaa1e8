"""The converter on Word files built here: Chinese headings and numbering, formatting,
tables, notes, tracked changes, text boxes, and what Markdown cannot hold."""

from __future__ import annotations

import pytest

from hub.core.markdown import render_markdown
from plugins.wordimport.converter import Options, convert_docx
from plugins.wordimport.numbering import format_number
from plugins.wordimport.tests.docx_files import W, chinese_document, with_body_xml

R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def test_chinese_document_headings_numbering_and_table():
    result = convert_docx(chinese_document())
    markdown = result.markdown
    assert result.title == "安全生产管理制度"
    assert result.author == "王芳"
    assert "# 第一章 总则" in markdown.splitlines()
    assert "## 第二章 职责" in markdown.splitlines()
    # 一、 and （一） cannot be Markdown list markers: kept as text, counted per level.
    assert "一、 目的" in markdown and "二、 范围" in markdown
    assert "（一） 目的的说明" in markdown and "（一） 范围的说明" in markdown
    # 1. under （一） is a real ordered list, restarted under each parent.
    assert markdown.count("1. 第一项\n2. 第二项") == 2
    assert "① 部门负责人" in markdown and "② 安全员" in markdown
    assert "**全体员工**" in markdown and "*施行*" in markdown
    assert "| 岗位 | 职责 | 备注 |" in markdown and "| 员工 | 执行 | 按时 |" in markdown
    # Text that looks like Markdown syntax stays text.
    html = render_markdown(markdown)
    assert "\\- 不是列表" in markdown and "<li>不是列表" not in html
    assert html.count("<table>") == 1 and html.count("<h1>") == 1


@pytest.mark.parametrize(
    ("number", "fmt", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (21, "chineseCounting", "二十一"),
        (105, "chineseCountingThousand", "一百零五"),
        (3, "ideographTraditional", "丙"),
        (2, "decimalEnclosedCircle", "②"),
        (4, "lowerRoman", "iv"),
        (28, "upperLetter", "BB"),
        (12, "taiwaneseCountingThousand", "十二"),
        (23, "chineseLegalSimplified", "贰拾叁"),
        (105, "ideographLegalTraditional", "壹佰零伍"),
        (3, "none", ""),
    ],
)
def test_number_formats(number, fmt, expected):
    assert format_number(number, fmt) == expected


def _run(text: str, props: str = "") -> str:
    return f"<w:r><w:rPr>{props}</w:rPr><w:t xml:space='preserve'>{text}</w:t></w:r>"


def test_tracked_changes_fields_and_page_breaks():
    xml = (
        f"<w:p {W}>{_run('保留 ')}<w:ins w:id='1' w:author='a'>{_run('插入 ')}</w:ins>"
        "<w:del w:id='2' w:author='a'><w:r><w:delText>删除 </w:delText></w:r></w:del>"
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r>"
        '<w:r><w:instrText> HYPERLINK "https://example.cn/a" </w:instrText></w:r>'
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r>"
        f"{_run('链接', '<w:strike/>')}<w:r><w:fldChar w:fldCharType='end'/></w:r>"
        "<w:r><w:br w:type='page'/></w:r></w:p>"
    )
    data = with_body_xml(xml)
    markdown = convert_docx(data).markdown
    assert "保留 插入 [~~链接~~](https://example.cn/a)" in markdown
    assert "删除" not in markdown
    assert markdown.rstrip().endswith("---")
    kept = convert_docx(data, Options(keep_deletions=True)).markdown
    assert "~~删除~~" in kept


def test_text_boxes_ole_and_altchunk_are_counted():
    textbox = (
        f"<w:p {W} xmlns:v='urn:schemas-microsoft-com:vml' "
        "xmlns:o='urn:schemas-microsoft-com:office:office'><w:r><w:pict><v:shape><v:textbox>"
        f"<w:txbxContent><w:p>{_run('框内文字')}</w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"
        "<w:r><w:object><o:OLEObject ProgID='Excel.Sheet.12'/></w:object></w:r></w:p>"
    )
    result = convert_docx(with_body_xml(textbox))
    assert "框内文字" in result.markdown
    assert result.warnings == {"textbox": 1, "ole": 1}
    assert result.dropped == {"ole": 1}
    chunk = convert_docx(with_body_xml(f"<w:altChunk {W} {R} r:id='rId99'/>"))
    assert chunk.warnings == {"altchunk": 1}


def test_merged_cells_are_flattened_with_a_warning():
    cell = "<w:tc><w:tcPr>{}</w:tcPr><w:p>{}</w:p></w:tc>"
    span, restart, merged = '<w:gridSpan w:val="2"/>', '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    table = (
        f"<w:tbl {W}><w:tblPr><w:tblLook w:firstRow='1'/></w:tblPr>"
        f"<w:tr>{cell.format(span, _run('合并'))}{cell.format(restart, _run('纵向'))}</w:tr>"
        f"<w:tr>{cell.format('', _run('甲'))}{cell.format('', _run('乙'))}"
        f"{cell.format(merged, '')}</w:tr></w:tbl>"
    )
    result = convert_docx(with_body_xml(table))
    assert "| 合并 |  | 纵向 |" in result.markdown
    assert "| 甲 | 乙 |  |" in result.markdown
    assert result.warnings == {"merged_cell": 2}


def test_style_map_turns_a_custom_style_into_a_code_block():
    import io

    import docx

    document = docx.Document()
    document.styles.add_style("Code Block", 1)
    document.add_paragraph("def main():", style="Code Block")
    document.add_paragraph("    return 1", style="Code Block")
    document.add_paragraph("引用的话", style="Quote")
    stream = io.BytesIO()
    document.save(stream)
    markdown = convert_docx(stream.getvalue()).markdown
    assert "```\ndef main():\n    return 1\n```" in markdown
    assert "> 引用的话" in markdown
    plain = convert_docx(
        stream.getvalue(), Options(style_map={"code block": "paragraph", "Quote": "paragraph"})
    ).markdown
    assert "```" not in plain and ">" not in plain
