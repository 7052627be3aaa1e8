"""The audit log: logins, logouts and failed logins, space membership changes, exports
and any Wagtail log entry, on an admin-only page filtered and exported as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, PageLogEntry

from conftest import SECRET
from hub.core.models import SpaceMembership
from hub.ops import audit


def _rows(response) -> list[str]:
    return [row["action"] for row in response.context["rows"]]


def test_logins_logouts_and_failures_are_logged(org, login):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/login/", {"username": "rd_member", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    client.post("/login/", {"username": "nobody", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    client.post("/login/", {"username": "rd_member", "password": SECRET}, REMOTE_ADDR="10.0.0.7")
    client.post("/logout/", REMOTE_ADDR="10.0.0.7")

    entries = ModelLogEntry.objects.order_by("timestamp", "pk")
    assert [(e.action, e.user, e.data["username"], e.data["ip"]) for e in entries] == [
        ("hub.login_failed", None, "rd_member", "10.0.0.7"),
        ("hub.login_failed", None, "nobody", "10.0.0.7"),
        ("hub.login", org.rd_member, "rd_member", "10.0.0.7"),
        ("hub.logout", org.rd_member, "rd_member", "10.0.0.7"),
    ]
    page = login(org.admin).get("/ops/audit/")
    assert page.status_code == 200
    # Newest first, after the admin's own login to read the page.
    assert _rows(page)[:5] == [
        "hub.login",
        "hub.logout",
        "hub.login",
        "hub.login_failed",
        "hub.login_failed",
    ]
    assert "nobody" in page.content.decode()


def test_membership_changes_are_logged_with_who_did_them(spaces, org, login):
    members = f"/spaces/{spaces.secret.pk}/members/"
    logged = PageLogEntry.objects.filter(action__startswith="hub.member", page=spaces.secret)
    before = set(logged.values_list("pk", flat=True))  # the fixture's own memberships
    client = login(org.mkt_member)  # an editor of the space, not its admin
    assert client.post(members, {"user": org.loner.pk, "role": "viewer"}).status_code == 403
    assert set(logged.values_list("pk", flat=True)) == before

    admin = login(org.admin)
    admin.post(members, {"user": org.loner.pk, "role": "viewer"})
    admin.post(members, {"user": org.loner.pk, "role": "editor"})
    membership = SpaceMembership.objects.get(space=spaces.secret, user=org.loner)
    admin.post(f"{members}{membership.pk}/remove/")

    entries = logged.exclude(pk__in=before).order_by("pk")
    seen = [(e.action, e.page_id, e.data["role"], e.data.get("previous_role")) for e in entries]
    assert seen == [
        ("hub.member_added", spaces.secret.pk, "viewer", None),
        ("hub.member_changed", spaces.secret.pk, "editor", "viewer"),
        ("hub.member_removed", spaces.secret.pk, "editor", None),
    ]
    assert all(e.data["member"] == "陈静 (loner)" for e in entries)
    assert {e.user_id for e in entries} == {org.admin.pk}  # the views name who did it
    messages = [row["message"] for row in login(org.admin).get("/ops/audit/").context["rows"]]
    assert "Changed the role of 陈静 (loner) from Viewer to Editor" in messages


def test_as_actor_names_the_user_of_the_request(spaces, org):
    @audit.as_actor
    def view(request):
        SpaceMembership.objects.create(space=spaces.rd, user=org.loner, role="viewer")

    request = RequestFactory().get("/")
    request.user = org.rd_head
    view(request)
    entry = PageLogEntry.objects.filter(action="hub.member_added", page=spaces.rd).first()
    assert entry.data["member"] == "陈静 (loner)" and entry.user == org.rd_head


def test_record_and_plugin_entries_appear(spaces, org, login, make_document):
    document = make_document(spaces.rd, title="导出文档")
    audit.record(org.rd_member, audit.EXPORT, document, format="docx")
    log(document, "wagtail.lock", user=org.rd_head)  # any registered action, e.g. a plugin's
    rows = login(org.admin).get("/ops/audit/").context["rows"]
    by_action = {row["action"]: row for row in rows}
    assert by_action["hub.export"]["message"] == "Exported as docx"
    assert by_action["hub.export"]["person"] == "张伟"
    assert by_action["hub.export"]["object"] == "导出文档"
    assert by_action["wagtail.lock"]["person"] == "王芳"
    with pytest.raises(ValueError):
        audit.record(None, audit.EXPORT)


def test_only_admins_see_the_audit_log(org, login):
    assert login(org.rd_head).get("/ops/audit/").status_code == 403
    assert login(org.rd_head).get("/ops/audit.csv").status_code == 403
    assert Client().get("/ops/audit/").status_code == 302  # to the login page
    assert login(org.admin).get("/ops/audit/").status_code == 200


def test_filters_paging_and_csv(spaces, org, login, make_document):
    document = make_document(spaces.rd, title="周报")
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10)):
        audit.record(org.rd_member, audit.EXPORT, document, format="markdown")
    for _ in range(55):
        audit.record(org.rd_head, audit.EXPORT, document, format="docx")
    client = login(org.admin)

    everything = client.get("/ops/audit/")
    assert everything.context["page"].paginator.count > 56
    second = client.get("/ops/audit/?page=2")
    assert second.context["rows"] and second.context["rows"][0] not in everything.context["rows"]

    by_person = client.get("/ops/audit/", {"person": "rd_member", "action": "hub.export"})
    assert [row["message"] for row in by_person.context["rows"]] == ["Exported as markdown"]
    old_day = timezone.localdate(now - timedelta(days=10))
    by_date = client.get("/ops/audit/", {"start": old_day, "end": old_day})
    assert [row["message"] for row in by_date.context["rows"]] == ["Exported as markdown"]
    page_type = PageLogEntry.objects.filter(action="hub.export").first().content_type_id
    by_type = client.get("/ops/audit/", {"object_type": page_type, "action": "hub.export"})
    assert by_type.context["page"].paginator.count == 56
    user_events = client.get("/ops/audit/", {"object_type": page_type, "action": "hub.login"})
    assert user_events.context["rows"] == []

    backwards = {"start": "2026-05-02", "end": "2026-05-01"}
    wrong = client.get("/ops/audit/", backwards)
    assert wrong.context["rows"] == []
    assert "The start date is after the end date." in wrong.content.decode()
    assert client.get("/ops/audit.csv", backwards).status_code == 400
    assert client.get("/ops/audit/", {"action": "no.such"}).context["rows"] == []

    response = client.get("/ops/audit.csv", {"person": "rd_head"})
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 55
    assert rows[0]["person"] == "王芳" and rows[0]["object"] == "周报"
    assert rows[0]["action"] == "hub.export"


def test_exports_are_logged_for_the_reader(spaces, org, login, make_document):
    document = make_document(spaces.rd, org.rd_member, title="导出记录")
    reader = login(org.rd_member)
    reader.get(f"/docs/{document.pk}/export.md")
    reader.get(f"/docs/{document.pk}/export.docx")
    login(org.loner).get(f"/docs/{document.pk}/export.docx")  # may not read it: 404, no entry
    entries = PageLogEntry.objects.filter(action="hub.export", page=document).order_by("pk")
    assert [(e.user_id, e.data["format"]) for e in entries] == [
        (org.rd_member.pk, "markdown"),
        (org.rd_member.pk, "docx"),
    ]
