"""Template fields in search: their text is found (Chinese), and documents filter by the
people named in them and by template kind, through Wagtail's search API and the search page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.search.backends import get_search_backend

from hub.core.permissions import visible_documents
from hub.search.backend import flush


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    def run(make):
        with django_capture_on_commit_callbacks(execute=True):
            result = make()
        assert flush()
        return result

    return run


@pytest.fixture
def minutes(spaces, org, minutes_template, weekly_template, make_templated, indexed):
    def make():
        attended = make_templated(
            spaces.rd,
            org.rd_head,
            minutes_template,
            {
                "when": "2026-05-14T14:00",
                "organiser": org.rd_head.pk,
                "place": "西岸艺术中心",
                "attendees": [org.rd_member.pk, org.rd_web.pk],
                "decisions": "发布会选西岸艺术中心",
            },
            title="项目周会",
        )
        absent = make_templated(
            spaces.rd,
            org.rd_head,
            minutes_template,
            {
                "when": "2026-05-21T14:00",
                "organiser": org.rd_head.pk,
                "place": "西岸艺术中心",
                "attendees": [org.rd_web.pk],
                "absent": [org.rd_member.pk],
            },
            title="第二次周会",
        )
        secret = make_templated(
            spaces.secret,
            org.mkt_member,
            minutes_template,
            {
                "when": "2026-05-21T14:00",
                "organiser": org.mkt_member.pk,
                "place": "西岸艺术中心",
                "attendees": [org.rd_member.pk],
            },
            title="保密会",
        )
        weekly = make_templated(
            spaces.rd,
            org.rd_member,
            weekly_template,
            {
                "reporter": org.rd_member.pk,
                "week": "2026-W19",
                "progress": [{"item": "西岸艺术中心签约", "percent": 50}],
            },
            title="周报",
        )
        return attended, absent, secret, weekly

    return indexed(make)


def search(user, text, queryset=None):
    queryset = visible_documents(user) if queryset is None else queryset
    return list(get_search_backend().search(text, queryset))


def test_field_text_is_searchable_in_chinese(minutes, org):
    attended, absent, _secret, weekly = minutes
    assert set(search(org.rd_head, "西岸艺术中心")) == {attended, absent, weekly}
    assert search(org.rd_head, "发布会选") == [attended]


def test_minutes_a_person_attended(minutes, org):
    attended, _absent, secret, _weekly = minutes
    key = f"attendees:{org.rd_member.pk}"
    mine = visible_documents(org.rd_member).filter(template__kind="minutes", field_people__key=key)
    assert set(search(org.rd_member, "西岸艺术中心", mine)) == {attended, secret}
    # The same question asked by someone who may not see the secret space.
    theirs = visible_documents(org.rd_head).filter(template__kind="minutes", field_people__key=key)
    assert search(org.rd_head, "西岸艺术中心", theirs) == [attended]
    named = visible_documents(org.rd_head).filter(field_people__user=org.rd_member.pk)
    assert set(search(org.rd_head, "西岸艺术中心", named)) == {minutes[0], minutes[1], minutes[3]}


def test_search_page_offers_template_kinds(minutes, org, login):
    attended, absent, _secret, weekly = minutes
    client = login(org.rd_head)
    response = client.get(reverse("search:api"), {"q": "西岸艺术中心", "type": "minutes"})
    titles = [hit["title"] for hit in response.json()["results"]]
    assert sorted(titles) == sorted([attended.title, absent.title])
    everything = client.get(reverse("search:api"), {"q": "西岸艺术中心"}).json()
    assert sorted(hit["title"] for hit in everything["results"]) == sorted(
        [attended.title, absent.title, weekly.title]
    )  # each once, though minutes are documents too
