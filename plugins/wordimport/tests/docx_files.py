"""Word files built for the tests: Chinese documents with python-docx, hostile ones with zipfile.

Nothing large is committed: a zip bomb is a few hundred kilobytes built in a fixture.
"""

from __future__ import annotations

import copy
import io
import struct
import zipfile
import zlib

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
V = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'

# 一、 （一） 1. : the usual outline of Chinese official documents, as Word stores it.
CHINESE_NUMBERING = f"""<w:abstractNum {W} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""
CIRCLED_NUMBERING = f"""<w:abstractNum {W} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/>
    <w:lvlText w:val="%1"/></w:lvl>
</w:abstractNum>"""


def _add_numbering(
    document, abstract_xml: str, abstract_id: int, num_id: int, restart: bool = False
) -> str:
    numbering = document.part.numbering_part.element
    abstract = parse_xml(abstract_xml)
    first_num = numbering.find(abstract.tag.replace("abstractNum", "num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    override = (
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    )
    numbering.append(
        parse_xml(
            f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f"{override}</w:num>"
        )
    )
    return str(num_id)


def _numbered(paragraph, num_id: str, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _save(document) -> bytes:
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def chinese_document(title: str = "安全生产管理制度", paragraphs: int = 1) -> bytes:
    """A Chinese Word file: heading styles with ids 1 and 2 named 标题 1 / 标题 2, Chinese
    numbering (一、 （一） 1.) from numbering.xml, a table, formatting, a footnote-less body."""
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "王芳"
    for level in (1, 2):
        style = document.styles.add_style(f"标题 {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(style.element.tag.replace("style", "styleId"), str(level))
    outline = _add_numbering(document, CHINESE_NUMBERING, 90, 90)
    circled = _add_numbering(document, CIRCLED_NUMBERING, 91, 91)
    document.add_paragraph("第一章 总则", style="标题 1")
    intro = document.add_paragraph("本制度适用于")
    intro.add_run("全体员工").bold = True
    intro.add_run("，自发布之日起")
    intro.add_run("施行").italic = True
    intro.add_run("。")
    for text in ("目的", "范围"):
        _numbered(document.add_paragraph(text), outline, 0)
        _numbered(document.add_paragraph(f"{text}的说明"), outline, 1)
        _numbered(document.add_paragraph("第一项"), outline, 2)
        _numbered(document.add_paragraph("第二项"), outline, 2)
    document.add_paragraph("第二章 职责", style="标题 2")
    for text in ("部门负责人", "安全员"):
        _numbered(document.add_paragraph(text), circled, 0)
    for number in range(paragraphs):
        document.add_paragraph(
            f"第{number}段：各部门应当建立健全安全生产责任制，落实安全生产责任。Safety first."
        )
    table = document.add_table(rows=3, cols=3)
    for row, cells in enumerate(
        (("岗位", "职责", "备注"), ("经理", "审批", ""), ("员工", "执行", "按时"))
    ):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph("- 不是列表")
    return _save(document)


def with_body_xml(xml: str) -> bytes:
    """A Word file whose body gets ``xml`` (one element) appended before the section."""
    document = docx.Document()
    document.add_paragraph("前言")
    body = document.element.body
    body.sectPr.addprevious(parse_xml(xml))
    return _save(document)


def external_image_document(url: str) -> bytes:
    """A picture whose relationship points outside the file (TargetMode="External")."""
    document = docx.Document()
    rel_id = document.part.relate_to(
        url,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
        is_external=True,
    )
    paragraph = document.add_paragraph("外部图片：")
    paragraph._p.append(
        parse_xml(
            f'<w:r {W} {R} {V}><w:pict><v:shape><v:imagedata r:id="{rel_id}" o:title="logo"/>'
            "</v:shape></w:pict></w:r>"
        )
    )
    return _save(document)


def rezip(
    data: bytes, replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None
) -> bytes:
    """``data`` (a zip) with members replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = (replace or {}).get(info.filename, source.read(info))
            target.writestr(copy.copy(info), content, zipfile.ZIP_DEFLATED)
        for name, content in (extra or {}).items():
            target.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_bomb(uncompressed_mb: int) -> bytes:
    """A .docx-looking zip whose document.xml inflates to ``uncompressed_mb`` of zeros."""
    base = _save(docx.Document())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info.filename, source.read(info), zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(uncompressed_mb):
                member.write(chunk)
    return out.getvalue()


def many_members(count: int) -> bytes:
    return rezip(_save(docx.Document()), extra={f"word/media/x{i}.bin": b"x" for i in range(count)})


def macro_enabled() -> bytes:
    data = _save(docx.Document())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
    return rezip(
        data, replace={"[Content_Types].xml": types}, extra={"word/vbaProject.bin": b"\0" * 64}
    )


def tiny_png() -> bytes:
    """A valid one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\0\xff\x00\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def encrypted() -> bytes:
    """What Word writes for a password-protected file: an OLE compound file."""
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 4096
