"""Word files as other producers write them, built from python-docx plus raw XML.

No Google Docs or Pages export with a licence that lets tests use it was found, so these
copy what those producers emit (studied from their exports' XML):

- Google Docs: paragraph styles ``Title``/``Subtitle``/``Heading1``… used by id, every run
  carrying direct formatting (font, size, colour; links coloured and underlined by hand
  rather than by the Hyperlink style), lists as numbering definitions whose bullet levels
  show ``●``/``○``/``■``, a default header with the document name and a footer with PAGE.
- Pages: no numbering part at all; list items are paragraphs typed as ``•<tab>text`` with
  an indent per level, headings from its own styles.
"""

from __future__ import annotations

import io

import docx
from docx.oxml import parse_xml

from plugins.wordimport.tests.docx_files import R, W, _add_numbering, _numbered, tiny_png

GOOGLE_BULLETS = f"""<w:abstractNum {W} w:abstractNumId="80">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="●"/>
    <w:rPr><w:u w:val="none"/></w:rPr></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="○"/>
    <w:rPr><w:u w:val="none"/></w:rPr></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="■"/>
    <w:rPr><w:u w:val="none"/></w:rPr></w:lvl>
</w:abstractNum>"""
GOOGLE_NUMBERS = f"""<w:abstractNum {W} w:abstractNumId="81">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>
  </w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>
    <w:lvlText w:val="%2."/></w:lvl>
</w:abstractNum>"""
RUN_FORMAT = (
    '<w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/>'
    '<w:color w:val="000000"/><w:sz w:val="22"/><w:szCs w:val="22"/>{extra}</w:rPr>'
)


def _run(text: str, extra: str = "") -> str:
    return f'<w:r {W}>{RUN_FORMAT.format(extra=extra)}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _paragraph(document, runs: str, style: str | None = None):
    paragraph = document.add_paragraph(style=style)
    for run in parse_xml(f"<w:p {W} {R}>{runs}</w:p>"):
        paragraph._p.append(run)
    return paragraph


def _save(document) -> bytes:
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def google_docs() -> bytes:
    """A meeting record as Google Docs exports it."""
    document = docx.Document()
    bullets = _add_numbering(document, GOOGLE_BULLETS, 80, 80)
    numbers = _add_numbering(document, GOOGLE_NUMBERS, 81, 81)
    _paragraph(document, _run("Weekly meeting"), "Title")
    _paragraph(document, _run("Project Apollo"), "Subtitle")
    _paragraph(document, _run("Attendees"), "Heading 1")
    for text, level in (("Alice", 0), ("Bob", 0), ("remote", 1), ("Carol", 0)):
        _numbered(_paragraph(document, _run(text)), bullets, level)
    _paragraph(document, _run("Decisions"), "Heading 2")
    for text, level in (("Ship on Friday", 0), ("after QA", 1), ("Hire a designer", 0)):
        _numbered(_paragraph(document, _run(text)), numbers, level)
    link = document.part.relate_to(
        "https://example.com/plan",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    _paragraph(
        document,
        _run("See the ")
        + f'<w:hyperlink {W} {R} r:id="{link}">'
        + _run("plan", '<w:color w:val="1155cc"/><w:u w:val="single"/>')
        + "</w:hyperlink>"
        + _run(" and the ")
        + _run("bold", "<w:b/>")
        + _run(" words; H")
        + _run("2", '<w:vertAlign w:val="subscript"/>')
        + _run("O."),
    )
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate((("Owner", "Task"), ("Alice", "Slides"))):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph().add_run().add_picture(io.BytesIO(tiny_png()))
    section = document.sections[0]
    section.header.paragraphs[0].text = "Apollo – internal"
    footer = section.footer.paragraphs[0]
    footer._p.append(
        parse_xml(f'<w:fldSimple {W} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )
    return _save(document)


def pages() -> bytes:
    """A checklist as Pages exports it: bullets typed as text, levels by indent."""
    document = docx.Document()
    document.add_paragraph("Checklist", style="Heading 1")
    for text, indent in (("Pack", 720), ("Tent", 1440), ("Stove", 1440), ("Leave", 720)):
        paragraph = _paragraph(document, _run("•") + f"<w:r {W}><w:tab/></w:r>" + _run(text))
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:ind {W} w:left="{indent}" w:hanging="360"/>')
        )
    for number, text in enumerate(("Book", "Pay"), start=1):
        _paragraph(document, _run(f"{number}.") + f"<w:r {W}><w:tab/></w:r>" + _run(text))
    document.add_paragraph("Price • tax\tincluded")
    return _save(document)
