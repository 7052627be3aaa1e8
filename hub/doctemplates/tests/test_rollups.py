"""Roll-ups per department and per project space, and open action items, checked figure by
figure and the way an attacker would look at them: hidden reports never count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from hub.doctemplates.rollups import department_rollup, open_actions, space_rollup
from hub.doctemplates.tests.conftest import WEEK, weekly_values


@pytest.fixture
def reports(spaces, org, weekly_template, make_templated):
    """张伟 (rd) files in the rd space; 李娜 (rd-web) files in the secret space, which only
    rd_member and mkt_member may see; 刘洋 (mkt) asks R&D for help; a draft does not count."""
    zhang = make_templated(
        spaces.rd,
        org.rd_member,
        weekly_template,
        weekly_values(org, org.rd_member),
        title="张伟周报",
    )
    li = make_templated(
        spaces.secret,
        org.mkt_member,
        weekly_template,
        weekly_values(
            org,
            org.rd_web,
            progress=[{"item": "保密进展", "percent": 10}],
            risks=[{"risk": "保密风险", "kind": "blocker"}],
            help=[],
        ),
        title="李娜周报",
    )
    liu = make_templated(
        spaces.company_read,
        org.mkt_member,
        weekly_template,
        weekly_values(
            org,
            org.mkt_member,
            progress=[],
            risks=[],
            help=[{"department": org.rd.pk, "request": "需要研发支持演示环境"}],
        ),
        title="刘洋周报",
    )
    draft = make_templated(
        spaces.rd,
        org.rd_head,
        weekly_template,
        weekly_values(org, org.rd_head),
        title="王芳周报",
        status="draft",
    )
    other_week = make_templated(
        spaces.rd,
        org.rd_head,
        weekly_template,
        weekly_values(org, org.rd_head, week="2026-W18"),
        title="王芳上周周报",
    )
    return zhang, li, liu, draft, other_week


def test_department_rollup_figures(reports, org):
    with translation.override("zh-hans"):
        rollup = department_rollup(org.admin, org.rd, WEEK)
    assert {person.username for person, _docs in rollup.filed} == {"rd_web", "rd_member"}
    assert [person.username for person in rollup.missing] == ["rd_head"]  # draft: not filed
    assert ("移动端适配", 40) in [(item, percent) for _r, _who, item, percent in rollup.progress]
    assert {risk for _r, risk, _kind in rollup.risks} == {"后端人手紧张", "保密风险"}
    assert [
        (department, [found.text for found in items]) for department, items in rollup.help_requested
    ] == [("市场部", ["发布会物料"])]
    assert [found.text for found in rollup.help_for_us] == ["需要研发支持演示环境"]


def test_department_rollup_hides_what_the_viewer_cannot_see(reports, org, login):
    # rd_head cannot see the secret space: 李娜's report does not count, she shows as missing.
    rollup = department_rollup(org.rd_head, org.rd, WEEK)
    assert [person.username for person, _docs in rollup.filed] == ["rd_member"]
    assert {person.username for person in rollup.missing} == {"rd_web", "rd_head"}
    assert "保密风险" not in {risk for _r, risk, _kind in rollup.risks}
    page = login(org.rd_head).get(
        reverse("doctemplates:department_rollup", args=[org.rd.pk]), {"week": WEEK}
    )
    text = page.content.decode()
    assert "保密" not in text and "李娜周报" not in text
    assert "1 person filed a report" in text and "2 people without a report you can see" in text
    # The sub-department alone, seen by someone who may see the secret space.
    sub = department_rollup(org.rd_member, org.rd_web_dept, WEEK)
    assert [person.username for person, _docs in sub.filed] == ["rd_web"]


def test_space_rollup_and_permission(reports, spaces, org, login):
    rollup = space_rollup(org.mkt_member, spaces.secret, WEEK)
    assert [person.username for person, _docs in rollup.filed] == ["rd_web"]
    assert {person.username for person in rollup.missing} == {"rd_member", "mkt_member"}
    url = reverse("doctemplates:space_rollup", args=[spaces.secret.pk])
    assert login(org.rd_head).get(url).status_code == 404  # not a member: no such space
    assert login(org.mkt_member).get(url, {"week": WEEK}).status_code == 200


def test_bad_week_is_a_clear_error(org, login):
    response = login(org.rd_member).get(
        reverse("doctemplates:department_rollup", args=[org.rd.pk]), {"week": "2026-W99"}
    )
    assert response.status_code == 400
    assert "Enter a week like 2026-W19." in response.content.decode()


def test_open_action_items_overdue_first_and_filtered(
    spaces, org, login, minutes_template, make_templated
):
    today = timezone.localdate()
    past, soon, later = (today + timedelta(days=d) for d in (-3, 2, 9))
    make_templated(
        spaces.rd,
        org.rd_head,
        minutes_template,
        {
            "when": "2026-05-14T14:00",
            "organiser": org.rd_head.pk,
            "actions": [
                {
                    "what": "稍后",
                    "owner": org.rd_member.pk,
                    "due": later.isoformat(),
                    "status": "open",
                },
                {
                    "what": "已完成",
                    "owner": org.rd_member.pk,
                    "due": past.isoformat(),
                    "status": "done",
                },
                {
                    "what": "已逾期",
                    "owner": org.rd_web.pk,
                    "due": past.isoformat(),
                    "status": "in_progress",
                },
                {"what": "无日期", "owner": org.rd_web.pk, "due": None, "status": "open"},
            ],
        },
        title="研发纪要",
    )
    make_templated(
        spaces.secret,
        org.mkt_member,
        minutes_template,
        {
            "when": "2026-05-14T14:00",
            "organiser": org.mkt_member.pk,
            "actions": [
                {
                    "what": "保密事项",
                    "owner": org.rd_member.pk,
                    "due": soon.isoformat(),
                    "status": "open",
                },
            ],
        },
        title="保密纪要",
    )
    assert [item.what for item in open_actions(org.rd_member)] == [
        "已逾期",
        "保密事项",
        "稍后",
        "无日期",
    ]
    assert [item.what for item in open_actions(org.rd_head)] == ["已逾期", "稍后", "无日期"]
    page = (
        login(org.rd_head)
        .get(reverse("doctemplates:actions"), {"owner": org.rd_member.pk})
        .content.decode()
    )
    assert "稍后" in page and "已逾期" not in page and "保密" not in page
    assert (
        login(org.rd_head).get(reverse("doctemplates:actions"), {"owner": "x"}).status_code == 400
    )


def test_demo_reports_roll_up(db):
    from io import StringIO

    from hub.core.demo import load_demo
    from hub.core.models import Department, User

    load_demo("demo-password-2026", StringIO())
    head = User.objects.get(username="wangfang")
    rollup = department_rollup(head, Department.objects.get(code="rd"), "2026-W19")
    assert {person.username for person, _docs in rollup.filed} == {"zhangwei", "lina", "huangxin"}
    assert "wangfang" in {person.username for person in rollup.missing}
    assert [found.text for found in rollup.help_for_us] == ["发布会现场演示环境和演示账号"]
    assert {item.what for item in rollup.actions} == {"离线合并方案评审", "演示环境准备"}
