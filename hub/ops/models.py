"""What login monitoring keeps: each login, logout and failed login, the alerts raised, and
per account when it was last alerted about (so an alert is raised once per window)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginEvent(models.Model):
    """One login, logout or failed login; the audit log's entry for it points here."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGOUT = "logout", _("Logout")
        FAILED = "failed", _("Failed login")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A failed login may name no account at all: the typed username is what is known.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # The /24 (IPv4) or /48 (IPv6) network of ``ip``: "the same place" for new-network alerts.
    network = models.CharField(_("network"), max_length=64, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("login event")
        verbose_name_plural = _("login events")
        indexes = [
            models.Index(fields=["username", "kind", "at"]),
            models.Index(fields=["user", "kind", "network"]),
        ]

    def __str__(self) -> str:
        return f"{self.username or '?'} @ {self.ip or '?'}"


class LoginAlert(models.Model):
    """Unusual login activity flagged to the admins."""

    class Reason(models.TextChoices):
        FAILURES = "failures", _("Many failed logins")
        NEW_NETWORK = "new_network", _("Login from a new network")

    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    username = models.CharField(_("username"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    network = models.CharField(_("network"), max_length=64, blank=True)
    failures = models.PositiveIntegerField(_("failed logins"), default=0)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("login alert")
        verbose_name_plural = _("login alerts")

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.username}"


class LoginWatch(models.Model):
    """Per account (typed username): when each kind of alert was last raised.

    Raising an alert first moves the time forward with a conditional UPDATE, so two
    processes seeing the same failures at once raise one alert, not two.
    """

    username = models.CharField(max_length=150, unique=True)
    failures_alerted_at = models.DateTimeField(null=True, blank=True)
    new_network_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login watch")

    def __str__(self) -> str:
        return self.username
