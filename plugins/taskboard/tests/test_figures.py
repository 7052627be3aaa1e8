"""Figures for dashboards (``figures.py``) and the home widget "Project progress": counted
only over what the person may see, each figure linking to the list behind it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from plugins.taskboard import widgets
from plugins.taskboard.figures import board_progress, cross_department, department_progress
from plugins.taskboard.models import Task
from plugins.taskboard.permissions import visible_tasks


@pytest.fixture
def work(org, spaces, tasks):
    """公司百科 (a project open to all): 3 tasks, one done, one overdue; plus ``tasks``."""
    today = timezone.localdate()
    wiki = spaces.company_edit
    Task.objects.create(space=wiki, title="整理目录", status="done",
                        start=today - timedelta(days=9), due=today - timedelta(days=5),
                        department=org.mkt,
                        created_by=org.mkt_member)  # fmt: skip
    Task.objects.create(space=wiki, title="补充词条", due=today - timedelta(days=1),
                        assignee=org.rd_member, department=org.rd,
                        created_by=org.mkt_member)  # fmt: skip
    Task.objects.create(space=wiki, title="审校", start=today, due=today + timedelta(days=20),
                        department=org.rd_web_dept, created_by=org.rd_web)  # fmt: skip
    return today


def widget_of(page: str) -> str:
    return page.split('data-widget="taskboard_progress"')[1].split("</section>")[0]


def test_progress_widget_shows_project_boards_the_person_sees(org, spaces, work, login):
    client = login(org.rd_member)
    widget = widget_of(client.get("/").content.decode())
    wiki, secret = spaces.company_edit, spaces.secret
    assert f'data-board="{wiki.pk}"' in widget and f'data-board="{secret.pk}"' in widget
    assert f'data-board="{spaces.rd.pk}"' not in widget  # a department's board, not a project
    board = widget.split(f'data-board="{wiki.pk}"')[1].split("</li>")[0]
    assert "1 of 3 done" in board and "3 tasks planned" in board and "1 overdue" in board
    assert 'value="33"' in board  # the progress bar
    first, last = work - timedelta(days=9), work + timedelta(days=20)
    assert f"{first.isoformat()} → {last.isoformat()}" in board
    # Each figure leads to the list behind it, which shows exactly those tasks.
    links = dict(re.findall(r'href="([^"]+)" data-figure="(\w+)"', board.replace("&amp;", "&")))
    by_figure = {figure: url for url, figure in links.items()}
    overdue = client.get(by_figure["overdue"]).content.decode()
    assert "补充词条" in overdue and "整理目录" not in overdue and "审校" not in overdue
    done = client.get(by_figure["done"]).content.decode()
    assert "整理目录" in done and "补充词条" not in done
    planned = client.get(by_figure["planned"]).content.decode()
    assert all(title in planned for title in ("整理目录", "补充词条", "审校"))
    assert by_figure["gantt"].endswith(f"/board/{wiki.pk}/gantt/")


def test_progress_widget_hides_boards_and_is_limited(org, spaces, work, login, monkeypatch):
    # loner sees the company-wide project but not the members-only secret board, even
    # though its task is counted for its assignee elsewhere.
    widget = widget_of(login(org.loner).get("/").content.decode())
    assert f'data-board="{spaces.company_edit.pk}"' in widget
    assert f'data-board="{spaces.secret.pk}"' not in widget and "保密" not in widget
    monkeypatch.setattr(widgets, "PROGRESS_BOARDS", 1)
    widget = widget_of(login(org.rd_member).get("/").content.decode())
    assert widget.count("data-board=") == 1 and "And 1 more project board." in widget


def test_figures_per_board_department_and_across_departments(org, spaces, work):
    everything = Task.objects.all()
    boards = board_progress(everything, today=work)
    wiki = boards[spaces.company_edit.pk]
    assert (wiki.planned, wiki.done, wiki.open, wiki.overdue, wiki.percent) == (3, 1, 2, 1, 33)
    assert boards[spaces.secret.pk].planned == 1 and boards[spaces.rd.pk].planned == 1
    departments = department_progress(everything, today=work)
    assert departments[org.rd.pk].planned == 2  # 发布计划 and 补充词条
    assert departments[org.mkt.pk].done == 1
    # Who gave work to whom: 市场部's people to 研发部 (补充词条) and to 前端组 (保密评审 on a
    # project board); 研发部's own board to itself does not count, nor 前端组 to itself.
    pairs = {
        (c.from_department_id, c.to_department_id): c.planned for c in cross_department(everything)
    }
    assert pairs == {(org.mkt.pk, org.rd.pk): 1, (org.mkt.pk, org.rd_web_dept.pk): 1}
    # Counted over what a person may see: loner sees neither the secret nor 研发部's board.
    seen = board_progress(visible_tasks(org.loner), today=work)
    assert set(seen) == {spaces.company_edit.pk}


def test_dashboard_panel_counts_the_heads_departments_tasks(org, spaces, work, login):
    page = login(org.rd_head).get("/dashboard/").content.decode()
    panel = page.split('data-panel="taskboard_progress"')[1].split("</section>")[0]
    # 公司百科 holds two tasks of R&D (one of them its web team's), none done, one overdue.
    assert "公司百科" in panel and "0 of 2 done, 1 overdue" in panel
    # Marketing gave both to R&D departments; the done one is marketing's own, not counted.
    assert "Marketing → R&amp;D" in panel
    marketing = login(org.admin).get("/dashboard/", {"department": org.mkt.pk}).content.decode()
    panel = marketing.split('data-panel="taskboard_progress"')[1].split("</section>")[0]
    assert "1 of 1 done, 0 overdue" in panel
