"""A document submitted for approval: the button for its editors, the revision frozen at
submission, the approved revision retrievable after the document changed, shown to the
request's approvers even where they cannot open the document itself."""

from __future__ import annotations

import re

from hub.core.documents import save_document
from plugins.approvals.models import Request, Status

from .conftest import budget_data


def action_link(html: str) -> str | None:
    match = re.search(r'<a class="button" href="([^"]*)" data-action="approvals_submit"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_a_document_is_approved_at_its_submitted_revision(
    people, spaces, make_document, login, budget_flow, act
):
    plan = make_document(spaces.mkt, people.mkt_member, title="车展方案", body="预算 **三万**")
    submitted_revision = plan.latest_revision_id
    author = login(people.mkt_member)

    link = action_link(author.get(plan.url).content.decode())
    assert link == f"/approvals/new/?document={plan.pk}"
    chooser = author.get(link).content.decode()
    assert f"/approvals/new/{budget_flow.pk}/?document={plan.pk}" in chooser
    response = author.post(f"/approvals/new/{budget_flow.pk}/?document={plan.pk}", budget_data())
    assert response.status_code == 302
    approval = Request.objects.get()
    assert approval.document_id == plan.pk and approval.revision_id == submitted_revision

    # The document changes while it is being approved.
    save_document(plan, people.mkt_member, "车展方案", "预算 **十万**", "published", [])
    act(login(people.fin_clerk), approval, "approve")
    act(login(people.gm), approval, "approve")
    approval.refresh_from_db()
    assert approval.status == Status.APPROVED
    assert approval.approved_revision_id == submitted_revision

    url = f"/approvals/{approval.pk}/revisions/{submitted_revision}/"
    for user in (people.mkt_member, people.fin_clerk, people.gm):
        html = login(user).get(url).content.decode()
        assert "<strong>三万</strong>" in html and "十万" not in html, user
        assert "Approved revision" in html
    # The finance clerk may not open the members-only document itself.
    assert login(people.fin_clerk).get(plan.url).status_code == 404
    assert login(people.loner).get(url).status_code == 404
    # Another revision of the document is not reachable through the request.
    plan.refresh_from_db()
    later = f"/approvals/{approval.pk}/revisions/{plan.latest_revision_id}/"
    assert login(people.mkt_member).get(later).status_code == 404
    # The document page lists its approvals with the approved revision.
    page = author.get(plan.url).content.decode()
    assert 'id="approvals-of-document"' in page and url in page


def test_only_editors_may_submit_a_document(people, spaces, make_document, login, budget_flow):
    handbook = make_document(spaces.company_read, people.mkt_member, title="员工手册")
    reader = login(people.rd_member)

    assert action_link(reader.get(handbook.url).content.decode()) is None
    assert reader.get(f"/approvals/new/?document={handbook.pk}").status_code == 403
    forged = reader.post(f"/approvals/new/{budget_flow.pk}/?document={handbook.pk}", budget_data())
    assert forged.status_code == 403
    hidden = make_document(spaces.secret, people.mkt_member, title="保密")
    assert reader.get(f"/approvals/new/?document={hidden.pk}").status_code == 403  # a viewer
    assert login(people.mkt_member).get(f"/approvals/new/?document={hidden.pk}").status_code == 200
    assert login(people.loner).get(f"/approvals/new/?document={hidden.pk}").status_code == 404
    assert login(people.loner).get("/approvals/new/?document=x").status_code == 404
    assert not Request.objects.exists()
