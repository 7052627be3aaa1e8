"""Search behaviour through Wagtail's API on DocumentPage, the same tests on every search
backend (``backend`` in conftest: Whoosh, and PostgreSQL under ``make test-scale``):
search, counts, filters, permissions inside the query, phrases, operators, ordering,
scores, facets and autocomplete, in English and Chinese (every sub-word, mixed text,
Traditional/Simplified, never across punctuation)."""

import pytest
from modelsearch.query import Phrase

from hub.core.models import DocumentPage
from hub.core.permissions import visible_documents
from hub.search.analysis import normalize

Status = DocumentPage.Status


def titles(results) -> set[str]:
    return {document.title for document in results}


@pytest.fixture
def corpus(backend, spaces, org, make_document, indexing):
    """Documents in every situation, all mentioning 'zebra' and 斑马周报; see each title.
    Only the marketing space's hold 'unicorn' and 独角兽."""
    docs = {
        "Open plan": (spaces.company_read, org.admin, Status.PUBLISHED),
        "Open draft": (spaces.company_read, org.admin, Status.DRAFT),
        "Marketing plan": (spaces.mkt, org.mkt_member, Status.PUBLISHED),
        "Marketing archive": (spaces.mkt, org.mkt_member, Status.ARCHIVED),
        "Secret draft": (spaces.secret, org.mkt_member, Status.DRAFT),
        "Secret published": (spaces.secret, org.mkt_member, Status.PUBLISHED),
        "Handbook archive": (spaces.company_read, org.admin, Status.ARCHIVED),
        "My own draft": (spaces.secret, org.rd_member, Status.DRAFT),
    }
    made = {}
    with indexing():
        for title, (space, owner, status) in docs.items():
            body = f"zebra weekly report about {title.lower()}，斑马周报"
            if space == spaces.mkt:
                body += " unicorn 独角兽"
            made[title] = make_document(space, owner, title=title, body=body, status=status)
    return made


VISIBLE_TO_RD_MEMBER = {"Open plan", "Secret published", "Handbook archive", "My own draft"}


def test_search_finds_and_counts(corpus):
    results = DocumentPage.objects.search("zebra")
    assert titles(results) == set(corpus)
    assert results.count() == len(corpus)
    assert len(results[2:5]) == 3
    assert results[2:5].count() == 3


# An English word, a Chinese word and a Chinese sub-word across two of jieba's words.
@pytest.mark.parametrize(
    ("word", "hidden_word"), [("zebra", "unicorn"), ("斑马", "独角兽"), ("马周", "角兽")]
)
def test_permission_filter_hides_results_counts_facets_and_autocomplete(
    corpus, org, word, hidden_word
):
    mine = visible_documents(org.rd_member)
    results = mine.search(word)
    assert titles(results) == VISIBLE_TO_RD_MEMBER
    assert results.count() == len(VISIBLE_TO_RD_MEMBER)
    assert sum(results.facet("space_id").values()) == len(VISIBLE_TO_RD_MEMBER)
    assert set(results.facet("space_id")) == {
        corpus["Open plan"].space_id,
        corpus["My own draft"].space_id,
    }
    assert results.facet("status") == {"published": 2, "archived": 1, "draft": 1}
    # A word only hidden documents hold reveals nothing, not even a count.
    hidden = mine.search(hidden_word)
    assert list(hidden) == [] and hidden.count() == 0 and hidden.facet("status") == {}
    assert titles(mine.autocomplete("Marketing")) == set()
    assert titles(mine.autocomplete("Secr")) == {"Secret published"}


def test_each_person_and_each_commit_get_their_own_permission_filter(corpus, org, indexing):
    """The allowed-documents set is cached per searcher: one person's set must never
    answer another's query, nor outlive the commit it was computed on."""
    everything = DocumentPage.objects.search("zebra")
    assert everything.count() == len(corpus)
    for person in (org.rd_member, org.admin, org.rd_member, org.loner):
        results = visible_documents(person).search("zebra")
        expected = {doc.title for doc in visible_documents(person).filter(title__in=corpus)}
        assert titles(results) == expected
        assert results.count() == len(expected)
    assert visible_documents(org.rd_member).search("zebra")[:2].count() == 2
    draft = corpus["Secret draft"]
    draft.status = Status.PUBLISHED
    with indexing():
        draft.save_revision().publish()
    results = visible_documents(org.rd_member).search("zebra")
    assert titles(results) == VISIBLE_TO_RD_MEMBER | {"Secret draft"}
    assert results.count() == len(VISIBLE_TO_RD_MEMBER) + 1


def test_filters_exact_in_isnull_and_exclude(corpus, spaces, org):
    documents = DocumentPage.objects
    published = documents.filter(status=Status.PUBLISHED).search("zebra")
    assert titles(published) == {"Open plan", "Marketing plan", "Secret published"}
    in_spaces = documents.filter(space_id__in=[spaces.mkt.pk, spaces.secret.pk]).search("zebra")
    assert titles(in_spaces) == {
        "Marketing plan",
        "Marketing archive",
        "Secret draft",
        "Secret published",
        "My own draft",
    }
    assert documents.filter(owner__isnull=True).search("zebra").count() == 0
    not_admin = documents.exclude(owner=org.admin).filter(status__in=["draft", "archived"])
    assert titles(not_admin.search("zebra")) == {
        "Marketing archive",
        "Secret draft",
        "My own draft",
    }


