"""The organisation import: departments and people from YAML or CSV files (``hub import org``).

Reading and validation live in ``hub.core.orgfiles``. Applying creates or updates
departments (matched by ``code``) and people (matched by ``username``) and each
department's space, in one transaction, so a bad file or a dry run changes nothing. The
file is the source of truth for the fields it carries: an empty or missing optional
field clears the stored value.
"""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import CommandError
from django.db import models, transaction
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug

from hub.core.models import Department, HomePage, SpaceMembership, SpacePage, User
from hub.core.orgfiles import OrgImportError, Row, column, read_files, validate
from hub.items import Subcommand

__all__ = ["OrgImportError", "OrgImportResult", "import_org", "org_subcommand"]


@dataclass
class OrgImportResult:
    """What an import did (or, in a dry run, would have done).

    Each list holds department codes, usernames or space slugs; its length is the count.
    ``changes`` has one readable line per change, in the order the changes were made.
    """

    departments_created: list[str] = field(default_factory=list)
    departments_updated: list[str] = field(default_factory=list)
    departments_unchanged: list[str] = field(default_factory=list)
    people_created: list[str] = field(default_factory=list)
    people_updated: list[str] = field(default_factory=list)
    people_unchanged: list[str] = field(default_factory=list)
    people_deactivated: list[str] = field(default_factory=list)
    people_reactivated: list[str] = field(default_factory=list)
    spaces_created: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        """The counts, one line per kind of object."""
        lines = [
            _("Departments: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": len(self.departments_created),
                "updated": len(self.departments_updated),
                "unchanged": len(self.departments_unchanged),
            },
            _(
                "People: %(created)d created, %(updated)d updated (%(reactivated)d of them "
                "reactivated), %(unchanged)d unchanged, %(deactivated)d deactivated."
            )
            % {
                "created": len(self.people_created),
                "updated": len(self.people_updated),
                "reactivated": len(self.people_reactivated),
                "unchanged": len(self.people_unchanged),
                "deactivated": len(self.people_deactivated),
            },
            _("Department spaces: %(created)d created.") % {"created": len(self.spaces_created)},
        ]
        if self.dry_run:
            lines.append(_("Dry run: nothing was changed."))
        return "\n".join(lines)


def _sync(obj: models.Model, desired: dict[str, Any]) -> list[str]:
    """Save the fields of ``obj`` that differ from ``desired``; return their names."""
    changed = [name for name, value in desired.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, desired[name])
    if changed:
        obj.save(update_fields=changed)
    return [name.removesuffix("_id") for name in changed]


def _create_departments(
    rows: list[Row], by_code: dict[str, Department], result: OrgImportResult
) -> set[str]:
    created = set()
    for row in rows:
        code, name = row.values["code"], row.values["name"]
        if code not in by_code:
            by_code[code] = Department.objects.create(code=code, name=name)
            created.add(code)
            result.departments_created.append(code)
            result.changes.append(
                _("create department %(code)s %(name)s") % {"code": code, "name": name}
            )
    return created


def _update_departments(
    rows: list[Row],
    by_code: dict[str, Department],
    users: dict[str, User],
    created: set[str],
    result: OrgImportResult,
) -> None:
    for row in rows:
        code, values = row.values["code"], row.values
        changed = _sync(
            by_code[code],
            {
                "name": values["name"],
                "name_en": values["name_en"],
                "parent_id": by_code[values["parent"]].pk if values["parent"] else None,
                "head_id": users[values["head"]].pk if values["head"] else None,
            },
        )
        if code in created:
            continue
        if changed:
            result.departments_updated.append(code)
            result.changes.append(
                _("update department %(code)s: %(fields)s")
                % {"code": code, "fields": ", ".join(changed)}
            )
        else:
            result.departments_unchanged.append(code)


def _create_people(
    rows: list[Row], users: dict[str, User], password: str | None, result: OrgImportResult
) -> set[str]:
    created = set()
    # Hashed once: hashing is slow on purpose, and every new account gets the same password.
    password_hash = make_password(password or None)
    for row in rows:
        username, name = row.values["username"], row.values["name"]
        if username in users:
            continue
        user = User.objects.create(username=username, name=name, password=password_hash)
        users[username] = user
        created.add(username)
        result.people_created.append(username)
        result.changes.append(
            _("create person %(username)s %(name)s") % {"username": username, "name": name}
        )
    return created


def _update_people(
    rows: list[Row],
    users: dict[str, User],
    departments: dict[str, Department],
    created: set[str],
    result: OrgImportResult,
) -> None:
    for row in rows:
        username, values = row.values["username"], row.values
        changed = _sync(
            users[username],
            {
                "name": values["name"],
                "email": User.objects.normalize_email(values["email"]),
                "department_id": departments[values["department"]].pk,
                "title": values["title"],
                "manager_id": users[values["manager"]].pk if values["manager"] else None,
                "is_active": True,
            },
        )
        if username in created:
            continue
        reactivated = "is_active" in changed
        if reactivated:
            result.people_reactivated.append(username)
            result.changes.append(_("reactivate person %(username)s") % {"username": username})
            changed.remove("is_active")
        if changed:
            result.changes.append(
                _("update person %(username)s: %(fields)s")
                % {"username": username, "fields": ", ".join(changed)}
            )
        if changed or reactivated:
            result.people_updated.append(username)
        else:
            result.people_unchanged.append(username)


