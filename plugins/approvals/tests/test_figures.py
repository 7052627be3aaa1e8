"""Figures for dashboards: turnaround per step and per flow over a date range, overdue
steps per department now; the admin-only figures page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from plugins.approvals import figures

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def test_turnaround_and_overdue(people, login, submit_budget, act):
    with time_machine.travel(MONDAY, tick=False):
        fast = submit_budget(login(people.mkt_member), title="快")
        slow = submit_budget(login(people.mkt_member), title="慢")
        waiting = submit_budget(login(people.mkt_member), title="逾期")
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        act(login(people.fin_clerk), fast, "approve")
    with time_machine.travel(MONDAY + timedelta(hours=6), tick=False):
        act(login(people.fin_clerk), slow, "approve")
        act(login(people.gm), fast, "approve")  # its GM step took 4 hours
    with time_machine.travel(MONDAY + timedelta(hours=10), tick=False):
        act(login(people.gm), slow, "reject", "不批")

    steps = {
        (row.step, row.count, row.median_hours, row.mean_hours)
        for row in figures.step_turnaround(date(2026, 3, 1), date(2026, 3, 2))
    }
    assert steps == {("财务审核", 2, 4.0, 4.0), ("总经理审批", 2, 4.0, 4.0)}
    flows = figures.flow_turnaround(date(2026, 3, 2), date(2026, 3, 2))
    assert [(row.flow, row.count, row.median_hours, row.mean_hours) for row in flows] == [
        ("市场活动预算审批", 2, 8.0, 8.0)
    ]
    assert figures.step_turnaround(date(2026, 3, 3), date(2026, 3, 9)) == []

    # 逾期's finance step was due 24 hours after Monday 9:00.
    assert figures.overdue_by_department(MONDAY + timedelta(hours=23)) == []
    assert figures.overdue_by_department(MONDAY + timedelta(hours=25)) == [("市场部", 1)]
    assert waiting.current_step_run().name == "财务审核"


def test_the_figures_page_is_for_admins(people, login, submit_budget):
    submit_budget(login(people.mkt_member))
    assert login(people.mkt_member).get("/approvals/figures/").status_code == 403
    page = login(people.admin).get("/approvals/figures/")
    assert page.status_code == 200 and 'id="overdue"' in page.content.decode()
    bad = login(people.admin).get(
        "/approvals/figures/", {"start": "2026-03-09", "end": "2026-03-01"}
    )
    assert bad.status_code == 400 and "The start is after the end." in bad.content.decode()
