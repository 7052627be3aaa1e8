"""In Chromium: a department head reads the dashboard and follows a figure to the list
behind it; a finance member answers marketing's help request from finance's roll-up and
marketing's head sees it answered on the dashboard; an admin opens the monthly operations
report, downloads it as Word, and archives a stale space from the archive page after
`hub archive propose`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from conftest import SECRET, open_hub_as

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


def test_finance_answers_marketing_and_the_marketing_head_sees_it(
    org, spaces, make_document, browser_login, chromium, asgi_server
):
    from hub.core.documents import create_document
    from hub.core.models import Department, User
    from hub.doctemplates.models import DocumentTemplate
    from hub.doctemplates.weeks import week_of

    finance = Department.objects.create(code="fin", name="财务部", name_en="Finance")
    accountant = User.objects.create_user("fin_member", "", SECRET, name="孙丽", department=finance)
    mkt_head = User.objects.create_user("mkt_head", "", SECRET, name="郑洁", department=org.mkt)
    org.mkt.head = mkt_head
    org.mkt.save()
    rules = make_document(spaces.company_read, org.admin, title="预算审批规则")
    weekly = DocumentTemplate.objects.get(kind="weekly", space=None, name="周报")
    values = {
        "reporter": org.mkt_member.pk,
        "team": org.mkt.pk,
        "week": week_of(timezone.localdate()),
        "help": [{"department": finance.pk, "request": "下季度推广预算的审批口径"}],
    }
    create_document(
        spaces.company_read, org.mkt_member, "刘洋周报", "", "published", (), weekly, values
    )

    page = browser_login(accountant)
    page.locator("nav.main-nav").get_by_role("link", name="Roll-ups").click()
    page.get_by_role("link", name="My department: Finance").click()
    asked = page.locator("#help-for-us li", has_text="下季度推广预算的审批口径")
    expect(asked).to_contain_text("Not answered yet")
    asked.get_by_role("link", name="Answer").click()
    page.get_by_label("Reply").fill("按去年的口径，**上限 20 万**。")
    page.get_by_label("Link (optional)").fill(rules.url)
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("status")).to_have_text("Your answer was saved.")
    asked = page.locator("#help-for-us li", has_text="下季度推广预算的审批口径")
    expect(asked.locator("strong")).to_have_text("上限 20 万")
    expect(asked.get_by_role("link", name="预算审批规则")).to_be_visible()

    context = chromium.new_context(base_url=asgi_server, locale="en-US")
    head = open_hub_as(context.new_page(), mkt_head)
    head.locator('[data-nav="dashboard"]').click()
    collaboration = head.locator('[data-panel="collaboration"]')
    expect(collaboration).to_contain_text("Marketing → Finance")
    collaboration.get_by_role("link", name="1 of 1 answered").click()
    row = head.locator("[data-help-list] tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("按去年的口径")
    expect(row).to_contain_text("孙丽")
    context.close()


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
