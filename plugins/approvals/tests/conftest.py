"""Fixtures of the approvals tests, which need the plugin installed (HUB_PLUGINS must list
plugins.approvals): the demo organisation plus finance and the general manager, the
built-in flows (made by the plugin's data migration) and helpers that use the real forms."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

if "plugins.approvals" not in settings.INSTALLED_APPS:
    # Not enabled (HUB_PLUGINS): the modules would not even import.
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(autouse=True)
def _english_notifications(settings):
    """Notifications go out in each person's language, else the hub's: the tests' people
    choose none, and the tests read English."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def people(org) -> SimpleNamespace:
    """The org fixture's people plus:

    财务部 (fin): fin_head (its head, in group 财务总监), fin_clerk and fin_clerk2 (group
    财务审核); 总经办 (office): gm (its head, group 总经理); mkt_head (head of 市场部, which
    is mkt_member's department).
    """
    from django.contrib.auth.models import Group

    from hub.core.models import Department, User

    def person(username: str, name: str, department, *groups: str) -> User:
        user = User.objects.create_user(
            username,
            f"{username}@example.cn",
            "correct-horse-42",
            name=name,
            department=department,
        )
        for group in groups:
            user.groups.add(Group.objects.get(name=group))
        return user

    office = Department.objects.create(code="office", name="总经办", name_en="GM office")
    fin = Department.objects.create(code="fin", name="财务部", name_en="Finance")
    result = SimpleNamespace(
        **vars(org),
        fin=fin,
        office=office,
        gm=person("gm", "周总", office, "总经理"),
        fin_head=person("fin_head", "钱敏", fin, "财务总监"),
        fin_clerk=person("fin_clerk", "孙会", fin, "财务审核"),
        fin_clerk2=person("fin_clerk2", "吴计", fin, "财务审核"),
        mkt_head=person("mkt_head", "郑红", org.mkt),
    )
    fin.head, office.head, org.mkt.head = result.fin_head, result.gm, result.mkt_head
    for department in (fin, office, org.mkt):
        department.save()
    return result


@pytest.fixture
def budget_flow():
    from plugins.approvals.models import Flow

    return Flow.objects.get(name="市场活动预算审批")


def budget_data(**overrides) -> dict:
    return {
        "title": "Q3 展会预算",
        "event": "上海车展",
        "event_date": "2026-09-01",
        "amount": "32000",
        "plan": "展位与物料",
        **overrides,
    }


@pytest.fixture
def submit_budget(budget_flow) -> Callable:
    """submit_budget(client, **fields) posts the budget flow's real form; returns the request."""
    from plugins.approvals.models import Request

    def submit(client: Client, **overrides):
        before = set(Request.objects.values_list("pk", flat=True))
        response = client.post(f"/approvals/new/{budget_flow.pk}/", budget_data(**overrides))
        assert response.status_code == 302, response.content.decode()[:3000]
        return Request.objects.exclude(pk__in=before).get()

    return submit


def form_of(approval) -> dict:
    """What the decision form on the request page carries for its current step."""
    run = approval.current_step_run()
    return {"step_run": run.pk, "nonce": run.nonce}


@pytest.fixture
def act() -> Callable:
    """act(client, request, action, comment="", form=None) posts the decision form."""

    def post(client: Client, approval, action: str, comment: str = "", form: dict | None = None):
        data = {**(form or form_of(approval)), "action": action, "comment": comment}
        return client.post(f"/approvals/{approval.pk}/decide/", data)

    return post
