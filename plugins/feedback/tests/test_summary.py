"""The monthly summary: the page (scoped to the triager's departments) and
``hub report feedback`` (one shared function), with bad months refused clearly."""

from __future__ import annotations

import html
import io
import re
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from plugins.feedback.models import Feedback


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def november(people) -> None:
    """Feedback around 2026-11 (hub time zone): 4 in November for 研发部, 2 for 市场部."""
    rows = [
        (people.rd, "suggestion", "new", local(2026, 11, 1, 0, 0)),
        (people.rd, "suggestion", "done", local(2026, 11, 15, 12, 0)),
        (people.rd, "complaint", "planned", local(2026, 11, 20, 9, 30)),
        (people.rd, "praise", "new", local(2026, 11, 30, 23, 59)),
        (people.mkt, "question", "declined", local(2026, 11, 2, 8, 0)),
        (people.mkt, "suggestion", "new", local(2026, 11, 28, 18, 0)),
        (people.rd, "other", "new", local(2026, 10, 31, 23, 59)),  # October
        (people.mkt, "complaint", "new", local(2026, 12, 1, 0, 0)),  # December
    ]
    for department, category, status, created_at in rows:
        Feedback.objects.create(
            department=department, category=category, status=status, created_at=created_at,
            subject=f"{category} {created_at:%m-%d}", body="正文", submitter=people.loner,
        )  # fmt: skip


def breakdown(response, name: str) -> dict[str, int]:
    """Read one breakdown table of the summary page into {label: count}."""
    page = response.content.decode()
    table = re.search(rf'data-breakdown="{name}">(.*?)</table>', page, re.S)[1]
    rows = re.findall(r"<tr[^>]*><td>([^<]+)</td><td>(\d+)</td></tr>", table)
    return {html.unescape(label): int(count) for label, count in rows}


def test_summary_page_for_a_triager_covers_their_department(people, login, november):
    response = login(people.rd_head).get(reverse("feedback:summary"), {"month": "2026-11"})
    assert response.status_code == 200
    assert breakdown(response, "category") == {
        "Suggestion": 2, "Complaint": 1, "Praise": 1, "Question": 0, "Other": 0,
    }  # fmt: skip
    assert breakdown(response, "status") == {
        "New": 2, "Accepted": 0, "Planned": 1, "Done": 1, "Declined": 0,
    }  # fmt: skip
    assert breakdown(response, "department") == {"R&D": 4}
    assert "data-total>4<" in response.content.decode()


def test_summary_page_for_a_superuser_covers_everything(people, login, november):
    client = login(people.admin)
    response = client.get(reverse("feedback:summary"), {"month": "2026-11"})
    assert breakdown(response, "department") == {"R&D": 4, "Marketing": 2}
    assert breakdown(response, "category")["Suggestion"] == 3
    response = client.get(reverse("feedback:summary"), {"month": "2026-11", "department": "mkt"})
    assert breakdown(response, "department") == {"Marketing": 2}
    response = client.get(reverse("feedback:summary"), {"month": "2026-12"})
    assert breakdown(response, "department") == {"Marketing": 1}


def test_summary_page_defaults_to_this_month(people, login):
    Feedback.submit(
        submitter=people.loner, anonymous=True, category="other",
        department=people.rd, subject="本月", body="x",
    )  # fmt: skip
    response = login(people.rd_head).get(reverse("feedback:summary"))
    assert response.status_code == 200
    assert breakdown(response, "department") == {"R&D": 1}


@pytest.mark.parametrize(
    "month", ["2026-13", "2026-00", "11-2026", "2026/11", "abc", "0000-01", ""]
)
def test_summary_page_refuses_a_bad_month(people, login, november, month):
    response = login(people.rd_head).get(reverse("feedback:summary"), {"month": month})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a month" in page or "This field is required." in page
    assert "data-total" not in page


def test_summary_of_another_department_is_refused(people, login, november):
    response = login(people.rd_head).get(
        reverse("feedback:summary"), {"month": "2026-11", "department": "mkt"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "data-total" not in response.content.decode()


@pytest.mark.parametrize("who", ["rd_member", "loner", "mkt_member"])
def test_summary_page_is_for_triagers_only(people, login, november, who):
    response = login(getattr(people, who)).get(reverse("feedback:summary"), {"month": "2026-11"})
    assert response.status_code == 403


def report(*args: str) -> str:
    """Run ``hub report feedback`` in English (the report speaks the hub's language)."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("report", "feedback", *args, stdout=out)
    return out.getvalue()


def counts(output: str) -> dict[str, int]:
    """The '  label  count' lines of the report."""
    lines = [line.rsplit(None, 1) for line in output.splitlines() if line.startswith("  ")]
    return {label.strip(): int(count) for label, count in lines}


def test_report_command_counts_the_month(people, november):
    output = report("--month", "2026-11")
    assert "Feedback summary for 2026-11 (all departments)" in output
    assert "Total: 6" in output
    assert counts(output) == {
        "Suggestion": 3, "Complaint": 1, "Praise": 1, "Question": 1, "Other": 0,
        "rd 研发部": 4, "mkt 市场部": 2,
        "New": 3, "Accepted": 0, "Planned": 1, "Done": 1, "Declined": 1,
    }  # fmt: skip


def test_report_command_for_one_department(people, november):
    output = report("--month", "2026-11", "--department", "mkt")
    assert "Total: 2" in output
    assert counts(output)["mkt 市场部"] == 2 and "rd 研发部" not in output


def test_report_command_for_an_empty_month(people, november):
    output = report("--month", "2030-01")
    assert "Total: 0" in output and "(none)" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--month YYYY-MM"),
        (("--month", "2026-13"), "is not a month"),
        (("--month", "November"), "is not a month"),
        (("--month", "2026-11", "--department", "nope"), "Unknown department code “nope”"),
    ],
)
def test_report_command_refuses_bad_input(people, args, message):
    with pytest.raises(CommandError, match=message):
        report(*args)
