"""Reading and validating organisation files (YAML or CSV) for the organisation import.

Reading turns every file into rows tagged ``FILE:LINE``; validation checks each row's
fields (Django forms) and the references between rows and the database, collecting every
error before anything is written (see ``hub.core.orgimport`` for applying them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub.core.models import Department, User


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


# Reading -------------------------------------------------------------------------------


@dataclass
class Row:
    """One department or person as read from a file."""

    where: str  # "FILE:LINE", the prefix of every error about this row
    values: dict[str, Any]


@dataclass
class OrgInput:
    """Everything read from the files, with the errors found while reading."""

    departments: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
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


def _read_yaml(name: str, text: str, into: OrgInput) -> None:
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
                rows.append(Row(where, values))
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


def _read_csv(name: str, text: str, into: OrgInput) -> None:
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
        rows.append(Row(f"{name}:{line}", values))
    if not header:
        raise _FileError(1, _("the file is empty"))


def read_files(paths: Sequence[Path]) -> OrgInput:
    data = OrgInput()
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


def column(rows: list[Row], *columns: str) -> set[str]:
    """The non-empty values of these columns over all rows."""
    return {row.values[column] for row in rows for column in columns} - {""}


def _clean(rows: list[Row], form_class: type[forms.Form], errors: list[str]) -> list[Row]:
    """The rows whose fields are valid, with cleaned values; errors for the others."""
    cleaned = []
    for row in rows:
        form = form_class(data=row.values)
        if form.is_valid():
            cleaned.append(Row(row.where, form.cleaned_data))
        else:
            errors.extend(
                f"{row.where}: {column}: {message}"
                for column, messages in form.errors.items()
                for message in messages
            )
    return cleaned


def _keys(rows: list[Row], column: str, errors: list[str], duplicate: str) -> set[str]:
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
    departments: list[Row], parents: dict[str, str | None], errors: list[str]
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
    departments: list[Row],
    people: list[Row],
    codes: set[str],
    usernames: set[str],
    errors: list[str],
) -> None:
    """Parents, heads, departments and managers must exist in the input or the database."""
    parents: dict[str, str | None] = dict(Department.objects.values_list("code", "parent__code"))
    known_codes = codes | set(parents)
    parents.update({row.values["code"]: row.values["parent"] or None for row in departments})
    wanted = column(departments, "head") | column(people, "manager")
    known_users = usernames | set(
        User.objects.filter(username__in=wanted - usernames).values_list("username", flat=True)
    )

    def check(row: Row, column: str, known: set[str], message: str) -> None:
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


def validate(data: OrgInput, deactivate_missing: bool) -> tuple[list[Row], list[Row]]:
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
