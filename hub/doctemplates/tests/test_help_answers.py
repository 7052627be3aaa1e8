"""Answering help requests of weekly reports: the asked department answers once, the
reporter is notified, the answer shows in the roll-ups and on the report, and the request
keeps its identity when other rows change. Then the way an attacker would try it: a report
one may not read, another department, someone else's answer, forged requests and bad input
all get a clear refusal and change nothing."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from hub.core.documents import save_document
from hub.core.models import Department, DocumentPage, SpaceMembership, User
from hub.doctemplates.helprequests import NOTIFICATION_KIND, requests_of
from hub.doctemplates.models import HelpAnswer, HelpAnswerVersion
from hub.doctemplates.rowkeys import ROW_KEY, keyed_rows
from hub.doctemplates.tests.conftest import WEEK, weekly_values
from hub.notifications.models import Notification

BUDGET = "下季度推广预算的审批口径"
DEMO = "需要研发支持演示环境"


@pytest.fixture
def finance(org):
    """财务部 (fin) with its head and two members; 市场部 gets a head too."""
    fin = Department.objects.create(code="fin", name="财务部", name_en="Finance")

    def person(username, name, department):
        return User.objects.create_user(
            username, f"{username}@example.cn", "x", name=name, department=department
        )

    team = SimpleNamespace(
        dept=fin,
        head=person("fin_head", "周敏", fin),
        member=person("fin_member", "孙丽", fin),
        other=person("fin_other", "吴刚", fin),
        mkt_head=person("mkt_head", "郑洁", org.mkt),
    )
    fin.head = team.head
    fin.save()
    org.mkt.head = team.mkt_head
    org.mkt.save()
    return team


@pytest.fixture
def report(spaces, org, finance, weekly_template, make_templated):
    """刘洋 (marketing) asks finance and R&D for help, in a report everyone may read."""
    values = weekly_values(
        org,
        org.mkt_member,
        help=[
            {"department": finance.dept.pk, "request": BUDGET},
            {"department": org.rd.pk, "request": DEMO},
        ],
    )
    return make_templated(
        spaces.company_read, org.mkt_member, weekly_template, values, title="刘洋周报"
    )


def request_url(document, key: str) -> str:
    return reverse("doctemplates:help_request", args=[document.pk, key])


def key_of(document, text: str) -> str:
    document.refresh_from_db()
    return next(key for key, row in keyed_rows(document.fields["help"]) if row["request"] == text)


def request_item(page: str, key: str) -> str:
    """The part of the report's page showing one request."""
    return re.search(rf'<li id="help-{key}".*?</li>', page, re.S).group(0)


