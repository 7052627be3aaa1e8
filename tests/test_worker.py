"""Background tasks: ``hub worker`` runs a task once it is due, by the (travelled) clock, and
exactly once; ``hub serve`` starts a worker and takes it down with it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

import tests.plugins.dummy as dummy_plugin
from hub.testing import embedded_site_env, run_due_tasks
from tests.plugins.dummy.tasks import remember


@pytest.fixture
def record():
    dummy_plugin.calls.clear()
    return lambda: [call["note"] for call in dummy_plugin.calls_of("task")]


def test_a_task_runs_once_when_due_not_before(db, record):
    later = timezone.now() + timedelta(hours=2)
    remember.using(run_after=later).enqueue("会议提醒")
    remember.enqueue("now")

    run_due_tasks()
    assert record() == ["now"]

    with time_machine.travel(later + timedelta(minutes=1)):
        run_due_tasks()
        run_due_tasks()
    assert record() == ["now", "会议提醒"]


def test_worker_refuses_a_bad_interval(db):
    with pytest.raises(CommandError, match="--interval"):
        call_command("worker", "--interval", "0")


def test_serve_starts_a_worker_and_it_dies_with_the_server(tmp_path):
    env = embedded_site_env(tmp_path)
    hub = [sys.executable, "-m", "hub.cli"]
    subprocess.run([*hub, "migrate", "-v0"], env=env, check=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [*hub, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def workers() -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
        return [int(pid) for pid in found.stdout.split()]

    try:
        deadline = time.monotonic() + 30
        while not workers() and time.monotonic() < deadline:
            time.sleep(0.2)
        children = workers()
        assert children, "hub serve started no worker"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{pid}") for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(os.path.exists(f"/proc/{pid}") for pid in children), "the worker outlived it"


# The real worker's loop reopens database connections, so the rows must be committed; the
# serialized rollback puts back what migrations made (a plain flush would leave the next
# test's serialized reload clashing with re-created content types).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_left_running_by_a_killed_worker_is_run_again(record):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    remember.enqueue("被中断的")
    # What a worker killed mid-task leaves: the row claimed, marked running, never finished.
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=10)
    )
    fresh = remember.enqueue("正在运行")
    DBTaskResult.objects.filter(pk=fresh.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now()
    )
    call_command("worker", "--batch", "--requeue-after", "300", verbosity=0)
    assert record() == ["被中断的"]  # the one another worker may still be running is left
    with pytest.raises(CommandError, match="--requeue-after"):
        call_command("worker", "--batch", "--requeue-after", "-1")
