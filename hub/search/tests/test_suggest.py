"""Suggestions under the search box (``/search/suggest/``): titles starting with what is
typed, in Chinese and English, never one the person may not see; on every search backend."""

from __future__ import annotations

import json

import pytest

URL = "/search/suggest/"


@pytest.fixture
def documents(backend, spaces, org, make_document, indexing):
    with indexing():
        return {
            "public": make_document(spaces.company_read, org.admin, "知识库使用指南", "正文"),
            "english": make_document(spaces.company_read, org.admin, "Weekly report guide", "x"),
            "secret": make_document(
                spaces.secret, org.mkt_member, "知识库迁移计划", "正文", "draft"
            ),
            "draft": make_document(spaces.company_read, org.admin, "知识库草稿", "正文", "draft"),
        }


def suggest(client, text: str) -> tuple[int, dict]:
    response = client.get(URL, {"q": text})
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def test_titles_starting_with_a_chinese_or_english_word(documents, org, login):
    client = login(org.mkt_member)  # administers the handbook (drafts too), edits "secret"
    status, data = suggest(client, "知识")
    assert status == 200 and data["query"] == "知识"
    assert {s["title"] for s in data["suggestions"]} == {
        "知识库使用指南",
        "知识库迁移计划",
        "知识库草稿",
    }
    hit = next(s for s in data["suggestions"] if s["title"] == "知识库使用指南")
    assert hit["url"] == documents["public"].url and hit["type"] == "document"
    assert hit["label"] == "Documents" and hit["space"] == documents["public"].space.title
    status, data = suggest(client, "week")
    assert [s["title"] for s in data["suggestions"]] == ["Weekly report guide"]


def test_never_suggests_what_the_person_may_not_see(documents, org, login):
    status, data = suggest(login(org.rd_member), "知识")
    assert status == 200
    assert [s["title"] for s in data["suggestions"]] == ["知识库使用指南"]
    status, data = suggest(login(org.loner), "知识库迁")
    assert data["suggestions"] == []


def test_empty_long_and_anonymous_requests(documents, org, login, client):
    assert suggest(login(org.admin), "  ") == (200, {"query": "", "suggestions": []})
    status, data = suggest(login(org.admin), "知" * 101)
    assert status == 400 and data["errors"] == ["Type at most 100 characters."]
    status, data = suggest(client, "知识")
    assert status == 401 and "suggestions" not in data
