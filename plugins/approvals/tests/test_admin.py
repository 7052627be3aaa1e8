"""Admins edit flows in the Wagtail admin (a snippet with its steps inline); the admin
form refuses a step list that does not fit the form fields and saves one that does."""

from __future__ import annotations

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from plugins.approvals.models import Flow

ADD_URL = "/admin/snippets/approvals/flow/add/"


def flow_data(step: dict, **fields) -> dict:
    base_step = {
        "name": "经理审批",
        "rule": "manager",
        "person": "",
        "group": "",
        "department": "",
        "condition_field": "",
        "condition_operator": "",
        "condition_value": "",
        "remind_after_hours": "",
        "deadline_hours": "",
        "escalation": "",
        "escalation_person": "",
    }
    return nested_form_data(
        {
            "name": "差旅申请",
            "description": "",
            "active": "on",
            "form_fields": streamfield(
                [("amount", {"name": "amount", "label": "金额", "required": "on", "help_text": ""})]
            ),
            "steps": inline_formset([{**base_step, **step}], min=1),
            **fields,
        }
    )


def test_flows_are_listed_in_the_admin(org, login):
    html = login(org.admin).get("/admin/snippets/approvals/flow/").content.decode()
    assert "市场活动预算审批" in html and "采购申请" in html and "用印审批" in html
    flow = Flow.objects.get(name="用印审批")
    assert (
        login(org.admin).get(f"/admin/snippets/approvals/flow/edit/{flow.pk}/").status_code == 200
    )
    assert login(org.rd_member).get("/admin/snippets/approvals/flow/").status_code == 302


def test_the_admin_refuses_a_step_that_does_not_fit_the_form(org, login):
    client = login(org.admin)
    bad = flow_data({"condition_field": "days", "condition_operator": ">", "condition_value": "3"})
    response = client.post(ADD_URL, bad)
    assert response.status_code == 200
    assert "The form has no field with this key." in response.content.decode()
    no_person = flow_data({"rule": "person"})
    assert "Choose the person who approves." in client.post(ADD_URL, no_person).content.decode()
    amount = {"name": "amount", "label": "金额", "required": "on", "help_text": ""}
    twice = flow_data({}, form_fields=streamfield([("amount", amount), ("number", amount)]))
    assert "Two fields have the key amount." in client.post(ADD_URL, twice).content.decode()
    assert not Flow.objects.filter(name="差旅申请").exists()

    good = flow_data(
        {
            "condition_field": "amount",
            "condition_operator": ">",
            "condition_value": "3000",
            "deadline_hours": "24",
            "escalation": "manager",
        }
    )
    response = client.post(ADD_URL, good)
    assert response.status_code == 302, response.content.decode()[-3000:]
    flow = Flow.objects.get(name="差旅申请")
    step = flow.steps.get()
    assert (step.condition_field, step.condition_value, step.escalation) == (
        "amount",
        "3000",
        "manager",
    )
    assert [spec.name for spec in flow.specs()] == ["amount"]
