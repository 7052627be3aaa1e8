"""The health checks behind ``/healthz``: database, search index, channel layer, worker.

Each check answers True (working) or False; why one failed is logged, never shown,
because the endpoint needs no login.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from hub.ops.conf import worker_grace

logger = logging.getLogger("hub.ops")

CHANNEL_TIMEOUT_SECONDS = 2.0


def check_database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def check_search_index() -> bool:
    """Every index opens and answers a query (another engine: a search runs)."""
    from modelsearch.backends import get_search_backend
    from modelsearch.index import get_indexed_models
    from whoosh.query import Every

    from hub.core.models import DocumentPage
    from hub.search.backend import WhooshSearchBackend

    backend = get_search_backend()
    if not isinstance(backend, WhooshSearchBackend):
        len(backend.search("healthz", DocumentPage)[:1])
        return True
    stores = {}
    for model in get_indexed_models():
        store = backend.get_index_for_model(model).store
        stores[str(store.path)] = store
    healthy = True
    # Every store is opened, not only up to the first failure: opening an unreadable
    # one starts its rebuild.
    for store in stores.values():
        index = store.index()
        if index is None:  # unreadable, or being rebuilt
            healthy = False
            continue
        try:
            with index.searcher() as searcher:
                searcher.search(Every(), limit=1)
        except Exception as error:
            logger.exception("The search index %s cannot be searched", store.path)
            if not store.readable():  # as after a failed search: rebuild what is unreadable
                store.broken(error)
            healthy = False
    return healthy


def check_channel_layer() -> bool:
    """A message sent to a fresh channel comes back from it."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return False

    async def round_trip() -> bool:
        channel = await layer.new_channel("healthz.")
        await layer.send(channel, {"type": "healthz.ping"})
        message = await asyncio.wait_for(layer.receive(channel), CHANNEL_TIMEOUT_SECONDS)
        return message.get("type") == "healthz.ping"

    return async_to_sync(round_trip)()


def check_worker() -> bool:
    """No background task has been due for longer than the grace time (else no worker runs)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    overdue_since = timezone.now() - worker_grace()
    overdue = DBTaskResult.objects.filter(
        backend_name=settings.HUB_TASK_BACKEND, status=TaskResultStatus.READY
    ).filter(
        Q(run_after__lte=overdue_since)
        # Enqueued to run at once: due since it was enqueued.
        | Q(run_after=get_date_max(), enqueued_at__lte=overdue_since)
    )
    return not overdue.exists()


CHECKS: dict[str, Callable[[], bool]] = {
    "database": check_database,
    "search_index": check_search_index,
    "channel_layer": check_channel_layer,
    "worker": check_worker,
}


def run_checks() -> dict[str, bool]:
    """Run every check; one that raises has failed (and is logged)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = bool(check())
        except Exception:
            logger.exception("health check %s failed", name)
            results[name] = False
        else:
            if not results[name]:
                logger.warning("health check %s failed", name)
    return results
