"""Forged and stale actions are refused and change nothing: another user, an old step, a
replayed form, a wrong nonce, a withdrawn request, someone else withdrawing, two approvals
at the same moment; and nobody but the requester, the approvers and admins sees a request
or its files."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from plugins.approvals.models import Decision, Request, Status, StepRun

from .conftest import budget_data, form_of


def decisions(approval) -> list[tuple[str, str]]:
    return [(d.actor.username, d.action) for d in Decision.objects.filter(request=approval)]


def test_another_user_cannot_act(people, login, submit_budget, act):
    approval = submit_budget(login(people.mkt_member))
    form = form_of(approval)

    # Cannot see the request at all: 404, as if it did not exist.
    assert act(login(people.loner), approval, "approve", form=form).status_code == 404
    assert act(login(people.gm), approval, "approve", form=form).status_code == 404
    # The requester sees it but is no approver: 403.
    assert act(login(people.mkt_member), approval, "approve", form=form).status_code == 403
    assert decisions(approval) == [("mkt_member", "submit")]
    assert approval.current_step_run().pk == form["step_run"]


def test_an_old_step_or_a_replayed_form_is_refused(people, login, submit_budget, act):
    approval = submit_budget(login(people.mkt_member))
    finance_form = form_of(approval)
    clerk = login(people.fin_clerk)
    assert act(clerk, approval, "approve", form=finance_form).status_code == 302
    gm_step = approval.current_step_run()

    # The same form again (a double click, the back button, a replay).
    replay = act(clerk, approval, "approve", form=finance_form)
    assert replay.status_code == 409
    assert "already decided or has moved on" in replay.content.decode()
    # The other clerk, still an approver of the old step, posts it.
    assert (
        act(login(people.fin_clerk2), approval, "reject", "迟到", form=finance_form).status_code
        == 409
    )
    # The old step's id with the current step's nonce, and the other way round.
    mixed = {"step_run": finance_form["step_run"], "nonce": gm_step.nonce}
    assert act(clerk, approval, "approve", form=mixed).status_code == 409
    # A finance clerk is no approver of the general manager's step.
    current = form_of(approval)
    assert act(clerk, approval, "approve", form=current).status_code == 403
    # The general manager with a wrong nonce, and with another request's step.
    wrong = {"step_run": gm_step.pk, "nonce": "0" * 32}
    assert act(login(people.gm), approval, "approve", form=wrong).status_code == 409
    other = submit_budget(login(people.mkt_member), title="另一个")
    assert act(clerk, approval, "approve", form=form_of(other)).status_code == 403

    assert decisions(approval) == [("mkt_member", "submit"), ("fin_clerk", "approve")]
    gm_step.refresh_from_db()
    assert gm_step.decided_at is None


def test_a_withdrawn_request_cannot_be_decided(people, login, submit_budget, act):
    requester = login(people.mkt_member)
    approval = submit_budget(requester)
    form = form_of(approval)
    requester.post(f"/approvals/{approval.pk}/withdraw/", {})

    assert act(login(people.fin_clerk), approval, "approve", form=form).status_code == 409
    approval.refresh_from_db()
    assert approval.status == Status.WITHDRAWN
    assert decisions(approval) == [("mkt_member", "submit"), ("mkt_member", "withdraw")]


def test_only_the_requester_can_withdraw(people, login, submit_budget):
    approval = submit_budget(login(people.mkt_member))

    assert (
        login(people.fin_clerk).post(f"/approvals/{approval.pk}/withdraw/", {}).status_code == 403
    )
    assert login(people.loner).post(f"/approvals/{approval.pk}/withdraw/", {}).status_code == 404
    approval.refresh_from_db()
    assert approval.status == Status.IN_PROGRESS
    assert decisions(approval) == [("mkt_member", "submit")]


def test_only_participants_and_admins_see_a_request_and_its_files(people, login, budget_flow, act):
    sheet = SimpleUploadedFile("预算明细.csv", "项目,金额\n展位,20000\n".encode(), "text/csv")
    client = login(people.mkt_member)
    data = budget_data(budget_sheet=sheet)
    assert client.post(f"/approvals/new/{budget_flow.pk}/", data).status_code == 302
    approval = Request.objects.get()
    attachment = approval.attachments.get()
    assert approval.values["budget_sheet"] == {
        "attachment": attachment.pk,
        "filename": "预算明细.csv",
    }
    page, file_url = f"/approvals/{approval.pk}/", attachment.get_absolute_url()
    assert file_url in client.get(page).content.decode()

    for user in (people.mkt_member, people.fin_clerk, people.admin):
        assert login(user).get(page).status_code == 200, user
        download = login(user).get(file_url)
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(
            "项目".encode()
        )
    for user in (people.gm, people.loner, people.mkt_head, people.rd_head):
        assert login(user).get(page).status_code == 404, user
        assert login(user).get(file_url).status_code == 404, user
    # The general manager sees it once it reaches him, and still after deciding.
    act(login(people.fin_clerk), approval, "approve")
    act(login(people.gm), approval, "approve")
    assert login(people.gm).get(file_url).status_code == 200
    assert login(people.gm).get(page).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_approvals_record_one_decision(people, login, submit_budget):
    approval = submit_budget(login(people.mkt_member))
    form = form_of(approval)
    clients = [login(people.fin_clerk), login(people.fin_clerk2), login(people.fin_clerk)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def approve(client):
        try:
            barrier.wait()
            data = {**form, "action": "approve", "comment": ""}
            statuses.append(client.post(f"/approvals/{approval.pk}/decide/", data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [302, 409, 409]
    assert Decision.objects.filter(request=approval, action="approve").count() == 1
    assert StepRun.objects.filter(request=approval).count() == 2
    assert approval.current_step_run().name == "总经理审批"
