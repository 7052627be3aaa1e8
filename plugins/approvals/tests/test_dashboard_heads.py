"""The lists behind the approvals panel's figures: every bar links to one, for heads as for
admins, and a list shows only the requests of the departments the viewer's dashboard
covers, whatever its parameters ask for."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
LATER = MONDAY + timedelta(days=6)
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def requests(people, login, submit_budget, act):
    """Marketing's and finance's requests: one of each decided by both steps, one of each
    still waiting at the finance step (overdue a day after Monday)."""
    with time_machine.travel(MONDAY, tick=False):
        done = {
            "mkt": submit_budget(login(people.mkt_member), title="市场已批"),
            "fin": submit_budget(login(people.fin_clerk), title="财务已批"),
        }
        waiting = {
            "mkt": submit_budget(login(people.mkt_member), title="市场逾期"),
            "fin": submit_budget(login(people.fin_clerk), title="财务逾期"),
        }
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        for approval in done.values():
            act(login(people.fin_clerk2), approval, "approve")
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        for approval in done.values():
            act(login(people.gm), approval, "approve")
    assert {approval.department for approval in done.values()} == {people.mkt, people.fin}
    return done, waiting


def panel_links(client) -> list[str]:
    page = client.get("/dashboard/", MARCH).content.decode()
    panel = page[page.index('data-panel="approvals"') :]
    panel = panel[: panel.index("</section>")]
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', panel)]


def listed(client, **params) -> str:
    with time_machine.travel(LATER, tick=False):
        response = client.get("/approvals/dashboard/", {**MARCH, **params})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_head_follows_every_figure_to_their_departments_requests(people, login, requests):
    head = login(people.mkt_head)
    with time_machine.travel(LATER, tick=False):
        links = panel_links(head)
        pages = [head.get(link).content.decode() for link in links]
    # Flow, step (finance, GM) and overdue figures, each with its list.
    figures = {re.search(r"figure=(\w+)", link).group(1) for link in links}
    assert figures == {"flows", "steps", "overdue"} and len(links) == 4
    assert all(link.startswith("/approvals/dashboard/?") for link in links)
    everything = "".join(pages)
    assert "市场已批" in everything and "市场逾期" in everything
    assert "财务" not in everything.replace("财务审核", "")
    # The head may read the list but not open requests they neither made nor decided.
    assert f'href="/approvals/{requests[0]["mkt"].pk}/"' not in everything


def test_each_list_holds_what_its_figure_counted(people, login, requests):
    head = login(people.mkt_head)
    flows = listed(head, figure="flows", flow="市场活动预算审批")
    assert "市场已批" in flows and "市场逾期" not in flows
    steps = listed(head, figure="steps", flow="市场活动预算审批", step="总经理审批")
    assert "市场已批" in steps and "总经理审批" in steps and "财务审核</td>" not in steps
    assert "市场已批" not in listed(head, figure="steps", step="没有这一步")
    overdue = listed(head, figure="overdue", department=people.mkt.pk)
    assert "市场逾期" in overdue and "市场已批" not in overdue


def test_a_marketing_head_cannot_read_finance_through_the_parameters(people, login, requests):
    head = login(people.mkt_head)
    for figure in ("flows", "steps", "overdue"):
        for extra in ({"department": people.fin.pk}, {"department": "x"}, {}):
            page = listed(head, figure=figure, **extra)
            assert "财务已批" not in page and "财务逾期" not in page, (figure, extra)
    # The finance head sees finance's and not marketing's.
    finance = listed(login(people.fin_head), figure="overdue")
    assert "财务逾期" in finance and "市场逾期" not in finance


def test_admins_see_all_and_open_them_others_are_refused(people, login, requests):
    admin = listed(login(people.admin), figure="flows")
    done = requests[0]
    assert "市场已批" in admin and "财务已批" in admin
    assert f'href="/approvals/{done["fin"].pk}/"' in admin
    with time_machine.travel(LATER, tick=False):
        assert login(people.mkt_member).get("/approvals/dashboard/").status_code == 403
        bad = login(people.mkt_head).get("/approvals/dashboard/", {"figure": "secrets"})
    assert bad.status_code == 400
    assert "Choose a figure of the dashboard" in bad.content.decode()
