"""``send_notification()``: how features tell people something (reminders, approvals…)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from hub.core.models import User
from hub.notifications.models import Notification

logger = logging.getLogger("hub.notifications")


def _absolute(url: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def send_notification(
    users: Iterable[User],
    text: str,
    url: str = "",
    *,
    kind: str = "general",
    email: bool = True,
    subject: str = "",
) -> list[Notification]:
    """Give each active user a notification; with ``email``, also mail those with an address.

    ``url`` is a path on this site (``/docs/12/``). Mail goes out after the transaction
    commits; a mail server that fails is logged and does not undo the notifications.
    """
    recipients = [user for user in users if user.is_active]
    created = Notification.objects.bulk_create(
        Notification(user=user, text=text[:500], url=url, kind=kind) for user in recipients
    )
    if email:
        addresses = [user.email for user in recipients if user.email]

        def send() -> None:
            body = f"{text}\n\n{_absolute(url)}" if url else text
            for address in addresses:
                try:
                    send_mail(subject or text[:80], body, None, [address])
                except Exception:
                    logger.exception("could not mail a notification to %s", address)

        if addresses:
            transaction.on_commit(send)
    return created


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
