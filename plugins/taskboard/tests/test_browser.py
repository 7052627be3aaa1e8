"""In Chromium: a team member works the kanban by dragging a card and, without a mouse,
with the card's keyboard-accessible "Move to" form; a WIP limit refuses a move."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_kanban_by_drag_and_by_keyboard(spaces, org, browser_login):
    from plugins.taskboard.models import Board, Task

    task = Task.objects.create(space=spaces.rd, title="拖动我", assignee=org.rd_member)
    Task.objects.create(space=spaces.rd, title="评审中", status="review")
    Board.objects.create(space=spaces.rd, wip_review=1)
    page = browser_login(org.rd_member)
    page.get_by_role("link", name="研发部").first.click()
    page.get_by_role("link", name="Task board").click()

    card = page.locator(f'.taskboard-card[data-task="{task.pk}"]')
    doing = page.locator('.taskboard-column[data-status="doing"]')
    with page.expect_navigation():
        card.drag_to(doing)
    expect(doing.locator(".taskboard-card")).to_contain_text(["拖动我"])
    task.refresh_from_db()
    assert task.status == "doing"

    # The keyboard path: Tab to the select, pick a column, press Enter on Move.
    select = page.get_by_label("Move to").first
    select.focus()
    select.select_option("review")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("its WIP limit")
    task.refresh_from_db()
    assert task.status == "doing"
