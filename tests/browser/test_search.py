"""In Chromium: the header's search box suggests titles as one types (Chinese included),
never a hidden one, and the arrow keys and Enter open the chosen document."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hub.search.backend import flush

pytestmark = pytest.mark.browser


def test_search_box_suggests_visible_titles_and_opens_the_chosen_one(
    spaces, org, make_document, browser_login
):
    make_document(spaces.company_read, org.admin, "知识库使用指南", "如何使用知识库。")
    make_document(spaces.company_read, org.admin, "知识库迁移", "迁移步骤。")
    make_document(spaces.secret, org.mkt_member, "知识库机密计划", "不可见。", "draft")
    assert flush()
    page = browser_login(org.rd_member)

    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially("知识")
    suggestions = page.get_by_role("listbox", name="Suggestions")
    options = suggestions.get_by_role("option")
    expect(options).to_have_count(2)
    expect(suggestions).not_to_contain_text("机密")
    expect(box).to_have_attribute("aria-expanded", "true")

    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("ArrowUp")
    chosen = options.nth(0)
    expect(chosen).to_have_attribute("aria-selected", "true")
    title = chosen.locator(".suggestion-title").inner_text()
    box.press("Enter")
    expect(page.locator("main h1").first).to_have_text(title)

    # Escape closes the list; Enter then runs the full search for what was typed.
    box = page.get_by_role("combobox", name="Search")
    box.fill("迁移")
    expect(options).to_have_count(1)
    box.press("Escape")
    expect(suggestions).to_be_hidden()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=%E8%BF%81%E7%A7%BB$"))
    expect(page.locator(".search-result")).to_have_count(1)
