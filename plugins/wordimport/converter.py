"""``.docx`` -> the hub's Markdown (CommonMark with GFM tables and strikethrough).

python-docx opens the package (parts, relationships, styles, core properties); the body is
walked element by element because python-docx has no API for tracked changes, fields,
numbering, notes, comments or text boxes. The result carries the Markdown, the document's
properties, its images (stored as attachments by the importer; the Markdown refers to
them as ``media/<name>`` until then) and a count of every warning.

What Markdown cannot hold is flattened and counted, never silently lost: merged table
cells, text boxes, labels such as 一、 that no Markdown list can show (kept as text).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import docx
from django.utils.translation import gettext as _
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.oxml import parse_xml

from plugins.wordimport.numbering import ListItem, Numbering
from plugins.wordimport.ooxml import Style, attr, on, q, read_styles
from plugins.wordimport.safety import Limits, check_docx
from plugins.wordimport.symbols import is_symbol_font, sym_char, symbol_text
from plugins.wordimport.warnings import DROPPED

ESCAPE = re.compile(r"([\\`*_\[\]<>~^|])|&(?=#?\w+;)")
LINE_START = re.compile(r"^(\s*)([#=+-]|\d{1,9}(?=[.)](?:\s|$)))")
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# Where a page number stood (a NUL never occurs in XML text, so it cannot be the document's).
PAGE_MARK = "\0"
# Page numbers, and running heads (STYLEREF repeats a heading): navigation of a printout.
PAGE_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES", "STYLEREF"}
# A list typed by hand, as Pages and plain-text habits write it: "•<tab>text", "1.<tab>text".
TEXT_BULLET = re.compile(r"[•◦▪▫‣●○■□◆◇➢–\-*]")
TEXT_NUMBER = re.compile(r"(\d{1,3})[.)]")
URL = re.compile(r"(?:https?|mailto):[^\s<>]+")
CODE = frozenset({"code"})


def escape(text: str) -> str:
    """Backslash-escape what Markdown would read as syntax inside a line."""
    return ESCAPE.sub(lambda m: "\\" + (m.group(1) or "&"), text)


@dataclass
class Image:
    """An image of the document: the importer stores it as an attachment named ``name``."""

    name: str
    content_type: str
    blob: bytes
    alt: str = ""


@dataclass
class Options:
    """How to convert: tracked deletions kept (struck through) or dropped; the style map."""

    keep_deletions: bool = False
    style_map: dict[str, str] = field(default_factory=dict)


@dataclass
class Conversion:
    """What one file became."""

    markdown: str
    title: str = ""
    author: str = ""
    created: datetime | None = None
    modified: datetime | None = None
    images: list[Image] = field(default_factory=list)
    warnings: Counter = field(default_factory=Counter)
    sections: str = ""  # the end of ``markdown`` that holds comments, headers and footers

    @property
    def dropped(self) -> Counter:
        """The warnings that mean content was left out (not merely flattened)."""
        return Counter({k: n for k, n in self.warnings.items() if k in DROPPED})


@dataclass
class Piece:
    """A stretch of inline text with one formatting; ``raw`` is already Markdown."""

    text: str
    marks: frozenset = frozenset()
    link: str | None = None
    raw: bool = False
    anchor: tuple[str, str] | None = None  # ("start" or "end", comment id): no text


@dataclass
class Field:
    """A complex field (``fldChar`` begin/separate/end) being read."""

    instruction: list[str] = field(default_factory=list)
    showing: bool = False
    link: str | None = None
    page: bool = False  # PAGE, NUMPAGES: a page number means nothing on a web page


class Blocks:
    """Markdown blocks being assembled, with the list nesting state they need."""

    def __init__(self):
        self.parts: list[tuple[str, str]] = []
        # Open lists: (content column, list key, marker, last number, Word level).
        self.stack: list[tuple[int, tuple, str, int, int]] = []

    def add(self, kind: str, text: str) -> None:
        if kind != "item":
            self.stack = []
        if text or kind == "code":
            self.parts.append((kind, text))

    def item(self, entry: ListItem, text: str) -> None:
        # The stack holds the open lists, outermost first; Word levels may skip (0 -> 2),
        # Markdown nesting may not, so depth is the number of open shallower lists.
        previous = None
        while self.stack and self.stack[-1][4] >= entry.level:
            popped = self.stack.pop()
            if popped[4] == entry.level:
                previous = popped
        indent = self.stack[-1][0] if self.stack else 0
        same_list = (
            previous is not None
            and previous[1] == entry.key
            and (entry.bullet or entry.number > previous[3])
        )
        if entry.bullet:
            marker = "-" if previous is None else "*-"[previous[2] == "*"]
            marker = previous[2] if same_list else marker
            shown = marker
        else:
            marker = "." if previous is None else ".)"[previous[2] == "."]
            marker = previous[2] if same_list else marker
            shown = f"{entry.number}{marker}"
        column = indent + len(shown) + 1
        self.stack.append((column, entry.key, marker, entry.number, entry.level))
        lines = (text or "").split("\n")
        body = "\n".join([lines[0], *(" " * column + line for line in lines[1:])])
        self.parts.append(("item", " " * indent + shown + " " + body))

    def markdown(self) -> str:
        out: list[str] = []
        previous = None
        for kind, text in self.parts:
            if kind == "code":
                if previous == "code":
                    out[-1] += "\n" + text
                else:
                    out.append(text)
            elif kind == "item" and previous == "item":
                out[-1] += "\n" + text
            else:
                out.append(text)
            previous = kind
        return "\n\n".join(
            _fence(text) if kind == "code" else text for kind, text in _kinds(out, self.parts)
        )


def _kinds(out: list[str], parts: list[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    """Pair the merged blocks with their kinds again."""
    kinds, previous = [], None
    for kind, _text in parts:
        if not (kind == previous and kind in {"code", "item"}):
            kinds.append(kind)
        previous = kind
    return zip(kinds, out, strict=True)


def _fence(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{code}\n{fence}"


def _wrap(text: str, marks: frozenset) -> str:
    """Put Markdown delimiters around ``text`` with its spaces kept outside them."""
    core = text.strip()
    if not core or not marks:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    if "code" in marks:
        ticks = "`" * (max((len(r) for r in re.findall(r"`+", core)), default=0) + 1)
        pad = " " if core.startswith("`") or core.endswith("`") else ""
        core = f"{ticks}{pad}{core}{pad}{ticks}"
    else:
        # ~sub~ and ^sup^ (mdit-py-plugins) end at a space, so a space inside is escaped.
        for mark, delimiter in (("sub", "~"), ("sup", "^")):
            if mark in marks and not (mark == "sub" and "s" in marks):
                core = delimiter + core.replace(" ", "\\ ") + delimiter
        if "i" in marks:
            core = f"*{core}*"
        if "b" in marks:
            core = f"**{core}**"
        if "s" in marks:
            core = f"~~{core}~~"
    return lead + core + trail


def _link_target(url: str) -> str:
    url = url.strip().replace(" ", "%20")
    return f"<{url}>" if re.search(r"[()<>]", url) else url


def render_inline(pieces: list[Piece]) -> str:
    """Markdown for a run of pieces: formatting merged, links grouped."""
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        # Code shows no other formatting (see _wrap), so `m` then a code superscript `2`
        # are one code span, never two touching ones that CommonMark would misread.
        marks = CODE if "code" in piece.marks else piece.marks
        last = merged[-1] if merged else None
        same = last is not None and (last.marks, last.link) == (marks, piece.link)
        if same and not last.raw and not piece.raw:
            last.text += piece.text
        else:
            merged.append(Piece(piece.text, marks, piece.link, piece.raw))
    out: list[str] = []
    index = 0
    while index < len(merged):
        link = merged[index].link
        group = []
        while index < len(merged) and merged[index].link == link:
            group.append(merged[index])
            index += 1
        text = "".join(
            p.text if p.raw else _wrap(p.text if "code" in p.marks else escape(p.text), p.marks)
            for p in group
        )
        bare = all(not p.raw and not p.marks for p in group)
        if link and bare and "".join(p.text for p in group) == link and URL.fullmatch(link):
            out.append(f"<{link}>")  # an autolink, as pandoc writes a bare URL
        elif link and text.strip():
            out.append(f"[{text}]({_link_target(link)})")
        else:
            out.append(text)
    return "".join(out)


def _line_start(text: str) -> str:
    """Escape what would start a heading, list or setext underline at a line's start."""
    lines = [
        LINE_START.sub(
            lambda m: (
                m.group(1) + "\\" + m.group(2)
                if not m.group(2)[0].isdigit()
                else m.group(1) + m.group(2) + "\\"
            ),
            line.lstrip(),
        )
        for line in text.split("\n")
    ]
    return "\n".join(lines)


