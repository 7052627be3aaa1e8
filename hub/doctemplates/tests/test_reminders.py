"""``hub remind weekly-reports``: after the deadline, people without a filed report get a
notification and an email, once per week; before it, or with --dry-run, nothing is sent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from hub.doctemplates.tests.conftest import WEEK, weekly_values
from hub.notifications.models import Notification

PAST_WEEK = "2020-W10"


def remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", "weekly-reports", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def filed(spaces, org, weekly_template, make_templated):
    make_templated(
        spaces.rd, org.rd_member, weekly_template, weekly_values(org, org.rd_member, week=PAST_WEEK)
    )
    make_templated(
        spaces.rd,
        org.rd_web,
        weekly_template,
        weekly_values(org, org.rd_web, week=PAST_WEEK),
        status="draft",
    )


def test_reminds_who_has_not_filed_once(filed, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = remind("--week", PAST_WEEK)
    # rd_member filed; rd_web's draft does not count; loner has no department; gone left.
    reminded = set(Notification.objects.values_list("user__username", flat=True))
    assert reminded == {"rd_head", "rd_web", "mkt_member"}
    assert "Reminded 3 people" in output
    assert sorted(message.to[0] for message in mail.outbox) == [
        "mkt_member@example.cn",
        "rd_head@example.cn",
        "rd_web@example.cn",
    ]
    assert PAST_WEEK in mail.outbox[0].body and "/rollups/" in mail.outbox[0].body
    notification = Notification.objects.get(user=org.rd_web)
    assert PAST_WEEK in notification.text
    with django_capture_on_commit_callbacks(execute=True):
        again = remind("--week", PAST_WEEK)
    assert (
        "Reminded 0 people" in again and Notification.objects.count() == 3 and len(mail.outbox) == 3
    )


def test_dry_run_sends_nothing(filed, org):
    output = remind("--week", PAST_WEEK, "--dry-run")
    assert "rd_head" in output and "3 people would be reminded" in output
    assert not Notification.objects.exists() and not mail.outbox


def test_nothing_before_the_deadline(org, settings):
    settings.HUB_WEEKLY_REPORT_DEADLINE = "SUN 23:59"
    output = remind("--week", "2099-W10")
    assert "nobody to remind yet" in output and not Notification.objects.exists()


@pytest.mark.parametrize(
    ("args", "deadline"), [(["--week", "2026-W99"], "FRI 18:00"), (["--week", WEEK], "Friday 6pm")]
)
def test_bad_input_is_a_clear_error(org, settings, args, deadline):
    settings.HUB_WEEKLY_REPORT_DEADLINE = deadline
    with pytest.raises(CommandError):
        remind(*args)
    assert not Notification.objects.exists()
