"""The chat's demo content (``hub demo``): a conversation in the launch project's room,
across R&D and marketing, with a mention and a document link."""

from __future__ import annotations

from hub.core.models import DocumentPage, SpacePage, User
from plugins.chat.models import Message
from plugins.chat.rooms import room_for_space
from plugins.chat.services import post_message

SPACE = "launch-2026"

CONVERSATION = [
    ("wujing", "大家好，Hub 2.0 发布会定在 9 月 10 日，下周一前请确认各自的排期。"),
    ("liuyang", "市场部这边发布会方案已经在评审了，@zhangwei 接口文档能否周五前给一版？"),
    ("zhangwei", "可以，周五前发到空间里。Search API 的中文分词已经联调通过 👍"),
    ("emilyclark", "For the international press kit I will need the English product sheet too."),
    ("wujing", "好的，英文版产品单页我来安排。"),
]


def load(users: dict[str, User]) -> None:
    """Post the conversation in the launch project's room (once: not if it has messages)."""
    space = SpacePage.objects.filter(slug=SPACE).first()
    if space is None:
        return
    room = room_for_space(space)
    if Message.objects.filter(room=room).exists():
        return
    for username, text in CONVERSATION:
        if username in users:
            post_message(users[username], room, text)
    plan = DocumentPage.objects.filter(space=space).order_by("pk").first()
    if plan is not None and "wujing" in users:
        post_message(users["wujing"], room, f"项目计划在这里：[{plan.title}]({plan.url})")
