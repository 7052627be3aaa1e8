"""OpenSearch and Elasticsearch (``hub.search.opensearch``, ``hub.search.elasticsearch``)
without a server: no OpenSearch or Elasticsearch can run where the tests run, so these
tests check what the hub would send, built by Wagtail's own classes: the index settings
and mapping, the documents (segmented exactly as for Whoosh and PostgreSQL) and the query
bodies (permission filters inside, Chinese as bigram phrases, English stems).

Whether a query finds a document is checked at the level the server works at with the
hub's analyzer: it splits both at spaces (``str.split``), and a phrase matches where its
tokens follow each other within one value of a field.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from modelsearch.backends import get_search_backend
from modelsearch.query import Phrase

from hub.core.models import DocumentPage
from hub.core.permissions import visible_documents
from hub.search.analysis import normalize
from hub.search.segmented import BIGRAM, PREFIXES_ANALYZER, WORDS_ANALYZER
from hub.testing import embedded_site_env

SERVERS = {"opensearch": "opensearchpy", "elasticsearch": "elasticsearch"}
BODY = "core_documentpage__body"
ALL_TEXT = ["_all_text", "_all_text_boost_2_0^2.0"]


@pytest.fixture(params=list(SERVERS))
def server(request) -> str:
    """The backend of SEARCH_BACKEND=opensearch or elasticsearch (its client installed:
    ``pip install -e '.[opensearch]'`` or ``'.[elasticsearch]'``), on a port where no
    server listens; documents are made first, on the test's own Whoosh index."""
    pytest.importorskip(SERVERS[request.param], reason=f"the {request.param} client is missing")
    return request.param


@pytest.fixture
def use_server(server, settings):
    def switch():
        settings.WAGTAILSEARCH_BACKENDS = {
            "default": {
                "BACKEND": f"hub.search.{server}",
                "URLS": ["http://127.0.0.1:9"],
                "INDEX_PREFIX": "hub_",
            }
        }
        return get_search_backend()

    return switch


def body(results) -> dict:
    """The search request body of lazy search results (Wagtail's own builder)."""
    return results._get_es_body()["query"]


