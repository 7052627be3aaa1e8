"""The plugin manager: discovery, registration, isolated hook calls and ``plugin_config()``.

Discovery has two phases because Django needs ``INSTALLED_APPS`` before models import:
``plugin_apps()`` (called from settings) lists first-party plugins and entry points of
group ``hub`` without importing them; ``register_app_hooks()`` (called from the core
app's ``ready()``) registers each installed app's ``hub_hooks`` module.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import logging
from typing import Any

import pluggy

from hub import hookspecs

logger = logging.getLogger("hub.plugins")

pm = pluggy.PluginManager("hub")
pm.add_hookspecs(hookspecs)

ENTRY_POINT_GROUP = "hub"


def plugin_name(app_module: str) -> str:
    """The short name a plugin is known by (``plugins.feedback`` -> ``feedback``)."""
    return app_module.rsplit(".", 1)[-1]


def plugin_apps(first_party: list[str], blocked: list[str], entry_points: bool = True) -> list[str]:
    """Django app modules of the enabled plugins, first-party first, without importing them."""
    blocked_names = set(blocked)
    modules = [
        module for module in first_party if not {module, plugin_name(module)} & blocked_names
    ]
    if entry_points:
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            names = {entry_point.name, entry_point.value, plugin_name(entry_point.value)}
            if entry_point.value not in modules and not names & blocked_names:
                modules.append(entry_point.value)
    return modules


def register_app_hooks() -> None:
    """Register the ``hub_hooks`` module of every installed app (core apps and plugins)."""
    from django.apps import apps

    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.hub_hooks"
        if pm.has_plugin(app_config.label) or importlib.util.find_spec(module_name) is None:
            continue
        pm.register(importlib.import_module(module_name), name=app_config.label)


def _call_each(hook_name: str, kwargs: dict[str, Any]):
    """Yield (plugin name, result) for each implementation, in pluggy's call order.

    A plugin that raises is logged and skipped, so it cannot break the page, the save
    or the other plugins.
    """
    caller = getattr(pm.hook, hook_name)
    expected = set(caller.spec.argnames)
    if set(kwargs) != expected:
        raise TypeError(f"{hook_name} takes {sorted(expected)}, got {sorted(kwargs)}")
    for impl in reversed(caller.get_hookimpls()):
        if impl.wrapper or impl.hookwrapper:
            logger.error(
                "plugin %r: hook wrappers are not supported (%s)", impl.plugin_name, hook_name
            )
            continue
        try:
            result = impl.function(*(kwargs[name] for name in impl.argnames))
        except Exception:
            logger.exception("plugin %r failed in %s", impl.plugin_name, hook_name)
            continue
        yield impl.plugin_name, result


def collect(hook_name: str, **kwargs: Any) -> list[Any]:
    """Call a ``hub_register_*`` hook and return all items, flattened and sorted by order."""
    items: list[Any] = []
    for _plugin, result in _call_each(hook_name, kwargs):
        if result is None:
            continue
        items.extend(result if isinstance(result, list | tuple) else [result])
    return sorted(items, key=lambda item: getattr(item, "order", 100))


def construct(hook_name: str, **kwargs: Any) -> None:
    """Call a ``hub_construct_*`` hook; implementations edit the list they are given."""
    for _ in _call_each(hook_name, kwargs):
        pass


def notify(hook_name: str, **kwargs: Any) -> None:
    """Fire an event hook; return values are ignored and failures logged."""
    for _ in _call_each(hook_name, kwargs):
        pass


def decide(hook_name: str, **kwargs: Any) -> Any:
    """Call a ``firstresult`` hook: the first answer that is not None wins."""
    for _plugin, result in _call_each(hook_name, kwargs):
        if result is not None:
            return result
    return None


def plugin_config(name: str) -> dict[str, Any]:
    """A plugin's settings from ``HUB_PLUGIN_CONFIG`` (JSON in the environment), or {}."""
    from django.conf import settings

    return dict(getattr(settings, "HUB_PLUGIN_CONFIG", {}).get(name, {}))
