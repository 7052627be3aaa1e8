"""Notifications: send_notification() with its email, the unread count in the header, the list page
(one's own only) and opening one (marks it read, never redirects off the site)."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from hub.notifications.api import send_notification
from hub.notifications.models import Notification


def test_send_notification_records_and_mails_active_people(org, django_capture_on_commit_callbacks):
    org.loner.email = ""
    org.loner.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = send_notification([org.rd_member, org.loner, org.gone], "请审批预算", "/docs/1/")
    assert {n.user.username for n in created} == {"rd_member", "loner"}  # gone left
    assert [message.to for message in mail.outbox] == [["rd_member@example.cn"]]
    assert "请审批预算" in mail.outbox[0].body and "/docs/1/" in mail.outbox[0].body
    send_notification([org.rd_head], "无邮件", email=False)
    assert len(mail.outbox) == 1


def test_header_count_list_and_open(org, login):
    send_notification([org.rd_member], "第一条", "/rollups/", email=False)
    send_notification([org.rd_member], "第二条", "https://evil.example/", email=False)
    send_notification([org.rd_head], "别人的", "/", email=False)
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
    send_notification([org.rd_member, org.rd_head], "通知", email=False)
    login(org.rd_member).post(reverse("notifications:read_all"))
    assert list(
        Notification.objects.filter(read_at__isnull=True).values_list("user", flat=True)
    ) == [org.rd_head.pk]
