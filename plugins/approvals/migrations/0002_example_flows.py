"""The built-in example flows: marketing budget, purchase request and seal use.

Approvers are groups (created here, empty) so that the flows work in any organisation:
an admin puts the finance reviewers, the general manager and so on into them. The
example flows can be edited or switched off in the Wagtail admin like any other.
"""

import json

from django.db import migrations

GROUPS = ["财务审核", "财务总监", "总经理", "采购", "印章管理"]


def field(kind, name, label, required=True, **extra):
    return {"type": kind, "value": {"name": name, "label": label, "required": required,
                                    "help_text": extra.pop("help_text", ""), **extra}}  # fmt: skip


def step(name, rule, group=None, **extra):
    return {"name": name, "rule": rule, "group": group, **extra}


FLOWS = [
    {
        "name": "市场活动预算审批",
        "description": "市场部提交活动预算 → 财务审核 → 总经理审批；预算超过 50,000 元时加财务总监复核。",
        "fields": [
            field("text", "event", "活动名称"),
            field("date", "event_date", "活动日期"),
            field("amount", "amount", "预算金额（元）"),
            field("long_text", "plan", "活动方案与预算说明"),
            field("file", "budget_sheet", "预算明细表", required=False),
        ],
        "steps": [
            step("财务审核", "group", "财务审核", remind_after_hours=8, deadline_hours=24,
                 escalation="manager"),
            step("财务总监复核", "group", "财务总监", condition_field="amount",
                 condition_operator=">", condition_value="50000", deadline_hours=24,
                 remind_after_hours=8, escalation="manager"),
            step("总经理审批", "group", "总经理", remind_after_hours=24, deadline_hours=48),
        ],
    },
    {
        "name": "采购申请",
        "description": "部门负责人审批 → 采购审核；预计金额超过 20,000 元时需总经理审批。",
        "fields": [
            field("text", "item", "采购物品"),
            field("number", "quantity", "数量"),
            field("amount", "amount", "预计金额（元）"),
            field("text", "supplier", "建议供应商", required=False),
            field("date", "needed_by", "需要日期"),
            field("long_text", "purpose", "用途说明"),
            field("file", "quote", "报价单", required=False),
        ],
        "steps": [
            step("部门负责人审批", "department_head", remind_after_hours=8, deadline_hours=24,
                 escalation="manager"),
            step("采购审核", "group", "采购", remind_after_hours=8, deadline_hours=24),
            step("总经理审批", "group", "总经理", condition_field="amount",
                 condition_operator=">", condition_value="20000", deadline_hours=48),
        ],
    },
    {
        "name": "用印审批",
        "description": "直属上级审批 → 印章管理员确认用印。",
        "fields": [
            field("text", "document_name", "用印文件名称"),
            field("choice", "seal", "印章类型", choices=["公章", "合同专用章", "财务专用章", "法人章"]),
            field("number", "copies", "份数"),
            field("long_text", "reason", "用印事由"),
            field("file", "file", "用印文件"),
        ],
        "steps": [
            step("直属上级审批", "manager", remind_after_hours=4, deadline_hours=8,
                 escalation="manager"),
            step("印章管理员确认", "group", "印章管理", remind_after_hours=4, deadline_hours=8),
        ],
    },
]  # fmt: skip


def create_flows(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Flow = apps.get_model("approvals", "Flow")
    FlowStep = apps.get_model("approvals", "FlowStep")
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUPS}
    for definition in FLOWS:
        if Flow.objects.filter(name=definition["name"]).exists():
            continue
        flow = Flow.objects.create(
            name=definition["name"],
            description=definition["description"],
            form_fields=json.dumps(definition["fields"], ensure_ascii=False),
        )
        for order, spec in enumerate(definition["steps"]):
            spec = dict(spec)
            group = spec.pop("group")
            FlowStep.objects.create(
                flow=flow, sort_order=order, group=groups.get(group), **spec
            )


def remove_flows(apps, schema_editor):
    Flow = apps.get_model("approvals", "Flow")
    Flow.objects.filter(name__in=[flow["name"] for flow in FLOWS], requests__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_flows, remove_flows)]
