"""Documents through the employee pages: create, edit, revisions, diffs, restore, bad input."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Revision

from hub.core.models import Attachment, DocumentPage, SpaceMembership, SpacePage


def revisions_of(document: DocumentPage):
    return Revision.page_revisions.filter(object_id=str(document.pk)).order_by("pk")


def form(document: DocumentPage, **changes) -> dict:
    data = {
        "title": document.title,
        "body": document.body,
        "status": document.status,
        "tags": "",
        "base_revision": document.latest_revision_id,
    }
    data.update(changes)
    return data


def test_create_renders_markdown_and_records_author(org, spaces, login):
    client = login(org.rd_member)
    response = client.post(
        reverse("document_create", args=[spaces.rd.pk]),
        {
            "title": "接口设计规范",
            "body": "# 总则\n\n| 字段 | 类型 |\n|---|---|\n| id | int |\n\n- [x] 评审\n",
            "status": "published",
            "tags": "API， 规范",
        },
    )
    document = DocumentPage.objects.get(title="接口设计规范")
    assert response.status_code == 302 and response["Location"] == document.url
    assert document.slug == "接口设计规范" and document.space == spaces.rd
    assert document.owner == org.rd_member
    assert sorted(t.name for t in document.tags.all()) == ["API", "规范"]
    (revision,) = revisions_of(document)
    assert revision.user == org.rd_member
    html = client.get(document.url).content.decode()
    assert "<h1>总则</h1>" in html and "<td>int</td>" in html and 'type="checkbox"' in html


def test_sub_pages_live_in_the_same_space(org, spaces, make_document, login):
    parent = make_document(spaces.rd, org.rd_member, title="项目")
    login(org.rd_member).post(
        reverse("document_create", args=[parent.pk]),
        {"title": "子页面", "body": "", "status": "published", "tags": ""},
    )
    child = DocumentPage.objects.get(title="子页面")
    assert child.get_parent().pk == parent.pk and child.space == spaces.rd
    assert "子页面" in login(org.rd_member).get(spaces.rd.url).content.decode()


def test_every_save_is_a_revision_and_diff_marks_words(org, spaces, make_document, login):
    document = make_document(
        spaces.rd, org.rd_member, title="周报", body="本周完成登录模块\n第二行"
    )
    client = login(org.rd_head)
    client.post(
        reverse("document_edit", args=[document.pk]),
        form(document, body="本周完成注册模块\n第二行\n新增一行"),
    )
    first, second = revisions_of(document)
    assert second.user == org.rd_head
    html = client.get(
        reverse("document_diff", args=[document.pk]) + f"?from={first.pk}&to={second.pk}"
    ).content.decode()
    assert "<del>登录</del>" in html and "<ins>注册</ins>" in html
    assert "<ins>新增一行</ins>" in html
    assert "2 lines added · 1 line removed" in html


def test_restore_creates_a_new_revision(org, spaces, make_document, login):
    document = make_document(spaces.rd, org.rd_member, title="原标题", body="原文", tags=["旧"])
    client = login(org.rd_member)
    client.post(
        reverse("document_edit", args=[document.pk]),
        form(document, title="新标题", body="改写", tags="新"),
    )
    first = revisions_of(document).first()
    response = client.post(reverse("revision_restore", args=[document.pk, first.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.body) == ("原标题", "原文")
    assert [t.name for t in document.tags.all()] == ["旧"]
    revisions = list(revisions_of(document))
    assert len(revisions) == 3
    assert revisions[1].content["body"] == "改写"  # history is never rewritten
    assert "Restored" in revisions[2].content["change_message"]


def test_edit_conflict_keeps_the_typed_text(org, spaces, make_document, login):
    document = make_document(spaces.rd, org.rd_member, body="第一版")
    stale = form(document)
    login(org.rd_head).post(
        reverse("document_edit", args=[document.pk]), form(document, body="领导改过")
    )
    response = login(org.rd_member).post(
        reverse("document_edit", args=[document.pk]), {**stale, "body": "我写的内容"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "我写的内容" in html  # nothing the user typed is lost
    assert "<del>领导改过</del>" in html  # and they see what changed meanwhile
    document.refresh_from_db()
    assert document.body == "领导改过"
    assert revisions_of(document).count() == 2


def test_bad_input_changes_nothing_and_keeps_the_text(org, spaces, make_document, login):
    document = make_document(spaces.rd, org.rd_member, title="标题", body="原文")
    client = login(org.rd_web)  # an editor, not the owner
    for bad in [
        {"title": "   "},
        {"status": "bogus"},
        {"status": "archived"},  # only the owner or a space admin may archive
        {"tags": "x" * 101},
    ]:
        response = client.post(
            reverse("document_edit", args=[document.pk]), form(document, body="我的新文字", **bad)
        )
        assert response.status_code == 200, bad
        assert "我的新文字" in response.content.decode(), bad
    document.refresh_from_db()
    assert (document.body, document.status) == ("原文", "published")
    assert revisions_of(document).count() == 1
    owner = login(org.rd_member)
    owner.post(reverse("document_edit", args=[document.pk]), form(document, status="archived"))
    document.refresh_from_db()
    assert document.status == "archived"


def test_oversized_attachment_is_refused(org, spaces, make_document, login, settings):
    settings.HUB_MAX_ATTACHMENT_BYTES = 10
    document = make_document(spaces.rd, org.rd_member)
    response = login(org.rd_member).post(
        reverse("attachment_upload", args=[document.pk]),
        {"file": SimpleUploadedFile("big.bin", b"x" * 11)},
        follow=True,
    )
    assert "larger than" in response.content.decode()
    assert not Attachment.objects.exists()


def test_images_are_served_inline_other_files_as_downloads(org, spaces, make_document, login):
    document = make_document(spaces.rd, org.rd_member)
    client = login(org.rd_member)
    for name in ["图.png", "page.html", "x.svg"]:
        client.post(
            reverse("attachment_upload", args=[document.pk]),
            {"file": SimpleUploadedFile(name, b"<svg onload=alert(1)>")},
        )
    served = {
        a.filename: client.get(reverse("attachment_download", args=[a.pk, a.filename]))
        for a in Attachment.objects.all()
    }
    assert served["图.png"]["Content-Type"] == "image/png"
    for dangerous in ("page.html", "x.svg"):
        assert served[dangerous]["Content-Type"] == "application/octet-stream"
        assert served[dangerous]["Content-Disposition"].startswith("attachment")


def test_project_space_creation_and_members(org, spaces, login):
    client = login(org.loner)
    response = client.post(
        reverse("space_create"),
        {"title": "新品发布", "slug": "launch", "description": "跨部门", "visibility": "members"},
    )
    space = SpacePage.objects.get(slug="launch")
    assert response.status_code == 302 and space.kind == "project"
    assert space.memberships.get().user == org.loner
    duplicate = client.post(
        reverse("space_create"), {"title": "重复", "slug": "launch", "visibility": "members"}
    )
    assert duplicate.status_code == 200 and SpacePage.objects.filter(slug="launch").count() == 1
    for routed in ("admin", "spaces", "login"):
        shadowed = client.post(
            reverse("space_create"), {"title": "x", "slug": routed, "visibility": "members"}
        )
        assert "used by the hub itself" in shadowed.content.decode(), routed
    assert not SpacePage.objects.filter(slug__in=["admin", "spaces", "login"]).exists()
    assert login(org.mkt_member).get(space.url).status_code == 404
    client.post(
        reverse("space_members", args=[space.pk]), {"department": org.mkt.pk, "role": "viewer"}
    )
    assert login(org.mkt_member).get(space.url).status_code == 200
    both = client.post(
        reverse("space_members", args=[space.pk]),
        {"department": org.rd.pk, "user": org.rd_member.pk, "role": "viewer"},
    )
    assert both.status_code == 200 and space.memberships.count() == 2
    membership = space.memberships.get(department=org.mkt)
    client.post(reverse("space_member_remove", args=[space.pk, membership.pk]))
    assert not SpaceMembership.objects.filter(pk=membership.pk).exists()
    assert login(org.mkt_member).get(space.url).status_code == 404


def test_language_choice_is_remembered_on_the_account(org, login):
    client = login(org.rd_member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    org.rd_member.refresh_from_db()
    assert org.rd_member.language == "en"
    fresh = login(org.rd_member, language="zh-hans")
    assert '<html lang="en"' in fresh.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    org.rd_member.refresh_from_db()
    assert org.rd_member.language == "en"
