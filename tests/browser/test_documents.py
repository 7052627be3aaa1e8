"""In Chromium: creating a document, editing it, comparing revisions, restoring one, and an
edit conflict between two people."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from hub.core.documents import save_document

pytestmark = pytest.mark.browser

TITLE = "接口设计规范"
RULE = "所有接口必须返回统一的错误码。"
BODY = f"""# 接口设计规范

{RULE}

| 字段 | 类型 | 说明 |
| --- | --- | --- |
| code | int | 错误码 |
| message | string | 错误信息 |

- [x] 评审接口草案
- [ ] 发布到开发者门户
"""
# The edits a person makes: one word of the rule, then a line at the end.
OLD_WORD, NEW_WORD = "必须", "应当"
ADDED_LINE = "所有时间字段使用 UTC 时区。"
CONFLICT = "Someone else saved this document while you were editing."


def edited_rule() -> str:
    return RULE.replace(OLD_WORD, NEW_WORD)


def edit_body(page: Page, change) -> None:
    """From a document page: open the edit form, change the body, save."""
    page.get_by_role("link", name="Edit", exact=True).click()
    body = page.get_by_label("Content (Markdown)")
    body.fill(change(body.input_value()))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved as a new revision.")


def history_rows(page: Page):
    return page.locator("table.data tbody tr")


@pytest.fixture
def document(spaces, org, make_document):
    return make_document(spaces.rd, org.rd_member, title=TITLE, body=BODY)


def test_create_a_document_with_table_task_list_and_tags(spaces, org, browser_login):
    page = browser_login(org.rd_member)
    page.get_by_role("link", name="研发部").click()
    page.get_by_role("link", name="New document").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Content (Markdown)").fill(BODY)
    page.get_by_label("Tags").fill("接口, API")
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text("The document was created.")
    expect(page.locator("main h1").first).to_have_text(TITLE)
    article = page.locator("article.markdown")
    expect(article.get_by_role("heading", level=1)).to_have_text("接口设计规范")
    expect(article.locator("table th")).to_have_text(["字段", "类型", "说明"])
    expect(article.locator("table tbody tr").nth(1)).to_contain_text("错误信息")
    checkboxes = article.get_by_role("checkbox")
    expect(checkboxes).to_have_count(2)
    expect(checkboxes.nth(0)).to_be_checked()
    expect(checkboxes.nth(1)).not_to_be_checked()
    document_url = page.url

    page.get_by_role("link", name="#接口").click()
    expect(page.get_by_role("heading", name="#接口")).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(document_url)


def test_edit_twice_then_compare_first_and_last_revision(document, org, browser_login, screenshot):
    page = browser_login(org.rd_member)
    page.goto(document.url)
    edit_body(page, lambda text: text.replace(OLD_WORD, NEW_WORD))
    edit_body(page, lambda text: f"{text}\n\n{ADDED_LINE}")
    expect(page.locator("article.markdown")).to_contain_text(edited_rule())
    expect(page.locator("article.markdown")).to_contain_text(ADDED_LINE)
    screenshot(page, "document")

    page.get_by_role("link", name="History").click()
    rows = history_rows(page)
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("张伟")
    screenshot(page, "history")
    rows.last.get_by_label("Compare from").check()
    rows.first.get_by_label("Compare to").check()
    page.get_by_role("button", name="Compare selected revisions").click()

    expect(page.get_by_role("heading", name="Compare revisions")).to_be_visible()
    diff = page.locator("table.diff")
    expect(diff.locator("del")).to_have_text([OLD_WORD])
    expect(diff.locator("ins")).to_have_text([NEW_WORD, ADDED_LINE])
    expect(diff.locator("tr.change td.old")).to_have_text(RULE)
    expect(diff.locator("tr.change td.new")).to_have_text(edited_rule())
    expect(diff.locator("tr.insert td.new")).to_contain_text([ADDED_LINE])
    screenshot(page, "diff")


def test_restore_the_first_revision_adds_a_revision(document, org, browser_login):
    save_document(document, org.rd_member, TITLE, BODY.replace(OLD_WORD, NEW_WORD), "published", [])
    save_document(document, org.rd_member, TITLE, f"{BODY}\n{ADDED_LINE}\n", "published", [])
    page = browser_login(org.rd_member)
    page.goto(document.url)
    page.get_by_role("link", name="History").click()
    rows = history_rows(page)
    expect(rows).to_have_count(3)
    before = [rows.nth(i).get_attribute("data-revision") for i in range(3)]

    rows.last.get_by_role("button", name="Restore").click()

    expect(page.get_by_role("status")).to_have_text("The revision was restored as a new revision.")
    expect(rows).to_have_count(4)
    after = [rows.nth(i).get_attribute("data-revision") for i in range(4)]
    assert after[1:] == before  # nothing removed, the restore is on top
    expect(rows.first).to_contain_text("current")
    expect(rows.first).to_contain_text("Restored the revision of")
    page.locator(".breadcrumbs").get_by_role("link", name=TITLE).click()
    article = page.locator("article.markdown")
    expect(article).to_contain_text(RULE)
    expect(article).not_to_contain_text(ADDED_LINE)


def test_edit_conflict_keeps_both_peoples_work(document, org, browser_login, browser_tab):
    first = browser_login(org.rd_member)
    second = browser_tab(org.rd_web)
    for page in (first, second):
        page.goto(document.url)
        page.get_by_role("link", name="Edit", exact=True).click()

    first_body = first.get_by_label("Content (Markdown)")
    first_body.fill(first_body.input_value().replace(OLD_WORD, NEW_WORD))
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_role("status")).to_have_text("Saved as a new revision.")

    second_body = second.get_by_label("Content (Markdown)")
    typed = f"{second_body.input_value()}\n\n{ADDED_LINE}"
    second_body.fill(typed)
    second.get_by_role("button", name="Save").click()

    # Said once: the form's errors are shown above its fields.
    expect(second.get_by_text(CONFLICT)).to_have_count(1)
    second_body = second.get_by_label("Content (Markdown)")
    assert second_body.input_value().replace("\r\n", "\n") == typed.replace("\r\n", "\n")
    # The diff shows the other person's change (left, saved) against this one's text (right).
    conflict = second.locator("table.diff")
    expect(conflict.locator("tr.change td.old del")).to_have_text(NEW_WORD)
    expect(conflict.locator("tr.insert td.new")).to_contain_text([ADDED_LINE])

    # The first save is intact; merging it in and saving again keeps both.
    first.reload()
    expect(first.locator("article.markdown")).to_contain_text(edited_rule())
    second_body.fill(second_body.input_value().replace(OLD_WORD, NEW_WORD))
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_role("status")).to_have_text("Saved as a new revision.")
    article = second.locator("article.markdown")
    expect(article).to_contain_text(edited_rule())
    expect(article).to_contain_text(ADDED_LINE)
    second.get_by_role("link", name="History").click()
    expect(history_rows(second)).to_have_count(3)
