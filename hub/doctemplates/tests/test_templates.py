"""Template definitions: the built-ins, validation with clear errors, revisions in the
admin, and templates in use that cannot be deleted."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from hub.doctemplates.builtin import MINUTES
from hub.doctemplates.fields import parse_fields
from hub.doctemplates.models import DocumentTemplate


def test_builtins_are_installed(minutes_template, weekly_template):
    assert (
        minutes_template.name_en == "Meeting minutes" and weekly_template.name_en == "Weekly report"
    )
    assert [spec.name for spec in minutes_template.specs()] == [
        "when",
        "place",
        "organiser",
        "attendees",
        "absent",
        "agenda",
        "discussion",
        "decisions",
        "actions",
    ]
    assert [column.name for column in minutes_template.specs()[-1].columns] == [
        "what",
        "owner",
        "due",
        "status",
    ]
    assert {spec.name for spec in weekly_template.specs()} >= {
        "reporter",
        "week",
        "progress",
        "plan",
        "risks",
        "help",
    }


BAD_DEFINITIONS = [
    ("not a list", "The fields must be a list of objects."),
    ([{"name": "x", "type": "colour", "label": "颜色"}], "unknown type 'colour'"),
    ([{"name": "Bad Name", "type": "text", "label": "名"}], "the name must be lower-case letters"),
    ([{"name": "x", "type": "text"}], "a label is required"),
    (
        [{"name": "x", "type": "text", "label": "a"}, {"name": "x", "type": "date", "label": "b"}],
        "is used twice",
    ),
    ([{"name": "x", "type": "choice", "label": "a"}], "needs a non-empty list of choices"),
    (
        [{"name": "x", "type": "choice", "label": "a", "choices": [{"value": "v"}]}],
        "every choice needs a value and a label",
    ),
    (
        [{"name": "x", "type": "rows", "label": "a", "columns": []}],
        "needs a non-empty list of columns",
    ),
    (
        [
            {
                "name": "x",
                "type": "rows",
                "label": "a",
                "columns": [{"name": "y", "type": "rows", "label": "b"}],
            }
        ],
        "unknown type 'rows'",
    ),
    (
        [{"name": "x", "type": "text", "label": "a", "required": "yes"}],
        "required must be true or false",
    ),
    ([{"name": "x", "type": "text", "label": "a", "lable_en": "A"}], "unknown keys lable_en"),
    ([{"name": "x", "type": "text", "label": "a", "columns": []}], "only rows fields have columns"),
]


@pytest.mark.parametrize(("definition", "message"), BAD_DEFINITIONS)
def test_bad_field_lists_are_refused_clearly(db, definition, message):
    with pytest.raises(ValidationError) as error:
        parse_fields(definition)
    assert any(message in text for text in error.value.messages), error.value.messages
    with pytest.raises(ValidationError):
        DocumentTemplate.objects.create(name="坏模板", kind="other", fields=definition)
    assert not DocumentTemplate.objects.filter(name="坏模板").exists()


def test_roll_up_kinds_need_their_fields(db):
    with pytest.raises(ValidationError) as error:
        DocumentTemplate(
            name="周报2", kind="weekly", fields=[{"name": "week", "type": "text", "label": "周"}]
        ).save()
    messages = error.value.message_dict["fields"]
    assert any("needs a field named reporter" in m for m in messages)
    assert any("The field week of a weekly template must have the type week" in m for m in messages)
    no_done = [
        {
            **MINUTES["fields"][-1],
            "columns": [
                *MINUTES["fields"][-1]["columns"][:3],
                {
                    "name": "status",
                    "type": "choice",
                    "label": "状态",
                    "choices": [{"value": "open", "label": "未开始"}],
                },
            ],
        }
    ]
    with pytest.raises(ValidationError, match="value done"):
        DocumentTemplate(name="纪要2", kind="minutes", fields=no_done).save()


def test_admin_edit_makes_a_revision_and_shows_errors(org, minutes_template):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.admin)
    url = reverse("wagtailsnippets_doctemplates_documenttemplate:edit", args=[minutes_template.pk])
    assert client.get(url).status_code == 200
    data = {
        "name": "会议纪要",
        "name_en": "Minutes",
        "kind": "minutes",
        "space": "",
        "description": "",
        "skeleton": "## 备注",
        "fields": '[{"name": "x", "type": "colour", "label": "颜色"}]',
        "active": "on",
    }
    response = client.post(url, data)
    assert "unknown type" in response.content.decode()
    minutes_template.refresh_from_db()
    assert minutes_template.name_en == "Meeting minutes"
    import json

    data["fields"] = json.dumps(MINUTES["fields"], ensure_ascii=False)
    assert client.post(url, data).status_code == 302
    minutes_template.refresh_from_db()
    assert minutes_template.name_en == "Minutes" and minutes_template.revisions.count() == 1


def test_a_template_in_use_cannot_be_deleted(spaces, org, minutes_template, make_templated):
    make_templated(spaces.rd, org.rd_member, minutes_template, {})
    with pytest.raises(ProtectedError):
        minutes_template.delete()
