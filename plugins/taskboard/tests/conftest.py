"""Fixtures of the task board tests, which need the plugin installed (HUB_PLUGINS must
list plugins.taskboard): tasks on the department-only 研发部 space and the secret space."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.conf import settings

if "plugins.taskboard" not in settings.INSTALLED_APPS:
    # Not enabled (HUB_PLUGINS): the modules would not even import.
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture
def tasks(org, spaces) -> SimpleNamespace:
    """rd_task on 研发部's board; secret_task on the secret board, assigned across
    departments to rd_web (in 前端组, under 研发部) by mkt_member (its editor)."""
    from plugins.taskboard.models import Task

    return SimpleNamespace(
        rd=Task.objects.create(space=spaces.rd, title="发布计划", assignee=org.rd_member,
                               department=org.rd, created_by=org.rd_head),
        secret=Task.objects.create(space=spaces.secret, title="保密评审", assignee=org.rd_web,
                                   department=org.rd_web_dept, created_by=org.mkt_member),
    )  # fmt: skip
