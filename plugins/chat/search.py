"""Chat messages on the search page, found only by the people who can read their room:
``visible(user)`` filters on the ``room`` filter field with the rooms ``user`` may read
(space rooms of the spaces they can view, group and direct rooms they are in). Messages of
archived rooms are left out unless the search includes archived content."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hub.core.markdown import html_text
from hub.core.models import User
from hub.items import SearchHit, SearchType
from plugins.chat.models import Message
from plugins.chat.permissions import visible_room_ids


def visible_messages(user: User) -> QuerySet[Message]:
    """The messages ``user`` may read, as a query on ``Message``'s filter fields."""
    rooms = visible_room_ids(user) if user.is_authenticated and user.is_active else []
    return (
        Message.objects.filter(room__in=rooms)
        .select_related("room__space__department", "author")
        .prefetch_related("room__members__user")
    )


def describe(message: Message) -> SearchHit:
    room, space = message.room, message.room.space
    return SearchHit(
        title=room.display_name(),
        url=message.get_absolute_url(),
        text=html_text(message.body_html),
        space=space.title if space else "",
        department=str(space.department) if space and space.department else "",
        author=str(message.author) if message.author else "",
        date=message.created_at,
    )


def message_search_type() -> SearchType:
    return SearchType(
        name="chat",
        label=_("Chat messages"),
        model=Message,
        visible=visible_messages,
        describe=describe,
        space_field="space",
        author_field="author",
        date_field="created_at",
        # Messages of archived rooms only when the search includes archived content.
        current={"archived": False},
        order=60,
    )
