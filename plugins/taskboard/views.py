"""The task board pages: kanban, list, Gantt chart, my tasks, a department's tasks, a task
with its comments and history, the task forms, moving a card, rescheduling a task, and
tasks from meeting minutes.

Every view checks permission on the object it returns: a board needs viewing its space
(404 otherwise, so hidden spaces are not revealed), a task needs ``can_view_task``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.core.models import Department, DocumentPage, SpacePage
from hub.core.permissions import can
from hub.search.types import department_and_below
from plugins.taskboard import minutes, services
from plugins.taskboard.forms import (
    BoardForm,
    CommentForm,
    MoveForm,
    ScheduleForm,
    TaskFilterForm,
    TaskForm,
)
from plugins.taskboard.gantt import chart as gantt_chart
from plugins.taskboard.models import Board, Status, Task
from plugins.taskboard.permissions import (
    can_admin_board,
    can_edit_board,
    can_edit_task,
    visible_tasks,
)


def _space_or_404(request: HttpRequest, space_pk: int) -> SpacePage:
    space = get_object_or_404(SpacePage, pk=space_pk)
    if not can(request.user, "view", space):
        raise Http404
    return space


def _task_or_404(request: HttpRequest, pk: int) -> Task:
    task = (
        visible_tasks(request.user)
        .select_related("space", "assignee", "department")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404
    return task


def _with_details(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related("space", "assignee", "department").prefetch_related("labels")


def _board(request: HttpRequest, space: SpacePage, move_errors=None, status: int = 200):
    tasks = list(_with_details(visible_tasks(request.user).filter(space=space)))
    board = Board.of(space)
    columns = []
    for value, label in Status.choices:
        cards = [task for task in tasks if task.status == value]
        limit = board.limit(value)
        columns.append(
            {
                "status": value,
                "label": label,
                "cards": cards,
                "limit": limit,
                "full": limit is not None and len(cards) >= limit,
            }
        )
    for task in tasks:
        task.may_edit = can_edit_task(request.user, task)
        task.move_error = (move_errors or {}).get(task.pk)
    context = {
        "space": space,
        "columns": columns,
        "statuses": Status.choices,
        "may_create": can_edit_board(request.user, space),
        "may_configure": can_admin_board(request.user, space),
    }
    return render(request, "taskboard/board.html", context, status=status)


@login_required
def board(request: HttpRequest, space_pk: int) -> HttpResponse:
    return _board(request, _space_or_404(request, space_pk))


def _list(request: HttpRequest, tasks: QuerySet[Task], title: str, **context) -> HttpResponse:
    form = TaskFilterForm(request.GET or None)
    status = 200
    if request.GET and not form.is_valid():
        tasks, status = tasks.none(), 400
    elif request.GET:
        tasks = form.apply(tasks)
    context.update({"form": form, "tasks": _with_details(tasks).distinct(), "title": title})
    return render(request, "taskboard/list.html", context, status=status)


@login_required
def board_list(request: HttpRequest, space_pk: int) -> HttpResponse:
    space = _space_or_404(request, space_pk)
    tasks = visible_tasks(request.user).filter(space=space)
    return _list(request, tasks, _("Tasks of %(space)s") % {"space": space.title}, space=space)


def _schedule_form(task: Task, data=None, whole_board: bool = True) -> ScheduleForm:
    initial = {"start": task.start, "due": task.due}
    # One form per row of the chart: ids must differ, names stay "start" and "due".
    return ScheduleForm(
        data,
        task=task,
        whole_board=whole_board,
        initial=initial,
        auto_id=f"schedule-{task.pk}-%s",
    )


def _gantt(request: HttpRequest, space: SpacePage, failed=None, status: int = 200):
    """The chart and, under it, each task's dates (a form where the user may change them).

    ``failed``: a refused ``ScheduleForm``, shown in its row with what was sent.
    """
    tasks = list(
        visible_tasks(request.user)
        .filter(space=space)
        .select_related("assignee")
        .prefetch_related("depends_on")
    )
    chart = gantt_chart(tasks, timezone.localdate())
    for task in tasks:
        task.may_edit = can_edit_task(request.user, task)
        if failed is not None and failed.task.pk == task.pk:
            task.schedule_form = failed
        elif task.may_edit:
            task.schedule_form = _schedule_form(task)
    context = {"space": space, "chart": chart, "rows": [bar.task for bar in chart.bars]}
    context["rows"] += chart.undated
    return render(request, "taskboard/gantt.html", context, status=status)


@login_required
def gantt(request: HttpRequest, space_pk: int) -> HttpResponse:
    return _gantt(request, _space_or_404(request, space_pk))


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = visible_tasks(user).filter(pk__in=user.assigned_tasks.values("pk")) | visible_tasks(
        user
    ).filter(collaborators=user)
    return _list(request, mine, _("My tasks"))


@login_required
def department_tasks(request: HttpRequest, code: str) -> HttpResponse:
    department = get_object_or_404(Department, code=code)
    tasks = visible_tasks(request.user).filter(department__in=department_and_below(department))
    title = _("Tasks of %(department)s") % {"department": department}
    return _list(request, tasks, title, department=department)


def _task_page(request, task, comment_form=None, status=200) -> HttpResponse:
    context = {
        "task": task,
        "comments": task.comments.select_related("author"),
        "events": task.events.select_related("author"),
        "comment_form": comment_form or CommentForm(),
        "move_form": MoveForm(task=task, initial={"status": task.status}),
        "may_edit": can_edit_task(request.user, task),
        "depends_on": visible_tasks(request.user).filter(blocks=task),
        "blocks": visible_tasks(request.user).filter(depends_on=task),
        "source_visible": task.source_document is not None
        and can(request.user, "view", task.source_document),
    }
    return render(request, "taskboard/task.html", context, status=status)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, _task_or_404(request, pk))


def _form_page(request, form, space, task=None, status=200) -> HttpResponse:
    context = {"form": form, "space": space, "task": task}
    return render(request, "taskboard/task_form.html", context, status=status)


@login_required
def task_create(request: HttpRequest, space_pk: int) -> HttpResponse:
    space = _space_or_404(request, space_pk)
    if not can_edit_board(request.user, space):
        raise PermissionDenied
    if request.method != "POST":
        return _form_page(request, TaskForm(space=space), space)
    form = TaskForm(request.POST, space=space)
    if not form.is_valid():
        return _form_page(request, form, space, status=400)
    task = services.save_task(form, request.user)
    messages.success(request, _("The task was created."))
    return redirect(task)


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    if not can_edit_task(request.user, task):
        raise PermissionDenied
    whole_board = can(request.user, "view", task.space)
    if request.method != "POST":
        form = TaskForm(instance=task, space=task.space, whole_board=whole_board)
        return _form_page(request, form, task.space, task)
    form = TaskForm(request.POST, instance=task, space=task.space, whole_board=whole_board)
    if not form.is_valid():
        return _form_page(request, form, task.space, task, status=400)
    services.save_task(form, request.user)
    messages.success(request, _("The task was saved."))
    return redirect(task)


@login_required
@require_POST
def task_move(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    if not can_edit_task(request.user, task):
        raise PermissionDenied
    form = MoveForm(request.POST, task=task)
    if not form.is_valid():
        errors = " ".join(form.errors["status"])
        if request.POST.get("from") != "task" and can(request.user, "view", task.space):
            return _board(request, task.space, {task.pk: errors}, status=400)
        # The task's own page (the assignee may not see the board): the error as a message.
        messages.error(request, errors)
        return _task_page(request, task, status=400)
    services.move_task(task, form.cleaned_data["status"], request.user)
    return _back(request, task)


def _back(request: HttpRequest, task: Task) -> HttpResponse:
    """To the page the form was on (``next``, if on this site), else to the task."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect(task)


