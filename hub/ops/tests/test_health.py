"""``/healthz``: no login, no data, 200 when every part works, 503 naming the part that
does not (here: a background task left due for longer than the grace time)."""

from __future__ import annotations

import shutil
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_tasks import task

from hub.testing import run_due_tasks

CHECKS = {"database", "search_index", "channel_layer", "worker"}


@task(backend=settings.HUB_TASK_BACKEND)
def health_probe() -> None:
    """A task that does nothing: it only has to be run by someone."""


def test_healthy_site_answers_ok_without_login(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}
    assert "no-cache" in response["Cache-Control"]


def test_a_task_left_due_means_no_worker(db):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        health_probe.enqueue()
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        assert Client().get("/healthz").status_code == 200  # within the grace time
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        response = Client().get("/healthz")
        assert response.status_code == 503
        assert response.json() == {
            "status": "fail",
            "checks": {**dict.fromkeys(CHECKS, "ok"), "worker": "fail"},
        }
        run_due_tasks()
        assert Client().get("/healthz").status_code == 200


def test_a_task_scheduled_for_later_is_not_overdue(db):
    health_probe.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        assert Client().get("/healthz").json()["checks"]["worker"] == "ok"


# The rebuild runs in a thread of its own, which sees only committed rows; the serialized
# rollback puts back what migrations made for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unreadable_search_index_fails_until_rebuilt(tmp_path, settings):
    from hub.search.store import all_stores

    folder = tmp_path / "broken-index"
    folder.mkdir()
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "hub.search.backend", "PATH": str(folder)}
    }
    response = Client().get("/healthz")
    assert response.json()["checks"]["search_index"] == "ok"
    for index_folder in [path for path in folder.iterdir() if path.is_dir()]:
        tocs = [toc.name for toc in index_folder.glob("*.toc")]
        shutil.rmtree(index_folder)  # a new folder: the hub opens it afresh
        index_folder.mkdir()
        for name in tocs:
            (index_folder / name).write_bytes(b"not an index")
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["search_index"] == "fail"
    # The hub rebuilds an unreadable index from the database in the background.
    deadline = time.monotonic() + 30
    while any(store.rebuilding for store in all_stores()):
        assert time.monotonic() < deadline, "the index was not rebuilt"
        time.sleep(0.1)
    assert Client().get("/healthz").status_code == 200
