"""In Chromium: a department head reads the dashboard and follows a figure to the list
behind it; an admin opens the monthly operations report, downloads it as Word, and
archives a stale space from the archive page after `hub archive propose`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_head_reads_the_dashboard_and_its_lists(org, spaces, make_document, browser_login):
    make_document(spaces.rd, org.rd_member, title="接口设计")
    page = browser_login(org.rd_head)
    page.locator('[data-nav="dashboard"]').click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    activity = page.locator('[data-panel="documents"]')
    expect(activity).to_contain_text("R&D")
    activity.get_by_role("link", name="1 saves, 1 documents").first.click()
    expect(page.get_by_role("link", name="接口设计")).to_be_visible()


def test_an_admin_reports_and_archives_a_stale_space(org, spaces, make_document, browser_login):
    make_document(spaces.secret, org.mkt_member, title="旧方案")
    page = browser_login(org.admin)
    page.goto("/dashboard/report/")
    expect(page.get_by_role("heading", name="Adoption by department")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Word").click()
    assert download.value.suggested_filename.endswith(".docx")

    with time_machine.travel(timezone.now() + timedelta(days=400)):
        call_command("archive", "propose", stdout=StringIO())
    page.goto("/archive/")
    proposal = page.locator("li", has_text="保密项目")
    with page.expect_navigation():
        proposal.get_by_role("button", name="Archive").click()
    expect(page.get_by_role("status")).to_contain_text("is archived")
    expect(page.locator("[data-archived-space]")).to_contain_text("保密项目")
    page.goto(spaces.secret.url)
    expect(page.locator("[data-archiving]")).to_contain_text("Read-only")
