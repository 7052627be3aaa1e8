"""``send_notification()``: how features tell people something (reminders, approvals…), and
the kinds and channels people choose among."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from hub.core.models import User
from hub.items import NotificationChannel, NotificationKind
from hub.notifications.models import ChannelChoice, Notification
from hub.plugins import collect

logger = logging.getLogger("hub.notifications")


def notification_kinds() -> list[NotificationKind]:
    """Every kind the core and plugins register, once each (the first registration wins)."""
    kinds: dict[str, NotificationKind] = {}
    for kind in collect("hub_register_notification_kinds"):
        kinds.setdefault(kind.name, kind)
    return list(kinds.values())


def notification_channels() -> list[NotificationChannel]:
    """Every channel beyond the notification centre (the core's email, plugins' others)."""
    channels: dict[str, NotificationChannel] = {}
    for channel in collect("hub_register_notification_channels"):
        channels.setdefault(channel.name, channel)
    return list(channels.values())


def choices_of(users: Iterable[User], kind: str) -> dict[int, dict[str, bool]]:
    """For each user id, the channels they chose on or off for ``kind`` (others: defaults)."""
    chosen: dict[int, dict[str, bool]] = defaultdict(dict)
    rows = ChannelChoice.objects.filter(user__in=list(users), kind=kind)
    for user_id, channel, enabled in rows.values_list("user_id", "channel", "enabled"):
        chosen[user_id][channel] = enabled
    return chosen


def send_notification(
    users: Iterable[User],
    text: str,
    url: str = "",
    *,
    kind: str = "general",
    deliver: bool = True,
    subject: str = "",
) -> list[Notification]:
    """Give each active user a notification in their centre; with ``deliver``, also send it
    through each channel (email, plugins' channels) they want for this ``kind``.

    ``url`` is a path on this site (``/docs/12/``). Channels deliver after the transaction
    commits; a channel that fails is logged and does not undo anything or stop the others.
    ``subject`` is the email's subject (default: the start of the text).
    """
    recipients = [user for user in users if user.is_active]
    created = Notification.objects.bulk_create(
        Notification(user=user, text=text[:500], url=url, kind=kind) for user in recipients
    )
    for notification in created:
        # Not stored: the centre shows the text; a channel may want a title (a mail subject).
        notification.subject = subject or text[:80]
    if deliver and created:
        chosen = choices_of(recipients, kind)
        for channel in notification_channels():
            wanted = [
                notification
                for notification in created
                if chosen[notification.user_id].get(channel.name, channel.default)
            ]
            if wanted:
                transaction.on_commit(
                    lambda channel=channel, wanted=wanted: _deliver(channel, wanted)
                )
    return created


def _deliver(channel: NotificationChannel, notifications: list[Notification]) -> None:
    try:
        channel.deliver(notifications)
    except Exception:
        logger.exception("the %s channel could not deliver notifications", channel.name)


def absolute_url(url: str) -> str:
    """The link of a notification as it must appear outside the site (mail, webhooks)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def mail_notifications(notifications: list[Notification]) -> None:
    """The email channel: one mail per notification to people with an address."""
    for notification in notifications:
        address = notification.user.email
        if not address:
            continue
        body = notification.text
        if notification.url:
            body += f"\n\n{absolute_url(notification.url)}"
        try:
            send_mail(
                getattr(notification, "subject", notification.text[:80]), body, None, [address]
            )
        except Exception:
            logger.exception("could not mail a notification to %s", address)


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
