"""The organisation import: departments and people from YAML or CSV files (``hub import org``).

Three steps. Reading turns every file into rows tagged ``FILE:LINE``. Validation checks each
row's fields (Django forms) and the references between rows and the database, collecting
every error before anything is written. Applying creates or updates departments (matched by
``code``) and people (matched by ``username``) and each department's space, in one
transaction, so a bad file or a dry run changes nothing. The file is the source of truth
for the fields it carries: an empty or missing optional field clears the stored value.
"""

from __future__ import annotations

import csv
import io
from argparse import ArgumentParser
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django import forms
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.management import CommandError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.coreutils import find_available_slug

from hub.core.models import Department, HomePage, SpaceMembership, SpacePage, User
from hub.items import Subcommand


class DepartmentForm(forms.Form):
    """One department: ``code`` is its stable key, ``parent`` a code, ``head`` a username."""

    code = forms.SlugField(max_length=64)
    name = forms.CharField(max_length=200)
    name_en = forms.CharField(max_length=200, required=False)
    parent = forms.CharField(required=False)
    head = forms.CharField(required=False)


class PersonForm(forms.Form):
    """One person: ``username`` is the key, ``department`` a code, ``manager`` a username."""

    username = forms.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    department = forms.CharField()
    title = forms.CharField(max_length=150, required=False)
    manager = forms.CharField(required=False)


DEPARTMENT_COLUMNS = tuple(DepartmentForm.base_fields)
PERSON_COLUMNS = tuple(PersonForm.base_fields)
YAML_SUFFIXES = {".yaml", ".yml"}


class OrgImportError(Exception):
    """The input is not valid and nothing was changed; ``errors`` holds "FILE:LINE: message"."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        heading = ngettext(
            "The organisation import found %(count)d error; nothing was changed:",
            "The organisation import found %(count)d errors; nothing was changed:",
            len(errors),
        ) % {"count": len(errors)}
        super().__init__("\n".join([heading, *errors]))


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


# Reading -------------------------------------------------------------------------------


@dataclass
class _Row:
    where: str  # "FILE:LINE", the prefix of every error about this row
    values: dict[str, Any]


@dataclass
class _Input:
    departments: list[_Row] = field(default_factory=list)
    people: list[_Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the files, in the order given
    # References are checked only when every file could be read: otherwise each row that
    # points into an unreadable file would be reported as well.
    complete: bool = True


class _FileError(Exception):
    """The whole file cannot be used; ``line`` is None when no line is to blame."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _FileError(
            None, _("cannot read the file: %(error)s") % {"error": error.strerror}
        ) from None
    try:
        # utf-8-sig also drops the byte order mark Excel writes in front of "CSV UTF-8".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _FileError(
            data.count(b"\n", 0, error.start) + 1,
            _(
                "the file is not UTF-8 (it may be GBK or UTF-16). Save it as UTF-8: in Excel "
                'choose "CSV UTF-8 (Comma delimited)", in a text editor choose UTF-8.'
            ),
        ) from error


