"""The task boards' demo content (``hub demo``): the launch project's plan, across R&D,
marketing and sales, with dates, a dependency chain and work in every column."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hub.core.models import SpacePage, User
from plugins.taskboard.models import Priority, Status, Task

SPACE = "launch-2026"

# (title, assignee, status, start offset in days from today, length in days, progress,
#  waits for the task at this index or None, priority)
PLAN = [
    ("确定 Hub 2.0 功能范围", "wujing", Status.DONE, -30, 10, 100, None, Priority.HIGH),
    ("后端接口开发", "zhangwei", Status.DOING, -19, 28, 60, 0, Priority.HIGH),
    ("前端页面开发", "lina", Status.DOING, -19, 30, 45, 0, Priority.NORMAL),
    ("集成测试", "huangxin", Status.TODO, 12, 10, 0, 1, Priority.HIGH),
    ("发布会方案与物料", "xuting", Status.REVIEW, -10, 20, 80, None, Priority.NORMAL),
    ("渠道伙伴培训材料", "jameswong", Status.TODO, 5, 14, 0, 0, Priority.LOW),
    ("媒体邀请名单", "maxiaoyu", Status.TODO, -5, 3, 0, None, Priority.NORMAL),
]


def load(users: dict[str, User]) -> None:
    """Plan the launch project's board (once: not if it already has tasks)."""
    space = SpacePage.objects.filter(slug=SPACE).first()
    if space is None or Task.objects.filter(space=space).exists():
        return
    today = timezone.localdate()
    created: list[Task] = []
    for title, username, status, offset, length, progress, waits_for, priority in PLAN:
        assignee = users.get(username)
        task = Task.objects.create(
            space=space,
            title=title,
            assignee=assignee,
            department=assignee.department if assignee else None,
            status=status,
            start=today + timedelta(days=offset),
            due=today + timedelta(days=offset + length),
            progress=progress,
            priority=priority,
            created_by=users.get("wujing"),
        )
        if waits_for is not None:
            task.depends_on.add(created[waits_for])
        created.append(task)
