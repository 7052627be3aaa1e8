"""The operations settings, with their defaults (each can be set in ``hub.settings``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def worker_grace() -> timedelta:
    """How long a due background task may wait before /healthz says no worker is running."""
    return timedelta(minutes=getattr(settings, "HUB_HEALTH_WORKER_GRACE_MINUTES", 5))


def failed_login_limit() -> int:
    """This many failed logins of one account within the window raise an alert."""
    return getattr(settings, "HUB_LOGIN_FAILURE_LIMIT", 5)


def alert_window() -> timedelta:
    """The window failures are counted in, and the least time between two alerts of a kind
    about one account."""
    return timedelta(minutes=getattr(settings, "HUB_LOGIN_ALERT_WINDOW_MINUTES", 15))
