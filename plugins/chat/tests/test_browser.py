"""In Chromium: two people of different departments chat in a project room in real time,
each in a browser of their own (Markdown, an edit seen live, unread counts)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import open_hub_as

pytestmark = pytest.mark.browser


@pytest.fixture
def second_browser(chromium, asgi_server):
    """Another person's browser (a context of its own): second_browser(user) -> page."""
    context = chromium.new_context(base_url=asgi_server, locale="en-US")

    def open_page(user) -> Page:
        page = context.new_page()
        page.set_default_timeout(15000)
        return open_hub_as(page, user)

    yield open_page
    context.close()


def _open_room(page: Page, name: str) -> Page:
    page.locator('a[data-nav="chat"]').click()
    page.locator(".chat-rooms").get_by_role("link", name=name).click()
    expect(page.locator("#chat-status")).to_have_attribute("data-state", "connected")
    return page


def test_two_departments_chat_in_a_project_room(spaces, org, browser_login, second_browser):
    from plugins.chat.models import Message

    wei = _open_room(browser_login(org.rd_member), "公司百科")  # 研发部
    yang = second_browser(org.mkt_member)  # 市场部
    _open_room(yang, "公司百科")

    wei.locator("#chat-input").fill("市场部的同事好，**发布**定在周五")
    wei.locator("#chat-input").press("Enter")
    expect(wei.locator("#chat-input")).to_have_value("")
    yang_messages = yang.locator("#chat-messages")
    expect(yang_messages.locator(".chat-message").last).to_contain_text("张伟")
    expect(yang_messages.locator("strong", has_text="发布")).to_be_visible()

    yang.locator("#chat-input").fill("收到 👍")
    yang.get_by_role("button", name="Send").click()
    expect(wei.locator("#chat-messages")).to_contain_text("收到 👍")

    # 张伟 corrects his message; 刘洋 sees the new text and the "edited" trace.
    own = wei.locator(".chat-message.chat-own").first
    own.get_by_role("button", name="Edit").click()
    own.locator("textarea").fill("市场部的同事好，**发布**改到周一")
    own.get_by_role("button", name="Save").click()
    first = yang_messages.locator(".chat-message").first
    expect(first).to_contain_text("改到周一")
    expect(first.get_by_role("button", name="edited")).to_be_visible()

    # A message while 刘洋 is elsewhere shows as unread in his navigation.
    yang.goto("/chat/")
    wei.locator("#chat-input").fill("还有一件事")
    wei.locator("#chat-input").press("Enter")
    expect(wei.locator("#chat-messages")).to_contain_text("还有一件事")
    yang.reload()
    expect(yang.locator('a[data-nav="chat"]')).to_have_text("Chat (1)")
    assert list(Message.objects.order_by("pk").values_list("author__username", flat=True)) == [
        "rd_member",
        "mkt_member",
        "rd_member",
    ]
