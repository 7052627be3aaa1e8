"""Action items of meeting minutes become tasks, once, linked both ways: by a click, or
by themselves when the board says so and the minutes are saved."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hub.core.documents import create_document, save_document
from hub.doctemplates.models import DocumentTemplate
from hub.notifications.models import Notification
from hub.search.backend import flush
from plugins.taskboard import minutes
from plugins.taskboard.models import Board, Task


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


def save_minutes(document, user, rows, django_capture_on_commit_callbacks):
    """Save the minutes with these action items, running what happens after commit."""
    fields = {**document.fields, "actions": rows}
    with django_capture_on_commit_callbacks(execute=True):
        save_document(document, user, document.title, document.body, document.status,
                      [], fields=fields)  # fmt: skip
    # The search index is updated after commit too, by a writer thread: let it finish.
    assert flush(), "the index writer did not finish"
    document.refresh_from_db()


def test_board_setting_makes_tasks_of_saved_minutes_once(
    org, spaces, minutes_doc, login, django_capture_on_commit_callbacks
):
    client = login(org.rd_head)  # admin of 研发部's space
    response = client.post(reverse("taskboard:settings", args=[spaces.rd.pk]),
                           {"tasks_from_minutes": "on"})  # fmt: skip
    assert response.status_code == 302 and Board.objects.get(space=spaces.rd).tasks_from_minutes
    rows = list(minutes_doc.fields["actions"])
    save_minutes(minutes_doc, org.rd_member, rows, django_capture_on_commit_callbacks)
    assert sorted(Task.objects.values_list("title", "created_by__username")) == [
        ("联系市场部", "rd_member"), ("评审方案", "rd_member"),
    ]  # fmt: skip
    # Saved again with one more row: only that row becomes a task.
    rows.append({"what": "准备演示", "owner": org.rd_web.pk, "due": "2026-05-30", "status": "open"})
    save_minutes(minutes_doc, org.rd_member, rows, django_capture_on_commit_callbacks)
    save_minutes(minutes_doc, org.rd_head, rows, django_capture_on_commit_callbacks)
    assert Task.objects.count() == 3
    demo = Task.objects.get(title="准备演示")
    assert (demo.source_document, demo.source_row, demo.assignee) == (minutes_doc, 3, org.rd_web)
    assert Notification.objects.filter(user=org.rd_web, url=demo.get_absolute_url(),
                                       kind="tasks").exists()  # fmt: skip
    # Linked both ways, and the minutes show each task's current status with a link.
    client.post(reverse("taskboard:move", args=[demo.pk]), {"status": "doing"})
    page = client.get(minutes_doc.url).content.decode()
    section = page.split('id="taskboard-minutes"')[1].split("</section>")[0]
    assert f'href="{demo.get_absolute_url()}"' in section
    assert re.search(r"准备演示.*Doing", section, re.S)


def test_without_the_setting_or_the_right_saving_minutes_makes_no_task(
    org, spaces, minutes_doc, django_capture_on_commit_callbacks
):
    rows = list(minutes_doc.fields["actions"])
    save_minutes(minutes_doc, org.rd_member, rows, django_capture_on_commit_callbacks)
    assert not Task.objects.exists()
    Board.objects.create(space=spaces.rd, tasks_from_minutes=True)
    # Someone who may not create tasks on the board saved them (e.g. an admin tool).
    assert minutes.on_saved(minutes_doc, org.loner) is None
    assert not Task.objects.exists()


def test_refused_action_items_are_reported_to_whoever_saved(
    org, spaces, minutes_doc, django_capture_on_commit_callbacks
):
    Board.objects.create(space=spaces.rd, tasks_from_minutes=True, wip_doing=0)
    rows = list(minutes_doc.fields["actions"])
    save_minutes(minutes_doc, org.rd_member, rows, django_capture_on_commit_callbacks)
    assert list(Task.objects.values_list("title", flat=True)) == ["评审方案"]
    note = Notification.objects.get(user=org.rd_member)
    assert "联系市场部" in note.text and "WIP limit" in note.text and note.kind == "tasks"