class Converter:
    """One conversion: walks the document body into ``Blocks``."""

    def __init__(self, document, options: Options):
        self.document = document
        self.options = options
        self.part = document.part
        self.styles, self.default_style = read_styles(
            document.styles.element, {k.lower(): v for k, v in options.style_map.items()}
        )
        try:
            numbering_element = self.part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering_element = None
        self.numbering = Numbering(numbering_element, self.styles)
        self.warnings: Counter = Counter()
        self.images: dict[str, Image] = {}
        self.fields: list[Field] = []
        self.notes: list[tuple[str, str]] = []  # (kind, id) in order of reference
        self.note_parts = {
            "footnote": self._related_xml(RT.FOOTNOTES),
            "endnote": self._related_xml(RT.ENDNOTES),
        }  # each (root element, part): relationship ids are per part
        self.comments = self._related_xml(RT.COMMENTS)
        self.comment_ranges: dict[str, list[str]] = {}
        self.open_comments: set[str] = set()
        self.title = ""
        self.pending: list = []  # text box content, emitted after the paragraph
        self.page_break = False
        self.body: Blocks | None = None
        self.sections = ""  # the Comments and Header-and-footer sections at the end
        self.margin = False  # reading a header or footer

    def _related_xml(self, reltype: str) -> tuple | None:
        for rel in self.part.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                return parse_xml(rel.target_part.blob), rel.target_part
        return None

    # Blocks -----------------------------------------------------------------------------

    def convert(self) -> str:
        body = self.document.element.body
        self.body = Blocks()
        markdown = self.blocks(body.iterchildren(), self.body).markdown()
        notes = self._notes_markdown()
        sections = [self._comments_markdown(), self._margins_markdown()]
        self.sections = "\n\n".join(part for part in sections if part)
        parts = [markdown, notes, self.sections]
        return "\n\n".join(part for part in parts if part).strip() + "\n"

    def blocks(self, elements: Iterable, blocks: Blocks | None = None) -> Blocks:
        blocks = blocks or Blocks()
        for element in elements:
            self.block(element, blocks)
        return blocks

    def block(self, element, blocks: Blocks) -> None:
        tag = element.tag
        if tag == q("w:p"):
            self.paragraph(element, blocks)
        elif tag == q("w:tbl"):
            self.table(element, blocks)
        elif tag == q("w:sdt"):
            if not _placeholder(element):
                self.blocks(element.iterchildren(q("w:sdtContent")), blocks)
        elif tag in {q("w:sdtContent"), q("w:customXml"), q("w:ins"), q("w:moveTo")}:
            self.blocks(element.iterchildren(), blocks)
        elif tag == q("w:altChunk"):
            self.warnings["altchunk"] += 1
        elif tag == q("mc:AlternateContent"):
            self.blocks(element.iterchildren(q("mc:Choice")), blocks)
        elif tag == q("mc:Choice"):
            self.blocks(element.iterchildren(), blocks)

    def _style(self, element) -> Style | None:
        style_id = attr(element.find(q("w:pStyle")), "w:val") if element is not None else None
        return self.styles.get(style_id or self.default_style or "")

    def paragraph(self, p, blocks: Blocks) -> None:
        ppr = p.find(q("w:pPr"))
        style = self._style(ppr)
        pieces = self._anchored(self.inline(p.iterchildren(), frozenset(), None, style))
        if ppr is not None and on(ppr.find(q("w:pageBreakBefore"))):
            blocks.add("break", "---")
        code_block = style is not None and style.block == "code"
        if code_block:
            blocks.add("code", "".join(piece.text for piece in pieces if not piece.raw))
        else:
            self._text_paragraph(p, ppr, style, pieces, blocks)
        if self.pending:
            pending, self.pending = self.pending, []
            self.warnings["textbox"] += len(pending)
            for content in pending:
                self.blocks(content.iterchildren(), blocks)
        if self.page_break:
            self.page_break = False
            blocks.add("break", "---")

    def _text_paragraph(self, p, ppr, style: Style | None, pieces, blocks: Blocks) -> None:
        entry = self._list_entry(ppr, style)
        if entry is None and not self.margin:
            entry, pieces = _typed_list_item(p, ppr, pieces)
        text = _line_start(render_inline(pieces).strip()).strip()
        text = re.sub(r"\\\n(\s*\\\n)+", "\\\n", text).strip().removesuffix("\\").strip()
        if self.margin:
            # Header layouts put left/centre/right parts between tabs: "Confidential<tab>Page
            # 3 of 5" keeps "Confidential"; a part that held a page number goes.
            parts = [part.strip() for part in text.split("\t")]
            text = " ".join(part for part in parts if part and PAGE_MARK not in part)
        text = text.replace(PAGE_MARK, "")
        # Only a title before any content names the page (as pandoc reads it); a Title
        # paragraph further down is text like any other.
        leading = blocks is self.body and not blocks.parts
        if style is not None and style.is_title and leading and not self.title:
            self.title = "".join(piece.text for piece in pieces if not piece.raw).strip()
            return
        level = self._outline_level(ppr, style)
        if level is not None:
            if entry is not None and entry.label and not entry.bullet:
                text = f"{escape(entry.label)} {text}"
            if text:
                blocks.add("heading", "#" * min(level, 6) + " " + text.replace("\\\n", " "))
            return
        if entry is not None and (entry.bullet or entry.label) and not entry.literal:
            blocks.item(entry, text)
            return
        if entry is not None and entry.literal and entry.label:
            text = f"{escape(entry.label)} {text}"
        if style is not None and style.block == "quote" and text:
            text = "\n".join("> " + line for line in text.split("\n"))
        blocks.add("paragraph", text)

    def _outline_level(self, ppr, style: Style | None) -> int | None:
        # Only the style's outline level makes a heading: a level set on one paragraph is
        # mostly left over from pasted formatting (Word and pandoc agree on that).
        return style.heading if style is not None else None

    def _list_entry(self, ppr, style: Style | None) -> ListItem | None:
        num_pr = ppr.find(q("w:numPr")) if ppr is not None else None
        num_id, ilvl = (style.num_id, style.ilvl) if style is not None else (None, 0)
        if num_pr is not None:
            num_id = attr(num_pr.find(q("w:numId")), "w:val", num_id)
            ilvl = int(attr(num_pr.find(q("w:ilvl")), "w:val", str(ilvl)) or 0)
        return self.numbering.item(num_id, ilvl) if num_id else None

    # Tables -----------------------------------------------------------------------------

    def table(self, tbl, blocks: Blocks) -> None:
        rows: list[list[str]] = []
        header = False
        look = tbl.find(f"{q('w:tblPr')}/{q('w:tblLook')}")
        if look is not None:
            header = attr(look, "w:firstRow") in {"1", "true", "on"} or bool(
                int(attr(look, "w:val", "0") or "0", 16) & 0x20
            )
        for index, tr in enumerate(self._children(tbl, q("w:tr"))):
            trpr = tr.find(q("w:trPr"))
            if index == 0 and trpr is not None and on(trpr.find(q("w:tblHeader"))):
                header = True
            row: list[str] = []
            before = attr(trpr.find(q("w:gridBefore")), "w:val") if trpr is not None else None
            row.extend([""] * int(before or 0))
            for tc in self._children(tr, q("w:tc")):
                tcpr = tc.find(q("w:tcPr"))
                span = attr(tcpr.find(q("w:gridSpan")), "w:val") if tcpr is not None else None
                merge = tcpr.find(q("w:vMerge")) if tcpr is not None else None
                if merge is not None and attr(merge, "w:val", "continue") == "continue":
                    self.warnings["merged_cell"] += 1
                    row.append("")
                else:
                    row.append(self.cell(tc))
                if span and span.isdigit() and int(span) > 1:
                    self.warnings["merged_cell"] += int(span) - 1
                    row.extend([""] * (int(span) - 1))
            rows.append(row)
        if not rows:
            return
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        head = rows.pop(0) if header else [""] * width
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        blocks.add("table", "\n".join(lines))

    def _children(self, element, tag: str) -> Iterable:
        """Children with ``tag``, looking through content controls and custom XML."""
        for child in element.iterchildren():
            if child.tag == tag:
                yield child
            elif child.tag in {q("w:sdt"), q("w:sdtContent"), q("w:customXml")}:
                yield from self._children(child, tag)

    def cell(self, tc) -> str:
        parts = []
        for element in tc.iter(q("w:p")):
            if element.getparent() is not None and element.getparent().tag == q("w:txbxContent"):
                continue
            ppr = element.find(q("w:pPr"))
            style = self._style(ppr)
            pieces = self._anchored(self.inline(element.iterchildren(), frozenset(), None, style))
            text = render_inline(pieces).replace(PAGE_MARK, "")
            entry = self._list_entry(ppr, style)
            text = text.replace("\\\n", " ").replace("\n", " ").strip()
            if entry is not None and text:
                text = f"{'•' if entry.bullet else escape(entry.label)} {text}"
            if text:
                parts.append(text)
        if len(list(tc.iter(q("w:tbl")))):
            self.warnings["nested_table"] += 1
        return " ".join(parts)

    # Inline -----------------------------------------------------------------------------

    def inline(
        self, elements: Iterable, marks: frozenset, link: str | None, style: Style | None
    ) -> list[Piece]:
        pieces: list[Piece] = []
        for element in elements:
            tag = element.tag
            if tag == q("w:r"):
                pieces.extend(self.run(element, marks, link))
            elif tag == q("w:hyperlink"):
                pieces.extend(
                    self.inline(element.iterchildren(), marks, self._hyperlink(element), style)
                )
            elif tag == q("w:fldSimple") and _field_name(attr(element, "w:instr")) in PAGE_FIELDS:
                pieces.append(Piece(PAGE_MARK, raw=True))
            elif tag in {
                q("w:ins"),
                q("w:moveTo"),
                q("w:smartTag"),
                q("w:customXml"),
                q("w:sdtContent"),
                q("w:fldSimple"),
                q("w:dir"),
                q("w:bdo"),
            }:
                pieces.extend(self.inline(element.iterchildren(), marks, link, style))
            elif tag == q("w:sdt") and not _placeholder(element):
                pieces.extend(
                    self.inline(element.iterchildren(q("w:sdtContent")), marks, link, style)
                )
            elif tag in {q("w:del"), q("w:moveFrom")}:
                if self.options.keep_deletions:
                    pieces.extend(self.inline(element.iterchildren(), marks | {"s"}, link, style))
            elif tag == q("w:commentRangeStart"):
                pieces.append(Piece("", raw=True, anchor=("start", attr(element, "w:id"))))
            elif tag == q("w:commentRangeEnd"):
                pieces.append(Piece("", raw=True, anchor=("end", attr(element, "w:id"))))
            elif tag in {q("m:oMath"), q("m:oMathPara")}:
                text = "".join(t.text or "" for t in element.iter(q("m:t")))
                pieces.append(Piece(text, marks | {"code"}, link))
        return pieces

    def _anchored(self, pieces: list[Piece]) -> list[Piece]:
        """Note the text each comment covers in one paragraph's pieces (ranges may span
        paragraphs, so open comments carry over)."""
        for piece in pieces:
            if piece.anchor is not None:
                edge, comment_id = piece.anchor
                if edge == "start":
                    self.open_comments.add(comment_id)
                else:
                    self.open_comments.discard(comment_id)
            elif not piece.raw:
                for comment_id in self.open_comments:
                    self.comment_ranges.setdefault(comment_id, []).append(piece.text)
        for comment_id in self.open_comments:
            self.comment_ranges.setdefault(comment_id, []).append(" ")
        return pieces

    def _hyperlink(self, element) -> str | None:
        rel_id = attr(element, "r:id")
        anchor = attr(element, "w:anchor")
        if rel_id and rel_id in self.part.rels:
            target = self.part.rels[rel_id].target_ref
            return f"{target}#{anchor}" if anchor else target
        return f"#{anchor}" if anchor else None

    def _run_marks(self, rpr, marks: frozenset) -> frozenset:
        if rpr is None:
            return marks
        marks = set(marks)
        char_style = self.styles.get(attr(rpr.find(q("w:rStyle")), "w:val") or "")
        for mark, prop, inherited in (
            ("b", "w:b", char_style.bold if char_style else None),
            ("i", "w:i", char_style.italic if char_style else None),
            ("s", "w:strike", char_style.strike if char_style else None),
        ):
            value = on(rpr.find(q(prop)))
            value = inherited if value is None else value
            if mark == "s" and value is None:
                value = on(rpr.find(q("w:dstrike")))
            if value:
                marks.add(mark)
            elif value is False:
                marks.discard(mark)
        if char_style is not None and char_style.code:
            marks.add("code")
        vert = attr(rpr.find(q("w:vertAlign")), "w:val") or (char_style and char_style.vert)
        marks.discard("sub")
        marks.discard("sup")
        if vert in {"subscript", "superscript"}:
            marks.add(vert[:3])
        return frozenset(marks)

    def _showing(self) -> bool:
        return all(f.showing for f in self.fields)

    def _field_link(self, link: str | None) -> str | None:
        for open_field in reversed(self.fields):
            if open_field.link:
                return open_field.link
        return link

    def run(self, r, marks: frozenset, link: str | None) -> list[Piece]:
        rpr = r.find(q("w:rPr"))
        marks = self._run_marks(rpr, marks)
        fonts = rpr.find(q("w:rFonts")) if rpr is not None else None
        symbol = is_symbol_font(attr(fonts, "w:ascii") or attr(fonts, "w:hAnsi"))
        pieces: list[Piece] = []
        for child in r.iterchildren():
            tag = child.tag
            if tag == q("w:fldChar"):
                self._field_char(attr(child, "w:fldCharType"))
                continue
            if tag == q("w:instrText"):
                if self.fields and not self.fields[-1].showing:
                    self.fields[-1].instruction.append(child.text or "")
                continue
            if not self._showing():
                continue
            if any(open_field.page for open_field in self.fields):
                pieces.append(Piece(PAGE_MARK, raw=True))
                continue
            here = self._field_link(link)
            if tag == q("w:t"):
                text = child.text or ""
                pieces.append(Piece(symbol_text(text) if symbol else text, marks, here))
            elif tag == q("w:delText") and self.options.keep_deletions:
                pieces.append(Piece(child.text or "", marks | {"s"}, here))
            elif tag in {q("w:tab"), q("w:ptab")}:
                pieces.append(Piece("\t" if self.margin else " ", marks, here))
            elif tag in {q("w:br"), q("w:cr")}:
                if attr(child, "w:type") == "page":
                    self.page_break = True
                else:
                    pieces.append(Piece("\\\n", raw=True))
            elif tag == q("w:noBreakHyphen"):
                pieces.append(Piece("-", marks, here))
            elif tag == q("w:sym"):
                pieces.append(
                    Piece(sym_char(attr(child, "w:font"), attr(child, "w:char")), marks, here)
                )
            elif tag in {q("w:footnoteReference"), q("w:endnoteReference")}:
                kind = "footnote" if tag == q("w:footnoteReference") else "endnote"
                self.notes.append((kind, attr(child, "w:id")))
                pieces.append(Piece(f"[^{len(self.notes)}]", raw=True))
            elif tag == q("w:drawing"):
                pieces.extend(self.drawing(child, here))
            elif tag == q("w:pict"):
                pieces.extend(self.vml(child, here))
            elif tag == q("w:object"):
                self.warnings["ole"] += 1
                pieces.extend(self.vml(child, here))
            elif tag == q("mc:AlternateContent"):
                choice = child.find(q("mc:Choice"))
                if choice is not None:
                    pieces.extend(self.run(choice, marks, link))
        return pieces

    def _field_char(self, kind: str | None) -> None:
        if kind == "begin":
            self.fields.append(Field())
        elif kind == "separate" and self.fields:
            current = self.fields[-1]
            current.showing = True
            instruction = "".join(current.instruction).strip()
            current.page = _field_name(instruction) in PAGE_FIELDS
            match = re.match(r'HYPERLINK\s+"?([^"\s]*)"?(?:.*?\\l\s+"([^"]*)")?', instruction)
            if match:
                url, anchor = match.groups()
                current.link = (url + (f"#{anchor}" if anchor else "")) or None
        elif kind == "end" and self.fields:
            self.fields.pop()

    # Images, text boxes -----------------------------------------------------------------

    def _image(self, rel_id: str | None, alt: str, link: str | None) -> list[Piece]:
        if not rel_id or rel_id not in self.part.rels:
            return []
        rel = self.part.rels[rel_id]
        if self.margin:
            # A logo repeated on every page: decoration, not content of the page.
            self.warnings["margin_image"] += 1
            return []
        if rel.is_external:
            # Never fetched: a remote image would leak who opened the file, and when.
            self.warnings["external_image"] += 1
            return [Piece(alt or rel.target_ref, frozenset(), rel.target_ref)]
        part = rel.target_part
        name = part.partname.rsplit("/", 1)[-1]
        image = self.images.setdefault(name, Image(name, part.content_type, part.blob, alt))
        if part.content_type in IMAGE_TYPES:
            text = f"![{escape(alt or image.alt)}](media/{name})"
        else:
            # EMF, WMF, TIFF: browsers cannot show them; kept as a download.
            self.warnings["unsupported_image"] += 1
            text = f"[{escape(alt or name)}](media/{name})"
        if link:
            text = f"[{text}]({_link_target(link)})"
        return [Piece(text, raw=True)]

    def drawing(self, drawing, link: str | None) -> list[Piece]:
        pieces: list[Piece] = []
        doc_pr = drawing.find(f".//{q('wp:docPr')}")
        alt = (doc_pr.get("descr") or doc_pr.get("title") or "") if doc_pr is not None else ""
        for blip in drawing.iter(q("a:blip")):
            rel_id = attr(blip, "r:embed") or attr(blip, "r:link")
            pieces.extend(self._image(rel_id, alt.strip(), link))
        for textbox in drawing.iter(q("w:txbxContent")):
            if not any(a.tag == q("w:txbxContent") for a in textbox.iterancestors()):
                self.pending.append(textbox)
        uris = {g.get("uri") or "" for g in drawing.iter(q("a:graphicData"))}
        if any("chart" in uri for uri in uris):
            self.warnings["chart"] += 1
        if any("diagram" in uri for uri in uris):
            self.warnings["diagram"] += 1
        return pieces

    def vml(self, element, link: str | None) -> list[Piece]:
        pieces: list[Piece] = []
        for data in element.iter(q("v:imagedata")):
            alt = data.get(q("o:title")) or ""
            pieces.extend(self._image(attr(data, "r:id"), alt, link))
        for textbox in element.iter(q("w:txbxContent")):
            self.pending.append(textbox)
        return pieces

    # Notes and comments -----------------------------------------------------------------

    def _notes_markdown(self) -> str:
        out = []
        seen = 0
        while seen < len(self.notes):  # notes may reference more notes
            kind, note_id = self.notes[seen]
            seen += 1
            root, part = self.note_parts.get(kind) or (None, self.part)
            note = None
            if root is not None:
                for candidate in root.iterchildren(q(f"w:{kind}")):
                    if attr(candidate, "w:id") == note_id:
                        note = candidate
                        break
            self.part, main = part, self.part
            text = self.blocks(note.iterchildren()).markdown() if note is not None else ""
            self.part = main
            text = "\n".join(
                ("    " + line if i and line else line)
                for i, line in enumerate(text.strip().split("\n"))
            )
            out.append(f"[^{seen}]: {text}")
        return "\n\n".join(out)

    def _comments_markdown(self) -> str:
        if self.comments is None:
            return ""
        items = []
        root, self.part = self.comments
        for comment in root.iterchildren(q("w:comment")):
            text = " ".join(
                render_inline(self.inline(p.iterchildren(), frozenset(), None, None)).strip()
                for p in comment.iter(q("w:p"))
            ).strip()
            if not text:
                continue
            author = attr(comment, "w:author") or _("Unknown")
            anchor = "".join(self.comment_ranges.get(attr(comment, "w:id"), [])).strip()
            on_text = f" ({_('on')} “{escape(anchor[:80])}”)" if anchor else ""
            items.append(f"- **{escape(author)}**{on_text}: {text}")
        if not items:
            return ""
        return f"## {_('Comments')}\n\n" + "\n".join(items)

    # Headers and footers --------------------------------------------------------------

    def _margins_markdown(self) -> str:
        """Each different header and footer once, in a section at the end.

        Their text (a document number, "Confidential", the company's name) is part of what
        the document says, so it is kept; page numbers, and images such as a logo on every
        page, are not content of a web page and go (the images with a warning).
        """
        parts = []
        for kind in ("w:headerReference", "w:footerReference"):
            for reference in self.document.element.body.iter(q(kind)):
                rel = self.document.part.rels.get(attr(reference, "r:id") or "")
                if rel is not None and not rel.is_external and rel.target_part not in parts:
                    parts.append(rel.target_part)
        texts: list[str] = []
        main, self.margin = self.part, True
        for part in parts:
            self.part = part
            text = self.blocks(parse_xml(part.blob).iterchildren()).markdown().strip()
            if text and text not in texts:
                texts.append(text)
        self.part, self.margin = main, False
        if not texts:
            return ""
        self.warnings["header_footer"] += len(texts)
        return f"## {_('Header and footer')}\n\n" + "\n\n".join(texts)


