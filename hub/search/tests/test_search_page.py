"""The search page and its JSON endpoint, tested the way an attacker would use them.

People with limited rights search for a word that occurs in documents and feedback they
may not see: results, counts, snippets, facets and the JSON must never show them. Then
the features: Chinese and English, highlighting and escaping, filters, sorting,
pagination, bad parameters and the record of queries that found nothing. Each test that
searches runs on every search backend (``backend`` in conftest).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from wagtail.search import index

from hub.core.models import DocumentPage
from hub.search.models import ZeroResultQuery
from hub.testing import registered_plugin
from plugins.feedback.models import Category, Feedback

WORD = "zebra"
CHINESE = "麒麟"


@pytest.fixture
def make_document(backend, make_document, indexing) -> Callable:
    """The root fixture's documents, indexed before the test searches; every test that
    makes documents runs on each search backend (conftest)."""

    def make(*args, **kwargs):
        with indexing():
            return make_document(*args, **kwargs)

    return make


@pytest.fixture
def corpus(spaces, org, make_document, indexing) -> SimpleNamespace:
    """The same two words in documents and feedback of every visibility.

    Words stand apart (spaces, punctuation) so any backend's tokenizer finds them.
    """

    def doc(space, title, status="published", owner=None, extra=""):
        body = f"Some text before. {WORD}，{CHINESE}。 {title} details. {extra}"
        return make_document(space, owner or org.admin, title, body, status)

    def feedback(sender, department, subject, anonymous):
        with indexing():
            item, _token = Feedback.submit(
                submitter=sender,
                anonymous=anonymous,
                category=Category.SUGGESTION,
                department=department,
                subject=subject,
                body=f"{WORD} {CHINESE} {subject}",
            )
        return item

    return SimpleNamespace(
        public=doc(spaces.company_read, "Public handbook"),
        secret_published=doc(spaces.secret, "Secret published"),
        secret_draft=doc(spaces.secret, "Secret draft", "draft", org.mkt_member),
        marketing=doc(spaces.mkt, "Marketing plan"),
        rd_draft=doc(spaces.rd, "RD draft", "draft", org.rd_head),
        anonymous_feedback=feedback(org.mkt_member, org.rd, "Anonymous complaint", True),
        named_feedback=feedback(org.mkt_member, org.mkt, "Named suggestion", False),
    )


def api(client, **params) -> tuple[int, dict]:
    response = client.get("/search/api/", params)
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def titles(data: dict) -> set[str]:
    return {result["title"] for result in data["results"]}


HIDDEN_FROM_RD_MEMBER = [
    "Secret draft",
    "Marketing plan",
    "Anonymous complaint",
    "Named suggestion",
]


# What an employee with limited rights can learn -----------------------------------------


def test_limited_employee_finds_only_what_they_may_see(corpus, org, login):
    status, data = api(login(org.rd_member), q=WORD)
    assert status == 200
    # rd_member: viewer of the secret space (no drafts), editor of rd (drafts), no mkt.
    assert titles(data) == {"Public handbook", "Secret published", "RD draft"}
    assert data["count"] == 3 and data["pages"] == 1


def test_page_leaks_nothing_hidden_in_results_counts_snippets_or_facets(corpus, org, spaces, login):
    response = login(org.rd_member).get("/search/", {"q": CHINESE})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-search-count="3"' in html
    for hidden in HIDDEN_FROM_RD_MEMBER:
        assert hidden not in html
    assert f'data-facet-space="{spaces.mkt.pk}"' not in html
    assert f'data-facet-space="{spaces.secret.pk}"' in html
    assert 'data-facet-type="feedback"' not in html


def test_outsider_sees_only_company_wide_published_documents(corpus, org, login):
    _status, data = api(login(org.loner), q=f"{WORD} {CHINESE}")
    assert titles(data) == {"Public handbook"} and data["count"] == 1


def test_filtering_by_a_space_one_may_not_see_is_refused_like_a_missing_one(
    corpus, org, spaces, login
):
    client = login(org.loner)
    hidden_status, hidden = api(client, q=WORD, space=spaces.mkt.pk)
    missing_status, missing = api(client, q=WORD, space=999999)
    assert hidden_status == missing_status == 400
    assert hidden["errors"] == missing["errors"]


def test_triager_finds_anonymous_feedback_without_its_sender(corpus, org, login):
    client = login(org.rd_head)
    _status, data = api(client, q=WORD, type="feedback")
    assert titles(data) == {"Anonymous complaint"}
    assert data["results"][0]["author"] == ""
    html = client.get("/search/", {"q": WORD}).content.decode()
    # The author filter lists everyone; the results must name no sender.
    results = html[html.index('<ol class="search-results') : html.index("</ol>")]
    assert "Anonymous complaint" in results
    assert org.mkt_member.name not in results and org.mkt_member.username not in results


def test_named_sender_finds_their_own_feedback_but_not_their_anonymous_one(corpus, org, login):
    _status, data = api(login(org.mkt_member), q=WORD, type="feedback")
    assert titles(data) == {"Named suggestion"}
    assert data["results"][0]["author"] == org.mkt_member.name


def test_documents_hidden_by_a_plugin_disappear_from_search(corpus, org, login):
    class HideSecret:
        from hub import hookimpl

        @hookimpl
        def hub_permission_check(self, user, action, obj):
            return False if getattr(obj, "title", "") == "Secret published" else None

    with registered_plugin(HideSecret(), name="hide_secret"):
        _status, data = api(login(org.rd_member), q=WORD)
    assert titles(data) == {"Public handbook", "RD draft"} and data["count"] == 2


def test_search_requires_login(corpus, client):
    assert client.get("/search/", {"q": WORD}).status_code == 302
    status, data = api(client, q=WORD)
    assert status == 401 and "results" not in data


# Languages, highlighting, escaping --------------------------------------------------------


def test_chinese_and_english_queries_find_the_right_documents(spaces, org, make_document, login):
    make_document(spaces.company_read, org.admin, "周报", "本周：知识库 上线。Weekly report done.")
    make_document(spaces.company_read, org.admin, "会议纪要", "讨论：预算。Budget meeting.")
    client = login(org.loner)
    assert titles(api(client, q="知识库")[1]) == {"周报"}
    assert titles(api(client, q="budget")[1]) == {"会议纪要"}
    assert titles(api(client, q="知识库 weekly")[1]) == {"周报"}
    assert titles(api(client, q='"weekly report"')[1]) == {"周报"}
    assert titles(api(client, q='"report weekly"')[1]) == set()


def test_snippets_mark_the_matches_in_chinese_and_english(spaces, org, make_document, login):
    make_document(
        spaces.company_read, org.admin, "Plan", "项目 知识库 进展顺利。 The Wiki is live."
    )
    _status, data = api(login(org.loner), q="知识库 wiki")
    snippet = data["results"][0]["snippet_html"]
    assert "<mark>知识库</mark>" in snippet and "<mark>Wiki</mark>" in snippet


def test_markup_in_documents_is_shown_as_text(spaces, org, make_document, login):
    make_document(
        spaces.company_read,
        org.admin,
        "<b>Bold</b> zebra",
        "Paste: <script>alert('zebra')</script> & more",
    )
    client = login(org.loner)
    html = client.get("/search/", {"q": WORD}).content.decode()
    assert "<script>alert" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;alert(&#x27;<mark>zebra</mark>&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; <mark>zebra</mark>" in html
    _status, data = api(client, q=WORD)
    assert "&lt;script&gt;" in data["results"][0]["snippet_html"]


# Filters, sorting, pagination ---------------------------------------------------------------


def test_filters_by_space_department_and_author(corpus, org, spaces, login):
    client = login(org.mkt_member)
    documents = {"q": WORD, "type": "document"}
    everything = api(client, **documents)[1]
    assert titles(everything) == {
        "Public handbook",
        "Secret published",
        "Secret draft",
        "Marketing plan",
    }
    assert titles(api(client, **documents, space=spaces.secret.pk)[1]) == {
        "Secret published",
        "Secret draft",
    }
    assert titles(api(client, **documents, department=org.mkt.pk)[1]) == {"Marketing plan"}
    assert titles(api(client, **documents, author=org.mkt_member.pk)[1]) == {"Secret draft"}


def test_filters_apply_to_feedback_too(corpus, org, spaces, login):
    client = login(org.mkt_member)
    assert "Named suggestion" in titles(api(client, q=WORD)[1])
    assert titles(api(client, q=WORD, type="feedback")[1]) == {"Named suggestion"}
    assert titles(api(client, q=WORD, department=org.mkt.pk)[1]) == {
        "Marketing plan",
        "Named suggestion",
    }
    assert titles(api(client, q=WORD, author=org.mkt_member.pk)[1]) == {
        "Secret draft",
        "Named suggestion",
    }
    # Feedback lives in no space: a space filter leaves documents only.
    assert "Named suggestion" not in titles(api(client, q=WORD, space=spaces.mkt.pk)[1])


def test_feedback_search_runs_on_exactly_the_items_each_person_may_open(corpus, org):
    from plugins.feedback.permissions import can_view
    from plugins.feedback.search import visible_feedback

    people = [
        org.admin,
        org.rd_head,
        org.rd_member,
        org.rd_web,
        org.mkt_member,
        org.loner,
        org.gone,
    ]
    for person in people:
        expected = {item.pk for item in Feedback.objects.all() if can_view(person, item)}
        assert set(visible_feedback(person).values_list("pk", flat=True)) == expected, person


def test_department_filter_includes_sub_departments(spaces, org, make_document, login, indexing):
    from hub.core.models import SpacePage

    web = SpacePage(title="Web", slug="web", visibility="company_read", department=org.rd_web_dept)
    with indexing():
        spaces.rd.get_parent().add_child(instance=web)
    make_document(web, org.admin, "Web guide", f"{WORD} frontend")
    _status, data = api(login(org.loner), q=WORD, department=org.rd.pk)
    assert titles(data) == {"Web guide"}


def _dated(document: DocumentPage, days_ago: int, indexing) -> None:
    when = timezone.now() - timedelta(days=days_ago)
    DocumentPage.objects.filter(pk=document.pk).update(latest_revision_created_at=when)
    # A filter field changed behind the models' back: tell the search index too.
    with indexing():
        index.insert_or_update_object(DocumentPage.objects.get(pk=document.pk))


def test_date_range_and_sort_by_date(spaces, org, make_document, login, indexing):
    old = make_document(spaces.company_read, org.admin, "Old zebra", "zebra old")
    middle = make_document(spaces.company_read, org.admin, "Middle zebra", "zebra middle")
    make_document(spaces.company_read, org.admin, "New zebra", "zebra zebra zebra new")
    _dated(old, 40, indexing)
    _dated(middle, 10, indexing)
    client = login(org.loner)
    by_date = api(client, q=WORD, sort="date")[1]
    assert [result["title"] for result in by_date["results"]] == [
        "New zebra",
        "Middle zebra",
        "Old zebra",
    ]
    today = timezone.localdate()
    since = (today - timedelta(days=20)).isoformat()
    until = (today - timedelta(days=5)).isoformat()
    assert titles(api(client, q=WORD, date_from=since)[1]) == {"Middle zebra", "New zebra"}
    assert titles(api(client, q=WORD, date_from=since, date_to=until)[1]) == {"Middle zebra"}
    assert datetime.fromisoformat(by_date["results"][0]["date"]).date() == today


def test_pagination_pages_through_every_result_once(spaces, org, make_document, login):
    for number in range(23):
        make_document(spaces.company_read, org.admin, f"Note {number}", f"{WORD} note {number}")
    client = login(org.loner)
    first, second = api(client, q=WORD)[1], api(client, q=WORD, page=2)[1]
    assert (first["count"], first["pages"], len(first["results"])) == (23, 2, 20)
    assert (second["page"], len(second["results"])) == (2, 3)
    assert len(titles(first) | titles(second)) == 23
    html = client.get("/search/", {"q": WORD}).content.decode()
    assert 'rel="next"' in html and "page=2" in html
    status, data = api(client, q=WORD, page=3)
    assert status == 400 and "no page 3" in data["errors"][0]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"space": "abc"}, "Space"),
        ({"department": "999999"}, "Department"),
        ({"author": "1 OR 1=1"}, "Author"),
        ({"date_from": "2024-13-40"}, "From"),
        ({"date_from": "2024-05-02", "date_to": "2024-05-01"}, "To"),
        ({"type": "nonsense"}, "Type"),
        ({"sort": "random"}, "Sort by"),
        ({"page": "0"}, "Page"),
        ({"page": "two"}, "Page"),
        ({"q": "x" * 201}, "Search"),
    ],
)
def test_bad_parameters_get_a_clear_400_and_record_nothing(corpus, org, login, params, field):
    client = login(org.rd_member)
    status, data = api(client, **{"q": WORD, **params})
    assert status == 400 and data["errors"][0].startswith(f"{field}: ")
    response = client.get("/search/", {"q": WORD, **params})
    assert response.status_code == 400
    assert f"{field}: " in response.content.decode()
    assert not ZeroResultQuery.objects.exists()


def test_an_empty_query_shows_the_form_and_the_api_asks_for_one(org, login):
    client = login(org.loner)
    response = client.get("/search/", {"q": '  "" '})
    assert response.status_code == 200 and "data-search-count" not in response.content.decode()
    status, data = api(client, q="")
    assert status == 400 and data["errors"]


def test_header_has_one_search_box_in_both_themes(org, login, settings):
    from hub.themes import template_dirs, theme_chain

    for theme in ("default", "dark"):
        chain = theme_chain(settings.BASE_DIR / "themes", theme)
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": template_dirs(chain)}]
        html = login(org.loner).get("/spaces/").content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert header.count('role="search"') == 1, theme
        assert 'action="/search/"' in header and 'name="q"' in header


# No results ------------------------------------------------------------------------------


def test_no_results_shows_help_and_records_the_query_without_the_person(corpus, org, login):
    client = login(org.rd_member)
    html = client.get("/search/", {"q": "Ｎｏｔｈｉｎｇ Here", "type": "document"}).content.decode()
    assert "data-search-help" in html and "check the spelling" in html
    record = ZeroResultQuery.objects.get()
    assert (record.query, record.normalized) == ("Ｎｏｔｈｉｎｇ Here", "nothing here")
    assert record.department == org.rd and record.filters == {"type": "document"}
    assert not {field.name for field in ZeroResultQuery._meta.fields} & {"user", "username"}


def test_a_query_finding_only_hidden_content_counts_as_zero_results(corpus, org, login):
    _status, data = api(login(org.loner), q="Marketing")
    assert data["count"] == 0 and data["results"] == []
    assert ZeroResultQuery.objects.filter(query="Marketing", department=None).count() == 1


def test_queries_with_results_are_not_recorded(corpus, org, login):
    api(login(org.rd_member), q=WORD)
    assert not ZeroResultQuery.objects.exists()
