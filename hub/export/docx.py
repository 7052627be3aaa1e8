"""The Word export: a ``.docx`` built with python-docx by walking markdown-it-py's token
stream (the same parser as the page, so what the page shows is what Word gets).

Mapping (docs/export.md has the reader's version): headings -> Heading 1-6; bold, italic,
strikethrough, sub- and superscript, inline code -> run formatting and the "Code Char"
style; links -> real ``w:hyperlink`` elements with an external relationship; bullet and
numbered lists -> Word numbering, one instance per list so each numbered list restarts,
nesting as list levels; task items -> ☐/☑; block quotes -> "Quote", indented per level;
code blocks -> "Code" (monospace, shaded); tables -> "Table Grid" with a repeated, bold
header row; images -> attachments the reader may view, embedded and scaled to the text
width (else their alt text); footnotes -> superscript [n] and a numbered list of notes at
the end; rules -> a bottom border. The title, space, owner and last revision head the
document, the template fields follow as a two-column table, and the core properties carry
the title, author, dates, space and tags.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import docx
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import InvalidImageStreamError, UnrecognizedImageError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, Twips
from docx.text.paragraph import Paragraph
from markdown_it.token import Token
from wagtail.models import Revision

from hub.core.markdown import markdown_parser
from hub.core.models import DocumentPage, User
from hub.doctemplates.fields import field_rows
from hub.export import wordstyles
from hub.export.images import viewable_image

logger = logging.getLogger("hub.export")

WORD_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Characters XML 1.0 cannot hold; a body may contain them, Word files must not.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LINK_SCHEMES = {"http", "https", "mailto"}
QUOTE_INDENT = 567
ALIGNMENTS = {
    "text-align:left": WD_ALIGN_PARAGRAPH.LEFT,
    "text-align:center": WD_ALIGN_PARAGRAPH.CENTER,
    "text-align:right": WD_ALIGN_PARAGRAPH.RIGHT,
}
MARKS = {"strong": "strong", "em": "em", "s": "s", "sub": "sub", "sup": "sup"}


def xml_safe(text: str) -> str:
    return XML_INVALID.sub("", text or "")


def _plain(tokens: list[Token] | None) -> str:
    """The text of inline tokens without their markup (an image's alt text)."""
    parts = []
    for token in tokens or []:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.children:
            parts.append(_plain(token.children))
    return "".join(parts)


def _utc(value: dt.datetime) -> dt.datetime:
    # python-docx writes the clock time followed by "Z", so it must be UTC already.
    return value.astimezone(dt.UTC)


@dataclass
class _List:
    num_id: int
    task: bool


class WordBuilder:
    """Builds the Word file of one document for one reader (images follow their rights)."""

    def __init__(self, page: DocumentPage, user: User, document_url: str, site_host: str):
        self.page = page
        self.user = user
        self.document_url = document_url
        self.site_host = site_host
        self.word = docx.Document()
        wordstyles.prepare(self.word)
        self.numbering = wordstyles.ListNumbering(self.word)
        section = self.word.sections[0]
        self.text_width = section.page_width - section.left_margin - section.right_margin
        self.lists: list[_List] = []
        self.quote_depth = 0
        self.item_starts = False
        self.task_item = False
        self.note_number: int | None = None
        self.paragraph: Paragraph | None = None
        # python-docx finds a style by name with XPath on every assignment, which costs
        # more than the rest of the export; the builder sets style ids directly.
        self.style_ids = {style.name: style.style_id for style in self.word.styles}

    # Whole document ----------------------------------------------------------------

    def build(self) -> bytes:
        self._heading_block()
        self._fields_table()
        env: dict = {}
        self._blocks(markdown_parser().parse(self.page.body or "", env))
        self._core_properties()
        out = io.BytesIO()
        self.word.save(out)
        return out.getvalue()

    def _heading_block(self) -> None:
        self.word.add_paragraph(xml_safe(self.page.title), style="Title")
        parts = []
        if self.page.space:
            parts.append(f"{_('Space')}: {self.page.space.title}")
        if self.page.owner:
            parts.append(f"{_('Owner')}: {self.page.owner.get_full_name()}")
        if self.page.latest_revision_created_at:
            updated = timezone.localtime(self.page.latest_revision_created_at)
            parts.append(f"{_('Last revision')}: {updated:%Y-%m-%d %H:%M}")
        if parts:
            meta = self.word.add_paragraph().add_run(xml_safe(" · ".join(parts)))
            meta.font.size = Pt(9)

    def _fields_table(self) -> None:
        rows = field_rows(self.page)
        if not rows:
            return
        table = self.word.add_table(rows=len(rows), cols=2)
        table.style = "Table Grid"
        label_width = Cm(3.5)
        for (label, value), row in zip(rows, table.rows, strict=True):
            label_cell, value_cell = row.cells
            label_cell.width, value_cell.width = label_width, self.text_width - label_width
            label_cell.paragraphs[0].add_run(xml_safe(label)).bold = True
            if isinstance(value, list) and value:
                self._rows_table(value_cell, value)
            else:
                self._cell_text(value_cell.paragraphs[0], value if isinstance(value, str) else "")
        self.word.add_paragraph()

    def _rows_table(self, cell, rows: list[list[str]]) -> None:
        """A ``rows`` field as a table nested in the value cell, its header row bold."""
        empty_paragraph = cell.paragraphs[0]._p
        nested = cell.add_table(rows=len(rows), cols=len(rows[0]))
        empty_paragraph.getparent().remove(empty_paragraph)
        nested.style = "Table Grid"
        for index, (cells, row) in enumerate(zip(rows, nested.rows, strict=True)):
            for text, target in zip(cells, row.cells, strict=False):
                self._cell_text(target.paragraphs[0], text, bold=index == 0)
        self._header_row(nested.rows[0])

    @staticmethod
    def _cell_text(paragraph: Paragraph, text: str, bold: bool = False) -> None:
        # run.text turns "\n" into line breaks.
        paragraph.add_run(xml_safe(text) or "—").bold = bold or None

    def _core_properties(self) -> None:
        page, props = self.page, self.word.core_properties
        owner = page.owner.get_full_name() if page.owner else ""
        latest = page.latest_revision
        props.title = xml_safe(page.title)
        props.author = xml_safe(owner)
        props.last_modified_by = xml_safe(
            latest.user.get_full_name() if latest and latest.user else owner
        )
        created = page.first_published_at or page.latest_revision_created_at or timezone.now()
        props.created = _utc(created)
        props.modified = _utc(page.latest_revision_created_at or created)
        props.revision = max(1, Revision.page_revisions.filter(object_id=str(page.pk)).count())
        props.subject = xml_safe(page.space.title if page.space else "")
        props.keywords = xml_safe(", ".join(sorted(tag.name for tag in page.tags.all())))
        props.category = xml_safe(str(page.template) if page.template_id else "")
        props.content_status = str(page.get_status_display())
        props.identifier = self.document_url
        props.language = "zh-CN"
        props.comments = ""

    # Blocks ------------------------------------------------------------------------

    def _blocks(self, tokens: list[Token]) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "table_open":
                index = self._table(tokens, index)
                continue
            if kind == "heading_open":
                self._new_paragraph(f"Heading {token.tag[1]}")
            elif kind == "paragraph_open":
                self._new_paragraph()
            elif kind == "inline":
                self._inline(token.children or [])
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self._open_list(token)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self.item_starts = True
                self.task_item = "task-list-item" in str(token.attrGet("class") or "")
            elif kind == "blockquote_open":
                self.quote_depth += 1
            elif kind == "blockquote_close":
                self.quote_depth -= 1
            elif kind in ("fence", "code_block"):
                self._new_paragraph(wordstyles.CODE_STYLE)
                self.paragraph.add_run(xml_safe(token.content.rstrip("\n")))
            elif kind in ("hr", "footnote_block_open"):
                self._rule()
            elif kind == "footnote_open":
                self.note_number = token.meta["id"] + 1
            index += 1

    def _open_list(self, token: Token) -> None:
        level = min(len(self.lists), wordstyles.MAX_LEVEL)
        ordered = token.type == "ordered_list_open"
        start = int(token.attrGet("start") or 1) if ordered else 1
        task = "contains-task-list" in str(token.attrGet("class") or "")
        self.lists.append(_List(self.numbering.new_list(ordered, level, start), task))

    def _new_paragraph(self, style: str | None = None) -> None:
        """Start a paragraph in the current context (list item, quote, footnote)."""
        paragraph = self.word.add_paragraph()
        indent = 0
        if self.lists:
            level = min(len(self.lists) - 1, wordstyles.MAX_LEVEL)
            style = style or wordstyles.LIST_STYLE
            if self.item_starts and not self.task_item:
                self._number(paragraph, self.lists[-1].num_id, level)
            else:
                # A task item, or a later paragraph of an item: aligned with the text.
                indent = wordstyles.LEVEL_INDENT * (level + 1)
            paragraph.paragraph_format.space_after = Pt(2)
        if self.quote_depth:
            style = style or wordstyles.QUOTE_STYLE
            indent += QUOTE_INDENT * self.quote_depth
        if style:
            paragraph._p.get_or_add_pPr().style = self.style_ids[style]
        if indent:
            paragraph.paragraph_format.left_indent = Twips(indent)
        self.item_starts = False
        self.paragraph = paragraph
        if self.note_number is not None:
            paragraph.add_run(f"[{self.note_number}] ")
            self.note_number = None

    @staticmethod
    def _number(paragraph: Paragraph, num_id: int, level: int) -> None:
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                f'<w:numId w:val="{num_id}"/></w:numPr>'
            )
        )

    def _rule(self) -> None:
        self._new_paragraph()
        self.paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
                'w:color="A0A0A0"/></w:pBdr>'
            )
        )

    def _table(self, tokens: list[Token], index: int) -> int:
        """Add the table opening at ``index``; return the index after its end."""
        rows: list[list[tuple[list[Token], str, bool]]] = []
        index += 1
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                rows.append([])
            elif token.type in ("th_open", "td_open"):
                cell = (
                    tokens[index + 1].children or [],
                    str(token.attrGet("style") or ""),
                    token.type == "th_open",
                )
                rows[-1].append(cell)
            index += 1
        columns = max((len(row) for row in rows), default=0)
        if columns:
            table = self.word.add_table(rows=len(rows), cols=columns)
            table._tbl.tblStyle_val = self.style_ids["Table Grid"]
            for row, word_row in zip(rows, table.rows, strict=True):
                for (children, style, header), cell in zip(row, word_row.cells, strict=False):
                    self.paragraph = cell.paragraphs[0]
                    self.paragraph.alignment = ALIGNMENTS.get(style)
                    self._inline(children, {"strong"} if header else set())
                # Table rows never break across pages.
                word_row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            if rows[0] and rows[0][0][2]:
                self._header_row(table.rows[0])
        return index + 1

    @staticmethod
    def _header_row(row) -> None:
        """Repeat the row at the top of each page the table spans."""
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))

    # Inline content ----------------------------------------------------------------

    def _inline(self, children: list[Token], marks: set[str] | None = None) -> None:
        marks = set(marks or ())
        link = None
        for token in children:
            kind = token.type
            if kind == "text":
                self._run(token.content, marks, link)
            elif kind == "softbreak":
                self._run(" ", marks, link)
            elif kind == "hardbreak":
                self._run("", marks, link).add_break()
            elif kind == "code_inline":
                self._run(token.content, marks, link, wordstyles.CODE_CHAR_STYLE)
            elif kind.endswith("_open") and kind[:-5] in MARKS:
                marks.add(kind[:-5])
            elif kind.endswith("_close") and kind[:-6] in MARKS:
                marks.discard(kind[:-6])
            elif kind == "link_open":
                link = self._hyperlink(str(token.attrGet("href") or ""))
            elif kind == "link_close":
                link = None
            elif kind == "image":
                self._image(token, marks, link)
            elif kind == "html_inline":
                self._html_inline(token.content, marks, link)
            elif kind == "footnote_ref":
                run = self._run(f"[{token.meta['id'] + 1}]", marks, link)
                run.font.superscript = True

    def _html_inline(self, content: str, marks: set[str], link) -> None:
        # Raw HTML is off, so the only inline HTML is the task-list plugin's checkbox.
        if "task-list-item-checkbox" in content:
            # The item's text starts with the space that followed "[x]".
            self._run("☑" if 'checked="checked"' in content else "☐", marks, link)
        else:
            self._run(content, marks, link)

    def _run(self, text: str, marks: set[str], link, style: str | None = None):
        run = self.paragraph.add_run()
        if text:
            # Inline text holds no line breaks (those are separate tokens), so the plain
            # w:t of add_t serves, without run.text's slower character-by-character path.
            run._r.add_t(xml_safe(text))
        if style:
            run._r.style = self.style_ids[style]
        if "strong" in marks:
            run.bold = True
        if "em" in marks:
            run.italic = True
        if "s" in marks:
            run.font.strike = True
        if "sub" in marks:
            run.font.subscript = True
        if "sup" in marks:
            run.font.superscript = True
        if link is not None:
            if style is None:
                run._r.style = self.style_ids[wordstyles.HYPERLINK_STYLE]
            link.append(run._r)
        return run

    def _link_target(self, href: str) -> str | None:
        """An absolute URL for ``href`` with a safe scheme; None for anything else."""
        parts = urlsplit(href)
        if parts.scheme:
            return href if parts.scheme.lower() in LINK_SCHEMES else None
        if href.startswith("#"):
            return None
        return urljoin(self.document_url, href)

    def _hyperlink(self, href: str):
        url = self._link_target(href)
        if url is None:
            return None
        relationship = self.word.part.relate_to(url, RT.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), relationship)
        self.paragraph._p.append(hyperlink)
        return hyperlink

    def _image(self, token: Token, marks: set[str], link) -> None:
        src = str(token.attrGet("src") or "")
        alt = _plain(token.children) or token.content
        attachment = viewable_image(src, self.user, self.site_host)
        if attachment is not None:
            try:
                with attachment.file.open("rb") as stored:
                    data = stored.read()
                run = self.paragraph.add_run()
                shape = run.add_picture(io.BytesIO(data))
            except (OSError, UnrecognizedImageError, InvalidImageStreamError, ValueError):
                logger.info("attachment %s could not be embedded", attachment.pk, exc_info=True)
            else:
                if shape.width > self.text_width:
                    shape.height = int(shape.height * self.text_width / shape.width)
                    shape.width = self.text_width
                shape._inline.docPr.set("descr", xml_safe(alt))
                if link is not None:
                    link.append(run._r)
                return
        fallback = alt or urlsplit(src).path.rsplit("/", 1)[-1] or src
        self._run(fallback, marks | {"em"}, link)


def build_docx(page: DocumentPage, user: User, document_url: str, site_host: str = "") -> bytes:
    """The Word file of ``page`` as ``user`` may see it (images they may view only).

    ``document_url`` is the page's absolute URL: relative links resolve against it and it
    is recorded in the core properties. ``site_host`` is this site's host, so absolute
    image URLs naming it are recognised as attachments.
    """
    return WordBuilder(page, user, document_url, site_host).build()
