"""The analyzer: ordinal positions, original offsets, folding, stemming, bigrams."""

from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Phrase

from hub.search.analysis import (
    bigram_analyzer,
    normalize,
    query_tokens,
    word_analyzer,
)


def tokens(analyzer, text):
    return [
        (token.text, token.pos, text[token.startchar : token.endchar])
        for token in analyzer(text, positions=True, chars=True)
    ]


def test_words_have_ordinal_positions_and_original_offsets():
    text = "知识库支持中文，Weekly reports！"
    assert tokens(word_analyzer(), text) == [
        ("知识库", 0, "知识库"),
        ("支持", 1, "支持"),
        ("中文", 2, "中文"),
        ("weekli", 3, "Weekly"),
        ("report", 4, "reports"),
    ]


def test_full_width_letters_digits_and_punctuation_fold():
    assert normalize("ＡＢＣ１２３！") == "abc123!"
    assert tokens(word_analyzer(), "型号ＡＢＣ１２３。") == [
        ("型号", 0, "型号"),
        ("abc123", 1, "ＡＢＣ１２３"),
    ]
    # A character that folds into several keeps its own offsets.
    assert tokens(word_analyzer(), "㈱测试") == [("株", 0, "㈱"), ("测试", 1, "测试")]


def test_english_is_stemmed():
    assert [t.text for t in word_analyzer()("reports reporting REPORTED")] == ["report"] * 3


def test_bigrams_overlap_end_with_the_last_character_and_never_span_punctuation():
    tokens = bigram_analyzer()("知识库，好 wiki 测试", positions=True)
    assert [(t.text, t.pos) for t in tokens] == [
        ("知识", 0),
        ("识库", 1),
        ("库", 2),
        ("好", 4),
        ("测试", 6),
        ("试", 7),
    ]


def test_the_indexing_fast_path_gives_the_analyzers_terms_and_positions():
    text = "知识库，好 wiki 测试测试；Ｗｅｅｋｌｙ 周报"
    expected: dict[str, list[int]] = {}
    for token in bigram_analyzer()(text, positions=True):
        expected.setdefault(token.text, []).append(token.pos)
    assert bigram_analyzer().positions(text) == expected
    assert expected["测试"] == [6, 8]


def test_query_tokens_keep_chinese_runs_whole_and_words_unstemmed():
    assert query_tokens('"支持中文" Weekly reports ＡＢＣ') == [
        "支持中文",
        "weekly",
        "reports",
        "abc",
    ]


def _phrase_hits(texts, words):
    schema = Schema(body=TEXT(analyzer=word_analyzer(), stored=True))
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        for text in texts:
            writer.add_document(body=text)
    with index.searcher() as searcher:
        return [hit["body"] for hit in searcher.search(Phrase("body", words))]


def test_phrases_match_on_ordinal_positions():
    texts = ["我们支持中文和英文", "中文支持很好", "Weekly report of R&D", "report weekly"]
    assert _phrase_hits(texts, ["支持", "中文"]) == ["我们支持中文和英文"]
    assert _phrase_hits(texts, ["weekli", "report"]) == ["Weekly report of R&D"]


def test_traditional_characters_fold_to_simplified_one_for_one():
    traditional = "開發週報：臺灣辦公室的會議紀錄"
    folded = normalize(traditional)
    assert folded == "开发周报:台湾办公室的会议纪录"
    assert len(folded) == len(traditional)
    assert normalize("开发周报") == "开发周报"
