"""Comparing a conversion with a reference Markdown (pandoc's): text similarity and counts.

Both sides are normalised the same way: raw HTML tags removed from the source (pandoc
writes some tables and images as HTML), rendered by the hub's renderer, tags stripped,
whitespace collapsed. Counts are read from the rendered HTML.
"""

from __future__ import annotations

import difflib
import html
import re

from hub.core.markdown import render_markdown

# An HTML tag, not a CommonMark autolink (<http://…>, which is text the reader sees).
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>|<!--.*?-->", re.DOTALL)
SEPARATOR = "\u2063"
INLINE_TAG = re.compile(r"</?(?:sup|sub|u|span|em|strong|a|code|s|del|ins|mark|small|b|i)\b[^>]*>")
COUNTED = {
    "headings": r"<h[1-6][\s>]",
    "list items": r"<li[\s>]",
    "tables": r"<table[\s>]",
    "images": r"<img[\s>]",
}


def rendered(markdown: str, raw_html: bool) -> str:
    """The hub's HTML for ``markdown``; with ``raw_html`` pandoc's HTML blocks count too."""
    # An inline tag becomes an invisible separator, so `m`<sup>`2`</sup> stays two spans.
    source = markdown if raw_html else TAG.sub(" ", INLINE_TAG.sub(SEPARATOR, markdown))
    return render_markdown(source)


NOTE_DEFINITION = re.compile(r"^\[\^(\d+)\]:", re.MULTILINE)


def plain_text(markdown: str) -> str:
    """The words a reader sees, whitespace collapsed.

    A note definition is made a plain paragraph first: CommonMark would otherwise read
    ``[^1]: <url>`` as a link reference definition and hide it.
    """
    markdown = NOTE_DEFINITION.sub(r"[^\1] ", markdown)
    text = html.unescape(TAG.sub(" ", INLINE_TAG.sub("", rendered(markdown, raw_html=False))))
    text = text.replace(SEPARATOR, "")
    return " ".join(text.split())


def similarity(ours: str, reference: str) -> float:
    """difflib's ratio of the two plain texts (1.0: the same text)."""
    a, b = plain_text(ours), plain_text(reference)
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def coverage(ours: str, reference: str) -> float:
    """The share of the reference's plain text that ours also has, in order (1.0: nothing
    pandoc shows is missing). Where the hub keeps more than pandoc on purpose, this is the
    measure that still catches a loss."""
    a, b = plain_text(ours), plain_text(reference)
    if not b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(b)


def counts(markdown: str) -> dict[str, int]:
    """Headings, list items, tables and images: ours rendered, pandoc's HTML included."""
    text = render_markdown(markdown) + "\n".join(
        re.findall(r"<(?:table|li|img|h\d)[\s>]", _html_blocks(markdown))
    )
    return {name: len(re.findall(pattern, text)) for name, pattern in COUNTED.items()}


def _html_blocks(markdown: str) -> str:
    """The raw HTML in a Markdown source (pandoc writes complex tables and images so)."""
    return " ".join(TAG.findall(markdown))
