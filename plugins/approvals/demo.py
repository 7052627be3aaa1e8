"""The approvals' demo content (``hub demo``): the built-in flows' groups filled with demo
people, and budget requests at different stages, so a new site shows approvals at work."""

from __future__ import annotations

from django.contrib.auth.models import Group

from hub.core.models import User
from plugins.approvals import workflow
from plugins.approvals.fields import RequestForm
from plugins.approvals.models import Flow, Request

# Who approves in the demo organisation (hub/core/demo/org.yaml).
GROUPS = {
    "财务审核": ["fengjie", "caoyu"],
    "财务总监": ["qianhong"],
    "总经理": ["zhoujianguo"],
    "采购": ["hemin"],
    "印章管理": ["sunli"],
}

BUDGETS = [
    # (requester, title, fields, approvers acting in turn)
    (
        "xuting",
        "Hub 2.0 发布会场地与物料",
        {"event": "Hub 2.0 发布会", "event_date": "2026-09-10", "amount": "86000",
         "plan": "上海国际会议中心 300 人场地、物料与直播。"},
        ["fengjie"],
    ),
    (
        "maxiaoyu",
        "抖音 / 小红书 新品种草投放",
        {"event": "新品社媒投放", "event_date": "2026-08-20", "amount": "32000",
         "plan": "两个平台各 10 位达人，按效果付费。"},
        ["caoyu", "zhoujianguo"],
    ),
]  # fmt: skip


def _submit(flow: Flow, requester: User, title: str, fields: dict) -> Request:
    # The flow's own form checks the values, as for a person submitting them.
    form = RequestForm(flow.specs(), {"title": title, **fields})
    if not form.is_valid():
        raise ValueError(f"demo request {title!r} does not fit its flow: {form.errors}")
    return workflow.submit(flow, requester, title, form.values())


def load(users: dict[str, User]) -> None:
    """Fill the approver groups and submit the demo requests (once: not if any exist)."""
    for name, usernames in GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.user_set.add(*(users[u] for u in usernames if u in users))
    flow = Flow.objects.filter(name="市场活动预算审批", active=True).first()
    if flow is None or Request.objects.exists():
        return
    for requester, title, fields, deciders in BUDGETS:
        if requester not in users:
            continue
        request = _submit(flow, users[requester], title, fields)
        for username in deciders:
            run = request.current_step_run()
            workflow.decide(request, users[username], run.pk, run.nonce, "approve", "同意。")
            request.refresh_from_db()
