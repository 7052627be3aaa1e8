"""The nav item and the home widgets, seen through real page requests."""

from __future__ import annotations

import re

from django.urls import reverse

from plugins.feedback.models import Feedback


def widget(page: str, name: str) -> str | None:
    """The HTML of one home widget, or None when the page has no such widget."""
    match = re.search(rf'<section class="card" data-widget="{name}">(.*?)</section>', page, re.S)
    return match[1] if match else None


def send(people, department, sender=None, subject="主题") -> Feedback:
    feedback, _token = Feedback.submit(
        submitter=sender or people.loner, anonymous=sender is None, category="suggestion",
        department=department, subject=subject, body="正文",
    )  # fmt: skip
    return feedback


def test_everyone_gets_the_feedback_nav_item(people, login):
    for person in (people.rd_member, people.loner, people.admin):
        page = login(person).get("/").content.decode()
        assert f'href="{reverse("feedback:mine")}" data-nav="feedback"' in page


def test_triagers_see_new_feedback_counts_for_their_departments(people, login):
    send(people, people.rd)
    send(people, people.rd)
    send(people, people.rd).triage(people.admin, "accepted")
    send(people, people.mkt)

    inbox = widget(login(people.rd_head).get("/").content.decode(), "feedback_inbox")
    assert "2 new feedback items for R&amp;D" in inbox
    assert "Marketing" not in inbox
    inbox = widget(login(people.rd_space_admin).get("/").content.decode(), "feedback_inbox")
    assert "2 new feedback items for R&amp;D" in inbox
    inbox = widget(login(people.mkt_head).get("/").content.decode(), "feedback_inbox")
    assert "1 new feedback item for Marketing" in inbox and "R&amp;D" not in inbox
    inbox = widget(login(people.admin).get("/").content.decode(), "feedback_inbox")
    assert (
        "2 new feedback items for R&amp;D" in inbox and "1 new feedback item for Marketing" in inbox
    )


def test_the_inbox_widget_is_for_triagers_only(people, login):
    send(people, people.rd)
    for person in (people.rd_member, people.loner, people.mkt_member):
        assert widget(login(person).get("/").content.decode(), "feedback_inbox") is None
    inbox = widget(login(people.mkt_head).get("/").content.decode(), "feedback_inbox")
    assert "No new feedback." in inbox


def test_senders_see_the_status_of_their_recent_feedback(people, login):
    send(people, people.rd, sender=people.rd_member, subject="加班餐").triage(
        people.rd_head, "planned"
    )
    send(people, people.mkt, sender=people.rd_member, subject="展会资料")
    send(people, people.rd, subject="匿名的那条")

    mine = widget(login(people.rd_member).get("/").content.decode(), "feedback_mine")
    assert "加班餐" in mine and "Planned" in mine
    assert "展会资料" in mine and "New" in mine
    assert "匿名的那条" not in mine
    # Someone who sent nothing (or only anonymously) gets no such widget.
    assert widget(login(people.loner).get("/").content.decode(), "feedback_mine") is None
