"""A logging handler that counts errors per day in the database (``ErrorTally``), so the
monthly operations report can say which errors were seen and how often."""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

_busy = threading.local()


class TallyHandler(logging.Handler):
    """Counts ERROR records; it never raises and never logs (which would loop)."""

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(_busy, "on", False):
            return
        _busy.on = True
        try:
            from hub.dashboards.models import ErrorTally

            message = (record.getMessage().splitlines() or [""])[0][:300]
            key = {"day": timezone.localdate(), "logger": record.name[:100], "message": message}
            # Its own savepoint: a failed write must not break the caller's transaction.
            with transaction.atomic():
                tally, _ = ErrorTally.objects.get_or_create(**key)
                ErrorTally.objects.filter(pk=tally.pk).update(count=F("count") + 1)
        except (DatabaseError, RuntimeError, LookupError):
            # No database yet, a broken connection, or apps not ready: the console still has it.
            pass
        finally:
            _busy.on = False
