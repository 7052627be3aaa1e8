"""Fixtures of the template tests: the built-in templates (installed by the migration),
form data as a browser sends it, and templated documents made through the real save path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hub.core.documents import create_document
from hub.doctemplates.models import DocumentTemplate

WEEK = "2026-W19"


@pytest.fixture
def minutes_template(db) -> DocumentTemplate:
    return DocumentTemplate.objects.get(kind="minutes", space=None, name="会议纪要")


@pytest.fixture
def weekly_template(db) -> DocumentTemplate:
    return DocumentTemplate.objects.get(kind="weekly", space=None, name="周报")


def rows_data(name: str, rows: list[dict[str, Any]], total: int | None = None) -> dict[str, str]:
    """The formset part of a POST for a rows field (``total`` forms, default one per row)."""
    data = {
        f"f-{name}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"f-{name}-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        for column, value in row.items():
            data[f"f-{name}-{index}-{column}"] = value
    return data


def minutes_post(org, **overrides) -> dict[str, Any]:
    """A complete, valid POST of the new-minutes form (Chinese content)."""
    data: dict[str, Any] = {
        "title": "研发周会纪要 2026-05-14",
        "body": "## 备注\n\n会议准时开始。",
        "tags": "会议纪要",
        "status": "published",
        "f-when": "2026-05-14T14:00",
        "f-place": "三楼会议室",
        "f-organiser": str(org.rd_head.pk),
        "f-attendees": [str(org.rd_member.pk), str(org.rd_web.pk)],
        "f-absent": [str(org.mkt_member.pk)],
        "f-agenda": "1. 发布计划\n2. 回归测试",
        "f-discussion": "讨论了离线合并方案。",
        "f-decisions": "功能冻结推迟一周。",
        **rows_data(
            "actions",
            [
                {
                    "what": "评审离线合并方案",
                    "owner": str(org.rd_web.pk),
                    "due": "2026-05-20",
                    "status": "open",
                },
                {"what": "", "owner": "", "due": "", "status": ""},
            ],
        ),
    }
    data.update(overrides)
    return data


def weekly_values(org, reporter, week: str = WEEK, **overrides) -> dict[str, Any]:
    values: dict[str, Any] = {
        "reporter": reporter.pk,
        "team": reporter.department_id,
        "week": week,
        "progress": [
            {"item": "接入 jieba 分词", "percent": 100},
            {"item": "移动端适配", "percent": 40},
        ],
        "plan": [{"item": "性能测试"}],
        "risks": [{"risk": "后端人手紧张", "kind": "risk"}],
        "help": [{"department": org.mkt.pk, "request": "发布会物料"}],
    }
    values.update(overrides)
    return values


@pytest.fixture
def make_templated(org) -> Callable:
    """make_templated(parent, owner, template, values, title=..., status=...) -> document."""

    def make(parent, owner, template, values, title="文档", status="published", body=""):
        return create_document(
            parent, owner, title, body, status, (), template=template, fields=values
        )

    return make
