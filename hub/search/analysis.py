"""Text analysis for Chinese and English: normalisation, word tokens and CJK bigrams.

- ``normalize``: NFKC (folds full-width letters, digits and punctuation), lowercase, and
  Traditional Chinese folded to Simplified (character by character, with OpenCC's table).
- ``word_analyzer()``: jieba words for runs of Chinese characters, other words as they
  are, English stemmed; punctuation dropped. Token positions are *ordinal* (0, 1, 2…), so
  phrase queries work (jieba's own Whoosh analyzer uses character offsets as positions);
  ``startchar``/``endchar`` are offsets in the original text, for highlighting.
- ``bigram_analyzer()``: overlapping bigrams of each Chinese run with ordinal positions
  and a gap between runs, so any Chinese substring of two or more characters is found
  exactly as a phrase of bigrams, and never across punctuation or words.
- ``autocomplete_analyzer()``: prefixes of each (unstemmed) word, for autocomplete.
- ``query_tokens``: what a user query yields, unstemmed, for highlighting.

The analyzer classes are pickled into each Whoosh index's schema: keep their import path.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import jieba
import opencc
from whoosh.analysis import Analyzer, NgramFilter, StemFilter, Token, Tokenizer
from whoosh.lang.porter import stem

# Chinese characters: extension A, the unified block, compatibility ideographs (the
# Basic Multilingual Plane, where Traditional/Simplified folding applies), extensions B+.
_CJK_BMP_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_CJK_CHARS = "".join(f"{chr(first)}-{chr(last)}" for first, last in _CJK_BMP_RANGES) + (
    "\U00020000-\U0002ffff"
)
# A run of Chinese characters, or a run of other letters and digits (any script).
_RUNS = re.compile(rf"(?P<cjk>[{_CJK_CHARS}]+)|(?P<word>[^\W_{_CJK_CHARS}]+)")

_jieba_ready = threading.Lock()
_jieba_initialised = False


def warm_up() -> None:
    """Load jieba's dictionary (about a second), once and quietly."""
    global _jieba_initialised
    if not _jieba_initialised:
        with _jieba_ready:
            if not _jieba_initialised:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba_initialised = True


def _segment(run: str) -> list[str]:
    """jieba's words for a run of Chinese characters."""
    warm_up()
    return jieba.lcut(run)


@lru_cache(maxsize=1)
def _simplified() -> dict[int, str]:
    """Traditional characters whose Simplified form (OpenCC's t2s) is one character, as a
    ``str.translate`` table; one character for one, so offsets into the text still hold."""
    converter = opencc.OpenCC("t2s")
    table = {}
    for first, last in _CJK_BMP_RANGES:
        for code in range(first, last + 1):
            folded = converter.convert(chr(code))
            if len(folded) == 1 and folded != chr(code):
                table[code] = folded
    return table


def normalize(text: str) -> str:
    """NFKC (full-width letters, digits and punctuation become half-width), lowercase,
    and Traditional characters folded to Simplified (開發週報 matches 开发周报)."""
    return unicodedata.normalize("NFKC", text).lower().translate(_simplified())


def _normalize_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """The normalised text and, when its length differs, each character's original offset.

    ``None`` means offsets are unchanged (nearly always: full-width folding is 1:1).
    """
    normalized = normalize(text)
    if len(normalized) == len(text):
        return normalized, None
    pieces, offsets = [], []
    for index, char in enumerate(text):
        piece = normalize(char)
        pieces.append(piece)
        offsets.extend([index] * len(piece))
    return "".join(pieces), offsets


def runs(text: str) -> Iterator[tuple[bool, str, int, int]]:
    """(is_cjk, run, start, end) for each run of Chinese characters or of letters/digits
    in already normalised ``text``; punctuation and spaces separate runs."""
    for match in _RUNS.finditer(text):
        yield match.lastgroup == "cjk", match.group(), match.start(), match.end()


