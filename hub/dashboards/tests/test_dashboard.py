"""Dashboards: who sees which departments, the core's figures (only visible documents count),
filters with bad input, the lists behind the figures, and the collaboration stars."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hub.core.documents import create_document, save_document
from hub.doctemplates.models import DocumentTemplate
from hub.doctemplates.weeks import week_of


@pytest.fixture
def activity(org, spaces, make_document):
    """rd_member writes in R&D's space; mkt_member edits an R&D document too (a document
    edited by two departments, in a space rd_member's department can see); mkt_member also
    edits a document in the members-only secret space (rd_head cannot see it)."""
    shared = make_document(spaces.company_edit, org.rd_member, title="发布计划", body="初稿")
    save_document(shared, org.mkt_member, "发布计划", "市场部补充", "published", [])
    make_document(spaces.rd, org.rd_member, title="接口设计")
    hidden = make_document(spaces.secret, org.mkt_member, title="收购方案")
    save_document(hidden, org.rd_member, "收购方案", "研发意见", "published", [])
    weekly = DocumentTemplate.objects.get(kind="weekly", space=None, name="周报")
    week = week_of(timezone.localdate())
    values = {
        "reporter": org.rd_member.pk,
        "team": org.rd.pk,
        "week": week,
        "progress": [{"item": "分词", "percent": 50}],
        "help": [{"department": org.mkt.pk, "request": "发布会物料"}],
    }
    create_document(spaces.rd, org.rd_member, "周报", "", "published", (), weekly, values)
    return shared


def panel(html: str, name: str) -> str:
    match = re.search(rf'data-panel="{name}".*?</section>', html, re.S)
    assert match, f"no panel {name!r}"
    return match.group(0)


def test_only_heads_and_admins_see_dashboards(org, login):
    assert login(org.rd_member).get(reverse("dashboards:dashboard")).status_code == 403
    assert 'data-nav="dashboard"' not in login(org.rd_member).get("/").content.decode()
    assert 'data-nav="dashboard"' in login(org.rd_head).get("/").content.decode()
    assert login(org.admin).get(reverse("dashboards:dashboard")).status_code == 200


def test_a_head_sees_their_departments_figures(org, login, activity):
    html = login(org.rd_head).get(reverse("dashboards:dashboard")).content.decode()
    # R&D and its web team; not marketing.
    adoption = panel(html, "adoption")
    assert "R&amp;D" in adoption and "Web team" in adoption and "Marketing" not in adoption
    # R&D with its web team: rd_head signed in, rd_member saved, rd_web did neither (gone
    # left and does not count).
    assert "2 of 3 people" in adoption and "0 of 1 people" in adoption
    # Saves: rd_member saved 发布计划, 接口设计 and the weekly report that rd_head can see;
    # the secret document's save is not counted for a head who cannot open it.
    assert "3 saves, 3 documents" in panel(html, "documents")
    collaboration = panel(html, "collaboration")
    assert "发布计划" in collaboration and "收购方案" not in collaboration
    assert "R&amp;D → Marketing" in collaboration
    assert "1 of 3 filed" in panel(html, "weekly_reports")


def test_lists_behind_figures_show_only_what_the_viewer_may_open(org, login, activity):
    client = login(org.rd_head)
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    link = re.search(r'href="(/dashboard/documents/\?[^"]+)"', panel(html, "documents")).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert "发布计划" in listed and "接口设计" in listed and "收购方案" not in listed
    people = client.get(reverse("dashboards:people"), {"active": "1"}).content.decode()
    main = people[people.index("<main") :]
    assert "张伟" in main and "王芳" in main and "李娜" not in main  # rd_head signed in
    cross = client.get(reverse("dashboards:documents"), {"cross": "1"}).content.decode()
    assert "发布计划" in cross and "收购方案" not in cross
    # The admin may open the secret space: there the secret document counts.
    admin = login(org.admin).get(reverse("dashboards:documents"), {"cross": "1"})
    assert "收购方案" in admin.content.decode()


def test_filters_reject_bad_input_clearly_and_keep_the_defaults(org, login, activity):
    client = login(org.rd_head)
    bad = client.get(reverse("dashboards:dashboard"), {"from": "2026-13-45", "to": "x"})
    assert bad.status_code == 200 and "Enter a valid date" in bad.content.decode()
    backwards = client.get(
        reverse("dashboards:dashboard"), {"from": "2026-11-20", "to": "2026-11-01"}
    )
    assert "The start date is after the end date." in backwards.content.decode()
    # Marketing is not rd_head's: refused as a choice, the page shows R&D only.
    foreign = client.get(reverse("dashboards:dashboard"), {"department": org.mkt.pk})
    page = foreign.content.decode()
    assert "Select a valid choice" in page and "Marketing" not in panel(page, "adoption")
    web_only = client.get(reverse("dashboards:dashboard"), {"department": org.rd_web_dept.pk})
    assert "R&amp;D" not in panel(web_only.content.decode(), "adoption")
    # A period before anything happened has no saves.
    old = client.get(reverse("dashboards:dashboard"), {"from": "2020-01-01", "to": "2020-01-31"})
    assert "0 saves, 0 documents" in panel(old.content.decode(), "documents")


def test_collaboration_stars_rank_people_and_departments(
    org, spaces, login, activity, make_document
):
    from hub.core.models import SpaceMembership

    # Marketing helps in R&D's department space: a point for editing there.
    SpaceMembership.objects.create(space=spaces.rd, user=org.mkt_member, role="editor")
    shared = make_document(spaces.rd, org.rd_member, title="接口约定")
    save_document(shared, org.mkt_member, "接口约定", "市场部的意见", "published", [])
    client = login(org.admin)
    html = client.get(reverse("dashboards:stars")).content.decode()
    # rd_member filed a weekly report before the deadline (2 points); the documents edited
    # across departments are in project spaces, which belong to no department (0).
    rows = re.findall(r"<tr><td>\d+</td><td>([^<]+)</td><td>[^<]*</td><td>(\d+)</td>", html)
    assert rows == [("张伟", "2"), ("刘洋", "1")]
    assert "other departments&#x27; documents edited 1" in html
    bad = client.get(reverse("dashboards:stars"), {"month": "2026-99"}).content.decode()
    assert "is not a month: write it as YYYY-MM" in bad
    earlier = client.get(reverse("dashboards:stars"), {"month": "2020-01"}).content.decode()
    assert "No points yet this month." in earlier
