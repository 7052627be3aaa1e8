"""The core's own hook implementations: the same hooks plugins use."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hub import hookimpl
from hub.items import Action, NavItem, Subcommand


@hookimpl(trylast=True)
def hub_permission_check(user, action: str, obj: Any) -> bool:
    from hub.core.permissions import core_check

    return core_check(user, action, obj)


@hookimpl
def hub_register_nav_items(request) -> list[NavItem]:
    items = [NavItem("spaces", _("Spaces"), reverse("space_list"), order=10)]
    if request.user.is_staff:
        # A context: "Admin" is also a space role, which Chinese words differently.
        label = pgettext_lazy("navigation", "Admin")
        items.append(NavItem("admin", label, reverse("wagtailadmin_home"), order=900))
    return items


@hookimpl
def hub_register_importers() -> list[Subcommand]:
    from hub.core.orgimport import org_subcommand

    return [org_subcommand()]


@hookimpl
def hub_register_document_actions(request, document) -> list[Action]:
    from hub.core.permissions import can

    actions = [
        Action("history", _("History"), reverse("document_history", args=[document.pk]), order=50)
    ]
    if can(request.user, "edit", document):
        actions.insert(
            0, Action("edit", _("Edit"), reverse("document_edit", args=[document.pk]), order=10)
        )
        actions.append(
            Action(
                "new_child",
                _("New sub-page"),
                reverse("document_create", args=[document.pk]),
                order=60,
            )
        )
    return actions
