"""The operations settings (``hub.settings``, from HUB_* environment variables)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def worker_grace() -> timedelta:
    """How long a due background task may wait before /healthz says no worker is running."""
    return timedelta(minutes=settings.HUB_HEALTH_WORKER_GRACE_MINUTES)


def failed_login_limit() -> int:
    """This many failed logins of one account within the window raise an alert."""
    return settings.HUB_LOGIN_FAILURE_LIMIT


def alert_window() -> timedelta:
    """The window failures are counted in, and the least time between two alerts of a kind
    about one account."""
    return timedelta(minutes=settings.HUB_LOGIN_ALERT_WINDOW_MINUTES)
