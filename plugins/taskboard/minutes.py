"""Action items of meeting minutes become tasks, linked both ways.

A minutes document (template kind ``minutes`` with an ``actions`` rows field) gets the
action "Create tasks from action items": one task per open row (not ``done``, with a
text), on the board of the document's space, linked by document and row index so that
running it again creates only the rows added since. A board whose setting
``tasks_from_minutes`` is on does the same by itself each time minutes in its space are
saved (``on_saved``, from ``hub_document_saved``). The minutes page lists each action
item's task and status under the fields (slot ``document_fields``), showing only tasks the
viewer may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from hub.core.models import DocumentPage, User
from hub.doctemplates.fields import parse_stored_date
from hub.doctemplates.models import DONE, DocumentTemplate
from hub.notifications.api import send_notification
from plugins.taskboard.forms import status_error
from plugins.taskboard.models import TITLE_MAX_LENGTH, Board, Status, Task, TaskEvent
from plugins.taskboard.permissions import can_edit_board, visible_tasks
from plugins.taskboard.services import KIND_TASKS, notify_assigned


def is_minutes(document: DocumentPage) -> bool:
    template = document.template
    return (
        template is not None
        and template.kind == DocumentTemplate.Kind.MINUTES
        and any(spec.name == "actions" and spec.type == "rows" for spec in template.specs())
    )


def open_rows(document: DocumentPage) -> list[tuple[int, dict]]:
    """(row index, row) of the minutes' action items that are not done and say what."""
    if not is_minutes(document):
        return []
    rows = document.fields.get("actions") or []
    return [
        (index, row)
        for index, row in enumerate(rows)
        if isinstance(row, dict)
        and row.get("status") != DONE
        and str(row.get("what") or "").strip()
    ]


@dataclass
class Outcome:
    created: list[Task] = field(default_factory=list)
    already_linked: int = 0
    refused: list[str] = field(default_factory=list)


def _owner(row: dict) -> User | None:
    owner = row.get("owner")
    if not isinstance(owner, int):
        return None
    return User.objects.filter(pk=owner, is_active=True).select_related("department").first()


def create_tasks(document: DocumentPage, user: User | None) -> Outcome:
    """One task per open action item not linked yet (the caller checked permissions;
    ``user`` None: a save by the system, e.g. a co-editing checkpoint)."""
    outcome = Outcome()
    linked = set(Task.objects.filter(source_document=document).values_list("source_row", flat=True))
    for index, row in open_rows(document):
        if index in linked:
            outcome.already_linked += 1
            continue
        owner = _owner(row)
        task = Task(
            space=document.space,
            title=str(row["what"]).strip()[:TITLE_MAX_LENGTH],
            assignee=owner,
            department=owner.department if owner else None,
            due=parse_stored_date(row.get("due")),
            status=Status.DOING if row.get("status") == "in_progress" else Status.TODO,
            source_document=document,
            source_row=index,
            created_by=user,
        )
        error = status_error(task, task.status)
        if error:
            outcome.refused.append(f"{task.title}: {error}")
            continue
        try:
            with transaction.atomic():
                task.save()
                TaskEvent.objects.create(task=task, author=user, kind=TaskEvent.Kind.CREATED)
        except IntegrityError:
            # Someone else linked this row a moment ago.
            outcome.already_linked += 1
            continue
        notify_assigned(task, user)
        outcome.created.append(task)
    return outcome


def on_saved(document: DocumentPage, user: User | None) -> Outcome | None:
    """After minutes were saved: their new action items become tasks if the space's board
    says so and the person who saved may create tasks there (None: nothing to do)."""
    space = document.space
    if space is None or not open_rows(document):
        return None
    if not Board.objects.filter(space=space, tasks_from_minutes=True).exists():
        return None
    if user is not None and not can_edit_board(user, space):
        return None
    outcome = create_tasks(document, user)
    if outcome.refused and user is not None:
        # Nobody clicked a button to see the refusal; tell the person who saved.
        with override(user.language or settings.LANGUAGE_CODE):
            text = _("Some action items of %(minutes)s did not become tasks: %(why)s") % {
                "minutes": document.title,
                "why": " ".join(outcome.refused),
            }
        send_notification([user], text, document.url, kind=KIND_TASKS)
    return outcome


def linked_tasks(document: DocumentPage, user: User) -> list[tuple[str, Task]]:
    """(action item text, task) for each task made from the minutes that ``user`` may see."""
    rows = (document.fields.get("actions") or []) if is_minutes(document) else []
    tasks = visible_tasks(user).filter(source_document=document).order_by("source_row")
    result = []
    for task in tasks:
        row = rows[task.source_row] if task.source_row < len(rows) else {}
        what = str(row.get("what") or "") if isinstance(row, dict) else ""
        result.append((what or task.title, task))
    return result
