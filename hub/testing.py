"""Helpers for plugin authors' tests: register a plugin for one test, then remove it.

    from hub.testing import registered_plugin

    def test_my_nav_item(client):
        with registered_plugin(MyHooks()):
            ...

A plugin that adds URLs gets them routed for the duration (the URLconf is rebuilt).

Background tasks (``@task(backend=settings.HUB_TASK_BACKEND)``) wait in the database until
they are due; ``run_due_tasks()`` runs what is due, in the test's process, so a test that
moves the clock (``time_machine.travel``) sees deadlines pass::

    with time_machine.travel(deadline + timedelta(minutes=1)):
        run_due_tasks()
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.urls import clear_url_caches

from hub.plugins import pm

# What makes a site scaled out; a subprocess given none of it runs an embedded site.
SCALE_OUT_VARIABLES = ("DATABASE_URL", "REDIS_URL", "SEARCH_BACKEND", "SEARCH_URL", "HUB_WORKERS")


def reload_urls() -> None:
    """Rebuild the URLconf so that ``hub_register_urls`` is asked again."""
    clear_url_caches()
    module = sys.modules.get(settings.ROOT_URLCONF)
    if module is not None:
        importlib.reload(module)


@contextmanager
def registered_plugin(plugin: Any, name: str | None = None) -> Iterator[Any]:
    """Register ``plugin`` (a module or an object with ``@hookimpl`` methods) for a block."""
    registered_name = pm.register(plugin, name=name)
    routes = hasattr(plugin, "hub_register_urls")
    if routes:
        reload_urls()
    try:
        yield plugin
    finally:
        pm.unregister(name=registered_name)
        if routes:
            reload_urls()


def run_due_tasks() -> None:
    """Run every background task that is due now (by the possibly travelled clock), then return.

    The tasks run in this process and on this database connection, one by one the way
    ``hub worker`` runs them; the worker's own loop is not used because it closes the
    connection between tasks, which would end the test's transaction.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=settings.HUB_TASK_BACKEND,
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    due = DBTaskResult.objects.filter(backend_name=settings.HUB_TASK_BACKEND)
    while (task_result := due.ready().get_locked()) is not None:
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)


def embedded_site_env(data_dir: str | os.PathLike, **extra: str) -> dict[str, str]:
    """The environment of a ``hub`` subprocess running a site of its own in ``data_dir``:
    SQLite, Whoosh and the in-memory layer, even when the tests run scaled out."""
    env = {key: value for key, value in os.environ.items() if key not in SCALE_OUT_VARIABLES}
    return {**env, "HUB_DATA_DIR": str(data_dir), **extra}
