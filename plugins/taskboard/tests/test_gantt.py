"""The server-rendered Gantt chart: bars by start/due, dependency arrows, today line, only
the tasks of a board the user may see; and rescheduling through its date forms (what the
drag and the keyboard submit): validated, refused with a clear message, in the history."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from plugins.taskboard.models import Task, TaskEvent


def test_gantt_draws_bars_arrows_and_today(org, spaces, login):
    today = timezone.localdate()
    design = Task.objects.create(space=spaces.rd, title="设计<b>", start=today - timedelta(days=2),
                                 due=today + timedelta(days=1))  # fmt: skip
    build = Task.objects.create(space=spaces.rd, title="实现", start=today + timedelta(days=2),
                                due=today + timedelta(days=6))  # fmt: skip
    build.depends_on.add(design)
    Task.objects.create(space=spaces.rd, title="没有日期")
    response = login(org.rd_member).get(reverse("taskboard:gantt", args=[spaces.rd.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="gantt-bar') == 2 and 'class="gantt-today"' in page
    assert len(re.findall(r'class="gantt-dependency"', page)) == 1
    assert "设计&lt;b&gt;" in page and "设计<b>" not in page  # escaped
    widths = [
        float(w)
        for w in re.findall(
            r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"[^>]*class="gantt-bar', page
        )
    ]
    # 4 days and 5 days long, on one scale.
    assert widths[0] / widths[1] == 4 / 5
    undated = page.split("没有日期")[1][:300]
    assert "not on the chart" in undated


def test_gantt_of_a_hidden_board_is_not_found(org, spaces, tasks, login):
    assert (
        login(org.loner).get(reverse("taskboard:gantt", args=[spaces.secret.pk])).status_code == 404
    )
    # The outside assignee has their task but not the board.
    assert (
        login(org.rd_web).get(reverse("taskboard:gantt", args=[spaces.secret.pk])).status_code
        == 404
    )


def test_date_forms_only_for_those_who_may_change_the_task(org, spaces, tasks, login):
    tasks.secret.start = date(2026, 5, 4)
    tasks.secret.save()
    url = reverse("taskboard:gantt", args=[spaces.secret.pk])
    schedule = reverse("taskboard:schedule", args=[tasks.secret.pk])
    editor = login(org.mkt_member).get(url).content.decode()
    assert f'action="{schedule}"' in editor and 'tabindex="0"' in editor
    assert 'name="start" value="2026-05-04"' in editor
    viewer = login(org.rd_member).get(url).content.decode()  # viewer of the secret space
    assert f'action="{schedule}"' not in viewer and 'tabindex="0"' not in viewer
    assert "2026-05-04" in viewer


@pytest.fixture
def planned(spaces):
    """设计 (05-01..05-05) must finish before 实现 (05-06..05-12) starts."""
    design = Task.objects.create(space=spaces.rd, title="设计", start=date(2026, 5, 1),
                                 due=date(2026, 5, 5))  # fmt: skip
    build = Task.objects.create(space=spaces.rd, title="实现", start=date(2026, 5, 6),
                                due=date(2026, 5, 12))  # fmt: skip
    build.depends_on.add(design)
    return design, build


def test_reschedule_changes_dates_and_history(org, spaces, planned, login):
    build = planned[1]
    client = login(org.rd_member)
    gantt = reverse("taskboard:gantt", args=[spaces.rd.pk])
    response = client.post(
        reverse("taskboard:schedule", args=[build.pk]),
        {"start": "2026-05-08", "due": "2026-05-15", "next": gantt},
    )
    assert response.status_code == 302 and response.url == gantt
    build.refresh_from_db()
    assert (build.start, build.due) == (date(2026, 5, 8), date(2026, 5, 15))
    event = TaskEvent.objects.get(task=build)
    assert (event.author, event.kind) == (org.rd_member, "changed")
    assert event.changes == [
        ["start", "2026-05-06", "2026-05-08"],
        ["due", "2026-05-12", "2026-05-15"],
    ]
    page = client.get(gantt).content.decode()
    assert "实现 now runs from 2026-05-08 to 2026-05-15" in page
    assert 'name="start" value="2026-05-08"' in page
    # Only the due date: one history line. The same dates again: none.
    client.post(
        reverse("taskboard:schedule", args=[build.pk]), {"start": "2026-05-08", "due": "2026-05-16"}
    )
    client.post(
        reverse("taskboard:schedule", args=[build.pk]), {"start": "2026-05-08", "due": "2026-05-16"}
    )
    assert [e.changes for e in TaskEvent.objects.filter(task=build)][1:] == [
        [["due", "2026-05-15", "2026-05-16"]]
    ]
    history = client.get(build.get_absolute_url()).content.decode()
    assert "2026-05-15 → 2026-05-16" in history


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2026-05-10", "due": "2026-05-07"}, "cannot be before the start date"),
        ({"start": "2026-13-01", "due": "2026-05-12"}, "Enter a valid date"),
        ({"start": "05/06/2026", "due": "2026-05-12"}, "Enter a valid date"),
        ({"start": "", "due": ""}, "Give a start date, a due date or both"),
        ({}, "Give a start date, a due date or both"),
        # Finish-to-start: 实现 cannot start while 设计 runs…
        ({"start": "2026-05-05", "due": "2026-05-12"},
         "This task waits for 设计, which is due 2026-05-05: it can start on 2026-05-06"),
    ],
)  # fmt: skip
def test_bad_dates_are_refused_and_change_nothing(org, spaces, planned, login, data, message):
    build = planned[1]
    response = login(org.rd_member).post(reverse("taskboard:schedule", args=[build.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'role="alert"' in page and "Gantt chart of" in page
    build.refresh_from_db()
    assert (build.start, build.due) == (date(2026, 5, 6), date(2026, 5, 12))
    assert not TaskEvent.objects.exists()


def test_a_move_that_would_overtake_a_waiting_task_is_refused(org, planned, login):
    design = planned[0]
    client = login(org.rd_member)
    response = client.post(
        reverse("taskboard:schedule", args=[design.pk]),
        {"start": "2026-05-01", "due": "2026-05-06"},
    )
    assert response.status_code == 400
    assert (
        "实现 waits for this task and starts 2026-05-06: this task must be due by 2026-05-05"
        in response.content.decode()
    )
    design.refresh_from_db()
    assert design.due == date(2026, 5, 5)
    # The same rule in the task's edit form.
    data = {"title": "设计", "status": "todo", "priority": 2, "progress": 0,
            "start": "2026-05-01", "due": "2026-05-07"}  # fmt: skip
    response = client.post(reverse("taskboard:edit", args=[design.pk]), data)
    assert response.status_code == 400 and "实现 waits for this task" in response.content.decode()
    design.refresh_from_db()
    assert design.due == date(2026, 5, 5)


def test_who_may_reschedule(org, spaces, tasks, login):
    url = reverse("taskboard:schedule", args=[tasks.secret.pk])
    data = {"start": "2026-06-01", "due": "2026-06-03"}
    assert login(org.loner).post(url, data).status_code == 404  # cannot see it
    assert login(org.rd_member).post(url, data).status_code == 403  # a viewer of the board
    assert login(org.rd_head).post(url, data).status_code == 403  # sees it via the department
    assert login(org.mkt_member).get(url).status_code == 405
    tasks.secret.refresh_from_db()
    assert tasks.secret.start is None and not TaskEvent.objects.exists()
    # The assignee from another department may move their task; a dependency they
    # cannot see is not named to them.
    hidden = Task.objects.create(space=spaces.secret, title="另一个保密任务", due=date(2026, 6, 2))
    tasks.secret.depends_on.add(hidden)
    response = login(org.rd_web).post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "waits for another task on this board" in page and "另一个保密任务" not in page
    assert (
        login(org.rd_web).post(url, {"start": "2026-06-03", "due": "2026-06-04"}).status_code == 302
    )
    tasks.secret.refresh_from_db()
    assert tasks.secret.start == date(2026, 6, 3)


def test_dates_stored_before_the_rule_do_not_block_other_edits(org, planned, login):
    design, build = planned
    Task.objects.filter(pk=build.pk).update(start=date(2026, 5, 3))  # overlaps 设计
    client = login(org.rd_member)
    data = {"title": "实现（改名）", "status": "todo", "priority": 2, "progress": 0,
            "start": "2026-05-03", "due": "2026-05-12", "depends_on": [design.pk]}  # fmt: skip
    assert client.post(reverse("taskboard:edit", args=[build.pk]), data).status_code == 302
    build.refresh_from_db()
    assert build.title == "实现（改名）"
    # Moving it is checked again.
    response = client.post(reverse("taskboard:schedule", args=[build.pk]),
                           {"start": "2026-05-04", "due": "2026-05-12"})  # fmt: skip
    assert response.status_code == 400 and "waits for 设计" in response.content.decode()
