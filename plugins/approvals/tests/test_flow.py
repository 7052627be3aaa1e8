"""A request through its flow with the real pages: submit, approve step by step, reject,
return and resubmit, withdraw, comment; conditions adding a step; who gets told."""

from __future__ import annotations

import pytest

from hub.notifications.models import Notification
from plugins.approvals.models import Decision, DecisionLogError, Request, Status

from .conftest import budget_data


def texts(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind="approvals").values_list("text", flat=True)
    )


def test_budget_request_goes_through_finance_and_the_general_manager(
    people, login, submit_budget, act
):
    requester = login(people.mkt_member)
    approval = submit_budget(requester)

    assert approval.status == Status.IN_PROGRESS
    assert approval.department == people.mkt
    run = approval.current_step_run()
    assert run.name == "财务审核"
    assert set(run.approvers.all()) == {people.fin_clerk, people.fin_clerk2}
    assert "刘洋 asks for your approval: Q3 展会预算 (财务审核" in texts(people.fin_clerk)[0]
    # Waiting lists: both clerks, not the general manager yet.
    clerk = login(people.fin_clerk)
    assert "Q3 展会预算" in clerk.get("/approvals/").content.decode()
    assert "Q3 展会预算" not in login(people.gm).get("/approvals/").content.decode()

    assert act(clerk, approval, "approve", "预算合理").status_code == 302
    approval.refresh_from_db()
    run = approval.current_step_run()
    assert run.name == "总经理审批" and list(run.approvers.all()) == [people.gm]
    assert any(
        "approved Q3 展会预算 at 财务审核; next: 总经理审批" in t for t in texts(people.mkt_member)
    )
    assert "Q3 展会预算" not in login(people.fin_clerk2).get("/approvals/").content.decode()

    assert act(login(people.gm), approval, "approve").status_code == 302
    approval.refresh_from_db()
    assert approval.status == Status.APPROVED and approval.closed_at is not None
    assert "Your request Q3 展会预算 was approved." in texts(people.mkt_member)
    log = [(d.actor.username, d.action) for d in approval.decisions.all()]
    assert log == [("mkt_member", "submit"), ("fin_clerk", "approve"), ("gm", "approve")]
    page = requester.get(f"/approvals/{approval.pk}/").content.decode()
    assert 'data-status="approved"' in page and "预算合理" in page
    assert "Q3 展会预算" in requester.get("/approvals/mine/").content.decode()


def test_an_amount_above_50000_adds_the_finance_directors_step(people, login, submit_budget, act):
    approval = submit_budget(login(people.mkt_member), amount="50000.01")
    act(login(people.fin_clerk), approval, "approve")
    approval.refresh_from_db()
    run = approval.current_step_run()
    assert run.name == "财务总监复核" and list(run.approvers.all()) == [people.fin_head]

    exactly = submit_budget(login(people.mkt_member), amount="50000")
    act(login(people.fin_clerk), exactly, "approve")
    assert exactly.current_step_run().name == "总经理审批"


def test_bad_input_is_refused_and_changes_nothing(people, login, budget_flow):
    client = login(people.mkt_member)
    for bad in ({"amount": "很多"}, {"amount": "-5"}, {"event_date": "2026-13-45"}, {"title": ""}):
        response = client.post(f"/approvals/new/{budget_flow.pk}/", budget_data(**bad))
        assert response.status_code == 400, bad
        assert b"errorlist" in response.content
    assert not Request.objects.exists()
    budget_flow.active = False
    budget_flow.save()
    assert client.get(f"/approvals/new/{budget_flow.pk}/").status_code == 404
    assert client.post(f"/approvals/new/{budget_flow.pk}/", budget_data()).status_code == 404


def test_reject_needs_a_reason_and_closes_the_request(people, login, submit_budget, act):
    approval = submit_budget(login(people.mkt_member))
    clerk = login(people.fin_clerk)

    assert act(clerk, approval, "reject").status_code == 400
    assert approval.decisions.count() == 1

    assert act(clerk, approval, "reject", "超出季度预算").status_code == 302
    approval.refresh_from_db()
    assert approval.status == Status.REJECTED
    assert approval.current_step_run() is None
    assert any(
        "rejected your request Q3 展会预算: 超出季度预算" in t for t in texts(people.mkt_member)
    )


