"""Fixtures of the feedback tests: triagers of every kind and a helper to send feedback."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def people(org, spaces) -> SimpleNamespace:
    """The org fixture's people plus rd_space_admin (admin of 研发部's department space but
    neither its head nor in 研发部) and mkt_head (head of 市场部)."""
    from hub.core.models import SpaceMembership, User

    rd_space_admin = User.objects.create_user(
        "rd_space_admin", "rd_space_admin@example.cn", name="周杰", department=org.mkt
    )
    SpaceMembership.objects.create(
        space=spaces.rd, user=rd_space_admin, role=SpaceMembership.Role.ADMIN
    )
    mkt_head = User.objects.create_user(
        "mkt_head", "mkt_head@example.cn", name="孙丽", department=org.mkt
    )
    org.mkt.head = mkt_head
    org.mkt.save()
    return SimpleNamespace(**vars(org), rd_space_admin=rd_space_admin, mkt_head=mkt_head)


@pytest.fixture
def send() -> Callable:
    """send(client, department, **fields) posts the real feedback form; returns the response.

    ``department`` is a Department or a raw form value (to forge one).
    """

    def post(client: Client, department, **fields):
        data = {
            "category": "suggestion",
            "department": getattr(department, "pk", department),
            "subject": "会议室预订",
            "body": "请增加**会议室**。",
            **fields,
        }
        if not data.get("anonymous"):
            data.pop("anonymous", None)
        return client.post(reverse("feedback:send"), data)

    return post
