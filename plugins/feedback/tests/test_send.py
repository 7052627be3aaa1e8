"""Sending feedback: named, anonymous (no trace of the sender anywhere), the tracking link,
and bad input that must change nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plugins.feedback.models import Feedback, hash_token


def tables_containing(needle: str) -> set[str]:
    """Every database table with a row whose text contains ``needle``."""
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            if any(needle in str(row) for row in cursor.fetchall()):
                found.add(table)
    return found


def tracking_url(response) -> str:
    match = re.search(
        r'href="(http://testserver/feedback/track/[^"]+/)"', response.content.decode()
    )
    assert match, "the page shows a tracking link"
    return match[1].removeprefix("http://testserver")


def test_named_feedback_is_listed_for_its_sender(org, login, send):
    client = login(org.rd_member)
    response = send(client, org.mkt, subject="食堂菜单", body="# 建议\n\n增加*素食*。")
    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("feedback:detail", args=[feedback.pk])
    assert feedback.submitter == org.rd_member
    assert (feedback.department, feedback.category, feedback.status) == (
        org.mkt,
        "suggestion",
        "new",
    )
    assert feedback.tracking_token_hash is None

    detail = client.get(response.url).content.decode()
    assert "<h1>建议</h1>" in detail and "<em>素食</em>" in detail
    mine = client.get(reverse("feedback:mine")).content.decode()
    assert "食堂菜单" in mine and "New" in mine


def test_markdown_is_rendered_safely(org, login, send):
    client = login(org.rd_member)
    send(client, org.rd, body="<script>alert(1)</script> [x](javascript:alert(1))")
    page = client.get(reverse("feedback:detail", args=[Feedback.objects.get().pk])).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page


def test_anonymous_feedback_keeps_no_trace_of_its_sender(people, login, send):
    sender = people.rd_member
    client = login(sender)
    marker = "匿名-marker-7f3a"
    response = send(client, people.rd, subject=marker, body="领导的周会太长。", anonymous="on")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = tracking_url(response).split("/")[-2]
    feedback = Feedback.objects.get()
    assert feedback.anonymous and feedback.submitter_id is None
    assert feedback.tracking_token_hash == hash_token(token)
    # Rounded to the day, so the time cannot be matched against other records.
    local = timezone.localtime(feedback.created_at)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    row_text = str(Feedback.objects.filter(pk=feedback.pk).values().get())
    for trace in (sender.username, sender.name, sender.email):
        assert trace not in row_text
    # The text lives in the feedback table only (no log row copied it with the sender) and,
    # where the search index is in the database, in its index entry, which holds no sender;
    # the token is stored nowhere, not even in the session.
    assert tables_containing(marker) - {"wagtailsearch_indexentry"} == {"feedback_feedback"}
    assert tables_containing(token) == set()
    assert all(
        token not in str(s.get_decoded()) and str(feedback.pk) not in str(s.get_decoded())
        for s in Session.objects.all()
    )
    # Not in the sender's own list either: that would tie it to them.
    assert marker not in client.get(reverse("feedback:mine")).content.decode()

    for triager in (people.admin, people.rd_head, people.rd_space_admin):
        triager_client = login(triager)
        for url in (reverse("feedback:inbox"), reverse("feedback:detail", args=[feedback.pk])):
            page = triager_client.get(url).content.decode()
            assert marker in page and "Anonymous" in page
            for trace in (sender.username, sender.name, sender.email):
                assert trace not in page


def test_tracking_link_shows_status_and_replies(people, login, send):
    response = send(login(people.rd_member), people.rd, subject="打印机", anonymous="on")
    url = tracking_url(response)
    feedback = Feedback.objects.get()
    feedback.triage(people.rd_head, "planned", "下周**更换**。")

    # Any logged-in holder of the link sees it (the link is the only key).
    page = login(people.mkt_member).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "打印机" in text and "Planned" in text and "<strong>更换</strong>" in text
    assert "New → Planned" in text
    assert people.rd_member.name not in text


@pytest.mark.parametrize(
    "token",
    ["", "x", "a" * 43, "../" + "a" * 40, "%00"],
)
def test_wrong_tracking_tokens_find_nothing(org, login, send, token):
    send(login(org.rd_member), org.rd, anonymous="on")
    response = login(org.rd_member).get(f"/feedback/track/{token}/")
    assert response.status_code == 404


def test_the_stored_hash_is_not_a_tracking_token(org, login, send):
    send(login(org.rd_member), org.rd, anonymous="on")
    stored = Feedback.objects.get().tracking_token_hash
    assert login(org.admin).get(f"/feedback/track/{stored}/").status_code == 404


def test_tracking_link_needs_login(org, login, send):
    url = tracking_url(send(login(org.rd_member), org.rd, anonymous="on"))
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response.url


def test_named_feedback_is_not_reachable_by_a_tracking_link(org, login, send):
    response = send(login(org.rd_member), org.rd)
    assert response.status_code == 302
    assert "track" not in response.url


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": ""}, "body", "This field is required."),
        ({"body": "   \n "}, "body", "This field is required."),
        ({"body": "长" * 10_001}, "body", "at most 10000 characters"),
        ({"subject": ""}, "subject", "This field is required."),
        ({"department": 999_999}, "department", "Select a valid choice."),
        ({"department": "rd"}, "department", "Select a valid choice."),
        ({"category": "bribe"}, "category", "Select a valid choice."),
        ({"status": "done"}, None, None),  # a forged status is ignored: new feedback is new
    ],
)
def test_bad_input_is_a_form_error_and_keeps_the_text(org, login, send, fields, field, message):
    client = login(org.rd_member)
    kept = {"subject": "保留的标题", "body": "保留的正文 kept"}
    data = {**kept, **fields}
    response = send(client, data.pop("department", org.rd), **data)
    if field is None:
        assert Feedback.objects.get().status == "new"
        return
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Feedback.objects.exists()
    page = response.content.decode()
    for name, value in kept.items():
        if name not in fields:
            assert value in page
    if fields.get("body", "").startswith("长"):
        assert fields["body"] in page


def test_inactive_people_cannot_send(org, login):
    client = login(org.gone)
    response = client.post(
        reverse("feedback:send"),
        {"category": "other", "department": org.rd.pk, "subject": "s", "body": "b"},
    )
    assert response.status_code == 302 and "/login/" in response.url
    assert not Feedback.objects.exists()
