"""The permission matrix (person × space visibility × document status × action), checked on
the rule, on the pages and in the listings, plus the attempts an attacker would make."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Revision

from hub.core.models import Attachment, DocumentPage
from hub.core.permissions import can, visible_documents, visible_spaces

RANK = {None: 0, "viewer": 1, "editor": 2, "admin": 3}

# The role each person should end up with in each fixture space, spelled out by hand.
EXPECTED_ROLES = {
    "admin": dict(
        rd="admin", mkt="admin", company_read="admin", company_edit="admin", secret="admin"
    ),
    "rd_head": dict(
        rd="admin", mkt=None, company_read="viewer", company_edit="editor", secret=None
    ),
    "rd_member": dict(
        rd="editor", mkt=None, company_read="viewer", company_edit="editor", secret="viewer"
    ),
    "rd_web": dict(
        rd="editor", mkt=None, company_read="viewer", company_edit="editor", secret=None
    ),
    "mkt_member": dict(
        rd=None, mkt="editor", company_read="admin", company_edit="admin", secret="editor"
    ),
    "loner": dict(rd=None, mkt=None, company_read="viewer", company_edit="editor", secret=None),
    "gone": dict(rd=None, mkt=None, company_read=None, company_edit=None, secret=None),
}
STATUSES = ["published", "draft", "archived"]


def expected(role: str | None, status: str, action: str, owner: bool = False) -> bool:
    rank = RANK[role]
    if rank == 0:
        return False
    if action == "view":
        return status in ("published", "archived") or rank >= 2 or owner
    if action == "edit":
        return rank == 3 if status == "archived" else rank >= 2
    return rank == 3 or (owner and rank >= 2)


@pytest.fixture
def matrix(org, spaces, make_document):
    """One document per space and status, owned by the superuser."""
    return {
        (space_name, status): make_document(
            getattr(spaces, space_name), org.admin, title=f"{space_name}-{status}", status=status
        )
        for space_name in EXPECTED_ROLES["admin"]
        for status in STATUSES
    }


def test_matrix_on_the_rule_the_pages_and_the_listings(org, spaces, matrix, login):
    for username, roles in EXPECTED_ROLES.items():
        user = getattr(org, username)
        client = login(user) if user.is_active else None
        listed = set(visible_documents(user).values_list("pk", flat=True))
        assert {s.pk for s in visible_spaces(user)} == {
            getattr(spaces, name).pk for name, role in roles.items() if role
        }, username
        for (space_name, status), document in matrix.items():
            role = roles[space_name]
            for action in ("view", "edit", "admin"):
                want = expected(role, status, action)
                assert can(user, action, document) is want, (username, space_name, status, action)
            may_view = expected(role, status, "view")
            assert (document.pk in listed) is may_view, (username, space_name, status)
            if client is None:
                continue
            page = client.get(document.url)
            assert page.status_code == (200 if may_view else 404), (username, space_name, status)
            edit = client.get(reverse("document_edit", args=[document.pk]))
            want_edit = 200 if expected(role, status, "edit") else (403 if may_view else 404)
            assert edit.status_code == want_edit, (username, space_name, status)
            history = client.get(reverse("document_history", args=[document.pk]))
            assert history.status_code == (200 if may_view else 404)


def test_owner_sees_own_draft_where_only_a_viewer(org, spaces, make_document, login):
    draft = make_document(spaces.company_read, org.loner, title="我的草稿", status="draft")
    assert can(org.loner, "view", draft)
    assert not can(org.loner, "edit", draft)
    assert draft in visible_documents(org.loner)
    assert login(org.loner).get(draft.url).status_code == 200
    assert not can(org.rd_member, "view", draft)


def test_deactivated_person_sees_nothing(org, spaces, make_document, client):
    document = make_document(spaces.company_read, org.admin)
    assert not can(org.gone, "view", document)
    assert not visible_documents(org.gone).exists()
    client.force_login(org.gone)  # a session that outlived the deactivation
    assert client.get(document.url).status_code in (302, 404)


def test_anonymous_visitors_are_sent_to_login(spaces, make_document, client):
    document = make_document(spaces.company_read)
    for url in [
        "/",
        document.url,
        spaces.company_read.url,
        reverse("space_list"),
        reverse("document_history", args=[document.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_revision_of_another_document_is_not_reachable(org, spaces, make_document, login):
    mine = make_document(spaces.rd, org.rd_member, title="公开")
    secret = make_document(spaces.mkt, org.mkt_member, title="市场机密", body="预算 100 万")
    secret_revision = Revision.page_revisions.get(object_id=str(secret.pk))
    own_revision = Revision.page_revisions.get(object_id=str(mine.pk))
    client = login(org.rd_member)
    urls = [
        reverse("revision_view", args=[mine.pk, secret_revision.pk]),
        reverse("document_diff", args=[mine.pk])
        + f"?from={own_revision.pk}&to={secret_revision.pk}",
        reverse("revision_view", args=[secret.pk, secret_revision.pk]),
        reverse("document_diff", args=[secret.pk])
        + f"?from={secret_revision.pk}&to={secret_revision.pk}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "预算" not in response.content.decode()
    restore = client.post(reverse("revision_restore", args=[mine.pk, secret_revision.pk]))
    assert restore.status_code == 404
    mine.refresh_from_db()
    assert mine.title == "公开"


def test_attachments_follow_their_document(org, spaces, make_document, login):
    secret = make_document(spaces.mkt, org.mkt_member, title="报价单")
    upload = SimpleUploadedFile("报价.txt", "单价 42 元".encode(), content_type="text/plain")
    response = login(org.mkt_member).post(
        reverse("attachment_upload", args=[secret.pk]), {"file": upload}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(document=secret)
    url = reverse("attachment_download", args=[attachment.pk, attachment.filename])
    owner_download = login(org.mkt_member).get(url)
    assert owner_download.status_code == 200
    assert b"".join(owner_download.streaming_content) == "单价 42 元".encode()
    assert "attachment" in owner_download["Content-Disposition"]
    assert login(org.rd_member).get(url).status_code == 404
    assert (
        login(org.mkt_member)
        .get(reverse("attachment_download", args=[attachment.pk, "other.txt"]))
        .status_code
        == 404
    )
    # Viewers cannot delete or add files; outsiders cannot even learn the file exists.
    assert (
        login(org.rd_member).post(reverse("attachment_delete", args=[attachment.pk])).status_code
        == 404
    )
    assert (
        login(org.rd_member)
        .post(
            reverse("attachment_upload", args=[secret.pk]),
            {"file": SimpleUploadedFile("x.txt", b"x")},
        )
        .status_code
        == 404
    )
    assert Attachment.objects.filter(document=secret).count() == 1


def test_viewer_cannot_write(org, spaces, make_document, login):
    document = make_document(spaces.secret, org.mkt_member, title="项目计划", body="原文")
    client = login(org.rd_member)  # a viewer of the secret space
    response = client.post(
        reverse("document_edit", args=[document.pk]),
        {"title": "改掉", "body": "篡改", "status": "published", "tags": ""},
    )
    assert response.status_code == 403
    revision = Revision.page_revisions.get(object_id=str(document.pk))
    assert (
        client.post(reverse("revision_restore", args=[document.pk, revision.pk])).status_code == 403
    )
    assert client.get(reverse("document_create", args=[spaces.secret.pk])).status_code == 403
    assert client.get(reverse("space_members", args=[spaces.secret.pk])).status_code == 403
    document.refresh_from_db()
    assert (document.title, document.body, document.revisions.count()) == ("项目计划", "原文", 1)


def test_creating_under_foreign_or_odd_parents(org, spaces, make_document, login):
    client = login(org.rd_member)
    assert client.get(reverse("document_create", args=[spaces.mkt.pk])).status_code == 404
    assert client.get(reverse("document_create", args=[1])).status_code == 404  # Wagtail's root
    assert client.get(reverse("document_create", args=[999999])).status_code == 404
    before = DocumentPage.objects.count()
    client.post(
        reverse("document_create", args=[spaces.mkt.pk]),
        {"title": "x", "body": "", "status": "draft", "tags": ""},
    )
    assert DocumentPage.objects.count() == before


def test_listings_hide_what_the_user_may_not_see(org, spaces, make_document, login):
    make_document(spaces.mkt, org.mkt_member, title="市场部机密", tags=["共享"])
    make_document(spaces.rd, org.rd_member, title="研发草稿", status="draft", tags=["共享"])
    make_document(spaces.company_read, org.admin, title="员工守则", tags=["共享"])
    client = login(org.loner)
    pages = [
        client.get("/").content.decode(),
        client.get(reverse("tag", args=["共享"])).content.decode(),
        client.get(reverse("space_list")).content.decode(),
    ]
    for html in pages:
        assert "市场部机密" not in html and "研发草稿" not in html
    assert "员工守则" in pages[1]
    assert "保密项目" not in pages[2]


def test_employees_cannot_use_the_wagtail_admin(org, login):
    response = login(org.rd_head).get("/admin/")
    assert response.status_code in (302, 403)
    assert login(org.admin).get("/admin/").status_code == 200
