"""Markdown to safe HTML: markdown-it-py with raw HTML off, then the nh3 sanitizer.

Tables, strikethrough, task lists and footnotes (``[^1]``) are on; links keep only safe
schemes (http, https, mailto and relative URLs) and external links get
``rel="noopener noreferrer"``. The only ids kept are the footnote plugin's own (``fn3``,
``fnref3``, ``fnref3:1``), which it numbers itself, so a document cannot plant others.
"""

import html
import re
from functools import lru_cache

import nh3
from django.utils.html import strip_tags
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "kbd", "li", "ol", "p",
    "pre", "s", "section", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "img": {"src", "alt", "title"},
    "input": {"type", "checked", "disabled"},
    "li": {"class", "id"},
    "ul": {"class"},
    "ol": {"class"},
    "hr": {"class"},
    "section": {"class"},
    "sup": {"class"},
    "code": {"class"},
    "th": {"style"},
    "td": {"style"},
}
SAFE_URL_SCHEMES = {"http", "https", "mailto"}
FOOTNOTE_ID = re.compile(r"fn(ref)?\d+(:\d+)?")
ALLOWED_CLASSES = {
    "task-list-item", "contains-task-list", "task-list-item-checkbox",
    "footnote-ref", "footnotes-sep", "footnotes", "footnotes-list", "footnote-item",
    "footnote-backref",
}  # fmt: skip


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The one markdown-it parser of the hub (pages and exports read Markdown alike)."""
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(tasklists_plugin, enabled=False)
        .use(footnote_plugin)
        # ~sub~ and ^sup^ as pandoc writes them: Word files carry chemistry and footnote marks.
        .use(sub_plugin)
        .use(superscript_plugin)
    )


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        if tag == "code":
            return value if value.startswith("language-") and value[9:].isidentifier() else None
        return " ".join(part for part in value.split() if part in ALLOWED_CLASSES) or None
    if attribute == "id":
        return value if FOOTNOTE_ID.fullmatch(value) else None
    if attribute == "type":
        return value if value == "checkbox" else None
    if attribute == "style":
        # markdown-it only writes column alignment.
        return (
            value if value in {"text-align:left", "text-align:center", "text-align:right"} else None
        )
    return value


def render_markdown(source: str) -> str:
    """Render Markdown source to sanitized HTML, safe to mark safe in a template."""
    rendered = markdown_parser().render(source or "")
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=SAFE_URL_SCHEMES,
        attribute_filter=_keep_attribute,
        link_rel="noopener noreferrer",
    )


def html_text(rendered: str) -> str:
    """The plain text of rendered HTML (search snippets, previews): tags gone, entities read."""
    return html.unescape(strip_tags(rendered))
