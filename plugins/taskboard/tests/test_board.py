"""The kanban, the forms and their validation, dependencies, WIP limits, comments and
history, through the real views."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hub.notifications.models import Notification
from plugins.taskboard.models import Board, Task, TaskComment, TaskEvent


def form_data(**overrides):
    data = {"title": "写测试", "description": "**重要**", "status": "todo", "priority": "3",
            "progress": "0", "labels": "后端, 测试"}  # fmt: skip
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_create_shows_on_kanban_and_notifies_assignee(org, spaces, login):
    client = login(org.rd_head)
    response = client.post(
        reverse("taskboard:create", args=[spaces.rd.pk]),
        form_data(assignee=org.mkt_member.pk, start="2026-05-01", due="2026-05-10"),
    )
    assert response.status_code == 302
    task = Task.objects.get(title="写测试")
    assert task.department == org.mkt  # the assignee's, when none is chosen
    assert sorted(task.labels.names()) == ["后端", "测试"]
    assert Notification.objects.filter(user=org.mkt_member, url=task.get_absolute_url()).exists()
    board = client.get(reverse("taskboard:board", args=[spaces.rd.pk])).content.decode()
    assert "写测试" in board and f'id="move-{task.pk}"' in board
    detail = client.get(task.get_absolute_url()).content.decode()
    assert "<strong>重要</strong>" in detail and "created the task" in detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start": "2026-05-10", "due": "2026-05-01"}, "cannot be before the start date"),
        ({"progress": "101"}, "less than or equal to 100"),
        ({"status": "shipped"}, "Select a valid choice"),
        ({"assignee": "999999"}, "Select a valid choice"),
        ({"title": ""}, "This field is required"),
    ],
)
def test_bad_input_changes_nothing_and_keeps_what_was_typed(org, spaces, login, overrides, message):
    response = login(org.rd_head).post(
        reverse("taskboard:create", args=[spaces.rd.pk]),
        form_data(description="保留的描述", **overrides),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "保留的描述" in page
    assert not Task.objects.exists()


def test_dependency_cycle_and_unfinished_dependency_are_refused(org, spaces, login):
    client = login(org.rd_head)
    first = Task.objects.create(space=spaces.rd, title="设计")
    second = Task.objects.create(space=spaces.rd, title="实现")
    second.depends_on.add(first)
    response = client.post(reverse("taskboard:edit", args=[first.pk]),
                           form_data(title="设计", depends_on=[second.pk]))  # fmt: skip
    assert response.status_code == 400
    assert "would make a cycle" in response.content.decode()
    assert not first.depends_on.exists()
    # Finish-to-start: the second cannot start while the first is open.
    response = client.post(reverse("taskboard:move", args=[second.pk]), {"status": "doing"})
    assert response.status_code == 400
    assert "cannot start before these are done: 设计" in response.content.decode()
    second.refresh_from_db()
    assert second.status == "todo"
    assert (
        client.post(reverse("taskboard:move", args=[first.pk]), {"status": "done"}).status_code
        == 302
    )
    assert (
        client.post(reverse("taskboard:move", args=[second.pk]), {"status": "doing"}).status_code
        == 302
    )
    # A dependency on another board's task is not offered.
    other = Task.objects.create(space=spaces.mkt, title="别的板")
    data = form_data(title="实现", status="doing", depends_on=[other.pk])
    response = client.post(reverse("taskboard:edit", args=[second.pk]), data)
    assert response.status_code == 400


def test_wip_limit_is_enforced_with_a_clear_error(org, spaces, login):
    Board.objects.create(space=spaces.rd, wip_doing=1)
    Task.objects.create(space=spaces.rd, title="进行中", status="doing")
    waiting = Task.objects.create(space=spaces.rd, title="等待")
    client = login(org.rd_member)
    response = client.post(reverse("taskboard:move", args=[waiting.pk]), {"status": "doing"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "already holds 1 tasks, its WIP limit" in page and "WIP limit reached" in page
    waiting.refresh_from_db()
    assert waiting.status == "todo"
    response = client.post(
        reverse("taskboard:create", args=[spaces.rd.pk]), form_data(status="doing")
    )
    assert response.status_code == 400 and "WIP limit" in response.content.decode()


def test_wip_limits_are_set_by_space_admins(org, spaces, login):
    client = login(org.rd_head)  # head of 研发部: admin of its space
    response = client.post(reverse("taskboard:settings", args=[spaces.rd.pk]), {"wip_doing": "3"})
    assert response.status_code == 302
    assert Board.objects.get(space=spaces.rd).wip_doing == 3
    response = client.post(reverse("taskboard:settings", args=[spaces.rd.pk]), {"wip_doing": "-1"})
    assert response.status_code == 400
    assert Board.objects.get(space=spaces.rd).wip_doing == 3


def test_move_redirects_back_and_records_history(org, spaces, tasks, login):
    client = login(org.rd_member)
    board = reverse("taskboard:board", args=[spaces.rd.pk])
    response = client.post(
        reverse("taskboard:move", args=[tasks.rd.pk]), {"status": "review", "next": board}
    )
    assert response.status_code == 302 and response.url == board
    evil = client.post(reverse("taskboard:move", args=[tasks.rd.pk]),
                       {"status": "done", "next": "https://evil.example/"})  # fmt: skip
    assert evil.url == tasks.rd.get_absolute_url()
    tasks.rd.refresh_from_db()
    assert tasks.rd.status == "done" and tasks.rd.progress == 100
    changes = [e.changes for e in TaskEvent.objects.filter(task=tasks.rd)]
    assert changes == [[["status", "To do", "Review"]], [["status", "Review", "Done"]]]
    page = client.get(tasks.rd.get_absolute_url()).content.decode()
    assert "To do → Review" in page and "张伟" in page


def test_comment_mentions_notify_only_people_who_may_see(org, tasks, login):
    client = login(org.mkt_member)
    body = "请 @rd_head 和 @loner 看看 **这个**"
    assert (
        client.post(
            reverse("taskboard:comment", args=[tasks.secret.pk]), {"body": body}
        ).status_code
        == 302
    )
    assert TaskComment.objects.get().body == body
    notified = set(Notification.objects.values_list("user__username", "kind"))
    # loner may not see it; rd_web is the assignee, told of a comment on their task.
    assert notified == {("rd_head", "mentions"), ("rd_web", "tasks")}
    response = client.post(reverse("taskboard:comment", args=[tasks.secret.pk]), {"body": ""})
    assert response.status_code == 400
    assert TaskComment.objects.count() == 1


def test_list_filters(org, spaces, tasks, login):
    from datetime import timedelta

    from django.utils import timezone

    late = Task.objects.create(space=spaces.rd, title="逾期任务", assignee=org.rd_head,
                               due=timezone.localdate() - timedelta(days=1))  # fmt: skip
    late.labels.add("紧急")
    client = login(org.rd_head)
    url = reverse("taskboard:list", args=[spaces.rd.pk])
    page = client.get(url, {"overdue": "on"}).content.decode()
    assert "逾期任务" in page and "发布计划" not in page
    page = client.get(url, {"label": "紧急"}).content.decode()
    assert "逾期任务" in page and "发布计划" not in page
    page = client.get(url, {"assignee": "rd_member"}).content.decode()
    assert "发布计划" in page and "逾期任务" not in page
    page = client.get(url, {"department": "rd"}).content.decode()
    assert "发布计划" in page
    assert client.get(url, {"assignee": "nobody"}).status_code == 400


def test_the_board_registers_its_notification_kind(org, spaces, login):
    from hub.notifications.api import notification_kinds

    assert "tasks" in {kind.name for kind in notification_kinds()}
    login(org.rd_head).post(reverse("taskboard:create", args=[spaces.rd.pk]),
                            form_data(assignee=org.rd_member.pk))  # fmt: skip
    assert Notification.objects.get(user=org.rd_member).kind == "tasks"
