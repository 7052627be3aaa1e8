"""Wagtail integration: the hub's audit actions registered with Wagtail's log registry."""

from wagtail import hooks

from hub.ops.audit import ACTIONS


@hooks.register("register_log_actions")
def register_hub_actions(actions) -> None:
    for action, formatter in ACTIONS:
        actions.register_action(action)(formatter)