class FormReader(HTMLParser):
    """What a browser sends for the document form: every named input, text area and
    selected option (unticked boxes and buttons send nothing)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.setdefault(self.select, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += (
                data.lstrip("\n") if not self.data[self.textarea][-1] else data
            )


def edit_form(client, document) -> dict[str, list[str]]:
    reader = FormReader()
    reader.feed(client.get(reverse("document_edit", args=[document.pk])).content.decode())
    return reader.data


def answer(client, document, key, reply="可以，按去年的口径", link="", **extra):
    return client.post(request_url(document, key), {"reply": reply, "link": link, **extra})


def test_a_member_of_the_asked_department_answers_and_the_reporter_is_told(
    report, org, finance, spaces, login, make_document
):
    budget_rules = make_document(spaces.company_read, org.admin, title="预算审批规则")
    key = key_of(report, BUDGET)
    client = login(finance.member)
    form = client.get(request_url(report, key))
    assert form.status_code == 200 and BUDGET in form.content.decode()
    response = answer(
        client,
        report,
        key,
        reply="可以，**按去年的口径**。",
        link=budget_rules.url,
        next="/rollups/",
    )
    assert response.status_code == 302 and response["Location"] == "/rollups/"

    saved = HelpAnswer.objects.get()
    assert (saved.document, saved.row_key, saved.department) == (report, key, finance.dept)
    assert saved.answered_by == finance.member and saved.linked_document == budget_rules
    assert saved.request_text == BUDGET and saved.asked_at <= saved.answered_at
    assert saved.versions.count() == 1
    told = Notification.objects.get(user=org.mkt_member)
    assert told.kind == NOTIFICATION_KIND and BUDGET in told.text and "孙丽" in told.text
    assert told.url == f"{report.url}#help-{key}"
    assert PageLogEntry.objects.filter(page=report, action="doctemplates.help_answered").exists()

    # The reporter sees it on the report; the link shows the document by its title.
    page = login(org.mkt_member).get(report.url).content.decode()
    assert f'id="help-{key}"' in page and "<strong>按去年的口径</strong>" in page
    assert "预算审批规则" in page and "Not answered yet" in page  # R&D has not answered
    # Finance's roll-up lists it under what others need, answered.
    rollup = client.get(
        reverse("doctemplates:department_rollup", args=[finance.dept.pk]), {"week": WEEK}
    ).content.decode()
    section = rollup[rollup.index('id="help-for-us"') :]
    assert BUDGET in section and "Answered" in section and "Change the answer" in section
    # Marketing's roll-up shows its request answered, by whom.
    mine = (
        login(finance.mkt_head)
        .get(reverse("doctemplates:department_rollup", args=[org.mkt.pk]), {"week": WEEK})
        .content.decode()
    )
    assert "按去年的口径" in mine and "孙丽" in mine


def test_the_answerer_changes_the_answer_with_a_trace(report, org, finance, login):
    key = key_of(report, BUDGET)
    client = login(finance.member)
    answer(client, report, key, reply="第一版答复")
    assert answer(client, report, key, reply="第二版答复", link="/rollups/").status_code == 302
    saved = HelpAnswer.objects.get()
    assert saved.reply == "第二版答复" and saved.link == "/rollups/" and saved.edited_at
    assert [v.reply for v in saved.versions.all()] == ["第一版答复", "第二版答复"]
    history = client.get(request_url(report, key)).content.decode()
    assert (
        "第一版答复" in history and "第二版答复" in history and "History of the answer" in history
    )
    assert Notification.objects.filter(user=org.mkt_member).count() == 2
    assert PageLogEntry.objects.filter(action="doctemplates.help_answer_changed").count() == 1


def test_requests_keep_their_identity_when_other_rows_change(report, org, finance, login):
    # The report was written without row keys (as importers and the demo write it).
    assert all(ROW_KEY not in row for row in report.fields["help"])
    key = key_of(report, BUDGET)
    answer(login(finance.member), report, key)
    client = login(org.mkt_member)
    data = edit_form(client, report)
    assert data["f-help-0-_key"] == [key] and data["f-help-1-request"] == [DEMO]
    # The rows come back swapped (as a client that reorders rows sends them) and another
    # field changes: the answer follows its row.
    for column in ("department", "request", "_key"):
        first, second = f"f-help-0-{column}", f"f-help-1-{column}"
        data[first], data[second] = data[second], data[first]
    data["f-progress-0-item"] = ["改过的进展"]
    assert client.post(reverse("document_edit", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert [row["request"] for row in report.fields["help"]] == [DEMO, BUDGET]
    assert report.fields["help"][1][ROW_KEY] == key  # the derived key is now stored
    # The row before it is removed and a new one added: still answered, the new one not.
    data = edit_form(client, report)
    data.update(
        {
            "f-help-0-DELETE": ["on"],
            "f-help-2-department": [str(org.rd.pk)],
            "f-help-2-request": ["新的请求"],
        }
    )
    assert client.post(reverse("document_edit", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    found = {found.text: found for found in requests_of(report)}
    assert list(found) == [BUDGET, "新的请求"]
    assert found[BUDGET].answer is not None and found["新的请求"].answer is None

    # Rewording the request keeps the answer and says what it answered.
    budget_row, new_row = report.fields["help"]
    fields = {**report.fields, "help": [{**budget_row, "request": "改写后的请求"}, new_row]}
    save_document(report, org.mkt_member, report.title, report.body, "published", [], fields=fields)
    page = client.get(report.url).content.decode()
    assert "The request was changed after this answer; it read: " + BUDGET in page
    # Asking another department instead: finance's answer no longer counts for the row.
    report.refresh_from_db()
    retargeted = {**fields["help"][0], "department": org.rd.pk}
    fields = {**report.fields, "help": [retargeted, new_row]}
    save_document(report, org.mkt_member, report.title, report.body, "published", [], fields=fields)
    report.refresh_from_db()
    assert all(found.answer is None for found in requests_of(report))
    page = client.get(report.url).content.decode()
    assert "Earlier answers to requests since removed or changed" in page
    rollup = (
        login(finance.member)
        .get(reverse("doctemplates:department_rollup", args=[finance.dept.pk]), {"week": WEEK})
        .content.decode()
    )
    assert "改写后的请求" not in rollup[rollup.index('id="help-for-us"') :]


def test_copying_forward_carries_no_answers(report, org, finance, spaces, login):
    answer(login(finance.member), report, key_of(report, BUDGET))
    client = login(org.mkt_member)
    url = reverse("document_create", args=[spaces.company_read.pk]) + f"?copy_from={report.pk}"
    data = FormReader()
    data.feed(client.get(url).content.decode())
    assert BUDGET not in str(data.data)
    assert data.data["f-help-INITIAL_FORMS"] == ["0"] and data.data["f-help-0-_key"] == [""]
    # Next week asks finance the same thing again: a new request, not answered.
    data.data.update(
        {
            "f-help-TOTAL_FORMS": ["1"],
            "f-help-0-department": [str(finance.dept.pk)],
            "f-help-0-request": [BUDGET],
            "status": ["published"],
        }
    )
    assert client.post(url, data.data).status_code == 302
    following = DocumentPage.objects.exclude(pk=report.pk).get()
    assert following.fields["week"] == "2026-W20"
    assert [found.answer for found in requests_of(following)] == [None]
    assert not HelpAnswer.objects.filter(document=following).exists()


def test_nobody_outside_the_asked_department_can_answer(
    report, org, finance, spaces, login, weekly_template, make_templated
):
    key = key_of(report, BUDGET)
    # R&D may read the report but is not finance: a clear refusal, nothing saved.
    refused = answer(login(org.rd_member), report, key)
    assert refused.status_code == 403
    assert "Only members of Finance can answer this request." in refused.content.decode()
    # An admin is no member of finance either.
    assert answer(login(org.admin), report, key).status_code == 403
    assert not HelpAnswer.objects.exists()
    # On the report, R&D is offered to answer its own request, not finance's.
    page = login(org.rd_member).get(report.url).content.decode()
    assert "data-help-answer-link" not in request_item(page, key)
    assert "data-help-answer-link" in request_item(page, key_of(report, DEMO))

    # Someone else's answer cannot be changed, even by their colleague or head.
    answer(login(finance.member), report, key, reply="孙丽的答复")
    for colleague in (finance.other, finance.head):
        response = answer(login(colleague), report, key, reply="改掉它")
        assert (
            response.status_code == 403
            and "孙丽 answered this request" in response.content.decode()
        )
    assert HelpAnswer.objects.get().reply == "孙丽的答复" and HelpAnswerVersion.objects.count() == 1

    # A report finance may not read: the request does not exist for them.
    hidden = make_templated(
        spaces.mkt,
        org.mkt_member,
        weekly_template,
        weekly_values(
            org, org.mkt_member, help=[{"department": finance.dept.pk, "request": "保密请求"}]
        ),
        title="市场内部周报",
    )
    hidden_key = key_of(hidden, "保密请求")
    assert login(finance.member).get(request_url(hidden, hidden_key)).status_code == 404
    assert answer(login(finance.member), hidden, hidden_key).status_code == 404
    # A draft is not filed yet: it cannot be answered by those who may see it.
    draft = make_templated(
        spaces.company_edit,
        org.mkt_member,
        weekly_template,
        weekly_values(
            org, org.mkt_member, help=[{"department": finance.dept.pk, "request": "草稿里的请求"}]
        ),
        title="草稿周报",
        status="draft",
    )
    draft_key = key_of(draft, "草稿里的请求")
    response = answer(login(finance.member), draft, draft_key)
    assert response.status_code == 403 and "This report is a draft" in response.content.decode()
    assert HelpAnswer.objects.count() == 1


def test_forged_posts_are_refused(report, org, finance, spaces, login, make_document):
    key = key_of(report, BUDGET)
    client = login(finance.member)
    assert answer(client, report, "no-such-row").status_code == 404
    assert client.post(f"/rollups/help/{report.pk}/..%2Fx/", {"reply": "x"}).status_code == 404
    plain = make_document(spaces.company_read, org.admin, title="普通文档")
    assert answer(client, plain, key).status_code == 404
    assert (
        client.post(
            reverse("doctemplates:help_request", args=[999999, key]), {"reply": "x"}
        ).status_code
        == 404
    )
    # Without the CSRF token a browser's forged cross-site POST is refused.
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(finance.member)
    assert csrf_client.post(request_url(report, key), {"reply": "伪造"}).status_code == 403
    # Logged out: sent to log in.
    assert Client().post(request_url(report, key), {"reply": "x"}).status_code == 302
    # An outside address after answering is not followed.
    response = answer(client, report, key, next="https://evil.example/")
    assert response["Location"] == f"{report.url}#help-{key}"
    assert HelpAnswer.objects.count() == 1


@pytest.mark.parametrize(
    ("reply", "link", "error"),
    [
        ("", "", "Write a reply."),
        ("   ", "", "Write a reply."),
        ("长" * 2001, "", "Ensure this value has at most 2000 characters (it has 2001)."),
        ("好", "https://evil.example/docs/1/", "Link to a document or task of this hub"),
        ("好", "javascript:alert(1)", "Link to a document or task of this hub"),
        ("好", "//evil.example/x", "Link to a document or task of this hub"),
        ("好", "/no/such/page/", "No document or page of the hub that you may open"),
        ("好", "SECRET", "No document or page of the hub that you may open"),
    ],
)
def test_bad_answers_get_a_clear_error_and_change_nothing(
    report, org, finance, spaces, login, make_document, reply, link, error
):
    if link == "SECRET":
        link = make_document(spaces.secret, org.mkt_member, title="收购方案").url
    key = key_of(report, BUDGET)
    response = answer(login(finance.member), report, key, reply=reply, link=link)
    assert response.status_code == 400 and error in response.content.decode()
    assert not HelpAnswer.objects.exists() and not Notification.objects.exists()


def test_replies_are_rendered_safely_and_links_respect_the_reader(
    report, org, finance, spaces, login, make_document
):
    secret = make_document(spaces.secret, org.mkt_member, title="收购方案")
    key = key_of(report, BUDGET)
    # Finance may open the secret document (a member of its space)...
    SpaceMembership.objects.create(space=spaces.secret, user=finance.member, role="viewer")
    reply = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    absolute = f"http://testserver{secret.url}"
    assert answer(login(finance.member), report, key, reply=reply, link=absolute).status_code == 302
    assert HelpAnswer.objects.get().linked_document == secret
    # ...R&D's head may read the report but not the secret space: no title, no link.
    page = login(org.rd_head).get(report.url).content.decode()
    shown = page[page.index('id="help-answers"') :]
    assert "<script>alert" not in shown and 'href="javascript' not in shown
    assert "<img" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "收购方案" not in page and "Linked: a document you may not open." in page
    assert "收购方案" in login(finance.member).get(report.url).content.decode()


def test_an_archived_report_is_not_answered(report, finance, spaces, login):
    key = key_of(report, BUDGET)
    spaces.company_read.archived_at = timezone.now()
    spaces.company_read.save()
    response = answer(login(finance.member), report, key)
    assert response.status_code == 403
    assert "This report is archived" in response.content.decode()
    assert not HelpAnswer.objects.exists()
