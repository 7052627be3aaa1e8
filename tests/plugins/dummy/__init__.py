"""The dummy plugin: implements every ``hub_*`` hook and records each call for the tests.

It is laid out like a real plugin (``hub_hooks.py``, ``views.py``, ``urls.py``,
``templates/dummy/``) but is not an installed app: tests register it with
``hub.testing.registered_plugin`` and add ``TEMPLATES`` to the template dirs. Behaviour
that changes what core pages show (hiding or granting documents, editing the navigation)
is off unless switched on through ``HUB_PLUGIN_CONFIG["dummy"]``:

``deny_titles``   documents with these titles are denied for every action;
``grant_titles``  documents with these titles may be viewed by anyone signed in;
``hide_nav``      navigation item names to remove; ``nav_labels``: name -> new label.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

NAME = "dummy"
TEMPLATES = Path(__file__).parent / "templates"

calls: list[tuple[str, dict[str, Any]]] = []


def record(hook: str, **arguments: Any) -> None:
    """Remember one call of ``hook`` (or of a subcommand the plugin registered)."""
    calls.append((hook, arguments))


def calls_of(hook: str) -> list[dict[str, Any]]:
    """The recorded arguments of every call of ``hook``, oldest first."""
    return [arguments for name, arguments in calls if name == hook]
