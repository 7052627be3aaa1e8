"""New from template, editing, the field header, diffs and copy forward, through the real
pages (Django's test client); bad values of every field type are refused with a clear
error, nothing is saved and nothing typed is lost."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Revision

from hub.core.documents import save_document
from hub.core.models import DocumentPage
from hub.doctemplates.fields import field_rows
from hub.doctemplates.models import DocumentTemplate
from hub.doctemplates.rowkeys import ROW_KEY, is_key
from hub.doctemplates.tests.conftest import WEEK, minutes_post, rows_data, weekly_values


def without_keys(rows: list[dict]) -> list[dict]:
    """Rows as typed: every row saved through the form has its key (``rowkeys``)."""
    assert all(is_key(row[ROW_KEY]) for row in rows)
    return [{name: value for name, value in row.items() if name != ROW_KEY} for row in rows]


def create_url(parent, template) -> str:
    return reverse("document_create", args=[parent.pk]) + f"?template={template.pk}"


def test_space_offers_new_from_template_and_lists_the_builtins(spaces, org, login):
    client = login(org.rd_member)
    space_page = client.get(spaces.rd.url).content.decode()
    choose = reverse("doctemplates:choose", args=[spaces.rd.pk])
    assert choose in space_page and "New from template" in space_page
    listing = client.get(choose).content.decode()
    assert "Meeting minutes" in listing and "Weekly report" in listing
    chinese = login(org.rd_member, language="zh-hans").get(choose).content.decode()
    assert "会议纪要" in chinese and "周报" in chinese


def test_viewer_cannot_create_from_template(spaces, org, login, minutes_template):
    client = login(org.rd_member)  # a viewer of the secret space
    assert client.get(reverse("doctemplates:choose", args=[spaces.secret.pk])).status_code == 403
    response = client.post(create_url(spaces.secret, minutes_template), minutes_post(org))
    assert response.status_code == 403
    assert not DocumentPage.objects.filter(template=minutes_template).exists()


def test_form_shows_typed_pickers(spaces, org, login, minutes_template):
    page = login(org.rd_member).get(create_url(spaces.rd, minutes_template)).content.decode()
    assert 'type="datetime-local" name="f-when"' in page
    assert 'name="f-attendees"' in page and "multiple" in page
    assert 'name="f-actions-0-due"' in page and 'type="date"' in page
    assert "Add more rows" in page and "## 备注" in page  # the skeleton fills the body
    assert f'<option value="{org.rd_member.pk}"' in page
    assert f'<option value="{org.gone.pk}"' not in page  # people who left are not offered


def test_create_minutes_from_template(spaces, org, login, minutes_template):
    client = login(org.rd_member)
    response = client.post(create_url(spaces.rd, minutes_template), minutes_post(org))
    assert response.status_code == 302
    document = DocumentPage.objects.get(template=minutes_template)
    assert document.fields["when"] == "2026-05-14T14:00"
    assert document.fields["attendees"] == [org.rd_member.pk, org.rd_web.pk]
    assert without_keys(document.fields["actions"]) == [
        {"what": "评审离线合并方案", "owner": org.rd_web.pk, "due": "2026-05-20", "status": "open"}
    ]
    page = client.get(document.url).content.decode()
    assert "Attendees" in page and "张伟" in page and "李娜" in page
    assert "评审离线合并方案" in page and "2026-05-14 14:00" in page
    revision = Revision.page_revisions.get(object_id=str(document.pk))
    assert revision.content["fields"]["place"] == "三楼会议室"


def test_field_rows_in_the_request_language(spaces, org, minutes_template, make_templated):
    from django.utils import translation

    values = {
        "when": "2026-05-14T14:00",
        "organiser": org.rd_head.pk,
        "attendees": [org.rd_member.pk],
        "actions": [
            {"what": "签约", "owner": org.rd_web.pk, "due": "2026-05-21", "status": "done"}
        ],
    }
    document = make_templated(spaces.rd, org.rd_member, minutes_template, values)
    with translation.override("en"):
        rows = dict(field_rows(document))
        assert rows["Date and time"] == "2026-05-14 14:00"
        assert rows["Organiser"] == "王芳"
        assert rows["Action items"] == [
            ["What", "Owner", "Due date", "Status"],
            ["签约", "李娜", "2026-05-21", "Done"],
        ]
        assert rows["Place"] == ""
    with translation.override("zh-hans"):
        rows = dict(field_rows(document))
        assert rows["行动项"][1] == ["签约", "李娜", "2026-05-21", "已完成"]
    plain = make_templated(spaces.rd, org.rd_member, None, {}, title="无模板")
    assert field_rows(plain) == []


BAD_VALUES = [
    ("f-when", "明天下午", "Enter a valid date/time."),
    ("f-when", "", "This field is required."),
    ("f-place", "长" * 501, "Ensure this value has at most 500 characters"),
    ("f-organiser", "999999", "Select a valid choice."),
    ("f-attendees", ["999999"], "Select a valid choice."),
    ("f-agenda", "议" * 20001, "Ensure this value has at most 20000 characters"),
]


@pytest.mark.parametrize(("name", "value", "error"), BAD_VALUES)
def test_bad_minutes_values_are_refused_and_kept(
    spaces, org, login, minutes_template, name, value, error
):
    client = login(org.rd_member)
    response = client.post(
        create_url(spaces.rd, minutes_template), minutes_post(org, **{name: value})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert not DocumentPage.objects.exists()
    # What was typed elsewhere is still in the form.
    assert "三楼会议室" in page or name == "f-place"
    assert "评审离线合并方案" in page and "研发周会纪要 2026-05-14" in page


def test_a_deactivated_person_cannot_be_chosen(spaces, org, login, minutes_template):
    response = login(org.rd_member).post(
        create_url(spaces.rd, minutes_template),
        minutes_post(org, **{"f-organiser": str(org.gone.pk)}),
    )
    assert "Select a valid choice." in response.content.decode()
    assert not DocumentPage.objects.exists()


ROW_ERRORS = [
    ({"what": "没有负责人", "owner": "", "due": "", "status": ""}, "This column is required."),
    (
        {"what": "日期错误", "owner": "OWNER", "due": "2026-13-45", "status": ""},
        "Enter a valid date.",
    ),
    (
        {"what": "状态错误", "owner": "OWNER", "due": "", "status": "later"},
        "Select a valid choice.",
    ),
    ({"what": "", "owner": "OWNER", "due": "2026-05-20", "status": ""}, "This column is required."),
]


@pytest.mark.parametrize(("row", "error"), ROW_ERRORS)
def test_bad_action_rows_are_refused(spaces, org, login, minutes_template, row, error):
    row = {key: str(org.rd_web.pk) if value == "OWNER" else value for key, value in row.items()}
    data = minutes_post(org, **rows_data("actions", [row]))
    response = login(org.rd_member).post(create_url(spaces.rd, minutes_template), data)
    page = response.content.decode()
    assert error in page
    assert not DocumentPage.objects.exists()
    if row["what"]:
        assert row["what"] in page


WEEKLY_BAD = [
    ("f-week", "2026-W60", "Enter a week like 2026-W19."),
    ("f-week", "第19周", "Enter a week like 2026-W19."),
    ("f-team", "999999", "Select a valid choice."),
    ("f-progress-0-percent", "101", "Ensure this value is less than or equal to 100."),
    ("f-progress-0-percent", "-1", "Ensure this value is greater than or equal to 0."),
    ("f-progress-0-percent", "一半", "Enter a whole number."),
    ("f-help-0-department", "abc", "Select a valid choice."),
]


def weekly_post(org, **overrides):
    data = {
        "title": "张伟周报 2026-W19",
        "body": "",
        "tags": "",
        "status": "published",
        "f-reporter": str(org.rd_member.pk),
        "f-team": str(org.rd.pk),
        "f-week": WEEK,
        **rows_data("progress", [{"item": "移动端适配", "percent": "40"}]),
        **rows_data("plan", []),
        **rows_data("risks", []),
        **rows_data("help", [{"department": str(org.mkt.pk), "request": "发布会物料"}]),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("name", "value", "error"), WEEKLY_BAD)
def test_bad_weekly_values_are_refused(spaces, org, login, weekly_template, name, value, error):
    response = login(org.rd_member).post(
        create_url(spaces.rd, weekly_template), weekly_post(org, **{name: value})
    )
    page = response.content.decode()
    assert error in page
    assert "移动端适配" in page and "发布会物料" in page
    assert not DocumentPage.objects.exists()


def test_weekly_number_and_percent_are_stored_as_numbers(spaces, org, login, weekly_template):
    response = login(org.rd_member).post(create_url(spaces.rd, weekly_template), weekly_post(org))
    assert response.status_code == 302
    document = DocumentPage.objects.get()
    assert without_keys(document.fields["progress"]) == [{"item": "移动端适配", "percent": 40}]
    assert without_keys(document.fields["help"]) == [
        {"department": org.mkt.pk, "request": "发布会物料"}
    ]
    assert document.fields["plan"] == [] and document.fields["week"] == WEEK


def test_new_weekly_report_is_prefilled_for_me(spaces, org, login, weekly_template):
    page = login(org.rd_member).get(create_url(spaces.rd, weekly_template)).content.decode()
    assert f'<option value="{org.rd_member.pk}" selected>' in page
    assert f'<option value="{org.rd.pk}" selected>' in page


def test_add_more_rows_saves_nothing_and_keeps_everything(spaces, org, login, minutes_template):
    data = minutes_post(org, _more_rows="actions")
    response = login(org.rd_member).post(create_url(spaces.rd, minutes_template), data)
    page = response.content.decode()
    assert response.status_code == 200 and not DocumentPage.objects.exists()
    assert 'name="f-actions-4-what"' in page  # 2 rows + 3 new blank ones
    assert "评审离线合并方案" in page and "三楼会议室" in page


def test_a_template_of_another_space_or_inactive_is_not_offered(
    spaces, org, login, minutes_template
):
    other = DocumentTemplate.objects.create(
        name="市场模板", kind="other", space=spaces.mkt, fields=[]
    )
    client = login(org.rd_member)
    assert (
        other.display_name
        not in client.get(reverse("doctemplates:choose", args=[spaces.rd.pk])).content.decode()
    )
    assert client.get(create_url(spaces.rd, other)).status_code == 404
    minutes_template.active = False
    minutes_template.save()
    assert client.get(create_url(spaces.rd, minutes_template)).status_code == 404
    assert (
        client.get(reverse("document_create", args=[spaces.rd.pk]) + "?template=abc").status_code
        == 404
    )


def test_edit_keeps_the_fields_and_versions_them(
    spaces, org, login, minutes_template, make_templated
):
    values = {
        "when": "2026-05-14T14:00",
        "organiser": org.rd_head.pk,
        "place": "三楼会议室",
        "attendees": [org.rd_member.pk],
        "absent": [],
        "agenda": "",
        "discussion": "",
        "decisions": "",
        "actions": [],
    }
    document = make_templated(spaces.rd, org.rd_member, minutes_template, values, title="纪要")
    client = login(org.rd_member)
    form = client.get(reverse("document_edit", args=[document.pk])).content.decode()
    assert "三楼会议室" in form and 'value="2026-05-14T14:00"' in form
    # Saving the body only keeps the fields; then the place changes.
    data = minutes_post(
        org, title="纪要", **{"f-place": "五楼会议室", "base_revision": document.latest_revision_id}
    )
    assert client.post(reverse("document_edit", args=[document.pk]), data).status_code == 302
    document.refresh_from_db()
    assert document.fields["place"] == "五楼会议室"
    save_document(document, org.rd_member, "纪要", "只改正文", "published", [])  # e.g. co-editing
    document.refresh_from_db()
    assert document.fields["place"] == "五楼会议室" and document.body == "只改正文"

    revisions = list(Revision.page_revisions.filter(object_id=str(document.pk)).order_by("pk"))
    diff = client.get(
        reverse("document_diff", args=[document.pk]),
        {"from": revisions[0].pk, "to": revisions[-1].pk},
    ).content.decode()
    assert "Place" in diff and "<del>三</del>" in diff and "<ins>五</ins>" in diff
    old = client.get(reverse("revision_view", args=[document.pk, revisions[0].pk])).content.decode()
    assert "三楼会议室" in old and "五楼会议室" not in old


def test_restore_brings_the_old_fields_back(spaces, org, login, minutes_template, make_templated):
    document = make_templated(
        spaces.rd,
        org.rd_member,
        minutes_template,
        {"place": "三楼", "when": "2026-05-14T14:00", "organiser": org.rd_head.pk},
    )
    first = document.latest_revision
    save_document(
        document,
        org.rd_member,
        "文档",
        "",
        "published",
        [],
        fields={**document.fields, "place": "五楼"},
    )
    login(org.rd_member).post(reverse("revision_restore", args=[document.pk, first.pk]))
    document.refresh_from_db()
    assert document.fields["place"] == "三楼"


def test_copy_forward_next_week(spaces, org, login, weekly_template, make_templated):
    values = weekly_values(org, org.rd_member)
    document = make_templated(
        spaces.rd, org.rd_member, weekly_template, values, title="张伟周报 2026-W19", body="小结"
    )
    client = login(org.rd_member)
    page = client.get(document.url).content.decode()
    url = reverse("document_create", args=[spaces.rd.pk]) + f"?copy_from={document.pk}"
    assert url.replace("&", "&amp;") in page or url in page
    form = client.get(url).content.decode()
    assert "张伟周报 2026-W20" in form and 'value="2026-W20"' in form
    assert "接入 jieba 分词" not in form  # done: dropped
    assert 'value="移动端适配"' in form and 'value="40"' in form  # unfinished: kept
    assert 'value="性能测试"' in form  # last week's plan: this week's item
    assert "后端人手紧张" in form and "发布会物料" not in form
    # Someone who may not see the source gets nothing from it.
    assert (
        login(org.mkt_member)
        .get(reverse("document_create", args=[spaces.mkt.pk]) + f"?copy_from={document.pk}")
        .status_code
        == 404
    )
