"""Unusual logins: many failures on one account, or a login from a network the person
never used, notify the admins once per account and window; the audit page shows them."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from conftest import SECRET
from hub.notifications.models import Notification
from hub.ops.logins import network_of
from hub.ops.models import LoginAlert


def _attempt(username: str, password: str, ip: str = "10.9.8.7") -> None:
    Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _security_notices(user) -> list[str]:
    notices = Notification.objects.filter(user=user, kind="security")
    return list(notices.values_list("text", flat=True))


def test_networks():
    assert network_of("10.1.2.3") == "10.1.2.0/24"
    assert network_of("2001:db8:1:2::5") == "2001:db8:1::/48"
    assert network_of(None) == ""


def test_many_failed_logins_alert_the_admins_once_per_window(org, settings):
    settings.LANGUAGE_CODE = "en"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            _attempt("rd_member", "guess")
        assert not LoginAlert.objects.exists()
        _attempt("rd_member", "guess")
        _attempt("rd_member", "guess")  # a sixth within the window: no second alert
    alert = LoginAlert.objects.get()
    assert (alert.reason, alert.username, alert.user, alert.failures) == (
        "failures",
        "rd_member",
        org.rd_member,
        5,
    )
    notices = _security_notices(org.admin)
    assert notices == [
        "5 failed logins for the account “rd_member” within 15 minutes (the latest from 10.9.8.7)."
    ]
    assert _security_notices(org.rd_head) == []  # admins only

    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        for _ in range(4):
            _attempt("rd_member", "guess")
        assert LoginAlert.objects.count() == 1  # the earlier failures are out of the window
        _attempt("rd_member", "guess")
    assert LoginAlert.objects.count() == 2


def test_failures_spread_out_are_not_flagged(org):
    start = timezone.now()
    for minutes in range(0, 80, 16):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            _attempt("rd_member", "guess")
    assert not LoginAlert.objects.exists()


def test_unknown_accounts_are_watched_too(org):
    for _ in range(5):
        _attempt("ceo", "guess")
    assert LoginAlert.objects.get().username == "ceo"


def test_a_login_from_a_new_network_alerts_the_admins(org, login, settings):
    settings.LANGUAGE_CODE = "en"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _attempt("rd_web", SECRET, "10.1.1.5")  # the first login ever: nothing to compare
        _attempt("rd_web", SECRET, "10.1.1.200")  # the same /24
        assert not LoginAlert.objects.exists()
        _attempt("rd_web", SECRET, "203.0.113.9")
        _attempt("rd_web", SECRET, "198.51.100.1")  # another new one in the window: no alert
    alert = LoginAlert.objects.get()
    assert (alert.reason, alert.user) == ("new_network", org.rd_web)
    assert alert.network == "203.0.113.0/24"
    assert _security_notices(org.admin) == [
        "李娜 (rd_web) logged in from a new network: 203.0.113.0/24 (203.0.113.9)."
    ]
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        _attempt("rd_web", SECRET, "198.51.100.7")  # used before (above): not new
        _attempt("rd_web", SECRET, "2001:db8:5::1")
    assert LoginAlert.objects.count() == 2
    assert LoginAlert.objects.first().network == "2001:db8:5::/48"

    page = login(org.admin).get("/ops/audit/")
    assert [alert.reason for alert in page.context["alerts"]] == ["new_network", "new_network"]
    assert "203.0.113.0/24" in page.content.decode()


def test_the_security_kind_is_offered_in_notification_settings(org, login):
    page = login(org.rd_member).get("/notifications/settings/")
    assert "Security alerts (unusual logins)" in page.content.decode()