def _deactivate_missing(usernames: set[str], result: OrgImportResult) -> None:
    # Only the flag changes: what they own (documents, memberships) stays as it is.
    leaving = list(
        User.objects.filter(is_active=True, is_superuser=False)
        .exclude(username__in=usernames)
        .order_by("username")
    )
    User.objects.filter(pk__in=[user.pk for user in leaving]).update(is_active=False)
    for user in leaving:
        result.people_deactivated.append(user.username)
        result.changes.append(
            _("deactivate person %(username)s %(name)s")
            % {"username": user.username, "name": user.name}
        )


def _space_slug(home: HomePage, code: str) -> str:
    """The department code, unless a sibling page or one of the hub's own URLs has it.

    A space at /admin/ or /spaces/ would be hidden by the route of the same name, and
    "admin" is a likely code for an administration department.
    """
    return find_available_slug(home, f"{code}-space" if SpacePage.slug_is_routed(code) else code)


def _ensure_space(home: HomePage, department: Department, result: OrgImportResult) -> None:
    """Create the department's space (editors: the department) unless it has one."""
    if SpacePage.objects.filter(kind=SpacePage.Kind.DEPARTMENT, department=department).exists():
        return
    space = SpacePage(
        title=department.name,
        slug=_space_slug(home, department.code),
        kind=SpacePage.Kind.DEPARTMENT,
        department=department,
        visibility=SpacePage.Visibility.DEPARTMENT,
    )
    # add_child saves through the page tree, so hub_space_created fires after the commit.
    home.add_child(instance=space)
    SpaceMembership.objects.create(
        space=space, department=department, role=SpaceMembership.Role.EDITOR
    )
    result.spaces_created.append(space.slug)
    result.changes.append(
        _("create space %(slug)s %(title)s") % {"slug": space.slug, "title": space.title}
    )


def _apply(
    departments: list[Row], people: list[Row], deactivate_missing: bool, password: str | None
) -> OrgImportResult:
    result = OrgImportResult()
    codes = column(departments, "code", "parent") | column(people, "department")
    by_code = Department.objects.in_bulk(codes, field_name="code")
    usernames = column(people, "username")
    wanted_users = usernames | column(departments, "head") | column(people, "manager")
    users = User.objects.in_bulk(wanted_users, field_name="username")
    # Everything is created before anything is linked: a head may be a new person, a
    # manager or a parent may come further down the file.
    new_departments = _create_departments(departments, by_code, result)
    new_people = _create_people(people, users, password, result)
    _update_departments(departments, by_code, users, new_departments, result)
    _update_people(people, users, by_code, new_people, result)
    if deactivate_missing:
        _deactivate_missing(usernames, result)
    home = HomePage.objects.get()
    for row in departments:
        _ensure_space(home, by_code[row.values["code"]], result)
    return result


def import_org(
    paths: Sequence[Path | str],
    *,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    password: str | None = None,
) -> OrgImportResult:
    """Import departments and people from YAML/CSV files, applied together or not at all.

    ``password`` is given to new accounts (else they get an unusable password);
    ``deactivate_missing`` deactivates people (never superusers) who are not in the files;
    ``dry_run`` does everything, reports it and rolls it back. Raises ``OrgImportError``.
    """
    data = read_files([Path(path) for path in paths])
    with transaction.atomic():
        departments, people = validate(data, deactivate_missing)
        result = _apply(departments, people, deactivate_missing, password)
        result.dry_run = dry_run
        if dry_run:
            # Rolls back every change and drops the events queued for the commit.
            transaction.set_rollback(True)
    return result


# The command ---------------------------------------------------------------------------


def _add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help=_("YAML (.yaml, .yml) or CSV (.csv) files; several files are applied together"),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("show what would change and change nothing")
    )
    parser.add_argument(
        "--deactivate-missing",
        action="store_true",
        help=_("deactivate people who are not in the files (their content is kept)"),
    )


def _handle(options: dict, stdout) -> None:
    try:
        result = import_org(
            options["files"],
            dry_run=options["dry_run"],
            deactivate_missing=options["deactivate_missing"],
        )
    except OrgImportError as error:
        raise CommandError(str(error)) from error
    if result.dry_run:
        stdout.write(_("Dry run: the import would make these changes:"))
    for change in result.changes:
        stdout.write(f"  {change}")
    stdout.write(result.summary())


def org_subcommand() -> Subcommand:
    """``hub import org FILE [FILE ...] [--dry-run] [--deactivate-missing]``."""
    return Subcommand(
        name="org",
        help=_("Import departments and people from YAML or CSV files (see import/README.md)."),
        add_arguments=_add_arguments,
        handle=_handle,
        order=10,
    )
