"""In Chromium, as a new user would: a team member works the kanban by dragging a card
and, without a mouse, with the card's "Move to" form (a WIP limit refuses a move); a
project is planned in the Gantt view (a bar dragged, its end dragged, a bar moved with the
keyboard, a move against a dependency refused; the dates stay after a reload) and worked
in the kanban view."""

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
    # The refusal was answered at the move's address; the next move goes back to the board.
    select = page.locator(f"#move-{task.pk}")
    select.focus()
    select.select_option("todo")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/tasks/board/{spaces.rd.pk}/")
    task.refresh_from_db()
    assert task.status == "todo"


def bar_of(page, task):
    return page.locator(f'[data-gantt-task="{task.pk}"]')


def drag_by_days(page, target, days: int, day_px: float) -> None:
    """Press on ``target``'s middle, move ``days`` days to the right, release."""
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + days * day_px, y, steps=8)
    with page.expect_navigation():
        page.mouse.up()


def day_width(page, task, days: int) -> float:
    """Screen pixels per day on the chart as it is drawn now (a bar of ``days`` days)."""
    return bar_of(page, task).locator(".gantt-bar").bounding_box()["width"] / days


def test_project_planned_in_gantt_and_worked_in_kanban(spaces, org, browser_login):
    from datetime import timedelta

    from django.utils import timezone

    from plugins.taskboard.models import Task, TaskEvent

    today = timezone.localdate()
    project = spaces.company_edit  # 公司百科, mkt_member its admin
    research = Task.objects.create(space=project, title="需求调研", assignee=org.mkt_member,
                                   start=today - timedelta(days=2),
                                   due=today + timedelta(days=1))  # fmt: skip
    build = Task.objects.create(space=project, title="开发", start=today + timedelta(days=3),
                                due=today + timedelta(days=7), assignee=org.rd_member)  # fmt: skip
    build.depends_on.add(research)
    page = browser_login(org.mkt_member)
    # From the home page's "Project progress" to the board, then its Gantt view.
    progress = page.locator('[data-widget="taskboard_progress"]')
    expect(progress).to_contain_text("0 of 2 done")
    progress.get_by_role("link", name="公司百科").click()
    page.get_by_role("link", name="Gantt").click()

    # Drag the bar of 开发 two days later: both dates move.
    drag_by_days(page, bar_of(page, build).locator(".gantt-bar"), 2, day_width(page, build, 5))
    expect(page.locator(".message")).to_contain_text("开发 now runs from")
    build.refresh_from_db()
    assert (build.start, build.due) == (today + timedelta(days=5), today + timedelta(days=9))
    # Drag its right edge one day further: only the due date moves.
    drag_by_days(page, bar_of(page, build).locator(".gantt-handle"), 1, day_width(page, build, 5))
    build.refresh_from_db()
    assert (build.start, build.due) == (today + timedelta(days=5), today + timedelta(days=10))

    # Without a mouse: focus the bar of 需求调研, Left moves it a day earlier, Shift+Right
    # twice makes it end two days later, Enter saves.
    bar = bar_of(page, research)
    bar.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    start, due = today - timedelta(days=3), today + timedelta(days=2)
    expect(page.locator("#gantt-status")).to_contain_text(
        f"{start.isoformat()} → {due.isoformat()}"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    research.refresh_from_db()
    assert (research.start, research.due) == (start, due)

    # The dates stay after a reload, in the chart and in the date forms under it.
    page.reload()
    expect(page.locator(f"#schedule-{research.pk}-start")).to_have_value(start.isoformat())
    expect(page.locator(f"#schedule-{build.pk}-due")).to_have_value(
        (today + timedelta(days=10)).isoformat()
    )
    # 开发 may not start before 需求调研 is due: a move there is refused, naming it.
    bar_of(page, build).focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(
        f"This task waits for 需求调研, which is due {due.isoformat()}"
    )
    build.refresh_from_db()
    assert build.start == today + timedelta(days=5)
    assert TaskEvent.objects.filter(task=build).count() == 2

    # The kanban: drag 需求调研 to Doing, then finish it with the keyboard, then start 开发.
    page.get_by_role("link", name="Board").click()
    doing = page.locator('.taskboard-column[data-status="doing"]')
    with page.expect_navigation():
        page.locator(f'.taskboard-card[data-task="{research.pk}"]').drag_to(doing)
    expect(doing).to_contain_text("需求调研")
    for task, column in ((research, "done"), (build, "doing")):
        select = page.locator(f"#move-{task.pk}")
        select.focus()
        select.select_option(column)
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.reload()
    expect(page.locator('.taskboard-column[data-status="done"]')).to_contain_text("需求调研")
    expect(doing).to_contain_text("开发")
    research.refresh_from_db()
    build.refresh_from_db()
    assert (research.status, build.status) == ("done", "doing")
