"""Fidelity on pandoc's own test files: no exception, text close to pandoc's, same counts.

The corpus lives outside the repository: ``HUB_DOCX_CORPUS`` (default
``../shared/corpus/docx`` beside the checkout) holding ``pandoc/*.docx`` and pandoc's GFM
output in ``pandoc-gfm/*.md``. The per-file figures are printed (``pytest -s``).
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest

from plugins.wordimport.converter import convert_docx
from plugins.wordimport.fidelity import counts, similarity

CORPUS = Path(
    os.environ.get(
        "HUB_DOCX_CORPUS", Path(__file__).resolve().parents[3] / ".." / "shared/corpus/docx"
    )
)
FILES = sorted((CORPUS / "pandoc").glob("*.docx"))

# Where the hub keeps more than pandoc (or differs on purpose), with the reason.
KNOWN = {
    "comments": "comments are kept in a Comments section; pandoc drops them",
    "comments_warning": "comments are kept in a Comments section",
    "track_changes_scrubbed_metadata": "the comment is kept in a Comments section",
    "metadata": "Author/Date/Abstract paragraphs stay in the text; pandoc moves them to metadata",
    "metadata_after_normal": "Author/Date paragraphs stay in the text",
    "document-properties": "Subtitle/Author paragraphs stay in the text",
    "text_in_shape_format": "text in shapes is flattened into the text; pandoc drops it",
    "enumerated_headings": "heading numbers (1, 1.1) are kept; pandoc drops them",
    "numbered_header": "heading numbers are kept",
    "image_with_textbox_caption": "text box caption kept; the EMF image is a download link",
    "image_vml_as_object": "the EMF preview of an OLE object is a download link, not an image",
    "textbox_image": "the image inside a text box is kept; pandoc drops it",
    "textbox_image_duplicate_encoding": "the image inside a text box is kept",
    "table_with_list_cell": "lists in table cells become • items (a GFM cell holds one line)",
    "lists_div_bullets": "a heading inside a list item ends the list",
    "table_captions_no_field": "pandoc adds an empty heading after the table",
    "table_captions_with_field": "pandoc adds an empty heading after the table",
    "nested_anchors_in_header": "pandoc repeats TOC page numbers as links",
    "link_in_notes": "pandoc's <url> autolink is rendered differently",
    "image": "pandoc writes captions as a figure (the alt text twice)",
}
pytestmark = pytest.mark.skipif(not FILES, reason=f"no Word corpus at {CORPUS} (HUB_DOCX_CORPUS)")


def _known(name: str) -> str | None:
    return KNOWN.get(name.removeprefix("golden__"))


@pytest.fixture(scope="module")
def conversions() -> dict[str, str]:
    return {path.stem: convert_docx(path.read_bytes()).markdown for path in FILES}


def test_every_file_converts(conversions):
    assert len(conversions) == len(FILES) >= 100


def test_text_similarity_to_pandoc(conversions):
    scores = {}
    for name, markdown in conversions.items():
        reference = CORPUS / "pandoc-gfm" / f"{name}.md"
        if reference.exists():
            scores[name] = similarity(markdown, reference.read_text(encoding="utf-8"))
    for name, score in sorted(scores.items(), key=lambda item: item[1]):
        print(f"{score:.3f} {name}{'  (known: ' + _known(name) + ')' if _known(name) else ''}")
    median, low = statistics.median(scores.values()), min(scores.values())
    print(f"files {len(scores)}, median {median:.3f}, minimum {low:.3f}")
    assert median >= 0.98
    unexplained = {
        name: score for name, score in scores.items() if score < 0.90 and not _known(name)
    }
    assert not unexplained


def test_counts_agree_with_pandoc(conversions):
    disagreements = {}
    for name, markdown in conversions.items():
        reference = CORPUS / "pandoc-gfm" / f"{name}.md"
        if reference.exists():
            ours, theirs = counts(markdown), counts(reference.read_text(encoding="utf-8"))
            if ours != theirs:
                disagreements[name] = (ours, theirs)
    for name, (ours, theirs) in sorted(disagreements.items()):
        print(f"{name}: ours {ours} pandoc {theirs}  ({_known(name) or 'unexplained'})")
    agree = len(conversions) - len(disagreements)
    print(f"counts agree on {agree} of {len(conversions)} files")
    assert not [name for name in disagreements if not _known(name)]