def test_settings_select_the_segmenting_backend_and_name_the_indexes(server, tmp_path):
    env = embedded_site_env(
        tmp_path, SEARCH_BACKEND=server, SEARCH_URL="http://127.0.0.1:9", SEARCH_INDEX="acme"
    )
    script = (
        "import django; django.setup();"
        "from modelsearch.backends import get_search_backend;"
        "from hub.core.models import DocumentPage; b = get_search_backend();"
        "print(type(b).__module__, b.get_index_for_model(DocumentPage).name)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "hub.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [f"hub.search.{server}", "acme_wagtailcore_page"]


def test_the_server_splits_text_at_spaces_only(use_server):
    backend = use_server()
    analysis = backend.settings["settings"]["analysis"]
    assert analysis["analyzer"][WORDS_ANALYZER] == {"type": "custom", "tokenizer": "whitespace"}
    assert analysis["analyzer"][PREFIXES_ANALYZER]["tokenizer"] == "whitespace"
    assert "ngram_analyzer" in analysis["analyzer"], "Wagtail's own analyzers are kept"
    mapping = backend.mapping_class(DocumentPage).get_mapping()["properties"]
    text_fields = {name: field for name, field in mapping.items() if field["type"] == "text"}
    assert {"title", BODY, "_all_text", "_edgengrams"} <= set(text_fields)
    for name, field in text_fields.items():
        if name.endswith("edgengrams"):
            assert (field["analyzer"], field["search_analyzer"]) == (
                PREFIXES_ANALYZER,
                WORDS_ANALYZER,
            )
        else:
            assert field["analyzer"] == WORDS_ANALYZER, name


def test_documents_hold_words_and_bigrams_never_the_raw_text(
    use_server, spaces, org, make_document
):
    document = make_document(
        spaces.company_read, org.admin, "知识库 Wiki 上线", "本周知识库上线。Reports are DONE!"
    )
    indexed = use_server().mapping_class(DocumentPage).get_document(document)
    assert indexed["title"] == ["知识库 wiki 上线", "_知识 _识库 _库", "_上线 _线"]
    assert indexed[BODY] == [
        "本周 知识库 上线 report ar done",
        "_本周 _周知 _知识 _识库 _库上 _上线 _线",
    ]
    assert indexed["_edgengrams"] == indexed["title_edgengrams"] == ["知识库 wiki 上线"]
    assert indexed["title_filter"] == "知识库 Wiki 上线", "filters keep the value itself"
    searched = [str(value) for name, value in indexed.items() if not name.endswith("_filter")]
    assert not any("Reports" in value or "本周知识库" in value for value in searched)


def test_queries_are_segmented_like_the_documents(use_server, spaces, org, make_document):
    use_server()
    documents = DocumentPage.objects
    assert body(documents.search("知识库")) == {
        "bool": {
            "must": {"multi_match": {"query": "_知识 _识库", "fields": ALL_TEXT, "type": "phrase"}},
            "filter": {"match": {"_django_content_type": "core.DocumentPage"}},
        }
    }
    must = body(documents.search("识库 REPORTS"))["bool"]["must"]
    assert must == {
        "bool": {
            "must": [
                {"multi_match": {"query": "_识库", "fields": ALL_TEXT}},
                {"multi_match": {"query": "report", "fields": ALL_TEXT}},
            ]
        }
    }
    assert body(documents.search("库"))["bool"]["must"] == {
        "dis_max": {
            "queries": [
                {"prefix": {"_all_text": {"value": "_库", "boost": 1.0}}},
                {"prefix": {"_all_text_boost_2_0": {"value": "_库", "boost": 2.0}}},
            ]
        }
    }
    either = body(documents.search("知识 wiki", operator="or"))["bool"]["must"]
    assert either["bool"]["minimum_should_match"] == 1 and len(either["bool"]["should"]) == 2
    assert body(documents.search(Phrase("weekly reports")))["bool"]["must"] == {
        "multi_match": {"query": "weekli report", "fields": ALL_TEXT, "type": "phrase"}
    }
    assert body(documents.search("，。！"))["bool"]["must"] == {
        "bool": {"must_not": {"match_all": {}}}
    }
    assert body(documents.search("知识", fields=["title"]))["bool"]["must"] == {
        "match": {"title": {"query": "_知识", "boost": 2.0}}
    }


def test_the_permission_filter_is_inside_the_query(use_server, org, spaces):
    use_server()
    # rd_member edits rd's documents (drafts too) and views the secret space's published
    # or archived ones and their own; the marketing space is not theirs.
    search = body(visible_documents(org.rd_member).search("知识"))["bool"]
    assert search["must"] == {"multi_match": {"query": "_知识", "fields": ALL_TEXT}}
    content_type, visibility = search["filter"]
    assert content_type == {"match": {"_django_content_type": "core.DocumentPage"}}
    editor, viewer, owner = visibility["bool"]["should"]
    spaces_of = "core_documentpage__space_id_filter"
    assert spaces.rd.pk in editor["terms"][spaces_of]
    assert spaces.secret.pk not in editor["terms"][spaces_of]
    viewed, statuses = viewer["bool"]["must"]
    assert spaces.secret.pk in viewed["terms"][spaces_of]
    assert statuses == {"terms": {"core_documentpage__status_filter": ["published", "archived"]}}
    assert owner["bool"]["must"][0] == {"term": {"owner_id_filter": org.rd_member.pk}}
    seen = {
        *editor["terms"][spaces_of],
        *viewed["terms"][spaces_of],
        *owner["bool"]["must"][1]["terms"][spaces_of],
    }
    assert spaces.mkt.pk not in seen


def test_autocomplete_matches_word_starts(use_server):
    use_server()
    assert body(DocumentPage.objects.autocomplete("知识 Wi"))["bool"]["must"] == {
        "match": {"_edgengrams": {"query": "知识 wi", "operator": "and"}}
    }


SENTENCES = [
    "研发部本周完成了知识库的全文检索功能，支持中文分词。",
    "市场部下周将发布新产品的推广方案和预算。",
]


def _found(query: dict, values: list[str]) -> bool:
    """Would a phrase, term or prefix query on one field match these field values?"""
    kind, options = next(iter(query.items()))
    if kind == "dis_max":
        return any(_found(sub, values) for sub in options["queries"])
    if kind == "prefix":
        prefix = next(iter(options.values()))["value"]
        return any(token.startswith(prefix) for value in values for token in value.split())
    if kind != "multi_match":
        options = next(iter(options.values()))
    tokens = options["query"].split()
    return any(
        value.split()[start : start + len(tokens)] == tokens
        for value in values
        for start in range(len(value.split()))
    )


def test_every_chinese_substring_finds_exactly_the_documents_holding_it(
    use_server, spaces, org, make_document
):
    made = [
        make_document(spaces.company_read, org.admin, f"doc{n}", sentence)
        for n, sentence in enumerate(SENTENCES)
    ]
    backend = use_server()
    indexed = [backend.mapping_class(DocumentPage).get_document(doc)[BODY] for doc in made]
    documents = DocumentPage.objects
    for sentence in SENTENCES:
        runs = "".join(c if "\u4e00" <= c <= "\u9fff" else " " for c in sentence).split()
        for run in runs:
            for start in range(len(run)):
                for end in range(start + 1, len(run) + 1):
                    substring = run[start:end]
                    query = body(documents.search(substring, fields=["body"]))["bool"]["must"]
                    found = {n for n, values in enumerate(indexed) if _found(query, values)}
                    expected = {n for n, s in enumerate(SENTENCES) if substring in normalize(s)}
                    assert found == expected, substring
    # Never across punctuation: 功能，支持 has no bigram 能支.
    assert not any(f"{BIGRAM}能支" in value for value in indexed[0])
