"""In Chromium: a marketing employee submits a budget request; the finance reviewer and
the general manager approve it; the requester sees it approved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def switch_user(page, user) -> None:
    """Log out through the header, then log in as ``user`` through the login form."""
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "correct-horse-42")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def approve_waiting(page, title: str, comment: str) -> None:
    page.locator('[data-nav="approvals"]').click()
    page.locator("#waiting").get_by_role("link", name=title).click()
    page.get_by_label("Comment").first.fill(comment)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Your decision was recorded.")


def test_budget_request_approved_by_finance_and_the_general_manager(people, browser_login):
    page = browser_login(people.mkt_member)
    page.locator('[data-nav="approvals"]').click()
    page.get_by_role("link", name="New request").click()
    page.get_by_role("link", name="市场活动预算审批").click()
    page.get_by_label("Title").fill("秋季新品发布会")
    page.get_by_label("活动名称").fill("新品发布会")
    page.get_by_label("活动日期").fill("2026-10-15")
    page.get_by_label("预算金额（元）").fill("38000")
    page.get_by_label("活动方案与预算说明").fill("场地 20000，物料 18000")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    expect(page.locator("h1 [data-status]")).to_have_text("In progress")
    expect(page.locator("#current-step")).to_contain_text("财务审核")

    switch_user(page, people.fin_clerk)
    expect(page.locator('[data-widget="approvals_waiting"]')).to_contain_text(
        "1 request waits for your decision"
    )
    approve_waiting(page, "秋季新品发布会", "预算合理")
    expect(page.locator("#current-step")).to_contain_text("总经理审批")

    switch_user(page, people.gm)
    approve_waiting(page, "秋季新品发布会", "同意")
    expect(page.locator("h1 [data-status]")).to_have_text("Approved")

    switch_user(page, people.mkt_member)
    page.locator('[data-nav="approvals"]').click()
    page.get_by_role("link", name="My requests").click()
    row = page.locator("#mine tr", has_text="秋季新品发布会")
    expect(row.locator("[data-status]")).to_have_text("Approved")
    row.get_by_role("link", name="秋季新品发布会").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("预算合理")
    expect(timeline).to_contain_text("同意")
    expect(page.locator('[data-field="amount"]')).to_contain_text("¥38,000.00")
