"""``hub demo``: the demo organisation, spaces and documents, loading twice, bad passwords,
and that the demo's documents render and respect permissions."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from wagtail.models import Revision

from hub.core.demo import DemoDataError, read_document
from hub.core.models import Department, DocumentPage, SpaceMembership, SpacePage, User
from hub.core.permissions import visible_documents, visible_spaces

PASSWORD = "demo-password-42"
CJK = re.compile(r"[\u4e00-\u9fff]")
PROJECT_SLUGS = {"launch-2026", "digital-transformation", "partner-portal", "handbook", "wiki"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> str:
    """The demo loaded once for this module (its output), rolled back when the module ends.

    Each test's own ``db`` transaction nests inside, as with Django's setUpTestData. The
    fast hasher is the one conftest gives every test, so the demo's hashes can be checked.
    """
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        out = StringIO()
        call_command("demo", password=PASSWORD, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def snapshot() -> dict[str, object]:
    """Everything the demo writes, counted, plus the admin's password hash."""
    return {
        "departments": Department.objects.count(),
        "people": User.objects.count(),
        "spaces": SpacePage.objects.count(),
        "memberships": SpaceMembership.objects.count(),
        "documents": DocumentPage.objects.count(),
        "revisions": Revision.page_revisions.count(),
        "admin_password": User.objects.get(username="admin").password,
    }


def test_demo_creates_departments_people_spaces_and_documents(demo, db):
    names = set(Department.objects.values_list("name", flat=True))
    assert {"研发部", "市场部", "销售部", "财务部", "运营部", "行政部"} <= names
    assert Department.objects.filter(parent__isnull=False).count() >= 2
    assert not Department.objects.filter(head__isnull=True).exists()
    assert 28 <= User.objects.filter(is_superuser=False, is_active=True).count() <= 35
    assert User.objects.get(username="admin").is_superuser

    slugs = set(SpacePage.objects.values_list("slug", flat=True))
    assert {"rd", "marketing", "sales", "finance", "ops", "administration"} <= slugs
    assert slugs >= PROJECT_SLUGS
    assert SpacePage.objects.get(slug="handbook").visibility == SpacePage.Visibility.COMPANY_READ
    assert SpacePage.objects.get(slug="wiki").visibility == SpacePage.Visibility.COMPANY_EDIT

    documents = list(DocumentPage.objects.all())
    assert len(documents) >= 45
    chinese = [doc for doc in documents if CJK.search(doc.body)]
    english = [doc for doc in documents if not CJK.search(doc.title)]
    assert len(chinese) >= 30 and len(english) >= 10
    assert {doc.space.slug for doc in documents} >= PROJECT_SLUGS | {"rd", "sales", "finance"}
    assert {doc.status for doc in documents} == set(DocumentPage.Status.values)
    assert DocumentPage.objects.filter(depth__gt=4).count() >= 5  # sub-pages

    authors_by_document = [
        set(Revision.page_revisions.filter(object_id=str(doc.pk)).values_list("user", flat=True))
        for doc in documents
    ]
    assert sum(len(authors) >= 2 for authors in authors_by_document) >= 15

    assert "http://127.0.0.1:8000/" in demo
    assert "wangfang" in demo and "liqiang" in demo and PASSWORD in demo


def test_admin_and_demo_people_log_in_with_the_password(demo, db):
    for username in ("admin", "wangfang", "liqiang", "emilyclark"):
        assert Client().login(username=username, password=PASSWORD), username


def test_a_revision_is_a_real_edit_by_its_author(demo, db, login):
    document = DocumentPage.objects.get(title="代码评审规范")
    revisions = list(
        Revision.page_revisions.filter(object_id=str(document.pk)).order_by("created_at", "pk")
    )
    assert [revision.user.username for revision in revisions] == ["zhangwei", "lina", "wangfang"]
    assert "4 个工作小时" in document.body
    response = login(document.owner).get(
        f"/docs/{document.pk}/diff/?from={revisions[0].pk}&to={revisions[-1].pk}"
    )
    assert response.status_code == 200
    assert "<ins>（自动生成的文件、锁文件除外）</ins>" in response.content.decode()


def test_running_it_again_adds_nothing(demo, db):
    before = snapshot()
    out = StringIO()
    call_command("demo", password=PASSWORD, stdout=out)
    after = snapshot()
    # The password is hashed again (a new salt), so only the counts are compared.
    assert {**after, "admin_password": None} == {**before, "admin_password": None}
    assert "Documents: 0 created" in out.getvalue()
    assert Client().login(username="admin", password=PASSWORD)


def test_if_empty_on_a_loaded_site_adds_nothing_but_prints_the_logins(demo, db):
    before = snapshot()
    out = StringIO()
    call_command("demo", "--if-empty", password="another-password-7", stdout=out)
    assert snapshot() == before
    assert "not loaded" in out.getvalue()
    assert "admin" in out.getvalue() and "http://127.0.0.1:8000/" in out.getvalue()


@pytest.mark.parametrize("password", ["short", "1234567", "password"])
def test_a_weak_password_is_refused_and_changes_nothing(demo, db, password):
    before = snapshot()
    with pytest.raises(CommandError, match="password is not accepted"):
        call_command("demo", password=password, stdout=StringIO())
    assert snapshot() == before


def test_a_missing_password_is_refused(demo, db, monkeypatch):
    monkeypatch.delenv("HUB_DEMO_PASSWORD", raising=False)
    before = snapshot()
    with pytest.raises(CommandError, match="--password"):
        call_command("demo", stdout=StringIO())
    assert snapshot() == before


def test_every_demo_document_renders_for_its_owner(demo, db, login):
    clients: dict[int, Client] = {}
    for document in DocumentPage.objects.select_related("owner"):
        client = clients.setdefault(document.owner_id, login(document.owner))
        response = client.get(document.url)
        assert response.status_code == 200, document.title
        assert document.title in response.content.decode()
    table_doc = DocumentPage.objects.get(title="Partner discount policy")
    assert "<table>" in login(table_doc.owner).get(table_doc.url).content.decode()


def test_a_sales_employee_cannot_see_a_project_they_are_not_in(demo, db, login):
    launch = SpacePage.objects.get(slug="launch-2026")
    document = DocumentPage.objects.filter(space=launch, status="published").first()
    outsider = User.objects.get(username="liqiang")  # 销售部 / 华北大区
    member = User.objects.get(username="linhao")  # 销售部 / 华东大区, viewer of the project
    assert outsider.department.parent.name == "销售部"

    assert launch not in visible_spaces(outsider)
    assert not visible_documents(outsider).filter(space=launch).exists()
    client = login(outsider)
    assert client.get(launch.url).status_code == 404
    assert client.get(document.url).status_code == 404
    assert client.get(f"/docs/{document.pk}/history/").status_code == 404
    assert launch.title not in client.get("/spaces/").content.decode()

    assert login(member).get(document.url).status_code == 200
    handbook = DocumentPage.objects.filter(space__slug="handbook").first()
    assert client.get(handbook.url).status_code == 200


def test_a_bad_demo_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text(
        "---\ntitle: T\nowner: lina\nstatus: published\n"
        "revisions:\n  - author: zhaolei\n    edits: [{find: missing, replace: x}]\n---\nbody\n",
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError, match="must find its text exactly once"):
        read_document(path)
