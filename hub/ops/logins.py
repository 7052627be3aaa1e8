"""Login monitoring: every login, logout and failed login is kept (``LoginEvent``) and
logged; many failures on one account, or a login from a network the person never used,
raise an alert to the admins (at most one per account, kind and window).

"Where from" is the client address Django sees (``REMOTE_ADDR``): behind a proxy, let the
ASGI server take it from the proxy's header (uvicorn ``--proxy-headers``).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hub.ops import audit
from hub.ops.conf import alert_window, failed_login_limit
from hub.ops.models import LoginAlert, LoginEvent, LoginWatch

logger = logging.getLogger("hub.ops")

SECURITY_KIND = "security"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP address, or None when unknown or malformed."""
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "").strip()))
    except ValueError:
        return None


def network_of(ip: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network holding ``ip``; empty when unknown."""
    if not ip:
        return ""
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _event(kind: str, request: HttpRequest | None, user, username: str) -> LoginEvent:
    ip = client_ip(request)
    return LoginEvent.objects.create(
        kind=kind, user=user, username=username[:150], ip=ip, network=network_of(ip)
    )


def _claim(username: str, field: str) -> bool:
    """Take the right to alert about ``username`` (kind ``field``) for this window."""
    LoginWatch.objects.get_or_create(username=username)
    now = timezone.now()
    quiet = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - alert_window()})
    return LoginWatch.objects.filter(quiet, username=username).update(**{field: now}) == 1


def _alert(event: LoginEvent, reason: str, describe: Callable[[], str], failures: int = 0):
    from hub.core.models import User
    from hub.notifications.api import send_notification

    alert = LoginAlert.objects.create(
        reason=reason,
        username=event.username,
        user=event.user,
        ip=event.ip,
        network=event.network,
        failures=failures,
    )
    # Admins read it later, whoever triggered it: in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        text = describe()
        subject = _("Unusual login activity")
    audit.record(None, audit.LOGIN_ALERT, alert, detail=text, username=event.username)
    admins = User.objects.filter(is_superuser=True, is_active=True)
    send_notification(admins, text, reverse("ops:audit"), kind=SECURITY_KIND, subject=subject)
    return alert


def check_failures(event: LoginEvent) -> LoginAlert | None:
    """Alert when the account of this failed login failed often enough in the window."""
    failures = LoginEvent.objects.filter(
        kind=LoginEvent.Kind.FAILED, username=event.username, at__gte=event.at - alert_window()
    ).count()
    if failures < failed_login_limit() or not _claim(event.username, "failures_alerted_at"):
        return None

    def describe() -> str:
        return _(
            "%(count)d failed logins for the account “%(username)s” within %(minutes)d "
            "minutes (the latest from %(ip)s)."
        ) % {
            "count": failures,
            "username": event.username,
            "minutes": alert_window().total_seconds() // 60,
            "ip": event.ip or _("an unknown address"),
        }

    return _alert(event, LoginAlert.Reason.FAILURES, describe, failures=failures)


def check_new_network(event: LoginEvent) -> LoginAlert | None:
    """Alert when a person logs in from a network none of their earlier logins came from
    (their first login ever is not unusual)."""
    if not event.network:
        return None
    earlier = (
        LoginEvent.objects.filter(kind=LoginEvent.Kind.LOGIN, user=event.user)
        .exclude(pk=event.pk)
        .exclude(network="")
    )
    if not earlier.exists() or earlier.filter(network=event.network).exists():
        return None
    if not _claim(event.username, "new_network_alerted_at"):
        return None

    def describe() -> str:
        return _("%(name)s (%(username)s) logged in from a new network: %(network)s (%(ip)s).") % {
            "name": event.user.get_full_name(),
            "username": event.username,
            "network": event.network,
            "ip": event.ip,
        }

    return _alert(event, LoginAlert.Reason.NEW_NETWORK, describe)


def _guarded(handler: Callable) -> Callable:
    # Monitoring must never stop a person from logging in or out.
    def run(*args, **kwargs) -> None:
        try:
            handler(*args, **kwargs)
        except Exception:
            logger.exception("login monitoring failed in %s", handler.__name__)

    run.__name__ = handler.__name__
    return run


@_guarded
def _logged_in(sender, request, user, **kwargs) -> None:
    event = _event(LoginEvent.Kind.LOGIN, request, user, user.get_username())
    audit.record(user, audit.LOGIN, event, username=event.username, ip=event.ip)
    check_new_network(event)


@_guarded
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is None:  # logging out without being logged in
        return
    event = _event(LoginEvent.Kind.LOGOUT, request, user, user.get_username())
    audit.record(user, audit.LOGOUT, event, username=event.username, ip=event.ip)


@_guarded
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    from hub.core.models import User

    username = str(credentials.get(User.USERNAME_FIELD, ""))
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    event = _event(LoginEvent.Kind.FAILED, request, user, username)
    audit.record(None, audit.LOGIN_FAILED, event, username=event.username, ip=event.ip)
    check_failures(event)


def connect() -> None:
    """Listen to Django's login signals (called once from the app's ready())."""
    user_logged_in.connect(_logged_in, dispatch_uid="ops_logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="ops_logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="ops_login_failed")