def _placeholder(sdt) -> bool:
    """A content control still showing its prompt ("Click here to enter text."): the
    template's instruction to the writer, not the document's text."""
    return sdt.find(f"{q('w:sdtPr')}/{q('w:showingPlcHdr')}") is not None


def _field_name(instruction: str | None) -> str:
    """``" PAGE \\* MERGEFORMAT "`` -> ``"PAGE"``."""
    words = (instruction or "").split()
    return words[0].upper() if words else ""


def _typed_list_item(p, ppr, pieces: list[Piece]) -> tuple[ListItem | None, list[Piece]]:
    """A list item typed by hand ("•<tab>text", "1.<tab>text"), as Pages exports lists
    (no numbering definitions): the item, and the pieces without the typed label."""
    label = ""
    for element in p.iter(q("w:t"), q("w:tab")):
        if element.tag == q("w:tab"):
            if element.getparent().tag != q("w:r"):
                continue  # a tab stop of the paragraph's properties
            break
        label += element.text or ""
        if len(label) > 4:
            return None, pieces
    else:
        return None, pieces
    skip, label = len(label) + 1, label.strip()
    number = TEXT_NUMBER.fullmatch(label)
    if not (number or TEXT_BULLET.fullmatch(label)):
        return None, pieces
    indent = ppr.find(q("w:ind")) if ppr is not None else None
    left = attr(indent, "w:left") or attr(indent, "w:start") or "0"
    level = max(0, round(int(left) / 720) - 1) if left.lstrip("-").isdigit() else 0
    item = ListItem(
        key=("typed", bool(number)),
        level=level,
        bullet=not number,
        number=int(number.group(1)) if number else 0,
        label=label,
        literal=False,
    )
    # Drop the label and the tab (read as a space) from the start of the text.
    kept = []
    for piece in pieces:
        if skip and not piece.raw:
            taken = min(skip, len(piece.text))
            skip -= taken
            piece = Piece(piece.text[taken:], piece.marks, piece.link)
        kept.append(piece)
    return item, kept


