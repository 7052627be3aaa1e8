"""Approver rules (named person, department head, manager, group or department with any
one or all approving, nobody found), conditions, and the checks of a flow's steps."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from plugins.approvals import workflow
from plugins.approvals.fields import field_specs
from plugins.approvals.models import ApproverRule, Flow, FlowStep, Status
from plugins.approvals.rules import applies, manager_of, step_errors


def make_flow(*steps: dict, name: str = "测试流程") -> Flow:
    fields = [
        {"type": "amount", "value": {"name": "amount", "label": "金额", "required": False}},
        {"type": "choice", "value": {"name": "kind", "label": "类别", "choices": ["甲", "乙"]}},
        {"type": "date", "value": {"name": "day", "label": "日期", "required": False}},
    ]
    flow = Flow.objects.create(name=name, form_fields=json.dumps(fields))
    for order, step in enumerate(steps):
        FlowStep.objects.create(flow=flow, sort_order=order, name=f"第{order + 1}步", **step)
    return flow


def first_approvers(flow: Flow, requester) -> set:
    approval = workflow.submit(flow, requester, "申请", {"amount": "10", "kind": "甲"})
    return set(approval.current_step_run().approvers.all())


def test_department_head_rule_goes_up_when_the_requester_is_the_head(people):
    flow = make_flow({"rule": ApproverRule.DEPARTMENT_HEAD})
    people.rd_web_dept.head = people.rd_web
    people.rd_web_dept.save()

    assert first_approvers(flow, people.mkt_member) == {people.mkt_head}
    # rd_web heads 前端组: its parent 研发部's head approves.
    assert first_approvers(flow, people.rd_web) == {people.rd_head}
    # 研发部 has no parent: nobody is found, the admins get the step.
    assert first_approvers(flow, people.rd_head) == {people.admin}


def test_manager_rule_uses_the_manager_field_then_the_department_head(people):
    flow = make_flow({"rule": ApproverRule.MANAGER})
    assert manager_of(people.mkt_member) == people.mkt_head
    people.mkt_member.manager = people.gm
    people.mkt_member.save()
    assert first_approvers(flow, people.mkt_member) == {people.gm}
    people.gm.is_active = False
    people.gm.save()
    assert first_approvers(flow, people.mkt_member) == {people.mkt_head}
    # A head's manager is the head above: 总经办 has no parent, so nobody.
    assert manager_of(people.mkt_head) is None


def test_named_person_and_department_members(people):
    flow = make_flow(
        {"rule": ApproverRule.PERSON, "person": people.gm},
        {"rule": ApproverRule.DEPARTMENT, "department": people.fin},
    )
    approval = workflow.submit(flow, people.fin_clerk, "申请", {"amount": "1", "kind": "甲"})
    assert set(approval.current_step_run().approvers.all()) == {people.gm}
    run = approval.current_step_run()
    workflow.decide(approval, people.gm, run.pk, run.nonce, "approve", "")
    # Members of 财务部, without the requester herself.
    assert set(approval.current_step_run().approvers.all()) == {people.fin_head, people.fin_clerk2}


def test_all_must_approve(people, login, act):
    from django.contrib.auth.models import Group

    flow = make_flow(
        {
            "rule": ApproverRule.GROUP,
            "group": Group.objects.get(name="财务审核"),
            "all_must_approve": True,
        }
    )
    approval = workflow.submit(flow, people.mkt_member, "申请", {"amount": "1", "kind": "甲"})
    first = {"step_run": approval.current_step_run().pk, "nonce": approval.current_step_run().nonce}

    assert act(login(people.fin_clerk), approval, "approve", form=first).status_code == 302
    assert approval.current_step_run() is not None, "one of two approved: still waiting"
    assert "申请" not in login(people.fin_clerk).get("/approvals/").content.decode()
    # Approving twice counts once.
    assert act(login(people.fin_clerk), approval, "approve", form=first).status_code == 409
    assert act(login(people.fin_clerk2), approval, "approve", form=first).status_code == 302
    approval.refresh_from_db()
    assert approval.status == Status.APPROVED
    assert approval.decisions.filter(action="approve").count() == 2


@pytest.mark.parametrize(
    ("field", "operator", "value", "values", "expected"),
    [
        ("amount", ">", "50000", {"amount": "50000.01"}, True),
        ("amount", ">", "50000", {"amount": "50000"}, False),
        ("amount", ">=", "50000", {"amount": "50000.00"}, True),
        ("amount", "<", "100", {"amount": None}, False),
        ("kind", "==", "乙", {"kind": "乙"}, True),
        ("kind", "!=", "乙", {"kind": "乙"}, False),
        ("day", "<=", "2026-06-30", {"day": "2026-06-01"}, True),
        ("amount", ">", "1", {"amount": "__import__('os')"}, False),
    ],
)
def test_conditions_compare_typed_values(db, field, operator, value, values, expected):
    flow = make_flow()
    step = FlowStep(
        flow=flow, condition_field=field, condition_operator=operator, condition_value=value
    )
    assert applies(step, flow.specs(), values) is expected


def test_a_flow_whose_steps_all_skip_approves_at_once(people):
    flow = make_flow(
        {
            "rule": ApproverRule.PERSON,
            "person": people.gm,
            "condition_field": "amount",
            "condition_operator": ">",
            "condition_value": "100",
        }
    )
    approval = workflow.submit(flow, people.mkt_member, "小额", {"amount": "5", "kind": "甲"})
    assert approval.status == Status.APPROVED


def test_step_errors_name_what_is_wrong(db):
    specs = field_specs(make_flow().form_fields)
    step = FlowStep(
        rule=ApproverRule.PERSON,
        all_must_approve=True,
        escalation="person",
        remind_after_hours=Decimal(5),
        deadline_hours=Decimal(4),
        condition_field="kind",
        condition_operator=">",
        condition_value="甲",
    )
    errors = step_errors(step, specs)
    assert set(errors) == {
        "person",
        "all_must_approve",
        "escalation_person",
        "remind_after_hours",
        "condition_operator",
    }
    assert step_errors(
        FlowStep(
            rule=ApproverRule.MANAGER,
            condition_field="nope",
            condition_operator=">",
            condition_value="1",
        ),
        specs,
    ) == {"condition_field": "The form has no field with this key."}
    bad_value = FlowStep(
        rule=ApproverRule.MANAGER,
        condition_field="amount",
        condition_operator=">",
        condition_value="五万",
    )
    assert set(step_errors(bad_value, specs)) == {"condition_value"}
    fine = FlowStep(
        rule=ApproverRule.MANAGER,
        condition_field="amount",
        condition_operator=">",
        condition_value="50000",
        deadline_hours=Decimal(8),
        escalation="manager",
    )
    assert step_errors(fine, specs) == {}
