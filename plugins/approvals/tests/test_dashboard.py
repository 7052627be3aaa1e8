"""The approvals on the dashboards (the scope's departments only), in the collaboration
stars (decisions before the deadline) and in the monthly operations report."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def _decided_budget(people, login, submit_budget, act):
    with time_machine.travel(MONDAY, tick=False):
        request = submit_budget(login(people.mkt_member), title="春季发布会")
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        act(login(people.fin_clerk), request, "approve")  # in time: due after 24 hours
    with time_machine.travel(MONDAY + timedelta(days=5), tick=False):
        act(login(people.gm), request, "approve")  # late: its deadline had passed
    return request


def test_the_panel_shows_the_scopes_requests_only(people, login, submit_budget, act):
    _decided_budget(people, login, submit_budget, act)
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    marketing = login(people.mkt_head).get("/dashboard/", query).content.decode()
    panel = marketing[marketing.index('data-panel="approvals"') :]
    assert "市场活动预算审批" in panel and "财务审核" in panel
    research = login(people.rd_head).get("/dashboard/", query).content.decode()
    panel = research[research.index('data-panel="approvals"') :]
    assert "市场活动预算审批" not in panel  # R&D requested nothing


def test_decisions_in_time_earn_stars_and_the_report_has_turnaround(
    people, login, submit_budget, act
):
    _decided_budget(people, login, submit_budget, act)
    stars = login(people.admin).get("/dashboard/stars/", {"month": "2026-03"}).content.decode()
    assert "孙会" in stars and "approvals handled in time 1" in stars
    assert "周总" not in stars  # the GM decided after the deadline
    out = StringIO()
    call_command("report", "month", "2026-03", stdout=out)
    section = out.getvalue().split("## Approvals", 1)[1]
    assert "| 市场活动预算审批 | 1 |" in section
