"""The array engine (``hub.search.engine``) answers exactly as Whoosh's own matchers do.

Every query is compiled by the hub's query compiler for a user with limited rights, then
run both ways on the same searcher: the same documents, the same count, the same scores
(phrases excepted: the engine scores a phrase as the sum of its words), and the same
order when sorted by a column. The index has several segments and deleted documents.
"""

from __future__ import annotations

import random

import pytest
from whoosh.formats import Positions
from whoosh.query import Phrase
from whoosh.sorting import Count, FieldFacet

from hub.core.documents import save_document
from hub.core.models import DocumentPage
from hub.core.permissions import visible_documents
from hub.search import engine
from hub.search.backend import _allowed
from hub.search.schema import filter_column

WORDS_EN = ["weekly", "report", "budget", "review", "roadmap", "meeting", "minutes", "release"]
WORDS_ZH = ["知识库", "会议纪要", "周报", "预算", "审批", "路线图", "发布", "服务器", "中文"]

QUERIES = [
    "weekly",
    "weekly report",
    "review budget",
    "知识库",
    "识库",  # a sub-word: the bigram column
    "会议纪要 预算",
    "知识库 weekly",
    "周报 release",
    "议",  # one character: a prefix of bigrams
    "nothing-matches-this",
]
PHRASES = ['"weekly report"', '"meeting minutes"', '"会议纪要"', '"支持中文"']


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS_EN + WORDS_ZH) for _ in range(words))


@pytest.fixture
def corpus(whoosh, spaces, org, make_document, indexing):
    """60 documents in spaces the R&D member may and may not see, some drafts, committed
    in several batches (several segments), a few edited (their old versions deleted)."""
    rng = random.Random(7)
    where = [spaces.rd, spaces.company_read, spaces.mkt, spaces.secret]
    documents = []
    for batch in range(3):
        with indexing():
            for n in range(20):
                documents.append(
                    make_document(
                        where[n % len(where)],
                        org.admin if n % 3 else org.rd_member,
                        title=f"{_text(rng, 3)} {batch}-{n}",
                        body=_text(rng, 40) + " 支持中文搜索 weekly report",
                        status="draft" if n % 5 == 0 else "published",
                    )
                )
    with indexing():
        for document in documents[::7]:
            save_document(document, org.admin, document.title, _text(rng, 30), "published", [])
    return documents


def _both_ways(text: str, user, order_by_relevance: bool = True):
    results = visible_documents(user).search(text, order_by_relevance=order_by_relevance)
    compiler = results.query_compiler
    store = results._store
    searcher = store.searcher()
    allowed = _allowed(searcher, compiler)
    query = compiler.compiled_query
    facets = compiler.sort_facets()
    whoosh = searcher.search(query, filter=allowed.bits, limit=None, sortedby=facets)
    total, ranked = engine.search(searcher, query, allowed.mask, None, facets)
    return whoosh, total, ranked, query


def test_the_same_documents_count_and_scores_as_whoosh(corpus, org):
    # One corpus for every query: building it is most of the time.
    for text in QUERIES + PHRASES:
        whoosh, total, ranked, query = _both_ways(text, org.rd_member)
        theirs = {docnum: score for score, docnum in whoosh.top_n}
        ours = {docnum: score for score, docnum in ranked}
        assert total == len(whoosh) == len(ours), text
        assert ours.keys() == theirs.keys(), text
        if not any(isinstance(part, Phrase) for part in query.leaves()):
            for docnum, score in ours.items():
                assert score == pytest.approx(theirs[docnum], rel=1e-6), text
            assert [docnum for _s, docnum in ranked] == [d for _s, d in whoosh.top_n], text
        if text != "nothing-matches-this":
            assert total, f"{text!r} should match something in the corpus"


def test_sorted_by_a_column_in_whooshs_order(corpus, org):
    for text in ["weekly", "知识库 weekly", '"weekly report"']:
        whoosh, total, ranked, _query = _both_ways(text, org.rd_member, order_by_relevance=False)
        assert total == len(whoosh), text
        assert [docnum for _s, docnum in ranked] == [hit.docnum for hit in whoosh], text


def test_a_limited_user_sees_fewer_and_the_top_n_is_a_prefix(corpus, org):
    _w, everyone, _r, _q = _both_ways("weekly", org.admin)
    _whoosh, total, ranked, _query = _both_ways("weekly", org.rd_member)
    assert 0 < total < everyone
    searcher = visible_documents(org.rd_member).search("weekly")._store.searcher()
    results = visible_documents(org.rd_member).search("weekly")
    allowed = _allowed(searcher, results.query_compiler)
    first_total, first = engine.search(
        searcher, results.query_compiler.compiled_query, allowed.mask, 5
    )
    assert first_total == total and first == ranked[:5]


def test_deleted_and_edited_documents_are_not_matched(corpus, spaces, org, make_document, indexing):
    with indexing():
        document = make_document(spaces.company_read, org.admin, title="旧版", body="oldversion")
    assert [page.pk for page in DocumentPage.objects.search("oldversion")] == [document.pk]
    with indexing():
        save_document(document, org.admin, "独一无二 unique", "独一无二的正文", "published", [])
    assert not DocumentPage.objects.search("oldversion")
    assert [page.pk for page in DocumentPage.objects.search("独一无二")] == [document.pk]
    with indexing():
        document.delete()
    assert not DocumentPage.objects.search("独一无二")
    assert DocumentPage.objects.search("独一无二").count() == 0


def test_facet_counts_as_whoosh_groups_them(corpus, spaces, org):
    results = visible_documents(org.rd_member).search("weekly")
    compiler = results.query_compiler
    searcher = results._store.searcher()
    allowed = _allowed(searcher, compiler)
    column = filter_column(DocumentPage, compiler._get_filterable_field("space_id"))
    whoosh = searcher.search(
        compiler.compiled_query,
        filter=allowed.bits,
        groupedby=FieldFacet(column.name, maptype=Count),
        limit=None,
    ).groups()
    ours = engine.counts_by_column(searcher, compiler.compiled_query, allowed.mask, column.name)
    assert ours == whoosh and len(ours) >= 2
    assert spaces.mkt.pk not in ours  # marketing's own space: not the R&D member's
    assert dict(results.facet("space_id")) == whoosh


def test_positions_decode_at_once_as_whoosh_decodes_them_one_by_one():
    fieldformat = Positions()
    rng = random.Random(3)
    lists = [sorted(rng.sample(range(70000), rng.randint(1, 30))) for _ in range(300)]
    values = [fieldformat.encode(positions) for positions in lists]
    assert [fieldformat.decode_positions(value) for value in values] == lists
    assert [fieldformat.decode_frequency(value) for value in values] == [len(p) for p in lists]
    owners, positions = engine._decode_positions(values)
    decoded = [[] for _ in lists]
    for owner, position in zip(owners.tolist(), positions.tolist(), strict=True):
        decoded[owner].append(position)
    assert decoded == lists