@login_required
@require_POST
def task_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """New dates for a task from the Gantt chart (drag, keyboard or the date form)."""
    task = _task_or_404(request, pk)
    if not can_edit_task(request.user, task):
        raise PermissionDenied
    whole_board = can(request.user, "view", task.space)
    form = _schedule_form(task, request.POST, whole_board)
    if not form.is_valid():
        if whole_board:
            return _gantt(request, task.space, form, status=400)
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _task_page(request, task, status=400)
    start, due = form.cleaned_data["start"], form.cleaned_data["due"]
    services.schedule_task(task, start, due, request.user)
    messages.success(
        request,
        _("%(task)s now runs from %(start)s to %(due)s.")
        % {
            "task": task.title,
            "start": start.isoformat() if start else "—",
            "due": due.isoformat() if due else "—",
        },
    )
    return _back(request, task)


@login_required
@require_POST
def task_comment(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _task_page(request, task, form, status=400)
    services.add_comment(task, request.user, form.cleaned_data["body"])
    return redirect(task)


@login_required
def board_settings(request: HttpRequest, space_pk: int) -> HttpResponse:
    space = _space_or_404(request, space_pk)
    if not can_admin_board(request.user, space):
        raise PermissionDenied
    form = BoardForm(request.POST or None, instance=Board.of(space))
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("The board settings were saved."))
            return redirect("taskboard:board", space_pk=space.pk)
        return render(
            request, "taskboard/settings.html", {"form": form, "space": space}, status=400
        )
    return render(request, "taskboard/settings.html", {"form": form, "space": space})


@login_required
@require_POST
def from_minutes(request: HttpRequest, document_pk: int) -> HttpResponse:
    document = get_object_or_404(DocumentPage, pk=document_pk)
    if not can(request.user, "view", document):
        raise Http404
    if document.space is None or not can_edit_board(request.user, document.space):
        raise PermissionDenied
    if not minutes.is_minutes(document):
        messages.error(request, _("Only meeting minutes have action items."))
        return redirect(document.url)
    outcome = minutes.create_tasks(document, request.user)
    messages.success(
        request,
        _("%(created)d tasks created, %(linked)d action items were already tasks.")
        % {"created": len(outcome.created), "linked": outcome.already_linked},
    )
    for refusal in outcome.refused:
        messages.error(request, refusal)
    return redirect(document.url)
