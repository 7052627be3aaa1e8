"""Triage: who may see and change which feedback (a matrix plus attacker-style attempts),
and the status history."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from plugins.feedback.models import Feedback, FeedbackEvent

# person -> (may open the item by id, may triage it, has an inbox), for feedback that
# loner sent to 研发部.
MATRIX = {
    "admin": (True, True, True),  # superuser
    "rd_head": (True, True, True),  # head of 研发部
    "rd_space_admin": (True, True, True),  # admin of 研发部's department space
    "mkt_head": (False, False, True),  # another department's head
    "mkt_member": (False, False, False),  # admin of company-wide project spaces only
    "rd_member": (False, False, False),  # ordinary member (editor of the rd space)
    "rd_web": (False, False, False),  # member of a sub-department
    "loner": (True, False, False),  # the sender
}


@pytest.fixture
def named(people) -> Feedback:
    feedback, _token = Feedback.submit(
        submitter=people.loner, anonymous=False, category="complaint",
        department=people.rd, subject="服务器太慢", body="构建要半小时。",
    )  # fmt: skip
    return feedback


def triage_post(client, feedback, status="accepted", reply=""):
    return client.post(
        reverse("feedback:triage", args=[feedback.pk]), {"status": status, "reply": reply}
    )


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(people, login, named, who):
    may_view, may_triage, has_inbox = MATRIX[who]
    client = login(getattr(people, who))

    detail = client.get(reverse("feedback:detail", args=[named.pk]))
    assert detail.status_code == (200 if may_view else 404)
    if may_view:
        assert ('id="triage-form"' in detail.content.decode()) is may_triage

    inbox = client.get(reverse("feedback:inbox"))
    assert inbox.status_code == (200 if has_inbox else 403)
    assert ("服务器太慢" in inbox.content.decode()) is may_triage

    response = triage_post(client, named, "declined", "不处理")
    named.refresh_from_db()
    if may_triage:
        assert response.status_code == 302
        assert named.status == "declined"
    else:
        assert response.status_code == (403 if may_view else 404)
        assert named.status == "new"
        assert not FeedbackEvent.objects.exists()


def test_anonymous_feedback_is_seen_only_by_triagers(people, login):
    feedback, _token = Feedback.submit(
        submitter=people.loner, anonymous=True, category="other",
        department=people.rd, subject="匿名", body="内容",
    )  # fmt: skip
    for who, (_view, may_triage, _inbox) in MATRIX.items():
        status = login(getattr(people, who)).get(reverse("feedback:detail", args=[feedback.pk]))
        # Even its sender cannot open it by id: nothing ties it to them.
        assert status.status_code == (200 if may_triage else 404), who


def test_guessed_ids_and_other_departments_are_refused(people, login, named):
    mkt_item, _token = Feedback.submit(
        submitter=people.mkt_member, anonymous=False, category="question",
        department=people.mkt, subject="市场预算", body="?",
    )  # fmt: skip
    client = login(people.rd_head)
    for pk in (mkt_item.pk, uuid.uuid4()):
        assert client.get(reverse("feedback:detail", args=[pk])).status_code == 404
    assert triage_post(client, mkt_item).status_code == 404
    mkt_item.refresh_from_db()
    assert mkt_item.status == "new"
    assert not mkt_item.events.exists()
    # Another department's inbox, by filter: a form error, no items shown.
    response = client.get(reverse("feedback:inbox"), {"department": "mkt"})
    assert response.status_code == 400
    assert "市场预算" not in response.content.decode()
    assert "Select a valid choice" in response.content.decode()
    # Integer ids of the old kind are not routes at all.
    assert client.get("/feedback/1/").status_code == 404


def test_triage_needs_post(people, login, named):
    response = login(people.rd_head).get(reverse("feedback:triage", args=[named.pk]))
    assert response.status_code == 405


def test_status_history_is_kept_and_shown(people, login, named):
    head = login(people.rd_head)
    assert triage_post(head, named, "accepted", "收到，**排期中**").status_code == 302
    assert triage_post(head, named, "accepted", "补充说明").status_code == 302
    assert triage_post(login(people.rd_space_admin), named, "done").status_code == 302

    events = list(named.events.all())
    assert [(e.author, e.old_status, e.new_status, e.reply) for e in events] == [
        (people.rd_head, "new", "accepted", "收到，**排期中**"),
        (people.rd_head, "accepted", "accepted", "补充说明"),
        (people.rd_space_admin, "accepted", "done", ""),
    ]
    assert events[0].created_at <= events[1].created_at <= events[2].created_at
    named.refresh_from_db()
    assert named.status == "done"

    page = login(people.loner).get(reverse("feedback:detail", args=[named.pk])).content.decode()
    assert "New → Accepted" in page and "Accepted → Done" in page
    assert "<strong>排期中</strong>" in page and "补充说明" in page
    assert people.rd_head.name in page and people.rd_space_admin.name in page
    mine = login(people.loner).get(reverse("feedback:mine")).content.decode()
    assert "Done" in mine


@pytest.mark.parametrize(
    ("status", "reply", "message"),
    [
        ("shipped", "保留的回复", "Select a valid choice."),
        ("", "保留的回复", "This field is required."),
        ("new", "", "Change the status or write a reply."),
        ("accepted", "长" * 10_001, "at most 10000 characters"),
    ],
)
def test_bad_triage_input_changes_nothing_and_keeps_the_reply(
    people, login, named, status, reply, message
):
    response = triage_post(login(people.rd_head), named, status, reply)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert reply in page
    named.refresh_from_db()
    assert named.status == "new"
    assert not FeedbackEvent.objects.exists()


def test_inbox_filters_by_status_and_department(people, login, named):
    Feedback.submit(
        submitter=people.mkt_member, anonymous=True, category="praise",
        department=people.mkt, subject="表扬市场部", body="好",
    )  # fmt: skip
    named.triage(people.admin, "planned")
    client = login(people.admin)
    page = client.get(reverse("feedback:inbox")).content.decode()
    assert "服务器太慢" in page and "表扬市场部" in page
    page = client.get(reverse("feedback:inbox"), {"status": "new"}).content.decode()
    assert "服务器太慢" not in page and "表扬市场部" in page
    page = client.get(reverse("feedback:inbox"), {"department": "rd"}).content.decode()
    assert "服务器太慢" in page and "表扬市场部" not in page
    assert client.get(reverse("feedback:inbox"), {"status": "bogus"}).status_code == 400


def test_losing_the_space_admin_role_ends_triage(people, login, named, spaces):
    spaces.rd.memberships.filter(user=people.rd_space_admin).delete()
    client = login(people.rd_space_admin)
    assert client.get(reverse("feedback:detail", args=[named.pk])).status_code == 404
    assert client.get(reverse("feedback:inbox")).status_code == 403


def test_a_head_does_not_triage_sub_departments(people, login):
    feedback, _token = Feedback.submit(
        submitter=people.loner, anonymous=False, category="question",
        department=people.rd_web_dept, subject="前端组的问题", body="?",
    )  # fmt: skip
    assert (
        login(people.rd_head).get(reverse("feedback:detail", args=[feedback.pk])).status_code == 404
    )
    assert (
        login(people.admin).get(reverse("feedback:detail", args=[feedback.pk])).status_code == 200
    )
