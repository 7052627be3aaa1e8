"""Action items of meeting minutes become tasks, once, linked both ways."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hub.core.documents import create_document
from hub.doctemplates.models import DocumentTemplate
from plugins.taskboard.models import Task


@pytest.fixture
def minutes_doc(org, spaces):
    template = DocumentTemplate.objects.get(kind="minutes", space=None, name="会议纪要")
    rows = [
        {"what": "评审方案", "owner": org.rd_web.pk, "due": "2026-05-20", "status": "open"},
        {"what": "已经做完", "owner": org.rd_member.pk, "due": None, "status": "done"},
        {"what": "联系市场部", "owner": org.mkt_member.pk, "due": None, "status": "in_progress"},
    ]
    fields = {"when": "2026-05-14T14:00", "organiser": org.rd_head.pk, "actions": rows}
    return create_document(spaces.rd, org.rd_head, "研发周会", "", "published", (),
                           template=template, fields=fields)  # fmt: skip


def test_action_items_become_tasks_once_and_link_both_ways(org, minutes_doc, login):
    client = login(org.rd_member)
    page = client.get(minutes_doc.url).content.decode()
    assert "Create tasks from action items" in page
    url = reverse("taskboard:from_minutes", args=[minutes_doc.pk])
    assert client.post(url).status_code == 302
    tasks = list(Task.objects.order_by("source_row"))
    assert [(t.title, t.source_row, t.assignee, t.status) for t in tasks] == [
        ("评审方案", 0, org.rd_web, "todo"),
        ("联系市场部", 2, org.mkt_member, "doing"),
    ]
    assert tasks[0].due.isoformat() == "2026-05-20" and tasks[1].department == org.mkt
    # Idempotent: a second run creates nothing.
    client.post(url)
    assert Task.objects.count() == 2
    # The minutes show each task's status; the task shows its minutes.
    client.post(reverse("taskboard:move", args=[tasks[0].pk]), {"status": "review"})
    page = client.get(minutes_doc.url).content.decode()
    assert 'id="taskboard-minutes"' in page and "Review" in page and "评审方案" in page
    task_page = client.get(tasks[0].get_absolute_url()).content.decode()
    assert f'href="{minutes_doc.url}" data-source' in task_page


def test_only_board_editors_may_create_and_outsiders_see_no_linked_task(org, minutes_doc, login):
    url = reverse("taskboard:from_minutes", args=[minutes_doc.pk])
    assert login(org.loner).post(url).status_code == 404  # cannot see the minutes
    assert not Task.objects.exists()
    login(org.rd_head).post(url)
    # mkt_member, assignee of one task, sees only their own task on minutes they may not read.
    assert login(org.mkt_member).get(minutes_doc.url).status_code in (403, 404)


def test_a_document_that_is_not_minutes_is_refused(org, spaces, make_document, login):
    document = make_document(spaces.rd, org.rd_head, title="普通文档")
    page = login(org.rd_member).get(document.url).content.decode()
    assert "Create tasks from action items" not in page
    login(org.rd_member).post(reverse("taskboard:from_minutes", args=[document.pk]))
    assert not Task.objects.exists()
