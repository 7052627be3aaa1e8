"""Notifications: send_notification() with its email, the unread count in the header, the list page
(one's own only) and opening one (marks it read, never redirects off the site)."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from hub import hookimpl
from hub.items import NotificationChannel
from hub.notifications.api import send_notification
from hub.notifications.models import ChannelChoice, Notification
from hub.testing import registered_plugin


def test_send_notification_records_and_mails_active_people(org, django_capture_on_commit_callbacks):
    org.loner.email = ""
    org.loner.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = send_notification([org.rd_member, org.loner, org.gone], "请审批预算", "/docs/1/")
    assert {n.user.username for n in created} == {"rd_member", "loner"}  # gone left
    assert [message.to for message in mail.outbox] == [["rd_member@example.cn"]]
    assert "请审批预算" in mail.outbox[0].body and "/docs/1/" in mail.outbox[0].body
    send_notification([org.rd_head], "无邮件", deliver=False)
    assert len(mail.outbox) == 1


def test_header_count_list_and_open(org, login):
    send_notification([org.rd_member], "第一条", "/rollups/", deliver=False)
    send_notification([org.rd_member], "第二条", "https://evil.example/", deliver=False)
    send_notification([org.rd_head], "别人的", "/", deliver=False)
    client = login(org.rd_member)
    assert "Notifications (2)" in client.get(reverse("space_list")).content.decode()
    page = client.get(reverse("notifications:list")).content.decode()
    assert "第一条" in page and "第二条" in page and "别人的" not in page

    first = Notification.objects.get(text="第一条")
    response = client.post(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/rollups/"
    evil = Notification.objects.get(text="第二条")
    response = client.post(reverse("notifications:open", args=[evil.pk]))
    assert response["Location"] == reverse("notifications:list")
    assert "Notifications (" not in client.get(reverse("space_list")).content.decode()

    theirs = Notification.objects.get(text="别人的")
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[first.pk])).status_code == 405
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(org, login):
    send_notification([org.rd_member, org.rd_head], "通知", deliver=False)
    login(org.rd_member).post(reverse("notifications:read_all"))
    assert list(
        Notification.objects.filter(read_at__isnull=True).values_list("user", flat=True)
    ) == [org.rd_head.pk]


def test_people_choose_channels_per_kind(org, login, django_capture_on_commit_callbacks):
    client = login(org.rd_member)
    page = client.get(reverse("notifications:settings")).content.decode()
    # The core's kinds, each with the email channel, on by default.
    assert "Mentions of me" in page and "Reminders" in page and "Email" in page
    assert 'name="reminders:email" id="choice-reminders:email" aria-label' in page
    assert page.count(" checked") == page.count('type="checkbox"')

    # Tick mentions only; a forged name in the form is ignored.
    response = client.post(
        reverse("notifications:settings"), {"mentions:email": "on", "bogus:email": "on"}
    )
    assert response.status_code == 302
    choices = {(c.kind, c.enabled) for c in ChannelChoice.objects.filter(user=org.rd_member)}
    assert ("mentions", True) in choices and ("reminders", False) in choices
    assert not ChannelChoice.objects.filter(kind="bogus").exists()

    with django_capture_on_commit_callbacks(execute=True):
        send_notification([org.rd_member, org.rd_head], "周报提醒", "/rollups/", kind="reminders")
        send_notification([org.rd_member], "有人提到你", "/docs/1/", kind="mentions")
    # rd_member turned reminder mail off, rd_head did not choose: the default (on) holds.
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("rd_head@example.cn", "周报提醒"),
        ("rd_member@example.cn", "有人提到你"),
    ]
    # The centre has both, whatever was chosen for mail.
    assert Notification.objects.filter(user=org.rd_member).count() == 2


def test_a_plugin_channel_receives_what_people_want(org, django_capture_on_commit_callbacks):
    received: list[tuple[str, str]] = []

    class Webhook:
        @hookimpl
        def hub_register_notification_channels(self):
            def deliver(notifications):
                received.extend((n.user.username, n.text) for n in notifications)

            return [NotificationChannel("webhook", "Webhook", deliver, default=False)]

    ChannelChoice.objects.create(user=org.rd_head, kind="general", channel="webhook", enabled=True)
    with registered_plugin(Webhook()), django_capture_on_commit_callbacks(execute=True):
        send_notification([org.rd_member, org.rd_head], "部署完成")
        send_notification([org.rd_head], "只在通知中心", deliver=False)
    assert received == [("rd_head", "部署完成")]