def _yaml_values(item: dict, columns: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """A YAML entry's fields as text, and what is wrong with its keys and values."""
    problems = [
        _("unknown field %(field)s (known fields: %(known)s)")
        % {"field": key, "known": ", ".join(columns)}
        for key in item
        if key not in columns
    ]
    values = {}
    for column in columns:
        value = item.get(column)
        values[column] = "" if value is None else str(value)
        # YAML reads yes/no as booleans and 2024-01-01 as a date: such values need quotes.
        if not (value is None or isinstance(value, str) or type(value) is int):
            problems.append(
                _("%(field)s must be text: put the value in quotes") % {"field": column}
            )
    return values, problems


def _read_yaml(name: str, text: str, into: _Input) -> None:
    sections = {
        "departments": (DEPARTMENT_COLUMNS, into.departments),
        "people": (PERSON_COLUMNS, into.people),
    }
    # Entries are built one node at a time so that each keeps its line number.
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        section_names = [
            key.value if isinstance(key, yaml.ScalarNode) else None
            for key, _value in (root.value if isinstance(root, yaml.MappingNode) else [])
        ]
        if not set(sections) & set(section_names):
            raise _FileError(1, _('the file needs a "departments:" list, a "people:" list or both'))
        for key, (key_node, value_node) in zip(section_names, root.value, strict=True):
            where = f"{name}:{key_node.start_mark.line + 1}"
            if key not in sections:
                into.errors.append(
                    f"{where}: "
                    + _('unknown section %(key)s (expected "departments" or "people")')
                    % {"key": key}
                )
                continue
            if not isinstance(value_node, yaml.SequenceNode):
                if loader.construct_document(value_node) is not None:  # "people:" may be empty
                    into.errors.append(f"{where}: " + _("%(key)s must be a list") % {"key": key})
                continue
            columns, rows = sections[key]
            for node in value_node.value:
                where = f"{name}:{node.start_mark.line + 1}"
                entry = loader.construct_document(node)
                if not isinstance(entry, dict):
                    into.errors.append(
                        f"{where}: "
                        + _("each entry needs the fields %(fields)s")
                        % {"fields": ", ".join(columns)}
                    )
                    continue
                values, problems = _yaml_values(entry, columns)
                into.errors.extend(f"{where}: {problem}" for problem in problems)
                rows.append(_Row(where, values))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise _FileError(
            mark.line + 1 if mark else 1,
            _("not valid YAML: %(problem)s") % {"problem": getattr(error, "problem", error)},
        ) from error
    finally:
        loader.dispose()


def _csv_columns(header: list[str], line: int) -> Sequence[str]:
    """The columns of the kind of file the header announces; raises _FileError if it is bad."""
    if "username" in header:
        form = PersonForm
    elif "code" in header:
        form = DepartmentForm
    else:
        raise _FileError(
            line,
            _(
                "cannot tell what this file holds: a departments file has the header "
                "%(departments)s, a people file the header %(people)s"
            )
            % {"departments": ",".join(DEPARTMENT_COLUMNS), "people": ",".join(PERSON_COLUMNS)},
        )
    columns = tuple(form.base_fields)
    problems = [
        _("unknown column %(column)s (known columns: %(known)s)")
        % {"column": column or '""', "known": ",".join(columns)}
        for column in header
        if column not in columns
    ]
    problems += [
        _("column %(column)s appears more than once") % {"column": column}
        for column in sorted({column for column in header if header.count(column) > 1})
    ]
    problems += [
        _("missing column %(column)s") % {"column": column}
        for column, form_field in form.base_fields.items()
        if form_field.required and column not in header
    ]
    if problems:
        raise _FileError(line, "; ".join(problems))
    return columns


def _read_csv(name: str, text: str, into: _Input) -> None:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    last_line = 0
    for cells in reader:
        # A quoted value may span lines: a record starts on the line after the previous one.
        line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if not header:
            header = [cell.strip().lower() for cell in cells]
            columns = _csv_columns(header, line)
            rows = into.people if columns == PERSON_COLUMNS else into.departments
            continue
        if any(cell.strip() for cell in cells[len(header) :]):
            into.errors.append(
                f"{name}:{line}: "
                + _("this line has %(count)d values but the header has %(columns)d columns")
                % {"count": len(cells), "columns": len(header)}
            )
            continue
        values = dict.fromkeys(columns, "")
        values.update(zip(header, cells, strict=False))
        rows.append(_Row(f"{name}:{line}", values))
    if not header:
        raise _FileError(1, _("the file is empty"))


def _read_files(paths: Sequence[Path]) -> _Input:
    data = _Input()
    if not paths:
        data.errors.append(_("no file given"))
    for path in paths:
        name = str(path)
        if path.resolve() in {Path(seen).resolve() for seen in data.names}:
            data.errors.append(f"{name}: " + _("the file is given more than once"))
            continue
        data.names.append(name)
        suffix = path.suffix.lower()
        try:
            if suffix not in {*YAML_SUFFIXES, ".csv"}:
                raise _FileError(None, _("unsupported file type: use .yaml, .yml or .csv"))
            text = _read_text(path)
            (_read_yaml if suffix in YAML_SUFFIXES else _read_csv)(name, text, data)
        except _FileError as error:
            data.errors.append(
                f"{name}:{error.line}: {error}" if error.line else f"{name}: {error}"
            )
            data.complete = False
    return data


# Validating ----------------------------------------------------------------------------


def _column(rows: list[_Row], *columns: str) -> set[str]:
    """The non-empty values of these columns over all rows."""
    return {row.values[column] for row in rows for column in columns} - {""}


def _clean(rows: list[_Row], form_class: type[forms.Form], errors: list[str]) -> list[_Row]:
    """The rows whose fields are valid, with cleaned values; errors for the others."""
    cleaned = []
    for row in rows:
        form = form_class(data=row.values)
        if form.is_valid():
            cleaned.append(_Row(row.where, form.cleaned_data))
        else:
            errors.extend(
                f"{row.where}: {column}: {message}"
                for column, messages in form.errors.items()
                for message in messages
            )
    return cleaned


def _keys(rows: list[_Row], column: str, errors: list[str], duplicate: str) -> set[str]:
    """The row keys (e.g. codes) in the input, with an error for each one used twice."""
    first: dict[str, str] = {}
    for row in rows:
        key = row.values.get(column, "").strip()
        if key in first:
            errors.append(f"{row.where}: " + duplicate % {"key": key, "first": first[key]})
        elif key:
            first[key] = row.where
    return set(first)


def _check_cycles(
    departments: list[_Row], parents: dict[str, str | None], errors: list[str]
) -> None:
    reported: set[str] = set()
    for row in departments:
        code = row.values["code"]
        chain, node = [code], parents.get(code)
        while node and node not in chain:
            chain.append(node)
            node = parents.get(node)
        if node == code and code not in reported:
            reported.update(chain)
            errors.append(
                f"{row.where}: "
                + _("departments form a parent cycle: %(cycle)s")
                % {"cycle": " → ".join([*chain, code])}
            )


def _check_references(
    departments: list[_Row],
    people: list[_Row],
    codes: set[str],
    usernames: set[str],
    errors: list[str],
) -> None:
    """Parents, heads, departments and managers must exist in the input or the database."""
    parents: dict[str, str | None] = dict(Department.objects.values_list("code", "parent__code"))
    known_codes = codes | set(parents)
    parents.update({row.values["code"]: row.values["parent"] or None for row in departments})
    wanted = _column(departments, "head") | _column(people, "manager")
    known_users = usernames | set(
        User.objects.filter(username__in=wanted - usernames).values_list("username", flat=True)
    )

    def check(row: _Row, column: str, known: set[str], message: str) -> None:
        value = row.values[column]
        if value and value not in known:
            errors.append(f"{row.where}: " + message % {"value": value})

    for row in departments:
        check(row, "parent", known_codes, _("unknown parent department %(value)s"))
        check(row, "head", known_users, _("unknown head %(value)s (no such username)"))
    _check_cycles(departments, parents, errors)
    for row in people:
        check(row, "department", known_codes, _("unknown department %(value)s"))
        if row.values["manager"] == row.values["username"]:
            errors.append(f"{row.where}: " + _("a person cannot be their own manager"))
        else:
            check(row, "manager", known_users, _("unknown manager %(value)s (no such username)"))


def _position(error: str, names: list[str]) -> tuple[int, int]:
    """Where an error points (file in the order given, line), to report errors in that order."""
    for index, name in enumerate(names):
        if error.startswith(f"{name}:"):
            line = error[len(name) + 1 :].split(":", 1)[0]
            return index, int(line) if line.isdigit() else 0
    return len(names), 0


def _validate(data: _Input, deactivate_missing: bool) -> tuple[list[_Row], list[_Row]]:
    """The cleaned department and person rows; raises OrgImportError listing every problem."""
    errors = data.errors
    departments = _clean(data.departments, DepartmentForm, errors)
    people = _clean(data.people, PersonForm, errors)
    codes = _keys(
        data.departments, "code", errors, _("department code %(key)s is already used at %(first)s")
    )
    usernames = _keys(
        data.people, "username", errors, _("username %(key)s is already used at %(first)s")
    )
    if deactivate_missing and not data.people and data.complete:
        errors.append(_("--deactivate-missing needs a people list: it would deactivate everyone"))
    if data.complete:
        _check_references(departments, people, codes, usernames, errors)
    if errors:
        raise OrgImportError(sorted(errors, key=lambda error: _position(error, data.names)))
    return departments, people


# Applying ------------------------------------------------------------------------------


def _sync(obj: models.Model, desired: dict[str, Any]) -> list[str]:
    """Save the fields of ``obj`` that differ from ``desired``; return their names."""
    changed = [name for name, value in desired.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, desired[name])
    if changed:
        obj.save(update_fields=changed)
    return [name.removesuffix("_id") for name in changed]


def _create_departments(
    rows: list[_Row], by_code: dict[str, Department], result: OrgImportResult
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
    rows: list[_Row],
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
    rows: list[_Row], users: dict[str, User], password: str | None, result: OrgImportResult
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
    rows: list[_Row],
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
    departments: list[_Row], people: list[_Row], deactivate_missing: bool, password: str | None
) -> OrgImportResult:
    result = OrgImportResult()
    codes = _column(departments, "code", "parent") | _column(people, "department")
    by_code = Department.objects.in_bulk(codes, field_name="code")
    usernames = _column(people, "username")
    wanted_users = usernames | _column(departments, "head") | _column(people, "manager")
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
    data = _read_files([Path(path) for path in paths])
    with transaction.atomic():
        departments, people = _validate(data, deactivate_missing)
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