class _OrdinalTokenizer(Tokenizer):
    """Base for the two tokenizers: yields (text, start, end) pieces as Whoosh tokens
    with ordinal positions; subclasses say which pieces (``pieces``) and where gaps go."""

    def pieces(self, text: str) -> Iterator[tuple[str, int, int, int]]:
        """(token text, start, end, positions to skip before it) in normalised text."""
        raise NotImplementedError

    def numbered(self, text: str) -> Iterator[tuple[str, int, int, int]]:
        """(token text, ordinal position, start, end) for each piece of normalised text."""
        pos = -1
        for piece, start, end, gap in self.pieces(text):
            pos += 1 if pos < 0 else 1 + gap
            yield piece, pos, start, end

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each token's positions in ``value``: what indexing needs, without Token objects."""
        found: dict[str, list[int]] = {}
        for piece, pos, _start, _end in self.numbered(normalize(value)):
            found.setdefault(piece, []).append(pos)
        return found

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text, offsets = _normalize_with_offsets(value)
        for piece, pos, start, end in self.numbered(text):
            token.text = piece
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = piece
            if positions:
                token.pos = start_pos + pos
            if chars:
                if offsets is not None:
                    start, end = offsets[start], offsets[end - 1] + 1
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class WordTokenizer(_OrdinalTokenizer):
    """jieba words inside Chinese runs, other runs of letters/digits as one word each."""

    def pieces(self, text: str) -> Iterator[tuple[str, int, int, int]]:
        for is_cjk, run, start, end in runs(text):
            if not is_cjk:
                yield run, start, end, 0
                continue
            offset = start
            for word in _segment(run):
                yield word, offset, offset + len(word), 0
                offset += len(word)


class BigramTokenizer(_OrdinalTokenizer):
    """Overlapping bigrams of each Chinese run, then its last character alone (a lone
    character is just itself), so a one-character query finds a character wherever it
    is; a position gap between runs keeps phrases from spanning punctuation or words."""

    def pieces(self, text: str) -> Iterator[tuple[str, int, int, int]]:
        for is_cjk, run, start, end in runs(text):
            if not is_cjk:
                continue
            for index in range(len(run) - 1):
                yield run[index : index + 2], start + index, start + index + 2, int(index == 0)
            yield run[-1], end - 1, end, int(len(run) == 1)


_WORDS = WordTokenizer()


@lru_cache(maxsize=50_000)
def stem_word(word: str) -> str:
    """Porter stem, cached: Whoosh's own LFU cache is not thread-safe, and the writer
    thread and searches share the analyzer."""
    return stem(word)


def word_positions(value: str) -> dict[str, list[int]]:
    """Each term ``word_analyzer()`` yields for ``value`` with its positions: what
    indexing needs, without a Token object per word."""
    found: dict[str, list[int]] = {}
    for piece, pos, _start, _end in _WORDS.numbered(normalize(value)):
        found.setdefault(stem_word(piece), []).append(pos)
    return found


def word_analyzer() -> Analyzer:
    """Words: jieba for Chinese, English stemmed, ordinal positions, original offsets."""
    return WordTokenizer() | StemFilter(stemfn=stem_word, cachesize=None)


def bigram_analyzer() -> Analyzer:
    """Overlapping Chinese bigrams with ordinal positions, for exact substring matching."""
    return BigramTokenizer()


def autocomplete_analyzer() -> Analyzer:
    """Prefixes (1-15 characters) of each unstemmed word, for autocomplete."""
    return WordTokenizer() | NgramFilter(minsize=1, maxsize=15, at="start")


def query_tokens(text: str) -> list[str]:
    """The terms a user query yields, normalised but unstemmed, without duplicates.

    A run of Chinese characters is kept whole, since it matches as a substring; the
    search page highlights these (case-insensitively, after ``normalize``).
    """
    seen: dict[str, None] = {}
    for _is_cjk, run, _start, _end in runs(normalize(text)):
        seen.setdefault(run, None)
    return list(seen)
