"""The plugin's own hook ``hub_approval_step_changed`` (fired after commit, to a plugin
registered for the test), its nav item, home widget and notification kind."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from hub import hookimpl, plugins
from hub.items import NotificationKind
from hub.testing import registered_plugin, run_due_tasks


class Follower:
    """A small plugin that records every approval step change it hears of."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def hub_approval_step_changed(self, request, step_run, decision):
        self.calls.append((request.title, step_run.name, decision.action, request.status))


def test_approval_step_changed_fires_after_commit_for_each_step(
    people, login, submit_budget, act, django_capture_on_commit_callbacks
):
    with registered_plugin(Follower(), name="follower") as follower:
        with django_capture_on_commit_callbacks(execute=False) as pending:
            approval = submit_budget(login(people.mkt_member))
        assert follower.calls == [], "nothing fires before the commit"
        for callback in pending:
            callback()
        assert follower.calls == [("Q3 展会预算", "财务审核", "submit", "in_progress")]

        run = approval.current_step_run()
        with (
            time_machine.travel(run.due_at + timedelta(hours=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            run_due_tasks()
        with django_capture_on_commit_callbacks(execute=True):
            act(login(people.fin_clerk), approval, "approve")
            login(people.gm).post(f"/approvals/{approval.pk}/comment/", {"text": "看过"})
        with django_capture_on_commit_callbacks(execute=True):
            act(login(people.gm), approval, "approve")

    assert follower.calls[1:] == [
        ("Q3 展会预算", "财务审核", "escalate", "in_progress"),
        ("Q3 展会预算", "财务审核", "approve", "in_progress"),
        ("Q3 展会预算", "总经理审批", "approve", "approved"),
    ]


def test_the_hook_is_declared_for_other_plugins():
    spec = plugins.pm.hook.hub_approval_step_changed.spec
    assert spec is not None and spec.argnames == ("request", "step_run", "decision")


def test_nav_item_home_widget_and_notification_kind(people, login, submit_budget):
    clerk = login(people.fin_clerk)
    assert 'data-widget="approvals_waiting"' not in clerk.get("/").content.decode()
    assert 'data-nav="approvals"' in clerk.get("/").content.decode()

    submit_budget(login(people.mkt_member))
    submit_budget(login(people.mkt_member), title="第二个")
    home = clerk.get("/").content.decode()
    assert 'data-approvals-waiting="2"' in home and "2 requests wait for your decision" in home
    assert 'data-widget="approvals_waiting"' not in login(people.gm).get("/").content.decode()
    kinds = plugins.collect("hub_register_notification_kinds")
    assert NotificationKind("approvals", "Approvals", order=30) in kinds
