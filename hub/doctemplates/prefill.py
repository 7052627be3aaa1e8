"""Where a new document starts: from a template (its skeleton, sensible defaults) or copied
forward from last week's document.

Copy forward (docs/templates.md): the title, body and fields are copied; weeks, dates and
date-times move on by one week (in the title too); finished rows are dropped (a percent
column at 100 or a status column at done); in a weekly report the plan for next week
becomes this week's progress items at 0 % and the help requests start empty (they were
last week's); in minutes the discussion and decisions start empty.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest

from hub.core.models import DocumentPage, SpacePage, User
from hub.core.permissions import can
from hub.doctemplates.fields import FieldSpec, parse_stored_date
from hub.doctemplates.models import DONE, DocumentTemplate
from hub.doctemplates.weeks import current_week, shift_week

CLEARED_ON_COPY = {"weekly": ("plan", "help"), "minutes": ("discussion", "decisions")}


@dataclass
class Start:
    """The template and initial title, body, tags and field values of a new document."""

    template: DocumentTemplate
    title: str = ""
    body: str = ""
    tags: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)


def available_templates(space: SpacePage):
    """Active templates usable in ``space``: the company's and the space's own."""
    return DocumentTemplate.objects.filter(Q(space__isnull=True) | Q(space=space), active=True)


def _defaults(template: DocumentTemplate, user: User) -> dict[str, Any]:
    names = {spec.name for spec in template.specs()}
    values: dict[str, Any] = {}
    if template.kind == DocumentTemplate.Kind.WEEKLY:
        values.update(reporter=user.pk, week=current_week(), team=user.department_id)
    if template.kind == DocumentTemplate.Kind.MINUTES:
        values["organiser"] = user.pk
    return {name: value for name, value in values.items() if name in names}


def _finished(spec: FieldSpec, row: dict[str, Any]) -> bool:
    return any(
        (column.type == "percent" and row.get(column.name) == 100)
        or (column.name == "status" and row.get(column.name) == DONE)
        for column in spec.columns
    )


def _moved_on(spec: FieldSpec, value: Any) -> Any:
    if value in (None, "", []):
        return value
    if spec.type == "week":
        try:
            return shift_week(value, 1)
        except ValueError:
            return value
    if spec.type == "date":
        day = parse_stored_date(value)
        return (day + timedelta(weeks=1)).isoformat() if day else value
    if spec.type == "datetime":
        day = parse_stored_date(str(value)[:10])
        return (day + timedelta(weeks=1)).isoformat() + str(value)[10:] if day else value
    if spec.type == "rows":
        return [row for row in value if isinstance(row, dict) and not _finished(spec, row)]
    return value


def copied_forward(
    template: DocumentTemplate, title: str, values: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """Next week's title and field values from this week's (see the module docstring)."""
    values = copy.deepcopy(values)
    new_values: dict[str, Any] = {}
    for spec in template.specs():
        old = values.get(spec.name)
        new = _moved_on(spec, old)
        new_values[spec.name] = new
        if spec.type in ("week", "date", "datetime") and isinstance(old, str) and old != new:
            # A title naming the week or day ("周报 2026-W19") names the next one.
            title = title.replace(old[:10], new[:10])
    if (
        template.kind == DocumentTemplate.Kind.WEEKLY
        and "progress" in new_values
        and "plan" in new_values
    ):
        known = {row.get("item") for row in new_values["progress"] or []}
        for row in values.get("plan") or []:
            if isinstance(row, dict) and row.get("item") and row["item"] not in known:
                new_values["progress"] = [
                    *(new_values["progress"] or []),
                    {"item": row["item"], "percent": 0},
                ]
    for name in CLEARED_ON_COPY.get(template.kind, ()):
        if name in new_values:
            new_values[name] = [] if isinstance(new_values[name], list) else None
    return title, new_values


def _int_param(request: HttpRequest, name: str) -> int:
    try:
        return int(request.GET[name])
    except (KeyError, ValueError) as error:
        raise Http404 from error


def new_document_start(request: HttpRequest, space: SpacePage) -> Start | None:
    """What the new-document form starts with: ``?template=<id>``, ``?copy_from=<document
    id>`` or neither (None). A template not offered in ``space`` or a document the user
    may not view is a 404."""
    if "copy_from" in request.GET:
        source = DocumentPage.objects.filter(pk=_int_param(request, "copy_from")).first()
        if source is None or source.template_id is None or not can(request.user, "view", source):
            raise Http404
        title, values = copied_forward(source.template, source.title, source.fields or {})
        return Start(
            template=source.template,
            title=title,
            body=source.body,
            tags=[tag.name for tag in source.tags.all()],
            fields=values,
        )
    if "template" in request.GET:
        template = available_templates(space).filter(pk=_int_param(request, "template")).first()
        if template is None:
            raise Http404
        return Start(
            template=template, body=template.skeleton, fields=_defaults(template, request.user)
        )
    return None
