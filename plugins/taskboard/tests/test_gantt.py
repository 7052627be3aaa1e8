"""The server-rendered Gantt chart: bars by start/due, dependency arrows, today line,
and only the tasks of a board the user may see."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from plugins.taskboard.models import Task


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
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', page)]
    # 4 days and 5 days long, on one scale.
    assert widths[0] / widths[1] == 4 / 5
    assert "没有日期" in page.split("Tasks without dates")[1]


def test_gantt_of_a_hidden_board_is_not_found(org, spaces, tasks, login):
    assert (
        login(org.loner).get(reverse("taskboard:gantt", args=[spaces.secret.pk])).status_code == 404
    )
    # The outside assignee has their task but not the board.
    assert (
        login(org.rd_web).get(reverse("taskboard:gantt", args=[spaces.secret.pk])).status_code
        == 404
    )
