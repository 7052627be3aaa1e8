"""Archiving: proposals of what nobody touched (once, to the right people), archive and
keep decisions by those allowed only, read-only archived content, search leaving it out
unless asked, and restoring exactly what was there."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from hub.archiving.models import Proposal
from hub.archiving.services import propose
from hub.core.models import DocumentPage
from hub.notifications.models import Notification

LATER = timedelta(days=400)


@pytest.fixture
def old_content(org, spaces, make_document):
    """A draft and a published document in R&D's space, and one in the secret space."""
    return {
        "draft": make_document(spaces.rd, org.rd_member, title="旧草稿", status="draft"),
        "spec": make_document(spaces.rd, org.rd_member, title="旧规范"),
        "secret": make_document(spaces.secret, org.mkt_member, title="旧方案"),
    }


def search(client, query: str, **extra) -> list[str]:
    response = client.get("/search/api/", {"q": query, **extra})
    return [result["title"] for result in response.json()["results"]]


def test_propose_once_tells_the_people_who_may_decide(org, spaces, old_content, make_document):
    make_document(spaces.company_edit, org.mkt_member, title="新文档")  # a space still active
    with time_machine.travel(timezone.now() + LATER):
        make_document(spaces.company_edit, org.mkt_member, title="今天的")
        created = propose()
        again = propose()
    kinds = {(p.space.title if p.space else p.document.title) for p in created}
    # The R&D and secret spaces have been idle as a whole: proposed as spaces, not per document.
    assert {"研发部", "保密项目"} <= kinds and "旧规范" not in kinds and "公司百科" not in kinds
    assert again == []  # open proposals are not made twice
    notified = set(
        Notification.objects.filter(kind="archiving").values_list("user__username", flat=True)
    )
    assert "mkt_member" not in notified or spaces.secret  # space admins of the idle spaces
    assert "loner" not in notified


def test_archive_a_space_makes_it_read_only_hidden_and_restorable(org, spaces, old_content, login):
    call_command("reindex", "--procs", "1", "--no-progress", stdout=StringIO())
    member = login(org.rd_member)
    assert "旧规范" in search(member, "旧规范")
    admin = login(org.admin)
    response = admin.post(reverse("archiving:space", args=[spaces.rd.pk, "archive"]))
    assert response.status_code == 302
    spaces.rd.refresh_from_db()
    assert spaces.rd.archived_at is not None
    assert set(DocumentPage.objects.filter(space=spaces.rd).values_list("status", flat=True)) == {
        "archived"
    }
    # Read-only: editing and creating are refused; still readable.
    spec = old_content["spec"]
    assert member.get(spec.url).status_code == 200
    assert member.get(f"/docs/{spec.pk}/edit/").status_code in (403, 404)
    assert member.get(f"/spaces/{spaces.rd.pk}/new/").status_code in (403, 404)
    # Search leaves it out unless asked.
    assert search(member, "旧规范") == []
    assert search(member, "旧规范", archived="on") == ["旧规范"]

    admin.post(reverse("archiving:space", args=[spaces.rd.pk, "restore"]))
    spaces.rd.refresh_from_db()
    statuses = dict(DocumentPage.objects.filter(space=spaces.rd).values_list("title", "status"))
    assert spaces.rd.archived_at is None and statuses == {"旧草稿": "draft", "旧规范": "published"}
    assert search(member, "旧规范") == ["旧规范"]


def test_only_space_admins_and_owners_decide(org, spaces, old_content, login):
    with time_machine.travel(timezone.now() + LATER):
        propose()
    proposal = Proposal.objects.get(space=spaces.secret)
    # rd_member only views the secret space; mkt_member edits it; neither administers it.
    for person in (org.rd_member, org.mkt_member, org.loner):
        client = login(person)
        url = reverse("archiving:decide", args=[proposal.pk, "archive"])
        assert client.post(url).status_code == 404
        assert "旧方案" not in client.get(reverse("archiving:list")).content.decode()
    spaces.secret.refresh_from_db()
    assert spaces.secret.archived_at is None
    admin = login(org.admin)
    assert "保密项目" in admin.get(reverse("archiving:list")).content.decode()
    with time_machine.travel(timezone.now() + LATER):
        # Signed in then: a session from 400 days before would have expired.
        login(org.admin).post(reverse("archiving:decide", args=[proposal.pk, "keep"]))
    proposal.refresh_from_db()
    assert proposal.decision == "kept" and proposal.decided_by == org.admin
    # Kept: not proposed again until another idle period has passed since the decision.
    with time_machine.travel(timezone.now() + LATER + timedelta(days=30)):
        assert spaces.secret.pk not in {p.space_id for p in propose()}
    with time_machine.travel(timezone.now() + LATER + timedelta(days=366)):
        assert spaces.secret.pk in {p.space_id for p in propose()}


def test_a_document_owner_archives_and_restores_their_document(org, spaces, old_content, login):
    spec = old_content["spec"]
    # rd_web edits R&D's space too (through its department) but does not own the document.
    other_editor = login(org.rd_web)
    assert 'data-action="archive"' not in other_editor.get(spec.url).content.decode()
    url = reverse("archiving:document", args=[spec.pk, "archive"])
    assert other_editor.post(url).status_code == 404
    owner = login(org.rd_member)
    assert 'data-action="archive"' in owner.get(spec.url).content.decode()
    owner.post(url)
    spec.refresh_from_db()
    assert spec.status == "archived"
    assert 'data-action="restore"' in owner.get(spec.url).content.decode()
    owner.post(reverse("archiving:document", args=[spec.pk, "restore"]))
    spec.refresh_from_db()
    assert spec.status == "published"
    assert owner.get(url).status_code == 405


def test_command_lists_and_refuses_bad_days(db, org, spaces, old_content):
    with pytest.raises(CommandError, match="--days"):
        call_command("archive", "propose", "--days", "0")
    out = StringIO()
    with time_machine.travel(timezone.now() + LATER):
        call_command("archive", "propose", "--dry-run", stdout=out)
    assert "研发部" in out.getvalue() and "would be proposed" in out.getvalue()
    assert not Proposal.objects.exists()
