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
from math import log
from operator import add

import jieba
import opencc
from jieba import finalseg
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
_CJK_RUN = re.compile(rf"[{_CJK_CHARS}]+")

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


# The characters jieba segments with its dictionary (its ``re_han_default`` less the
# letters and digits, which never occur in a Chinese run).
_JIEBA_HAN = re.compile("[\u4e00-\u9fd5]+")


def _segment(run: str) -> list[str]:
    """jieba's words for a run of Chinese characters."""
    warm_up()
    if _JIEBA_HAN.fullmatch(run):
        return _cut_han(run)
    return jieba.lcut(run)


def _cut_han(sentence: str) -> list[str]:
    """``jieba.lcut(sentence)`` for a run of the characters jieba's dictionary covers.

    The same computation as jieba's ``Tokenizer.__cut_DAG`` (HMM on), word for word: the
    most probable route through the dictionary's words, from the end (the same floating
    point sums, ties to the longer word), then runs of single characters that are no
    word handed to jieba's HMM. Without building the DAG and route dicts, a tuple per
    candidate, and ``cut``'s per-call set-up, which cost more than the segmentation on
    the short runs between punctuation: indexing runs about twice as fast.
    """
    freq, logtotal = jieba.dt.FREQ, log(jieba.dt.total)
    size = len(sentence)
    scores = [0.0] * (size + 1)
    ends = [0] * size
    for start in range(size - 1, -1, -1):
        best = best_end = None
        end, count = start, freq.get(sentence[start])
        while count is not None:  # the fragment is a word or a word's prefix
            if count:
                score = log(count) - logtotal + scores[end + 1]
                if best is None or score >= best:
                    best, best_end = score, end
            end += 1
            if end == size:
                break
            count = freq.get(sentence[start : end + 1])
        if best is None:  # no word starts here: the character alone, as if seen once
            best, best_end = -logtotal + scores[start + 1], start
        scores[start], ends[start] = best, best_end
    words: list[str] = []
    single = ""  # consecutive one-character steps of the route
    start = 0
    while start < size:
        end = ends[start] + 1
        if end - start == 1:
            single += sentence[start]
        else:
            _add_singles(single, words, freq)
            single = ""
            words.append(sentence[start:end])
        start = end
    _add_singles(single, words, freq)
    return words


def _add_singles(single: str, words: list[str], freq: dict) -> None:
    """jieba's handling of consecutive one-character steps: a run that is no word goes to
    its HMM (which finds unknown words), a run that is a word is split into characters."""
    if len(single) == 1:
        words.append(single)
    elif single:
        words.extend(finalseg.cut(single) if not freq.get(single) else single)


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


# Indexing normalises each text twice in a row, for its word and its bigram column.
_normalized = lru_cache(maxsize=4)(normalize)


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

    def positions(self, value: str) -> dict[str, list[int]]:
        # What ``numbered(pieces)`` gives, in one loop: indexing calls it for every text.
        found: dict[str, list[int]] = {}
        pos = -2
        for run in _CJK_RUN.findall(_normalized(value)):
            pos += 2  # the gap between runs (the first run starts at 0)
            for bigram in map(add, run, run[1:]):
                found.setdefault(bigram, []).append(pos)
                pos += 1
            found.setdefault(run[-1], []).append(pos)
        return found


@lru_cache(maxsize=50_000)
def stem_word(word: str) -> str:
    """Porter stem, cached: Whoosh's own LFU cache is not thread-safe, and the writer
    thread and searches share the analyzer."""
    return stem(word)


def word_positions(value: str) -> dict[str, list[int]]:
    """Each term ``word_analyzer()`` yields for ``value`` with its positions: what
    indexing needs, without a Token object per word."""
    found: dict[str, list[int]] = {}
    pos = 0
    for match in _RUNS.finditer(_normalized(value)):
        run = match.group()
        if match.lastgroup == "cjk":
            # Porter stemming only removes English suffixes: Chinese words stay as they are.
            for word in _segment(run):
                found.setdefault(word, []).append(pos)
                pos += 1
        else:
            found.setdefault(stem_word(run), []).append(pos)
            pos += 1
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
