"""Helpers for plugin authors' tests: register a plugin for one test, then remove it.

    from hub.testing import registered_plugin

    def test_my_nav_item(client):
        with registered_plugin(MyHooks()):
            ...

A plugin that adds URLs gets them routed for the duration (the URLconf is rebuilt).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.urls import clear_url_caches

from hub.plugins import pm


def reload_urls() -> None:
    """Rebuild the URLconf so that ``hub_register_urls`` is asked again."""
    clear_url_caches()
    module = sys.modules.get(settings.ROOT_URLCONF)
    if module is not None:
        importlib.reload(module)


@contextmanager
def registered_plugin(plugin: Any, name: str | None = None) -> Iterator[Any]:
    """Register ``plugin`` (a module or an object with ``@hookimpl`` methods) for a block."""
    registered_name = pm.register(plugin, name=name)
    routes = hasattr(plugin, "hub_register_urls")
    if routes:
        reload_urls()
    try:
        yield plugin
    finally:
        pm.unregister(name=registered_name)
        if routes:
            reload_urls()
