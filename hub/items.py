"""The small value types that ``hub_register_*`` hooks return.

Each has an ``order``: lists are shown in ascending order; ties keep the order in which
the plugins were called.
"""

from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class NavItem:
    """A link in the header navigation."""

    name: str
    label: str
    url: str
    order: int = 100


@dataclass
class Widget:
    """A box on the home dashboard, rendered from a template with the given context."""

    name: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass
class Action:
    """A button on a document page. ``method="post"`` renders a form with a CSRF token."""

    name: str
    label: str
    url: str
    method: str = "get"
    order: int = 100


@dataclass
class Fragment:
    """Trusted HTML inserted into a named template slot (plugins escape what they insert)."""

    html: str
    order: int = 100


@dataclass
class Subcommand:
    """A subcommand of ``hub import`` or ``hub report``.

    ``add_arguments`` receives an argparse parser; ``handle`` receives the parsed options as
    a dict and a writable ``stdout`` and raises ``django.core.management.CommandError``
    with a clear message on bad input.
    """

    name: str
    help: str
    add_arguments: Callable[[ArgumentParser], None]
    handle: Callable[..., None]
    order: int = 100


@dataclass
class SearchHit:
    """What the search page shows for one hit; built by a ``SearchType``'s ``describe``.

    ``text`` is the plain text the highlighted snippet is cut from (the page escapes it).
    ``author`` stays empty where the author must not be shown (anonymous feedback).
    """

    title: str
    url: str
    text: str = ""
    space: str = ""
    department: str = ""
    author: str = ""
    date: datetime | None = None


@dataclass
class SearchType:
    """A kind of content the search page searches (documents, feedback, tasks…).

    ``model`` is a model indexed for Wagtail search (``wagtail.search.index.Indexed``).
    ``visible(user)`` returns the objects ``user`` may see as a query built from the
    model's ``FilterField``s: the search runs on it, so permission filtering happens
    inside the query, before counting. ``describe(obj)`` turns a hit into a ``SearchHit``.
    The ``*_field`` names say which filters apply (each a ``FilterField``; ``None``: the
    filter does not apply, and the type drops out of results while it is set). A type with
    a ``space_field`` and no ``department_field`` is filtered by its space's department.
    """

    name: str
    label: str
    model: type
    visible: Callable[[Any], Any]
    describe: Callable[[Any], SearchHit]
    space_field: str | None = None
    department_field: str | None = None
    author_field: str | None = None
    date_field: str | None = None
    # Lookups on FilterFields keeping only current content: archived content is left out
    # unless the search includes it (e.g. {"status__in": ["draft", "published"]}).
    current: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass
class NotificationKind:
    """Something people are notified about (approvals, tasks, mentions…).

    People choose, per kind, which channels bring it to them beyond the notification centre.
    """

    name: str
    label: str
    order: int = 100


@dataclass
class NotificationChannel:
    """A way notifications reach people besides the centre in the header (email, a webhook…).

    ``deliver(notifications)`` receives the notifications of one ``send_notification`` call
    that their people want through this channel, after the transaction commits (each has a
    ``subject``, a short title, besides ``text`` and ``url``); it raises
    nothing it can handle itself (a failure is logged and the others still deliver).
    ``default`` is whether people who have not chosen get it.
    """

    name: str
    label: str
    deliver: Callable[[list[Any]], None]
    default: bool = True
    order: int = 100


@dataclass
class Points:
    """Points a person earned towards the monthly collaboration stars, and for what."""

    user_id: int
    points: int
    reason: str


@dataclass
class ReportSection:
    """A section of the monthly operations report: a heading and Markdown (tables welcome)."""

    title: str
    markdown: str
    order: int = 100


@dataclass
class ArchiveItem:
    """One thing an ``ArchiveType`` archives, as the archiving page and notices show it.

    ``key`` names it within its type (a string, kept on the proposal). ``owners`` are the
    people told when it is proposed and the only ones who may archive, keep or restore it.
    """

    key: str
    label: str
    url: str
    owners: list[Any]
    last_activity: datetime | None = None


@dataclass
class ArchiveType:
    """A kind of thing, besides spaces and documents, that archiving proposes when nobody
    used it for ``HUB_ARCHIVE_AFTER_DAYS`` (chat rooms…).

    ``idle(cutoff)`` returns the items not archived with no activity since ``cutoff``;
    ``find(key)`` one item, archived or not (None if there is no such thing);
    ``archived(user)`` the archived items ``user`` owns. ``archive(key, user)`` and
    ``restore(key, user)`` return False when there was nothing to change; the hub checks
    that ``user`` owns the item before calling them. ``counted(n)`` says how many in a
    sentence ("3 chat rooms", with ``ngettext``).
    """

    name: str
    label: str
    idle: Callable[[datetime], list[ArchiveItem]]
    find: Callable[[str], ArchiveItem | None]
    archived: Callable[[Any], list[ArchiveItem]]
    archive: Callable[[str, Any], bool]
    restore: Callable[[str, Any], bool]
    counted: Callable[[int], str]
    order: int = 100