def test_operators_and_phrases(corpus):
    documents = DocumentPage.objects
    assert titles(documents.search("open plan")) == {"Open plan"}
    assert titles(documents.search("open plan", operator="or")) >= {
        "Open plan",
        "Open draft",
        "Marketing plan",
    }
    assert titles(documents.search("plan unicorn", operator="and")) == {"Marketing plan"}
    assert titles(documents.search(Phrase("about secret draft"))) == {"Secret draft"}
    assert titles(documents.search(Phrase("draft secret"))) == set()


def test_ordering_and_scores(corpus):
    ordered = DocumentPage.objects.order_by("-title").search("zebra", order_by_relevance=False)
    assert [d.title for d in ordered] == sorted(corpus, reverse=True)
    scored = DocumentPage.objects.search("zebra plan").annotate_score("score")
    assert {d.title for d in scored} == {"Open plan", "Marketing plan"}
    assert all(isinstance(d.score, float) for d in scored)


def test_english_stemming_and_chinese_words_mixed(backend, spaces, org, make_document, indexing):
    with indexing():
        make_document(
            spaces.company_edit,
            org.admin,
            "知识库 Wiki 上线",
            "我们支持中文搜索。Reporting is easy.",
        )
        make_document(spaces.company_edit, org.admin, "Wiki 说明", "中文支持很好")
    documents = DocumentPage.objects
    assert titles(documents.search("reports")) == {"知识库 Wiki 上线"}
    assert titles(documents.search("知识库 wiki")) == {"知识库 Wiki 上线"}
    assert titles(documents.search("识库")) == {"知识库 Wiki 上线"}
    assert titles(documents.search("支持中文")) == {"知识库 Wiki 上线"}
    assert titles(documents.search(Phrase("支持中文"))) == {"知识库 Wiki 上线"}
    assert titles(documents.search(Phrase("中文支持"))) == {"Wiki 说明"}
    assert titles(documents.search("ｗｉｋｉ")) == {"知识库 Wiki 上线", "Wiki 说明"}
    assert titles(documents.autocomplete("知识")) == {"知识库 Wiki 上线"}


SENTENCES = [
    "研发部本周完成了知识库的全文检索功能，支持中文分词。",
    "市场部下周将发布新产品的推广方案和预算。",
    "财务部审核了第三季度的报销流程与差旅标准。",
]


def test_every_chinese_substring_even_one_character_is_found_without_false_hits(
    backend, spaces, org, make_document, indexing
):
    with indexing():
        for number, sentence in enumerate(SENTENCES):
            make_document(spaces.company_read, org.admin, title=f"doc{number}", body=sentence)
    documents = DocumentPage.objects
    for sentence in SENTENCES:
        runs = "".join(c if "\u4e00" <= c <= "\u9fff" else " " for c in sentence).split()
        substrings = {
            run[i:j] for run in runs for i in range(len(run)) for j in range(i + 1, len(run) + 1)
        }
        assert len(substrings) > 100
        for substring in substrings:
            expected = {f"doc{n}" for n, s in enumerate(SENTENCES) if substring in normalize(s)}
            assert titles(documents.search(substring)) == expected, substring


def test_traditional_and_simplified_find_each_other(backend, spaces, org, make_document, indexing):
    with indexing():
        make_document(spaces.company_read, org.admin, title="臺北", body="本週開發進度與會議紀錄")
        make_document(spaces.company_read, org.admin, title="上海", body="本周开发进度与会议纪录")
    documents = DocumentPage.objects
    for query in ("开发进度", "開發進度", "会议", "會議", "週", "周"):
        assert titles(documents.search(query)) == {"臺北", "上海"}, query
    assert titles(documents.search(Phrase("開發進度與會議"))) == {"臺北", "上海"}


def test_chinese_words_never_match_across_punctuation(
    backend, spaces, org, make_document, indexing
):
    with indexing():
        make_document(spaces.company_read, org.admin, title="相连", body="推进知识管理工作")
        make_document(spaces.company_read, org.admin, title="隔开", body="学习知识，管理团队")
    documents = DocumentPage.objects
    assert titles(documents.search("知识管理")) == {"相连"}
    assert titles(documents.search(Phrase("知识管理"))) == {"相连"}
    assert titles(documents.search("知识 管理")) == {"相连", "隔开"}


def test_autocomplete_finds_word_starts_in_chinese_and_english(
    backend, spaces, org, make_document, indexing
):
    with indexing():
        make_document(spaces.company_read, org.admin, title="知识库迁移计划", body="x")
        make_document(spaces.company_read, org.admin, title="Weekly reports", body="x")
        make_document(spaces.secret, org.mkt_member, title="知识产权 draft", status=Status.DRAFT)
    documents = DocumentPage.objects
    assert titles(documents.autocomplete("知识")) == {"知识库迁移计划", "知识产权 draft"}
    assert titles(visible_documents(org.rd_member).autocomplete("知识")) == {"知识库迁移计划"}
    assert titles(documents.autocomplete("week")) == {"Weekly reports"}
    assert titles(documents.autocomplete("report")) == {"Weekly reports"}
    assert titles(documents.autocomplete("eekly")) == set(), "word starts only"


def test_a_very_long_document_is_indexed_and_its_words_found(
    backend, spaces, org, make_document, indexing
):
    # 54,000 characters: past PostgreSQL's 16,383 positions, near its 1 MB per vector.
    body = "开头的独特词语。" + "研发部本周完成了知识库的全文检索功能，支持中文分词。" * 2000
    with indexing():
        make_document(spaces.company_read, org.admin, title="长文", body=body + "结尾")
    documents = DocumentPage.objects
    assert titles(documents.search("独特词")) == {"长文"}
    assert titles(documents.search("检索功能 分词")) == {"长文"}
    assert titles(documents.search("结尾")) == {"长文"}, "a word past the positions"
