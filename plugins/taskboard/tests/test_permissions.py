"""Who sees and changes which task: a matrix plus attacker-style attempts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plugins.taskboard.models import Task, TaskEvent

# person -> (sees the secret task, may move it, sees the secret board)
SECRET = {
    "admin": (True, True, True),
    "mkt_member": (True, True, True),  # editor of the secret space
    "rd_member": (True, False, True),  # viewer of the secret space
    "rd_web": (True, True, False),  # the assignee, from another department
    "rd_head": (True, False, False),  # head of the assignee's department
    "loner": (False, False, False),
}


@pytest.mark.parametrize("who", SECRET)
def test_secret_task_matrix(org, spaces, tasks, login, who):
    sees, moves, sees_board = SECRET[who]
    client = login(getattr(org, who))
    detail = client.get(reverse("taskboard:task", args=[tasks.secret.pk]))
    assert detail.status_code == (200 if sees else 404)
    board = client.get(reverse("taskboard:board", args=[spaces.secret.pk]))
    assert board.status_code == (200 if sees_board else 404)
    response = client.post(reverse("taskboard:move", args=[tasks.secret.pk]), {"status": "doing"})
    tasks.secret.refresh_from_db()
    if moves:
        assert response.status_code == 302
        assert tasks.secret.status == "doing"
    else:
        assert response.status_code == (403 if sees else 404)
        assert tasks.secret.status == "todo"
    edit = client.get(reverse("taskboard:edit", args=[tasks.secret.pk]))
    assert edit.status_code == (200 if moves else 403 if sees else 404)


def test_department_view_lists_cross_department_task(org, tasks, login):
    page = login(org.rd_head).get(reverse("taskboard:department", args=["rd"])).content.decode()
    assert "保密评审" in page and "发布计划" in page
    # mkt_member assigned it but 市场部's view does not list 研发部's work.
    page = login(org.mkt_member).get(reverse("taskboard:department", args=["mkt"])).content.decode()
    assert "保密评审" not in page
    # A stranger asking for 研发部's view sees nothing of it.
    page = login(org.loner).get(reverse("taskboard:department", args=["rd"])).content.decode()
    assert "保密评审" not in page and "发布计划" not in page


def test_forged_requests_change_nothing(org, spaces, tasks, login):
    client = login(org.loner)
    data = {"title": "偷偷建的", "status": "todo", "priority": 2, "progress": 0}
    assert (
        client.post(reverse("taskboard:create", args=[spaces.secret.pk]), data).status_code == 404
    )
    assert (
        client.post(reverse("taskboard:comment", args=[tasks.secret.pk]), {"body": "x"}).status_code
        == 404
    )
    assert client.get(reverse("taskboard:task", args=[999999])).status_code == 404
    viewer = login(org.rd_member)  # viewer only of the secret space
    assert (
        viewer.post(reverse("taskboard:create", args=[spaces.secret.pk]), data).status_code == 403
    )
    assert (
        viewer.post(
            reverse("taskboard:settings", args=[spaces.secret.pk]), {"wip_todo": 0}
        ).status_code
        == 403
    )
    assert not Task.objects.filter(title="偷偷建的").exists()
    assert not TaskEvent.objects.exists()
    assert client.get(reverse("taskboard:move", args=[tasks.secret.pk])).status_code == 405


def test_my_tasks_lists_only_mine(org, tasks, login):
    page = login(org.rd_web).get(reverse("taskboard:mine")).content.decode()
    assert "保密评审" in page and "发布计划" not in page
    home = login(org.rd_web).get("/").content.decode()
    assert "My open tasks" in home and "保密评审" in home


def test_outside_assignee_edits_without_seeing_the_rest_of_the_board(org, spaces, tasks, login):
    hidden = Task.objects.create(space=spaces.secret, title="另一个保密任务")
    tasks.secret.depends_on.add(hidden)
    hidden.status = "done"
    hidden.save()
    client = login(org.rd_web)
    url = reverse("taskboard:edit", args=[tasks.secret.pk])
    assert "另一个保密任务" not in client.get(url).content.decode()
    assert "另一个保密任务" not in client.get(tasks.secret.get_absolute_url()).content.decode()
    data = {"title": "保密评审（改）", "status": "doing", "priority": 2, "progress": 30,
            "depends_on": []}  # fmt: skip
    assert client.post(url, data).status_code == 302
    tasks.secret.refresh_from_db()
    assert (tasks.secret.title, tasks.secret.progress) == ("保密评审（改）", 30)
    # The dependency they could not see is kept, not dropped by their form.
    assert list(tasks.secret.depends_on.all()) == [hidden]
