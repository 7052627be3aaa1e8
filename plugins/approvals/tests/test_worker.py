"""Deadlines kept by a real ``hub worker``: SIGKILL it between the reminder and the
escalation, start it again, and exactly one reminder and one escalation arrive.

The worker is a subprocess on the test database itself (``DATABASE_URL`` pointing at the
on-disk SQLite file the test writes and commits to, or at the PostgreSQL test database
under ``make test-scale``), with a deadline of a few seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.db import connection

from hub.notifications.models import Notification
from plugins.approvals.models import Decision

HUB = str(Path(sys.executable).with_name("hub"))


def shared_database_url() -> str:
    """The database this test writes to, as a ``DATABASE_URL`` for a ``hub`` subprocess:
    the site's own URL (server, account, options) naming the test database instead."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{quote(name)}"))


def count(user, word: str) -> int:
    return sum(
        word in text
        for text in Notification.objects.filter(user=user).values_list("text", flat=True)
    )


def wait_until(predicate, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.timeout(180)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_loses_and_repeats_nothing(
    people, login, budget_flow, submit_budget, tmp_path
):
    step = budget_flow.steps.get(name="财务审核")
    # Remind after 3.6 seconds, escalate to the clerks' manager after 10.8 seconds.
    step.remind_after_hours, step.deadline_hours = Decimal("0.001"), Decimal("0.003")
    step.save()
    # The site as configured (scaled out under `make test-scale`), on the test database.
    env = {
        **os.environ,
        "HUB_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": shared_database_url(),
        "HUB_LANGUAGE": "en",  # the worker's notifications, read below in English
    }

    def start() -> subprocess.Popen:
        return subprocess.Popen(
            [HUB, "worker", "--interval", "0.2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    approval = submit_budget(login(people.mkt_member))
    worker = start()
    try:
        wait_until(lambda: count(people.fin_clerk, "Reminder") == 1)
        assert count(people.fin_head, "escalated to you") == 0, "killed before the deadline"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

        worker = start()
        wait_until(lambda: count(people.fin_head, "escalated to you") == 1)
        time.sleep(2)  # give a duplicate every chance to show up
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    assert count(people.fin_clerk, "Reminder") == 1
    assert count(people.fin_clerk2, "Reminder") == 1
    assert count(people.fin_head, "escalated to you") == 1
    assert Decision.objects.filter(request=approval, action="escalate").count() == 1
