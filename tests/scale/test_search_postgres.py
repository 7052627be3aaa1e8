"""The search behaviour tests of hub/search/tests/test_backend.py, on the PostgreSQL
backend: filters, permissions inside the query, phrases, operators, ordering, facets,
autocomplete, and Chinese (every sub-word, Traditional/Simplified, never across
punctuation) segmented as for Whoosh."""

from hub.core.models import DocumentPage
from hub.search.tests import test_backend as shared
from hub.search.tests.test_backend import (  # noqa: F401 (collected here again)
    corpus,
    test_each_person_and_each_commit_get_their_own_permission_filter,
    test_filters_exact_in_isnull_and_exclude,
    test_operators_and_phrases,
    test_ordering_and_scores,
    test_permission_filter_hides_results_counts_facets_and_autocomplete,
    test_search_finds_and_counts,
)
from tests.scale.conftest import needs_postgres

pytestmark = needs_postgres

# The Chinese tests are parametrized there to run on Whoosh only: run their bodies here.


def test_english_stemming_and_chinese_words_mixed(backend, spaces, org, make_document, indexing):
    shared.test_english_stemming_and_chinese_words_mixed(
        backend, spaces, org, make_document, indexing
    )


def test_every_chinese_substring_even_one_character_is_found_without_false_hits(
    backend, spaces, org, make_document, indexing
):
    shared.test_every_chinese_substring_even_one_character_is_found_without_false_hits(
        backend, spaces, org, make_document, indexing
    )


def test_traditional_and_simplified_find_each_other(backend, spaces, org, make_document, indexing):
    shared.test_traditional_and_simplified_find_each_other(
        backend, spaces, org, make_document, indexing
    )


def test_chinese_words_never_match_across_punctuation(
    backend, spaces, org, make_document, indexing
):
    shared.test_chinese_words_never_match_across_punctuation(
        backend, spaces, org, make_document, indexing
    )


def test_a_very_long_document_is_indexed_and_its_words_found(
    backend, spaces, org, make_document, indexing
):
    # 54,000 characters: past PostgreSQL's 16,383 positions, near its 1 MB per vector.
    body = "开头的独特词语。" + "研发部本周完成了知识库的全文检索功能，支持中文分词。" * 2000
    with indexing():
        make_document(spaces.company_read, org.admin, title="长文", body=body + "结尾")
    documents = DocumentPage.objects
    assert shared.titles(documents.search("独特词")) == {"长文"}
    assert shared.titles(documents.search("检索功能 分词")) == {"长文"}
    assert shared.titles(documents.search("结尾")) == {"长文"}, "a word past the positions"
