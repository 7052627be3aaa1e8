"""``hub demo`` shows every first-party plugin at work (hub_demo_loaded): the launch
project's board planned, budget requests on their way, a conversation in its room; and
running the demo again adds none of it twice."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from hub.notifications.models import Notification
from plugins.approvals.models import Request, Status
from plugins.chat.models import Message
from plugins.taskboard.models import Task

PASSWORD = "demo-pass-2026"


def _demo(capture) -> None:
    with capture(execute=True):
        call_command("demo", password=PASSWORD, stdout=StringIO())


def test_demo_loaded_gives_each_plugin_its_demo_content(db, django_capture_on_commit_callbacks):
    _demo(django_capture_on_commit_callbacks)

    tasks = Task.objects.filter(space__slug="launch-2026")
    assert tasks.count() == 7
    assert tasks.get(title="集成测试").depends_on.get().title == "后端接口开发"
    assert set(tasks.values_list("status", flat=True)) == {"todo", "doing", "review", "done"}

    requests = {r.title: r for r in Request.objects.all()}
    venue, social = requests["Hub 2.0 发布会场地与物料"], requests["抖音 / 小红书 新品种草投放"]
    # 86,000 > 50,000: finance approved, the finance director's extra step waits.
    assert venue.status == Status.IN_PROGRESS
    assert venue.current_step_run().approvers.get().username == "qianhong"
    assert social.status == Status.APPROVED

    messages = Message.objects.filter(room__space__slug="launch-2026")
    assert messages.count() == 6
    assert Notification.objects.filter(user__username="zhangwei", kind="mentions").exists()

    _demo(django_capture_on_commit_callbacks)  # make run loads it again each time
    assert (tasks.count(), Request.objects.count(), messages.count()) == (7, 2, 6)