def test_return_for_changes_then_resubmit_starts_the_flow_again(people, login, submit_budget, act):
    requester = login(people.mkt_member)
    approval = submit_budget(requester)
    act(login(people.fin_clerk), approval, "return", "请补充明细")
    approval.refresh_from_db()
    assert approval.status == Status.RETURNED
    assert any("returned your request" in t for t in texts(people.mkt_member))

    # Only the requester may change it.
    assert login(people.fin_clerk).get(f"/approvals/{approval.pk}/edit/").status_code == 403
    form = requester.get(f"/approvals/{approval.pk}/edit/")
    assert form.status_code == 200 and "上海车展" in form.content.decode()
    response = requester.post(
        f"/approvals/{approval.pk}/edit/", budget_data(amount="60000", plan="展位、物料与明细")
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.status == Status.IN_PROGRESS
    assert approval.values["amount"] == "60000"
    assert approval.current_step_run().name == "财务审核"
    assert [d.action for d in approval.decisions.all()] == ["submit", "return", "resubmit"]
    # The new amount now brings the finance director's step.
    act(login(people.fin_clerk2), approval, "approve")
    assert approval.current_step_run().name == "财务总监复核"
    # Resubmitting what is not returned does nothing.
    assert requester.post(f"/approvals/{approval.pk}/edit/", budget_data()).status_code == 302
    assert approval.decisions.filter(action="resubmit").count() == 1


def test_withdraw_and_comment(people, login, submit_budget):
    requester = login(people.mkt_member)
    approval = submit_budget(requester)

    response = login(people.fin_clerk).post(
        f"/approvals/{approval.pk}/comment/", {"text": "发票抬头是什么？"}
    )
    assert response.status_code == 302
    assert any("commented on Q3 展会预算: 发票抬头是什么？" in t for t in texts(people.mkt_member))
    assert (
        login(people.fin_clerk).post(f"/approvals/{approval.pk}/comment/", {"text": ""}).status_code
        == 400
    )

    assert (
        requester.post(f"/approvals/{approval.pk}/withdraw/", {"comment": "活动取消"}).status_code
        == 302
    )
    approval.refresh_from_db()
    assert approval.status == Status.WITHDRAWN
    assert any("withdrew Q3 展会预算" in t for t in texts(people.fin_clerk2))
    assert login(people.fin_clerk).get("/approvals/").content.decode().count("Q3 展会预算") == 0
    # A second withdrawal changes nothing.
    assert requester.post(f"/approvals/{approval.pk}/withdraw/", {}).status_code == 409
    assert approval.decisions.filter(action="withdraw").count() == 1


def test_the_decision_log_cannot_be_changed_or_deleted(people, login, submit_budget):
    decision = submit_budget(login(people.mkt_member)).decisions.get()
    decision.comment = "改写历史"
    with pytest.raises(DecisionLogError):
        decision.save()
    with pytest.raises(DecisionLogError):
        decision.delete()
    assert Decision.objects.get(pk=decision.pk).comment == ""


def test_decisions_are_in_the_audit_log(people, login, submit_budget, act):
    from wagtail.models import ModelLogEntry

    approval = submit_budget(login(people.mkt_member))
    act(login(people.fin_clerk), approval, "approve", "预算合理")
    entries = ModelLogEntry.objects.filter(action__startswith="approvals.").order_by("pk")
    assert [(e.action, e.user_id, e.data["step"]) for e in entries] == [
        ("approvals.submit", people.mkt_member.pk, "财务审核"),
        ("approvals.approve", people.fin_clerk.pk, "财务审核"),
    ]
    assert entries[1].data["comment"] == "预算合理"
    page = login(people.admin).get("/ops/audit/", {"action": "approvals.approve"})
    assert "Approval request approved" in page.content.decode()
