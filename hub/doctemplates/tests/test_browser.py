"""In Chromium: a team member creates meeting minutes from the template (Chinese text,
pickers, an action item), sees the field header, then the department roll-up lists the
open action item."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TITLE = "研发周会纪要 2026-05-14"
ACTION = "评审离线合并方案"


def test_minutes_from_template_then_department_rollup(spaces, org, browser_login):
    page = browser_login(org.rd_member)
    page.get_by_role("link", name="研发部").click()
    page.get_by_role("link", name="New from template").click()
    page.get_by_role("link", name="Meeting minutes").click()

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Date and time").fill("2026-05-14T14:00")
    page.get_by_label("Place").fill("三楼会议室")
    page.get_by_label("Organiser").select_option(label="王芳")
    page.get_by_label("Attendees").select_option(label=["张伟", "李娜"])
    page.get_by_label("Decisions").fill("功能冻结推迟一周。")
    page.locator("[name=f-actions-0-what]").fill(ACTION)
    page.locator("[name=f-actions-0-owner]").select_option(label="李娜")
    page.locator("[name=f-actions-0-due]").fill("2026-05-20")
    page.locator("[name=f-actions-0-status]").select_option(label="In progress")
    page.locator("select[name=status]").select_option(label="Published")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text("The document was created.")
    header = page.locator("section.template-fields")
    expect(header.locator("tr", has_text="Attendees")).to_contain_text("张伟, 李娜")
    expect(header.locator("tr", has_text="Date and time")).to_contain_text("2026-05-14 14:00")
    expect(header.locator("table.rows tbody tr")).to_have_text(
        [f"{ACTION}李娜2026-05-20In progress"]
    )

    page.locator("nav.main-nav").get_by_role("link", name="Roll-ups").click()
    page.get_by_role("link", name="My department: R&D").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Roll-up of R&D")
    actions = page.locator("#actions table tbody tr")
    expect(actions).to_have_count(1)
    expect(actions.first).to_contain_text(ACTION)
    expect(actions.first).to_contain_text("overdue")
    expect(page.locator("#missing")).to_contain_text("张伟")
