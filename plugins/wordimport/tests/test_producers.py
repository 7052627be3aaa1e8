"""Files from other producers (Google Docs, Pages; see producers.py) and the Word features
a wiki page shows its own way: headers and footers, sub/superscript, Symbol-font
characters, comment anchors, the title paragraph, template placeholders."""

from __future__ import annotations

import io

import docx
import pytest
from django.utils import translation
from docx.oxml import parse_xml

from hub.core.markdown import render_markdown
from plugins.wordimport.converter import Piece, convert_docx, render_inline
from plugins.wordimport.fidelity import counts
from plugins.wordimport.tests.docx_files import R, W, _save, tiny_png, with_body_xml
from plugins.wordimport.tests.producers import google_docs, pages
from plugins.wordimport.warnings import describe


def test_google_docs_export():
    with translation.override("en"):
        result = convert_docx(google_docs())
    assert result.title == "Weekly meeting"
    body = result.markdown.removesuffix("\n").removesuffix(result.sections)
    assert counts(body) == {"headings": 2, "list items": 7, "tables": 1, "images": 1}
    assert "- Alice\n- Bob\n  - remote\n- Carol" in body
    assert "1. Ship on Friday\n   1. after QA\n2. Hire a designer" in body
    # A link underlined by hand stays a plain link; no stray underline markup.
    assert "See the [plan](https://example.com/plan) and the **bold** words; H~2~O." in body
    assert result.sections == "## Header and footer\n\nApollo – internal"
    with translation.override("en"):
        assert "1 header/footer text kept once at the end of the page" in describe(result.warnings)


def test_pages_export_typed_bullets_become_lists():
    markdown = convert_docx(pages()).markdown
    assert markdown.startswith(
        "# Checklist\n\n- Pack\n  - Tent\n  - Stove\n- Leave\n1. Book\n2. Pay"
    )
    assert counts(markdown)["list items"] == 6
    # A bullet character inside a sentence is text.
    assert "Price • tax included" in markdown


def _with_margins(header_xml: str, footer_xml: str, first_header: str | None = None) -> bytes:
    document = docx.Document()
    document.add_paragraph("Body text.")
    section = document.sections[0]
    for paragraph_xml, part in ((header_xml, section.header), (footer_xml, section.footer)):
        part._element.remove(part.paragraphs[0]._p)
        part._element.append(parse_xml(paragraph_xml))
    if first_header is not None:
        section.different_first_page_header_footer = True
        section.first_page_header.paragraphs[0].text = first_header
    section.even_page_header.paragraphs[0].text = "Confidential"  # same text: kept once
    document.settings.odd_and_even_pages_header_footer = True
    return _save(document)


def _p(inner: str) -> str:
    return f"<w:p {W} {R}>{inner}</w:p>"


def test_headers_and_footers_are_kept_once_without_page_numbers():
    page = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    data = _with_margins(
        _p("<w:r><w:t>Confidential</w:t></w:r>"),
        _p(
            "<w:r><w:t>QP-07 Rev. 2</w:t></w:r><w:r><w:tab/><w:t>Page </w:t></w:r>"
            + page
            + '<w:r><w:t> of </w:t></w:r><w:fldSimple w:instr="NUMPAGES"><w:r><w:t>5</w:t>'
            "</w:r></w:fldSimple>"
        ),
        first_header="ACME Ltd. — Safety policy",
    )
    with translation.override("en"):
        result = convert_docx(data)
    assert result.markdown == (
        "Body text.\n\n## Header and footer\n\nConfidential\n\nACME Ltd. — Safety policy\n\n"
        "QP-07 Rev. 2\n"
    )
    assert result.warnings["header_footer"] == 3


def test_a_footer_of_page_numbers_only_adds_nothing():
    page = '<w:fldSimple w:instr=" PAGE \\* MERGEFORMAT "><w:r><w:t>7</w:t></w:r></w:fldSimple>'
    with translation.override("en"):
        result = convert_docx(_with_margins(_p(""), _p(f"<w:r><w:t>- </w:t></w:r>{page}")))
    # Only the even-page header "Confidential" is left; no "- 7".
    assert result.markdown == "Body text.\n\n## Header and footer\n\nConfidential\n"


