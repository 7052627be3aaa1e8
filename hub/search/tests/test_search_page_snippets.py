"""Snippets: centred on the first match, about 120 characters, whole words, escaped."""

from __future__ import annotations

import re

from hub.search.snippets import SNIPPET_LENGTH, QueryTerms, highlight, snippet


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_the_snippet_is_centred_on_the_first_match_and_cut_at_words():
    text = (
        " ".join(f"word{n}" for n in range(60))
        + " target "
        + " ".join(f"tail{n}" for n in range(60))
    )
    html = snippet(text, QueryTerms.of("target"))
    assert html.startswith("…") and html.endswith("…")
    plain = html.strip("…").replace("<mark>", "").replace("</mark>", "")
    assert abs(len(plain) - SNIPPET_LENGTH) <= 30
    before, after = plain.split("target")
    assert abs(len(before) - len(after)) <= 30
    # No word is cut: every piece at either end is a whole word of the text.
    words = plain.split()
    assert re.fullmatch(r"word\d+", words[0]) and re.fullmatch(r"tail\d+", words[-1])
    assert marked(html) == ["target"]


def test_english_words_match_by_stem_and_case_chinese_by_substring():
    html = snippet("Weekly REPORTS and reporting; 本周知识库上线", QueryTerms.of("report 知识库"))
    assert marked(html) == ["REPORTS", "reporting", "知识库"]
    assert marked(snippet("reportage and deport", QueryTerms.of("report"))) == []


def test_full_width_text_matches_a_half_width_query():
    assert marked(snippet("看看 ＷＩＫＩ 页面", QueryTerms.of("wiki"))) == ["ＷＩＫＩ"]


def test_everything_but_the_marks_is_escaped():
    html = snippet('<img src=x onerror="zebra()"> zebra & co', QueryTerms.of("zebra"))
    assert "<img" not in html
    assert (
        html
        == "&lt;img src=x onerror=&quot;<mark>zebra</mark>()&quot;&gt; <mark>zebra</mark> &amp; co"
    )
    assert (
        highlight("<b>zebra</b>", QueryTerms.of("zebra")) == "&lt;b&gt;<mark>zebra</mark>&lt;/b&gt;"
    )


def test_without_a_match_the_snippet_is_the_start_of_the_text():
    text = "开头 " + "很长的文字" * 60
    html = snippet(text, QueryTerms.of("zebra"))
    assert html.startswith("开头") and html.endswith("…") and "<mark>" not in html
    assert snippet("", QueryTerms.of("zebra")) == ""
