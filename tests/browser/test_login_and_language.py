"""In Chromium: logging in and out, and the UI language chosen in the header being remembered
on the account."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import log_in
from tests.browser.conftest import LOGIN_PATH

pytestmark = pytest.mark.browser


def test_log_in_through_the_form_and_land_on_home(
    org, spaces, make_document, browser_page, screenshot
):
    make_document(spaces.rd, org.rd_head, title="研发周报 第19周")
    page = browser_page
    page.goto("/")
    expect(page).to_have_url(LOGIN_PATH)

    log_in(page, org.rd_member.username, "not-the-password")
    expect(page.locator("main .errorlist")).to_contain_text("correct username and password")
    expect(page).to_have_url(LOGIN_PATH)
    page.goto("/")
    expect(page).to_have_url(LOGIN_PATH)  # still logged out

    log_in(page, org.rd_member.username)
    expect(page).not_to_have_url(LOGIN_PATH)
    expect(page.get_by_role("heading", name="My spaces")).to_be_visible()
    expect(page.locator(".site-header .user-name")).to_have_text("张伟")
    my_spaces = page.locator("section", has=page.get_by_role("heading", name="My spaces"))
    expect(my_spaces.get_by_role("link", name="研发部")).to_be_visible()
    # A space of another department (members only) is not listed.
    expect(my_spaces.get_by_role("link", name="市场部")).to_have_count(0)
    recent = page.locator("section", has=page.get_by_role("heading", name="Recently updated"))
    expect(recent.get_by_role("link", name="研发周报 第19周")).to_be_visible()
    screenshot(page, "home")

    # Logging out lands on the bare login form; logging in there leads home too.
    page.locator("form[action='/logout/'] button").click()
    expect(page).to_have_url(LOGIN_PATH)
    log_in(page, org.rd_member.username)
    expect(page.get_by_role("heading", name="My spaces")).to_be_visible()


def test_chosen_language_is_remembered_on_the_account(org, browser_login, browser_tab):
    page = browser_login(org.rd_member)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")

    page.locator("#language-select").select_option(label="简体中文")
    expect(html).to_have_attribute("lang", "zh-hans")
    org.rd_member.refresh_from_db()
    assert org.rd_member.language == "zh-hans"

    page.locator("form[action='/logout/'] button").click()
    expect(page).to_have_url(LOGIN_PATH)
    # Django's own translation of the login form's field label.
    expect(page.get_by_label("用户名")).to_be_visible()
    page.goto("/")
    log_in(page, org.rd_member.username)
    expect(page).not_to_have_url(LOGIN_PATH)
    expect(html).to_have_attribute("lang", "zh-hans")

    # Another computer, an English browser and no cookies: the account's choice wins.
    other = browser_tab()
    other.goto("/login/")
    expect(other.locator("html")).to_have_attribute("lang", "en")
    other.goto("/")
    log_in(other, org.rd_member.username)
    expect(other).not_to_have_url(LOGIN_PATH)
    expect(other.locator("html")).to_have_attribute("lang", "zh-hans")
