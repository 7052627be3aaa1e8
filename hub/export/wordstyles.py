"""The look of an exported Word file: A4 pages, Chinese fonts and language, the extra
styles the builder uses (code, hyperlinks) and list numbering that restarts per list.

East Asian text takes the font named by ``w:rFonts/@w:eastAsia``; python-docx's default
template names theme fonts instead (``w:eastAsiaTheme``), which win over an explicit font
and are not Chinese, so they are replaced on the document defaults, Normal, the title and
the headings. ``w:lang/@w:eastAsia="zh-CN"`` makes Word and LibreOffice pick Chinese
line breaking and proofing.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

BODY_EAST_ASIAN_FONT = "SimSun"  # 宋体
HEADING_EAST_ASIAN_FONT = "SimHei"  # 黑体
MONO_FONT = "Consolas"
CODE_STYLE = "Code"
CODE_CHAR_STYLE = "Code Char"
HYPERLINK_STYLE = "Hyperlink"
QUOTE_STYLE = "Quote"
LIST_STYLE = "List Paragraph"
# One list level's indent in twips (1/20 pt); the number hangs in the first 360.
LEVEL_INDENT = 720
HANGING = 360
MAX_LEVEL = 8
BULLETS = ("•", "◦", "▪")


def set_east_asian_font(element, font: str) -> None:
    """Name ``font`` for East Asian text on a style's or run's ``w:rPr`` owner element."""
    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), font)
    rfonts.attrib.pop(qn("w:eastAsiaTheme"), None)


def _set_chinese_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _document_defaults(document: Document) -> None:
    rpr = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    rfonts = rpr.find(qn("w:rFonts"))
    rfonts.set(qn("w:eastAsia"), BODY_EAST_ASIAN_FONT)
    rfonts.attrib.pop(qn("w:eastAsiaTheme"), None)
    _set_chinese_language(rpr)


def _add_styles(document: Document) -> None:
    styles = document.styles
    code = styles.add_style(CODE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    code.base_style = styles["Normal"]
    code.font.name = MONO_FONT
    code.font.size = Pt(9.5)
    code.paragraph_format.space_after = Pt(6)
    code.paragraph_format.line_spacing = 1.0
    code.element.get_or_add_pPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="F2F2F2"/>')
    )
    set_east_asian_font(code.element, BODY_EAST_ASIAN_FONT)

    code_char = styles.add_style(CODE_CHAR_STYLE, WD_STYLE_TYPE.CHARACTER)
    code_char.font.name = MONO_FONT
    set_east_asian_font(code_char.element, BODY_EAST_ASIAN_FONT)

    link = styles.add_style(HYPERLINK_STYLE, WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True


def prepare(document: Document) -> None:
    """Set up a new python-docx document: page, fonts, language and extra styles."""
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
    _document_defaults(document)
    normal = document.styles["Normal"]
    set_east_asian_font(normal.element, BODY_EAST_ASIAN_FONT)
    _set_chinese_language(normal.element.get_or_add_rPr())
    for name in ("Title", *(f"Heading {level}" for level in range(1, 7))):
        set_east_asian_font(document.styles[name].element, HEADING_EAST_ASIAN_FONT)
    _add_styles(document)


def _level_xml(level: int, ordered: bool) -> str:
    if ordered:
        number_format, text = "decimal", f"%{level + 1}."
    else:
        number_format, text = "bullet", BULLETS[level % len(BULLETS)]
    return (
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{LEVEL_INDENT * (level + 1)}" w:hanging="{HANGING}"/></w:pPr>'
        "</w:lvl>"
    )


class ListNumbering:
    """Numbering definitions for bullet and numbered lists, one ``w:num`` per list.

    Each Markdown list gets its own numbering instance whose start is overridden, so
    every numbered list starts at its own first number (Markdown's ``3.`` included)
    instead of continuing the previous list.
    """

    def __init__(self, document: Document):
        self.numbering = document.part.numbering_part.element
        existing = [
            int(node.get(qn("w:abstractNumId")))
            for node in self.numbering.findall(qn("w:abstractNum"))
        ]
        next_id = max(existing, default=-1) + 1
        self.abstract_ids = {False: next_id, True: next_id + 1}
        first_num = self.numbering.find(qn("w:num"))
        for ordered, abstract_id in self.abstract_ids.items():
            levels = "".join(_level_xml(level, ordered) for level in range(MAX_LEVEL + 1))
            abstract = parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
            )
            # The schema wants every abstractNum before the first num.
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                self.numbering.append(abstract)

    def new_list(self, ordered: bool, level: int, start: int = 1) -> int:
        """A numbering instance for one list at ``level``; returns its ``numId``."""
        num = self.numbering.add_num(self.abstract_ids[ordered])
        num.append(
            parse_xml(
                f'<w:lvlOverride {nsdecls("w")} w:ilvl="{level}">'
                f'<w:startOverride w:val="{start}"/></w:lvlOverride>'
            )
        )
        return num.numId
