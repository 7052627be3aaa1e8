"""The chat's settings: defaults, overridden by ``HUB_PLUGIN_CONFIG={"chat": {...}}``."""

from __future__ import annotations

from typing import Any

from hub.plugins import plugin_config

DEFAULTS: dict[str, Any] = {
    # Longest message body, in characters.
    "max_message_chars": 10_000,
    # Flooding: each person may write (send, edit, delete) this many times in a burst,
    # then `rate_per_second` times a second.
    "rate_burst": 10,
    "rate_per_second": 1.0,
    # Open sockets re-check their person's access to their rooms this often.
    "recheck_seconds": 5.0,
    # Messages per page of history, and at most this many missed ones on a reconnect.
    "page_size": 50,
    "resume_limit": 200,
}


def chat_setting(name: str) -> Any:
    """A chat setting, read at each call so that a changed configuration applies."""
    return plugin_config("chat").get(name, DEFAULTS[name])
