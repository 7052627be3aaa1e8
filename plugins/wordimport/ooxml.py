"""WordprocessingML names and the style sheet, read straight from the XML.

python-docx opens the package; where it has no API (outline levels, numbering links,
style inheritance of run properties) the converter reads the elements, and this module
holds the qualified names and the resolved style table it needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
FALSE_VALUES = {"0", "false", "off", "none"}


def q(name: str) -> str:
    """``"w:p"`` -> ``"{namespace}p"`` (lxml's qualified tag)."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def attr(element, name: str, default: str | None = None) -> str | None:
    """An attribute by prefixed name (``"w:val"``), or ``default``."""
    if element is None:
        return default
    return element.get(q(name), default)


def on(element) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``): True, False, or None if absent."""
    if element is None:
        return None
    return (attr(element, "w:val") or "true").lower() not in FALSE_VALUES


# Heading style names as Word writes them in several languages (the names of built-in
# styles are usually stored in English, but other producers localize them).
HEADING_NAME = re.compile(
    r"^(?:heading|标题|標題|überschrift|titre|título|titolo|kop|nagłówek|заголовок|見出し|제목)"
    r"\s*([1-9])$"
)
TITLE_NAMES = {"title", "标题", "標題", "titel", "titre", "título", "titolo"}
CODE_STYLE = re.compile(r"code|verbatim|preformatted|源代码|代码")
QUOTE_NAMES = {"quote", "block text", "引用", "block quote", "blockquote"}


@dataclass
class Style:
    """The properties of one style the converter needs, with inheritance applied."""

    style_id: str
    name: str
    kind: str
    heading: int | None = None
    is_title: bool = False
    block: str | None = None  # "code" or "quote" from the name or the mapping file
    num_id: str | None = None
    ilvl: int = 0
    bold: bool | None = None
    italic: bool | None = None
    strike: bool | None = None
    vert: str | None = None  # "superscript" or "subscript" (w:vertAlign)
    code: bool = False


def _own_heading(style_id: str, name: str, ppr) -> int | None:
    match = HEADING_NAME.match(name)
    if match:
        return int(match.group(1))
    if re.fullmatch(r"[1-9]", style_id):
        return int(style_id)
    match = re.fullmatch(r"heading([1-9])", style_id.lower())
    if match:
        return int(match.group(1))
    level = attr(ppr.find(q("w:outlineLvl")) if ppr is not None else None, "w:val")
    if level is not None and level.isdigit() and int(level) < 9:
        return int(level) + 1
    return None


def read_styles(styles_element, style_map: dict[str, str]) -> tuple[dict[str, Style], str | None]:
    """Style id -> Style (inheritance resolved), and the default paragraph style's id.

    ``style_map`` maps lower-case style names to "code", "quote", "paragraph" or
    "heading N" (the admin's mapping file), and wins over what the name suggests.
    """
    raw: dict[str, tuple] = {}
    default_id = None
    if styles_element is None:
        return {}, None
    for element in styles_element.iterchildren(q("w:style")):
        style_id = attr(element, "w:styleId") or ""
        name = (attr(element.find(q("w:name")), "w:val") or style_id).strip()
        kind = attr(element, "w:type") or "paragraph"
        if kind == "paragraph" and attr(element, "w:default") in {"1", "true", "on"}:
            default_id = style_id
        raw[style_id] = (element, name, kind, attr(element.find(q("w:basedOn")), "w:val"))
    resolved: dict[str, Style] = {}

    def resolve(style_id: str, seen: frozenset = frozenset()) -> Style | None:
        if style_id in resolved:
            return resolved[style_id]
        if style_id not in raw or style_id in seen:
            return None
        element, name, kind, based_on = raw[style_id]
        parent = resolve(based_on, seen | {style_id}) if based_on else None
        lower = name.lower()
        ppr, rpr = element.find(q("w:pPr")), element.find(q("w:rPr"))
        style = Style(style_id, name, kind)
        style.heading = _own_heading(style_id, lower, ppr)
        style.is_title = lower in TITLE_NAMES
        if CODE_STYLE.search(lower):
            style.block, style.code = "code", True
        elif lower in QUOTE_NAMES:
            style.block = "quote"
        num_pr = ppr.find(q("w:numPr")) if ppr is not None else None
        if num_pr is not None:
            style.num_id = attr(num_pr.find(q("w:numId")), "w:val")
            style.ilvl = int(attr(num_pr.find(q("w:ilvl")), "w:val", "0") or 0)
        if rpr is not None:
            style.bold = on(rpr.find(q("w:b")))
            style.italic = on(rpr.find(q("w:i")))
            style.strike = on(rpr.find(q("w:strike")))
            style.vert = attr(rpr.find(q("w:vertAlign")), "w:val")
        if parent is not None:
            if style.heading is None and not style.is_title and not HEADING_NAME.match(lower):
                style.heading = parent.heading
            style.block = style.block or parent.block
            style.code = style.code or parent.code
            if num_pr is None:
                style.num_id, style.ilvl = parent.num_id, parent.ilvl
            for prop in ("bold", "italic", "strike", "vert"):
                if getattr(style, prop) is None:
                    setattr(style, prop, getattr(parent, prop))
        mapped = style_map.get(lower)
        if mapped:
            style.block = None
            style.heading = None
            if mapped in {"code", "quote"}:
                style.block = mapped
            elif mapped.startswith("heading"):
                style.heading = int(mapped.split()[-1])
        resolved[style_id] = style
        return style

    for style_id in raw:
        resolve(style_id)
    return resolved, default_id
