"""Help between departments on the dashboards: asked vs answered per department pair, the
median time to answer, the list behind each figure (scoped to the viewer's departments and
to reports they may read), the points answering earns, and the monthly report's section."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from hub.core.documents import create_document
from hub.core.models import Department, User
from hub.dashboards.monthly import monthly_report
from hub.dashboards.tests.test_dashboard import panel
from hub.doctemplates.helprequests import find_request, save_answer
from hub.doctemplates.models import DocumentTemplate
from hub.doctemplates.rowkeys import keyed_rows
from hub.doctemplates.weeks import week_of


@pytest.fixture
def asked(org, spaces):
    """Marketing asks finance twice (two reports) and R&D once; finance answers one of its
    requests five hours after it was filed; R&D asks marketing in a report kept in the
    secret space, which R&D's head may not read."""
    fin = Department.objects.create(code="fin", name="财务部", name_en="Finance")
    fin_member = User.objects.create_user(
        "fin_member", "f@example.cn", "x", name="孙丽", department=fin
    )
    mkt_head = User.objects.create_user(
        "mkt_head", "m@example.cn", "x", name="郑洁", department=org.mkt
    )
    org.mkt.head = mkt_head
    org.mkt.save()
    weekly = DocumentTemplate.objects.get(kind="weekly", space=None, name="周报")
    now = timezone.now()
    week = week_of(timezone.localdate())

    def report(space, reporter, title, help_rows):
        values = {
            "reporter": reporter.pk,
            "team": reporter.department_id,
            "week": week,
            "help": help_rows,
        }
        return create_document(space, reporter, title, "", "published", (), weekly, values)

    with time_machine.travel(now - timedelta(hours=5), tick=False):
        first = report(
            spaces.company_read,
            org.mkt_member,
            "刘洋周报",
            [
                {"department": fin.pk, "request": "预算口径"},
                {"department": org.rd.pk, "request": "演示环境"},
            ],
        )
    report(
        spaces.company_read, mkt_head, "郑洁周报", [{"department": fin.pk, "request": "报销流程"}]
    )
    report(
        spaces.secret,
        org.rd_member,
        "张伟保密周报",
        [{"department": org.mkt.pk, "request": "保密支持"}],
    )
    key = next(key for key, row in keyed_rows(first.fields["help"]) if row["request"] == "预算口径")
    with time_machine.travel(now, tick=False):
        save_answer(find_request(first, key), fin_member, "按去年的口径", None, "")
    return SimpleNamespace(fin=fin, fin_member=fin_member, mkt_head=mkt_head, first=first)


def test_the_marketing_head_sees_asked_answered_and_how_fast(org, login, asked):
    client = login(asked.mkt_head)
    html = panel(client.get(reverse("dashboards:dashboard")).content.decode(), "collaboration")
    assert "Marketing → Finance" in html and "1 of 2 answered" in html
    assert "Marketing → R&amp;D" in html and "0 of 1 answered" in html
    assert "5 hours" in html  # the median wait of Marketing → Finance
    # R&D's request of marketing is in a report the head of marketing cannot read either.
    assert "R&amp;D → Marketing" not in html
    # Each figure links to its list.
    links = re.findall(r'href="(/dashboard/help/\?[^"]+)"', html)
    pair = next(
        link for link in links if f"target={asked.fin.pk}" in link and "answered" not in link
    )
    listed = client.get(pair.replace("&amp;", "&")).content.decode()
    assert "预算口径" in listed and "报销流程" in listed and "演示环境" not in listed
    assert "按去年的口径" in listed and "Not answered yet" in listed
    fast = next(link for link in links if "answered=1" in link)
    answered = client.get(fast.replace("&amp;", "&")).content.decode()
    assert "预算口径" in answered and "报销流程" not in answered and "5 hours" in answered


def test_a_head_sees_only_their_departments_pairs_and_readable_reports(org, login, asked):
    client = login(org.rd_head)
    html = panel(client.get(reverse("dashboards:dashboard")).content.decode(), "collaboration")
    assert "Marketing → R&amp;D" in html and "Finance" not in html
    assert "保密支持" not in client.get(reverse("dashboards:help")).content.decode()
    # Asking for a pair outside the scope lists nothing; a malformed filter is a clear error.
    foreign = client.get(reverse("dashboards:help"), {"source": org.mkt.pk, "target": asked.fin.pk})
    assert foreign.status_code == 200 and "预算口径" not in foreign.content.decode()
    bad = client.get(reverse("dashboards:help"), {"source": "abc"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert login(org.rd_member).get(reverse("dashboards:help")).status_code == 403
    # The admin sees every pair, the secret report's too.
    everything = login(org.admin).get(reverse("dashboards:help")).content.decode()
    assert "保密支持" in everything and "预算口径" in everything


def test_answering_another_departments_request_earns_points(org, login, asked):
    # Marketing's head answers a request of their own department: no points for that.
    own = create_document(
        asked.first.get_parent(),
        org.mkt_member,
        "内部周报",
        "",
        "published",
        (),
        asked.first.template,
        {**asked.first.fields, "help": [{"department": org.mkt.pk, "request": "内部协调"}]},
    )
    key = keyed_rows(own.fields["help"])[0][0]
    save_answer(find_request(own, key), asked.mkt_head, "好的", None, "")
    html = login(org.admin).get(reverse("dashboards:stars")).content.decode()
    reasons = dict(
        re.findall(r"<tr><td>\d+</td><td>([^<]+)</td>.*?<td class=\"muted\">(.*?)</td>", html)
    )
    assert reasons["孙丽"] == "other departments&#x27; help requests answered 2"
    assert "help requests answered" not in reasons["郑洁"]  # filed on time, nothing else


def test_the_monthly_report_counts_answered_and_unanswered(org, asked):
    with translation.override("en"):
        _title, markdown = monthly_report(timezone.localdate().replace(day=1))
    section = markdown[markdown.index("## Help between departments") :]
    assert "| Marketing | Finance | 2 | 1 | 1 | 5 hours |" in section
    assert "| R&D | Marketing | 1 | 0 | 1 | — |" in section
