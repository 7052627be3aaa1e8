"""Highlighted snippets: the part of a hit's text around the first match, with ``<mark>``.

Matching uses the search analyzer (``hub.search.analysis``), so what is highlighted is what
the query matched: a word of other scripts is highlighted when it has the stem of a query
word (``reports`` and ``reporting`` for ``report``; a plain substring test would be
wrong both ways), a run of Chinese characters wherever it occurs as a substring, which is
how the index matches it. Everything else is escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hub.search.analysis import normalize, runs, stem_word

SNIPPET_LENGTH = 120
# How far the window may move to avoid cutting an English word in two.
WORD_SLACK = 20
ELLIPSIS = "…"
LATIN = re.compile(r"[0-9a-zA-Z]")


@dataclass(frozen=True)
class QueryTerms:
    """A query's word stems (compared word by word) and Chinese runs (found as substrings)."""

    stems: frozenset[str]
    substrings: tuple[str, ...]

    @classmethod
    def of(cls, query: str) -> QueryTerms:
        stems, substrings = set(), set()
        for is_cjk, run, _start, _end in runs(normalize(query)):
            if is_cjk:
                substrings.add(run)
            else:
                stems.add(stem_word(run))
        return cls(frozenset(stems), tuple(sorted(substrings)))

    def __bool__(self) -> bool:
        return bool(self.stems or self.substrings)


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` normalized character by character, and each folded character's origin.

    Per character, so that every match maps back to a span of the original text; a
    character that normalizes to nothing becomes a space, which keeps words apart.
    """
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for folded_char in normalize(char) or " ":
            folded.append(folded_char)
            origin.append(index)
    return "".join(folded), origin


def match_spans(text: str, terms: QueryTerms) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans of ``text`` that the query matched."""
    if not terms or not text:
        return []
    folded, origin = _fold(text)
    spans = []
    for is_cjk, run, start, end in runs(folded):
        if not is_cjk and stem_word(run) in terms.stems:
            spans.append((origin[start], origin[end - 1] + 1))
    for substring in terms.substrings:
        for match in re.finditer(re.escape(substring), folded):
            spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    parts, position = [], start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    return "".join(parts)


def highlight(text: str, terms: QueryTerms) -> SafeString:
    """All of ``text``, escaped, with every match marked (for titles)."""
    return mark_safe(_marked(text, match_spans(text, terms), 0, len(text)))


def _inside_word(text: str, index: int) -> bool:
    return 0 < index < len(text) and bool(LATIN.match(text[index - 1]) and LATIN.match(text[index]))


def _word_edge(text: str, index: int, step: int) -> int:
    """Move ``index`` by ``step`` (-1 or +1) out of an English word, within the slack."""
    for moved in range(WORD_SLACK):
        candidate = index + step * moved
        if not _inside_word(text, candidate):
            return candidate
    return index


def snippet(text: str, terms: QueryTerms, length: int = SNIPPET_LENGTH) -> SafeString:
    """About ``length`` characters of ``text`` centred on the first match, matches marked.

    Whitespace is collapsed; English words are not cut; an ellipsis shows a cut end.
    Without a match (the title matched) the snippet is the start of the text.
    """
    text = " ".join(text.split())
    spans = match_spans(text, terms)
    if spans:
        first_start, first_end = spans[0]
        start = max(0, (first_start + first_end) // 2 - length // 2)
        start = min(start, max(0, len(text) - length), first_start)
    else:
        start = 0
    end = min(len(text), start + length)
    start, end = _word_edge(text, start, -1), _word_edge(text, end, +1)
    html = _marked(text, spans, start, end).strip()
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    return mark_safe(f"{prefix}{html}{suffix}")
