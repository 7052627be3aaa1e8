"""The small value types that ``hub_register_*`` hooks return.

Each has an ``order``: lists are shown in ascending order; ties keep the order in which
the plugins were called.
"""

from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass, field
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
