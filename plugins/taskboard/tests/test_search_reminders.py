"""Tasks on the search page (only for those who may see them) and due reminders."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hub.notifications.models import Notification
from hub.search.backend import flush
from plugins.taskboard.models import ReminderSent, Task


def test_search_finds_tasks_only_for_those_who_may_see_them(
    org, tasks, login, django_capture_on_commit_callbacks
):
    # Index updates run after commit, which the test's transaction never reaches.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.rd.save()
        tasks.secret.save()
    assert flush(), "the index writer did not finish"
    for who, expected in [("rd_web", True), ("mkt_member", True), ("loner", False),
                          ("rd_head", True), ("rd_member", True)]:  # fmt: skip
        page = (
            login(getattr(org, who)).get(reverse("search:page"), {"q": "保密评审"}).content.decode()
        )
        assert ("保密评审" in page and tasks.secret.get_absolute_url() in page) is expected, who
    page = (
        login(org.loner)
        .get(reverse("search:page"), {"q": "发布计划", "type": "task"})
        .content.decode()
    )
    assert tasks.rd.get_absolute_url() not in page


def test_reminders_once_a_day(org, spaces, tasks):
    today = timezone.localdate()
    tasks.rd.due = today - timedelta(days=1)
    tasks.rd.save()
    tasks.secret.due = today + timedelta(days=1)
    tasks.secret.save()
    Task.objects.create(space=spaces.rd, title="完成了", assignee=org.rd_member, status="done",
                        due=today - timedelta(days=3))  # fmt: skip
    Task.objects.create(space=spaces.rd, title="还早", assignee=org.rd_member,
                        due=today + timedelta(days=10))  # fmt: skip
    call_command("remind_tasks")
    call_command("remind_tasks")
    texts = sorted(Notification.objects.values_list("user__username", "text"))
    assert len(texts) == 2
    assert set(Notification.objects.values_list("kind", flat=True)) == {"tasks"}
    assert texts[0][0] == "rd_member" and "发布计划" in texts[0][1]
    assert texts[1][0] == "rd_web" and "保密评审" in texts[1][1]
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {"overdue", "due_soon"}
    call_command("remind_tasks", date=(today + timedelta(days=1)).isoformat())
    assert Notification.objects.count() == 4
