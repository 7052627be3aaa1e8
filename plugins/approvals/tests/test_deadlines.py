"""Deadlines with a controlled clock: a reminder after N hours, escalation at the deadline
to the approver's manager or a named person, each exactly once however often the
worker runs, and nothing for a step decided in time."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django_tasks_db.models import DBTaskResult

from hub.notifications.models import Notification
from hub.testing import run_due_tasks
from plugins.approvals.models import Decision, Escalation

from .conftest import form_of


def notes(user, word: str) -> list[str]:
    return [
        n.text for n in Notification.objects.filter(user=user, kind="approvals") if word in n.text
    ]


def test_reminder_then_escalation_to_the_approvers_manager(people, login, submit_budget, act):
    # 财务审核: remind after 8 hours, escalate to the approver's manager at 24 hours.
    approval = submit_budget(login(people.mkt_member))
    run = approval.current_step_run()
    assert run.due_at - run.started_at == timedelta(hours=24)
    assert DBTaskResult.objects.filter(status="READY").count() == 2, "one task per moment"

    with time_machine.travel(run.remind_at - timedelta(minutes=1)):
        run_due_tasks()
    assert notes(people.fin_clerk, "Reminder") == []

    with time_machine.travel(run.remind_at + timedelta(minutes=1)):
        run_due_tasks()
        run_due_tasks()
    assert len(notes(people.fin_clerk, "Reminder")) == 1
    assert len(notes(people.fin_clerk2, "Reminder")) == 1
    assert notes(people.mkt_member, "Reminder") == []

    with time_machine.travel(run.due_at + timedelta(minutes=1)):
        run_due_tasks()
        run_due_tasks()
    run.refresh_from_db()
    assert run.escalated_at is not None
    # The clerks' manager is the head of 财务部.
    assert people.fin_head in run.approvers.all()
    assert len(notes(people.fin_head, "escalated to you")) == 1
    assert len(notes(people.mkt_member, "escalated to 钱敏")) == 1
    assert len(notes(people.fin_clerk, "Reminder")) == 1
    assert Decision.objects.filter(request=approval, action="escalate").count() == 1

    # The escalation target decides the step.
    assert act(login(people.fin_head), approval, "approve", "代批").status_code == 302
    assert approval.current_step_run().name == "总经理审批"
    page = login(people.mkt_member).get(f"/approvals/{approval.pk}/").content.decode()
    assert 'data-kind="remind"' in page and 'data-kind="escalate"' in page


def test_escalation_to_a_named_person_and_late_workers_catch_up(
    people, login, budget_flow, submit_budget
):
    step = budget_flow.steps.get(name="财务审核")
    step.escalation, step.escalation_person = Escalation.PERSON, people.gm
    step.save()
    approval = submit_budget(login(people.mkt_member))
    run = approval.current_step_run()
    # A duplicate task (enqueued twice by mistake) must not send twice either.
    from plugins.approvals.deadlines import check_deadlines

    check_deadlines.using(run_after=run.remind_at).enqueue(run.pk)

    # The worker was down for two days: it sends the reminder and escalates, once each.
    with time_machine.travel(run.due_at + timedelta(days=1)):
        run_due_tasks()
    assert len(notes(people.fin_clerk, "Reminder")) == 1
    assert len(notes(people.gm, "escalated to you")) == 1
    assert set(run.approvers.all()) == {people.fin_clerk, people.fin_clerk2, people.gm}
    assert login(people.gm).get(f"/approvals/{approval.pk}/").status_code == 200
    assert "Q3 展会预算" in login(people.gm).get("/approvals/").content.decode()


def test_a_step_decided_in_time_gets_no_reminder_or_escalation(people, login, submit_budget, act):
    approval = submit_budget(login(people.mkt_member))
    run = approval.current_step_run()
    act(login(people.fin_clerk), approval, "approve", form=form_of(approval))

    with time_machine.travel(run.due_at + timedelta(hours=1)):
        run_due_tasks()
    run.refresh_from_db()
    assert run.reminded_at is None and run.escalated_at is None
    assert notes(people.fin_clerk, "Reminder") == [] and notes(people.fin_head, "escalated") == []
    # The general manager's own step has its reminder after 24 hours (it started now).
    gm_run = approval.current_step_run()
    with time_machine.travel(gm_run.remind_at + timedelta(minutes=1)):
        run_due_tasks()
    assert len(notes(people.gm, "Reminder")) == 1


def test_two_workers_that_both_saw_the_step_due_act_once(people, login, submit_budget):
    """Both read the step as due before either wrote: the conditional UPDATE decides."""
    from plugins.approvals import deadlines

    approval = submit_budget(login(people.mkt_member))
    run = approval.current_step_run()
    with time_machine.travel(run.due_at + timedelta(minutes=1)):
        assert [deadlines.remind(run.pk), deadlines.remind(run.pk)] == [1, 0]
        assert [deadlines.escalate(run.pk), deadlines.escalate(run.pk)] == [1, 0]
    assert len(notes(people.fin_clerk, "Reminder")) == 1
    assert len(notes(people.fin_head, "escalated to you")) == 1
