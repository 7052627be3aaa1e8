"""A logging handler that counts errors per day in the database (``ErrorTally``), so the
monthly operations report can say which errors were seen and how often."""

from __future__ import annotations

import asyncio
import logging
import threading

from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

_busy = threading.local()


def _count(day, logger: str, message: str) -> None:
    from hub.dashboards.models import ErrorTally

    # Its own savepoint: a failed write must not break the caller's transaction.
    with transaction.atomic():
        tally, _ = ErrorTally.objects.get_or_create(day=day, logger=logger, message=message)
        ErrorTally.objects.filter(pk=tally.pk).update(count=F("count") + 1)


def _count_in_thread(*key) -> None:
    try:
        _count(*key)
    except DatabaseError:
        pass  # the console has the error; the tally is best effort
    finally:
        close_old_connections()


class TallyHandler(logging.Handler):
    """Counts ERROR records; it never raises and never logs (which would loop)."""

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(_busy, "on", False):
            return
        _busy.on = True
        try:
            message = (record.getMessage().splitlines() or [""])[0][:300]
            key = (timezone.localdate(), record.name[:100], message)
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                _count(*key)
            else:
                # In async code (websocket consumers) the database may not be used from
                # this thread: count from a thread of its own.
                threading.Thread(target=_count_in_thread, args=key, daemon=True).start()
        except DatabaseError:
            pass  # no database yet, or a broken connection: the console still has it
        except Exception:
            self.handleError(record)
        finally:
            _busy.on = False
