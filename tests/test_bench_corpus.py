"""The search benchmark's corpus, query set and ground truth, and its fast page loader,
checked on tiny corpora (no timing here: the benchmark itself runs with `make bench`)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.bench.corpus import (
    CJK_WORD,
    QUERY_CLASSES,
    STOCK_PHRASES,
    Document,
    GroundTruth,
    Query,
    generate_documents,
    generate_queries,
    segment,
)


def doc(key: int, title: str, body: str = "", **extra) -> Document:
    fields = {"space": "team", "status": "published", "owned_by_employee": False, **extra}
    return Document(key, title, body, **fields)


@pytest.fixture(scope="module")
def corpus() -> tuple[list[Document], list[Query]]:
    documents = generate_documents(120, seed=7)
    return documents, generate_queries(documents, per_class=6, seed=7)


def test_same_seed_same_corpus_other_seed_other_corpus(corpus):
    documents, queries = corpus
    assert generate_documents(120, seed=7) == documents
    assert generate_queries(documents, per_class=6, seed=7) == queries
    assert generate_documents(120, seed=8) != documents


def test_corpus_mixes_languages_spaces_statuses_and_stock_phrases(corpus):
    documents, _queries = corpus
    chinese = sum(not document.title.isascii() for document in documents)
    assert 0.55 < chinese / len(documents) < 0.85
    assert all(document.title and len(document.body) > 200 for document in documents)
    assert set(Counter(document.space for document in documents)) == {"team", "company", "private"}
    assert {"published", "draft"} <= {document.status for document in documents}
    phrase_uses = sum(phrase in document.body for document in documents for phrase in STOCK_PHRASES)
    assert phrase_uses > len(STOCK_PHRASES)


def test_every_class_has_its_queries_and_each_matches_its_source_document(corpus):
    documents, queries = corpus
    assert Counter(query.kind for query in queries) == dict.fromkeys(QUERY_CLASSES, 6)
    truth = GroundTruth(documents)
    for query in queries:
        assert query.source in truth.matching(query), query
        assert len(query.terms) == (2 if query.kind.endswith("_and") else 1)


def test_chinese_sub_words_sit_inside_longer_words_and_phrases_span_words(corpus):
    documents, queries = corpus
    for query in queries:
        words, term = segment(documents[query.source].text), query.terms[0]
        if query.kind == "zh_subword":
            assert len(term) == 2 and CJK_WORD.fullmatch(term)
            assert any(len(word) > 2 and term in word for word in words)
        elif query.kind == "zh_phrase":
            assert any(
                "".join(words[start : start + width]) == term
                for width in (2, 3)
                for start in range(len(words))
            )


def test_chinese_terms_match_as_substrings_and_all_and_terms_must_match():
    documents = [
        doc(0, "知识库周报", "我们的知识库支持中文搜索。"),
        doc(1, "知识 库", "本周周报。"),
        doc(2, "会议纪要", "支持，中文。"),
    ]
    truth = GroundTruth(documents)
    assert truth.matching(Query("zh_subword", ("识库",), 0)) == {0}
    assert truth.matching(Query("zh_subword", ("库支",), 0)) == {0}
    assert truth.matching(Query("zh_phrase", ("支持中文",), 0)) == {0}
    assert truth.matching(Query("zh_word", ("周报",), 0)) == {0, 1}
    assert truth.matching(Query("zh_and", ("知识", "周报"), 0)) == {0, 1}
    assert truth.matching(Query("zh_and", ("知识", "会议"), 0)) == set()


def test_english_terms_match_stemmed_words_and_phrases_consecutive_words():
    documents = [
        doc(0, "Status", "The Weekly reports were reviewed."),
        doc(1, "weekly 周报 report", "weeklyreport"),
        doc(2, "report weekly"),
        doc(3, "WEEKLY REPORTING"),
    ]
    truth = GroundTruth(documents)
    assert truth.matching(Query("en_word", ("report",), 0)) == {0, 1, 2, 3}
    assert truth.matching(Query("en_word", ("reviews",), 0)) == {0}
    assert truth.matching(Query("en_and", ("weekly", "reviewed"), 0)) == {0}
    # A Chinese run between two English words breaks the phrase; so does the order.
    assert truth.matching(Query("en_phrase", ("weekly report",), 0)) == {0, 3}
    assert truth.matching(Query("en_phrase", ("weekly reports were",), 0)) == {0}
    # Title and body are separate fields: no phrase spans them.
    assert truth.matching(Query("en_phrase", ("status the",), 0)) == set()


def test_the_employee_sees_readable_documents_and_own_drafts_outside_the_private_space():
    assert doc(0, "a").visible_to_employee
    assert doc(0, "a", status="archived").visible_to_employee
    assert not doc(0, "a", status="draft").visible_to_employee
    assert not doc(0, "a", status="in_review").visible_to_employee
    assert doc(0, "a", status="draft", owned_by_employee=True).visible_to_employee
    assert not doc(0, "a", space="private").visible_to_employee
    assert not doc(0, "a", space="private", owned_by_employee=True).visible_to_employee


@pytest.mark.django_db
def test_loader_builds_a_valid_page_tree_that_the_hubs_permissions_agree_with():
    from wagtail.models import Page

    from hub.core.models import DocumentPage
    from hub.core.permissions import visible_documents
    from tests.bench.bench_search import load_corpus

    documents = generate_documents(40, seed=3)
    employee, key_by_pk = load_corpus(documents)

    assert all(problems == [] for problems in Page.find_problems())
    loaded = {key_by_pk[page.pk]: page for page in DocumentPage.objects.select_related("space")}
    assert sorted(loaded) == list(range(40))
    for document in documents:
        page = loaded[document.key]
        assert (page.title, page.body, page.status) == (
            document.title,
            document.body,
            document.status,
        )
        assert page.space.slug == f"bench-{document.space}"
        assert page.get_parent().specific == page.space
    seen = {key_by_pk[pk] for pk in visible_documents(employee).values_list("pk", flat=True)}
    assert seen == {document.key for document in documents if document.visible_to_employee}