def _core_properties(document) -> CoreProperties | None:
    """The document's properties (title, author, dates), or None when it has none.

    Found by the part's type, not the relationship's: LibreOffice relates them with the
    variant type ``.../officedocument/2006/relationships/metadata/core-properties``, which
    python-docx misses and then makes up defaults (the title "Word Document").
    """
    for rel in document.part.package.rels.values():
        if not rel.is_external and isinstance(rel.target_part, CorePropertiesPart):
            return rel.target_part.core_properties
    return None


def convert_docx(
    data: bytes, options: Options | None = None, limits: Limits | None = None
) -> Conversion:
    """Check ``data`` (UnsafeDocument if hostile) and convert it to Markdown."""
    check_docx(data, limits)
    options = options or Options()
    document = docx.Document(io.BytesIO(data))
    converter = Converter(document, options)
    markdown = converter.convert()
    properties = _core_properties(document)
    return Conversion(
        markdown=markdown,
        # The title the reader sees on the first page wins over the properties' (often
        # left over from a template).
        title=converter.title or (properties.title if properties else "").strip(),
        author=(properties.author if properties else "").strip(),
        created=properties.created if properties else None,
        modified=properties.modified if properties else None,
        images=list(converter.images.values()),
        warnings=converter.warnings,
        sections=converter.sections,
    )
