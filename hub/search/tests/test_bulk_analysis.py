"""Indexing's fast paths give exactly what the general ones give.

A rebuild segments with ``_cut_han`` instead of ``jieba.lcut``, collects positions with
``word_positions`` and ``BigramTokenizer.positions`` instead of the analyzers' tokens,
and encodes a term's positions once per position: the words, positions and posting
values must be the same, or phrase and word queries would miss what the index holds.
"""

from __future__ import annotations

import random

import jieba
import pytest
from whoosh import fields as whoosh_fields

from hub.search.analysis import (
    _segment,
    bigram_analyzer,
    warm_up,
    word_analyzer,
    word_positions,
)
from hub.search.schema import BigramField, WordField

TEXTS = [
    "知识库支持中文搜索，weekly report 每周一次。",
    "中华人民共和国万岁！我们在北京天安门广场看升旗。",
    "開發週報 development report；風險管理 reviews",
    "单 字 a b c 的的的的 了了 请各位同事五前提交",
    "㐀㐁开发 𠀀知识 龦龧 Ｗｅｅｋｌｙ ①② Straße",
    "",
]


def _jieba_runs(count: int) -> list[str]:
    """Runs of Chinese text as the corpus has them: dictionary words, common characters
    and characters jieba's dictionary lacks, glued together so that the route, its ties
    and the HMM for unknown stretches all come into play."""
    warm_up()
    rng = random.Random(2026)
    words = [word for word, freq in jieba.dt.FREQ.items() if freq and word.isalpha()][::97]
    characters = [word for word in words if len(word) == 1]
    runs = []
    for _ in range(count):
        pieces = [
            rng.choice(words if rng.random() < 0.6 else characters)
            for _ in range(rng.randint(1, 8))
        ]
        runs.append("".join(pieces))
    return runs


def test_segmenting_gives_jiebas_words():
    runs = [
        *_jieba_runs(3000),
        "知识库",
        "中华人民共和国万岁",
        "请各位同事五前提交",
        "的",
        "的的的的",
        "㐀㐁开发",  # outside jieba's character range: jieba's own cut
        "𠀀知识",
    ]
    assert [list(_segment(run)) for run in runs] == [jieba.lcut(run) for run in runs]


def _analyzer_positions(analyzer, text: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for token in analyzer(text, positions=True):
        found.setdefault(token.text, []).append(token.pos)
    return found


@pytest.mark.parametrize("text", TEXTS)
def test_indexing_positions_are_the_analyzers(text: str):
    assert word_positions(text) == _analyzer_positions(word_analyzer(), text)
    assert bigram_analyzer().positions(text) == _analyzer_positions(bigram_analyzer(), text)


@pytest.mark.parametrize("field", [WordField(), BigramField(field_boost=2.0)])
def test_posting_values_are_whooshs_encoding(field):
    # Whoosh's TEXT.index: the analyzer's tokens, positions encoded by the format.
    text = " ".join(TEXTS) + TEXTS[0]  # some terms once, some more often
    expected = sorted(whoosh_fields.TEXT.index(field, text))
    assert sorted(field.index(text)) == expected
    assert any(freq == 1 for _term, freq, _weight, _value in expected)
    assert any(freq > 1 for _term, freq, _weight, _value in expected)
