"""The live editor page: what the view serves (Django test client), and two headless
Chromium pages typing into the same document through the real ASGI app."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import open_hub_as

CONFIG = re.compile(r'<script id="collab-config" type="application/json">(.*?)</script>', re.S)


def _config(response) -> dict:
    return json.loads(CONFIG.search(response.content.decode()).group(1))


def _editor_url(document) -> str:
    return reverse("collab:live_editor", args=[document.pk])


# The page, through Django's test client.


def test_an_editor_gets_the_page_with_everything_the_bundle_needs(
    spaces, org, make_document, login
):
    document = make_document(spaces.rd, org.rd_member, title="周报")
    client = login(org.rd_member)

    response = client.get(_editor_url(document))

    assert response.status_code == 200
    assert "collab/editor.js" in response.content.decode()
    config = _config(response)
    assert config["wsUrl"] == "ws://testserver/ws/docs"
    assert config["room"] == str(document.pk)
    assert config["readOnly"] is False
    assert config["user"]["name"] == "张伟"
    assert re.fullmatch(r"#[0-9a-f]{6}", config["user"]["color"])
    assert config["strings"]["saved"] == "All changes saved"
    assert config["strings"]["offline"] == "Offline — will sync"
    # The same person has the same colour on another visit; https pages use wss.
    again = _config(login(org.rd_member).get(_editor_url(document), secure=True))
    assert again["user"]["color"] == config["user"]["color"]
    assert again["wsUrl"] == "wss://testserver/ws/docs"


def test_a_viewer_gets_a_read_only_page(spaces, org, make_document, login):
    document = make_document(spaces.secret, org.mkt_member, title="保密计划")

    response = login(org.rd_member).get(_editor_url(document))

    assert response.status_code == 200
    assert _config(response)["readOnly"] is True
    assert "Read-only" in response.content.decode()


def test_people_who_may_not_see_the_document_get_404(spaces, org, make_document, login):
    document = make_document(spaces.rd, org.rd_member, title="研发预算")
    draft = make_document(spaces.company_read, org.mkt_member, title="草稿", status="draft")

    assert login(org.mkt_member).get(_editor_url(document)).status_code == 404
    assert login(org.loner).get(_editor_url(draft)).status_code == 404
    assert login(org.rd_member).get(reverse("collab:live_editor", args=[999999])).status_code == 404


def test_anonymous_people_are_sent_to_the_login_page(spaces, org, make_document, client):
    document = make_document(spaces.company_read, org.mkt_member, title="员工手册")

    response = client.get(_editor_url(document))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Two browsers on one document.


def _open_editor(page: Page, document) -> Page:
    page.goto(_editor_url(document))
    expect(page.locator("#collab-status")).to_have_attribute("data-state", "saved")
    return page


@pytest.fixture
def second_tab(chromium, asgi_server):
    """Another person's browser (a context of its own): second_tab(user) -> logged-in page."""
    context = chromium.new_context(base_url=asgi_server, locale="en-US")

    def open_tab(user) -> Page:
        page = context.new_page()
        page.set_default_timeout(15000)
        return open_hub_as(page, user)

    yield open_tab
    context.close()


@pytest.mark.browser
def test_two_people_type_into_one_document_and_see_each_other(
    spaces, org, make_document, browser_login, second_tab
):
    document = make_document(spaces.rd, org.rd_member, title="周会纪要", body="# 周会纪要\n")
    wei = _open_editor(browser_login(org.rd_member), document)
    fang = _open_editor(second_tab(org.rd_head), document)
    wei_text, fang_text = wei.locator(".cm-content"), fang.locator(".cm-content")
    expect(wei_text).to_contain_text("# 周会纪要")

    wei_text.click()
    wei.keyboard.press("Control+End")
    wei.keyboard.type("Hello ")
    wei.keyboard.insert_text("大家好")
    expect(fang_text).to_contain_text("Hello 大家好")
    fang_text.click()
    fang.keyboard.press("Control+End")
    fang.keyboard.press("Enter")
    fang.keyboard.insert_text("王芳：收到")
    expect(wei_text).to_contain_text("王芳：收到")

    # Each sees the other's caret labelled with their name, and both in "who is here".
    expect(wei.locator(".cm-ySelectionInfo")).to_have_text("王芳")
    expect(fang.locator(".cm-ySelectionInfo")).to_have_text("张伟")
    expect(wei.locator("#collab-people")).to_contain_text("张伟 (you)")
    expect(wei.locator("#collab-people")).to_contain_text("王芳")
    for page in (wei, fang):
        status = page.locator("#collab-status")
        expect(status).to_have_attribute("data-state", "saved")
        expect(status).to_have_text("All changes saved")

    # Undo is per person: 张伟's undo takes back his typing, not 王芳's.
    wei_text.click()
    wei.keyboard.press("Control+z")
    expect(fang_text).not_to_contain_text("大家好")
    expect(fang_text).to_contain_text("王芳：收到")


@pytest.mark.browser
def test_edits_made_offline_merge_on_reconnect(
    spaces, org, make_document, browser_login, second_tab
):
    document = make_document(spaces.rd, org.rd_member, title="离线", body="开始\n")
    wei = _open_editor(browser_login(org.rd_member), document)
    fang = _open_editor(second_tab(org.rd_head), document)

    wei.evaluate("window.hubCollab.provider.disconnect()")
    status = wei.locator("#collab-status")
    expect(status).to_have_attribute("data-state", "offline")
    expect(status).to_have_text("Offline — will sync")
    wei.locator(".cm-content").click()
    wei.keyboard.press("Control+End")
    wei.keyboard.insert_text("离线时写的")
    fang.locator(".cm-content").click()
    fang.keyboard.press("Control+Home")
    fang.keyboard.insert_text("在线时写的")
    expect(fang.locator(".cm-content")).not_to_contain_text("离线时写的")

    wei.evaluate("window.hubCollab.provider.connect()")
    expect(status).to_have_attribute("data-state", "saved")
    for page in (wei, fang):
        expect(page.locator(".cm-content")).to_contain_text("在线时写的")
        expect(page.locator(".cm-content")).to_contain_text("离线时写的")


@pytest.mark.browser
def test_a_viewers_editor_is_read_only(spaces, org, make_document, browser_login, second_tab):
    document = make_document(spaces.secret, org.mkt_member, title="保密计划", body="计划：")
    viewer = _open_editor(browser_login(org.rd_member), document)
    editor = _open_editor(second_tab(org.mkt_member), document)

    content = viewer.locator(".cm-content")
    expect(content).to_have_attribute("contenteditable", "false")
    expect(viewer.locator(".collab-readonly")).to_be_visible()
    content.click()
    viewer.keyboard.insert_text("观众")
    editor.locator(".cm-content").click()
    editor.keyboard.press("Control+End")
    editor.keyboard.insert_text("编辑者")
    expect(content).to_contain_text("计划：编辑者")
    expect(content).not_to_contain_text("观众")
