"""Who may view, edit or administer what: the core rules and the one entry point ``can()``.

Rules: admins (superusers) see everything. In a space a person's role is the highest of
their own membership, their department's (a department membership covers its
sub-departments), being head of the space's department (admin), and what the visibility
grants everyone (company-wide read: viewer; company-wide edit: editor; department only:
viewer for the department's people). Drafts and documents in review are seen by the
space's editors and the document's owner only. Archived documents are read-only except
for space admins.

Object checks go through the ``hub_permission_check`` hook, whose last answer is the core
rule below; listings apply the same rule in the query (see ``visible_documents``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from wagtail.models import Revision

from hub import plugins
from hub.core.models import Attachment, Department, DocumentPage, SpaceMembership, SpacePage, User

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
RANK = {None: 0, VIEWER: 1, EDITOR: 2, ADMIN: 3}
ACTIONS = ("view", "edit", "admin")

Visibility = SpacePage.Visibility
Status = DocumentPage.Status


def _higher(a: str | None, b: str | None) -> str | None:
    return a if RANK[a] >= RANK[b] else b


def space_roles(user: User) -> dict[int, str]:
    """Map space id -> this user's role, for every space they have any role in.

    Cached on the user object for the request (a request's user is one object).
    """
    cached = getattr(user, "_hub_space_roles", None)
    if cached is not None:
        return cached
    roles: dict[int, str] = {}
    if user.is_authenticated and user.is_active:
        spaces = SpacePage.objects.values_list("pk", "visibility", "department_id")
        if user.is_superuser:
            roles = {pk: ADMIN for pk, _vis, _dept in spaces}
        else:
            department_ids = user.department.ancestor_ids() if user.department_id else []
            headed = set(Department.objects.filter(head=user).values_list("pk", flat=True))
            memberships = SpaceMembership.objects.filter(
                Q(user=user) | Q(department_id__in=department_ids)
            ).values_list("space_id", "role")
            for space_id, role in memberships:
                roles[space_id] = _higher(roles.get(space_id), role)
            for pk, visibility, department_id in spaces:
                implicit = None
                if department_id in headed:
                    implicit = ADMIN
                elif visibility == Visibility.COMPANY_EDIT:
                    implicit = EDITOR
                elif visibility == Visibility.COMPANY_READ or (
                    visibility == Visibility.DEPARTMENT and department_id in department_ids
                ):
                    implicit = VIEWER
                if implicit:
                    roles[pk] = _higher(roles.get(pk), implicit)
    if user.is_authenticated:
        user._hub_space_roles = roles
    return roles


def forget_roles(user: User) -> None:
    """Drop the cached roles after memberships changed within this request."""
    user.__dict__.pop("_hub_space_roles", None)


def space_role(user: User, space: SpacePage) -> str | None:
    return space_roles(user).get(space.pk)


def _document_allows(user: User, action: str, document: DocumentPage) -> bool:
    role = space_roles(user).get(document.space_id)
    if role is None:
        return False
    is_owner = document.owner_id == user.pk
    if action == "view":
        return (
            document.status in (Status.PUBLISHED, Status.ARCHIVED)
            or RANK[role] >= RANK[EDITOR]
            or is_owner
        )
    if action == "edit":
        if document.status == Status.ARCHIVED:
            return role == ADMIN
        return RANK[role] >= RANK[EDITOR]
    if action == "admin":
        return role == ADMIN or (is_owner and RANK[role] >= RANK[EDITOR])
    return False


def core_check(user: User, action: str, obj: Any) -> bool:
    """The core rules; called last by the ``hub_permission_check`` hook."""
    if action not in ACTIONS or not (user.is_authenticated and user.is_active):
        return False
    if isinstance(obj, SpacePage):
        if action == "edit" and obj.archived_at is not None:
            return False  # read-only until a space admin restores it
        needed = {"view": VIEWER, "edit": EDITOR, "admin": ADMIN}[action]
        return RANK[space_roles(user).get(obj.pk)] >= RANK[needed]
    if isinstance(obj, DocumentPage):
        return _document_allows(user, action, obj)
    if isinstance(obj, Attachment):
        # Reading a file needs the document; changing files needs editing the document.
        return core_check(user, "view" if action == "view" else "edit", obj.document)
    if isinstance(obj, Revision):
        document = obj.content_object
        if not isinstance(document, DocumentPage):
            return user.is_superuser
        return core_check(user, "view" if action == "view" else "edit", document.specific)
    return user.is_superuser


def can(user: User, action: str, obj: Any) -> bool:
    """May ``user`` do ``action`` on ``obj``? Plugins decide first, the core rule last."""
    return bool(plugins.decide("hub_permission_check", user=user, action=action, obj=obj))


def _plugins_may_deny() -> bool:
    return any(
        impl.plugin_name != "core" for impl in plugins.pm.hook.hub_permission_check.get_hookimpls()
    )


def _drop_denied(user: User, queryset: QuerySet) -> QuerySet:
    if not _plugins_may_deny():
        return queryset
    allowed = [obj.pk for obj in queryset if can(user, "view", obj)]
    return queryset.filter(pk__in=allowed)


def visible_spaces(user: User) -> QuerySet[SpacePage]:
    """Spaces the user can view, as a query."""
    roles = space_roles(user)
    return _drop_denied(user, SpacePage.objects.filter(pk__in=list(roles)).order_by("title"))


def document_visibility_q(user: User, prefix: str = "") -> Q:
    """The core view rule for documents as a Q object (``prefix`` for related lookups)."""
    roles = space_roles(user)
    editor_spaces = [pk for pk, role in roles.items() if RANK[role] >= RANK[EDITOR]]
    viewer_spaces = list(roles)
    return (
        Q(**{f"{prefix}space_id__in": editor_spaces})
        | Q(
            **{
                f"{prefix}space_id__in": viewer_spaces,
                f"{prefix}status__in": [Status.PUBLISHED, Status.ARCHIVED],
            }
        )
        | Q(**{f"{prefix}space_id__in": viewer_spaces, f"{prefix}owner_id": user.pk})
    )


def visible_documents(user: User, queryset: QuerySet | None = None) -> QuerySet[DocumentPage]:
    """Documents the user can view, as a query (counts and listings use this)."""
    if queryset is None:
        queryset = DocumentPage.objects.all()
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    return _drop_denied(user, queryset.filter(document_visibility_q(user)))