def test_a_logo_in_the_header_is_dropped_with_a_warning():
    document = docx.Document()
    document.add_paragraph("Body")
    header = document.sections[0].header
    header.paragraphs[0].add_run().add_picture(io.BytesIO(tiny_png()))
    header.add_paragraph("ACME")
    with translation.override("en"):
        result = convert_docx(_save(document))
    assert result.images == []
    assert result.sections.endswith("ACME")
    assert result.dropped == {"margin_image": 1}
    with translation.override("en"):
        assert "1 image in headers/footers dropped" in describe(result.warnings)


def test_subscript_and_superscript_are_marked_and_rendered():
    xml = _p(
        '<w:r><w:t>H</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="subscript"/></w:rPr>'
        "<w:t>2</w:t></w:r><w:r><w:t>O, E=mc</w:t></w:r><w:r><w:rPr>"
        '<w:vertAlign w:val="superscript"/></w:rPr><w:t>2</w:t></w:r><w:r><w:t> 2^10</w:t></w:r>'
    )
    markdown = convert_docx(with_body_xml(xml)).markdown
    assert "H~2~O, E=mc^2^ 2\\^10" in markdown
    # A caret typed in the text stays a caret, not the start of a superscript.
    assert "<p>H<sub>2</sub>O, E=mc<sup>2</sup> 2^10</p>" in render_markdown(markdown)


@pytest.mark.parametrize(
    ("marks", "expected"),
    [({"sub"}, "H~2~O"), ({"sup"}, "H^2^O"), ({"sup", "b"}, "H**^2^**O")],
)
def test_subscript_and_superscript_markup_round_trips(marks, expected):
    markdown = render_inline([Piece("H"), Piece("2", frozenset(marks)), Piece("O")])
    assert markdown == expected
    tag = "sub" if "sub" in marks else "sup"
    assert f"<{tag}>2</{tag}>" in render_markdown(markdown)
    spaced = render_inline([Piece("a b", frozenset({"sup"}))])
    assert render_markdown(spaced).strip() == "<p><sup>a b</sup></p>"


def test_symbol_font_characters_are_read_as_word_shows_them():
    xml = _p(
        '<w:r><w:t>x </w:t></w:r><w:r><w:sym w:font="Symbol" w:char="F061"/></w:r>'
        '<w:r><w:sym w:font="Symbol" w:char="00B3"/></w:r>'
        '<w:r><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr><w:t>\uf070</w:t></w:r>'
        '<w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>'
    )
    assert "x α≥π" in convert_docx(with_body_xml(xml)).markdown


def test_a_comment_within_one_paragraph_keeps_its_anchor():
    document = docx.Document()
    paragraph = document.add_paragraph("Before ")
    run = paragraph.add_run("the anchor")
    paragraph.add_run(" after.")
    document.add_comment(run, text="Check this", author="Li Lei")
    with translation.override("en"):
        markdown = convert_docx(_save(document)).markdown
    assert "- **Li Lei** (on “the anchor”): Check this" in markdown


def test_only_a_leading_title_paragraph_names_the_page():
    document = docx.Document()
    document.core_properties.title = "Template v1"
    document.add_paragraph("Safety plan 2024", style="Title")
    document.add_paragraph("Text.")
    document.add_paragraph("Appendix", style="Title")
    result = convert_docx(_save(document))
    # What the reader sees wins over a property left over from a template.
    assert result.title == "Safety plan 2024"
    assert result.markdown == "Text.\n\nAppendix\n"


def test_template_placeholders_are_not_text():
    xml = (
        f"<w:sdt {W}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r>"
        "<w:t>Click here to enter text.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    assert "Click here" not in convert_docx(with_body_xml(xml)).markdown


def test_a_bare_url_link_becomes_an_autolink():
    markdown = render_inline([Piece("https://example.com/a_b", link="https://example.com/a_b")])
    assert markdown == "<https://example.com/a_b>"
    assert 'href="https://example.com/a_b"' in render_markdown(markdown)
