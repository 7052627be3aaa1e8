"""Recording who did what: the hub's own audit actions and ``record()``, the one call core
code and plugins use for actions that have no Wagtail log entry of their own.

Entries are Wagtail log entries (``PageLogEntry`` for pages, ``ModelLogEntry`` for every
other model), so the Wagtail admin's history views and the audit page (``/ops/audit/``)
show them together with Wagtail's own (``wagtail.edit``, ``wagtail.publish``…).
A plugin logs its actions with ``wagtail.log_actions.log(obj, "myplugin.action",
user=..., data={...})`` after registering the action with Wagtail's
``register_log_actions`` hook (see docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogContext, LogFormatter, log

LOGIN = "hub.login"
LOGOUT = "hub.logout"
LOGIN_FAILED = "hub.login_failed"
LOGIN_ALERT = "hub.login_alert"
MEMBER_ADDED = "hub.member_added"
MEMBER_CHANGED = "hub.member_changed"
MEMBER_REMOVED = "hub.member_removed"
EXPORT = "hub.export"


class _DataFormatter(LogFormatter):
    """A message filled from the entry's data (missing keys show as empty)."""

    template: Any = ""

    def format_message(self, log_entry) -> str:
        from hub.core.models import SpaceMembership

        data = {key: "" for key in ("member", "role", "previous_role", "format", "detail")}
        data.update(log_entry.data or {})
        roles = dict(SpaceMembership.Role.choices)
        for key in ("role", "previous_role"):
            data[key] = roles.get(data[key], data[key])
        return str(self.template) % data


def _formatter(action_label, template) -> type[LogFormatter]:
    return type("Formatter", (_DataFormatter,), {"label": action_label, "template": template})


# (action, formatter): registered with Wagtail's register_log_actions hook (wagtail_hooks.py).
ACTIONS: list[tuple[str, type[LogFormatter]]] = [
    (LOGIN, _formatter(_("Log in"), _("Logged in"))),
    (LOGOUT, _formatter(_("Log out"), _("Logged out"))),
    (LOGIN_FAILED, _formatter(_("Failed login"), _("Failed login"))),
    (LOGIN_ALERT, _formatter(_("Login alert"), _("Unusual login activity: %(detail)s"))),
    (MEMBER_ADDED, _formatter(_("Add space member"), _("Added %(member)s as %(role)s"))),
    (
        MEMBER_CHANGED,
        _formatter(
            _("Change space role"),
            _("Changed the role of %(member)s from %(previous_role)s to %(role)s"),
        ),
    ),
    (MEMBER_REMOVED, _formatter(_("Remove space member"), _("Removed %(member)s (%(role)s)"))),
    (EXPORT, _formatter(_("Export"), _("Exported as %(format)s"))),
]


def record(user, action: str, obj: Model | None = None, **data: Any):
    """Log that ``user`` (None: the system) did ``action`` on ``obj`` (default: the user's
    own account), with ``data`` kept as JSON. Returns the log entry.

    The action must be registered (Wagtail refuses unknown actions). Call it inside the
    transaction that makes the change, so a rolled-back change leaves no entry.
    """
    instance = obj if obj is not None else user
    if instance is None:
        raise ValueError("record() needs the object acted on or the acting user")
    if user is not None and not user.is_authenticated:
        user = None
    return log(instance, action, user=user, data=data)


def as_actor(view: Callable) -> Callable:
    """Decorate a view so entries logged while it runs name the request's user as actor
    (space membership changes are logged from model signals, which know no request)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else None
        with LogContext(user=user):
            return view(request, *args, **kwargs)

    return wrapper


def _member_label(membership) -> str:
    if membership.user_id:
        return f"{membership.user.get_full_name()} ({membership.user.username})"
    return f"{membership.department.name} ({membership.department.code})"


def _membership_data(membership, **extra: Any) -> dict[str, Any]:
    return {
        "member": _member_label(membership),
        "member_type": "person" if membership.user_id else "department",
        "role": membership.role,
        **extra,
    }


def _membership_saving(sender, instance, raw: bool = False, **kwargs) -> None:
    # Remember the stored role, to tell an unchanged save from a role change.
    if raw or instance.pk is None:
        instance._ops_previous_role = None
        return
    instance._ops_previous_role = (
        sender.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    )


def _membership_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    previous = getattr(instance, "_ops_previous_role", None)
    if created or previous is None:
        log(instance.space, MEMBER_ADDED, data=_membership_data(instance))
    elif previous != instance.role:
        log(
            instance.space,
            MEMBER_CHANGED,
            data=_membership_data(instance, previous_role=previous),
        )


def _membership_deleted(sender, instance, **kwargs) -> None:
    from hub.core.models import SpacePage

    # Deleting a space deletes its memberships too; the space row may already be gone.
    space = SpacePage.objects.filter(pk=instance.space_id).first()
    if space is not None:
        log(space, MEMBER_REMOVED, data=_membership_data(instance))


def connect() -> None:
    """Log space membership changes from every path (pages, admin, org import, plugins)."""
    from hub.core.models import SpaceMembership

    uid = "ops_membership"
    pre_save.connect(_membership_saving, sender=SpaceMembership, dispatch_uid=f"{uid}_pre")
    post_save.connect(_membership_saved, sender=SpaceMembership, dispatch_uid=f"{uid}_saved")
    post_delete.connect(_membership_deleted, sender=SpaceMembership, dispatch_uid=f"{uid}_del")
