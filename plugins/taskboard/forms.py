"""Forms of the task boards: a task, a move between columns, new dates from the Gantt
chart, a comment, the board's settings and the list filters.

Choice fields accept only listed values (a forged person, dependency or status is a form
error), and every rule of a task is checked here so that a bad request changes nothing:
due before start, a dependency cycle, a column at its WIP limit, starting a task whose
dependencies are not done, dates that break a finish-to-start dependency.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.core.models import Department, SpacePage, User
from plugins.taskboard.models import (
    TEXT_MAX_LENGTH,
    Board,
    Status,
    Task,
    overdue_q,
    reaches,
)


def status_error(task: Task, status: str, depends_on: list[Task] | None = None) -> str | None:
    """Why ``task`` may not go to the column ``status`` (None: it may).

    ``depends_on`` is the dependency list about to be saved (default: the stored one).
    """
    if status == task.status and task.pk:
        return None
    limit = Board.of(task.space).limit(status)
    if limit is not None:
        in_column = Task.objects.filter(space=task.space, status=status).exclude(pk=task.pk)
        if in_column.count() >= limit:
            return _(
                "The column %(column)s already holds %(limit)d tasks, its WIP limit: "
                "finish or move one first."
            ) % {"column": Status(status).label, "limit": limit}
    if status != Status.TODO:
        dependencies = (
            depends_on
            if depends_on is not None
            else (list(task.depends_on.all()) if task.pk else [])
        )
        unfinished = [d.title for d in dependencies if d.status != Status.DONE]
        if unfinished:
            return _("This task cannot start before these are done: %(tasks)s.") % {
                "tasks": ", ".join(unfinished)
            }
    return None


def schedule_error(
    task: Task,
    start: date | None,
    due: date | None,
    depends_on: list[Task] | None = None,
    *,
    whole_board: bool = True,
) -> str | None:
    """Why ``task`` may not run from ``start`` to ``due`` (None: it may).

    Finish-to-start: the task's first day (start, else due) must come after the last day
    (due, else start) of every task it depends on, and its last day before the first day
    of every task waiting for it; tasks without dates constrain nothing. ``depends_on`` is
    the dependency list about to be saved (default: the stored one). The message names
    the task in the way, or, for someone who does not see the board (``whole_board``
    false: an assignee from outside), only says that there is one.
    """
    if start and due and due < start:
        return _("The due date cannot be before the start date.")
    begins, ends = start or due, due or start
    if begins is None:
        return None

    def name(other: Task) -> str:
        return other.title if whole_board else _("another task on this board")

    if depends_on is None:
        depends_on = list(task.depends_on.all()) if task.pk else []
    for before in sorted(depends_on, key=lambda t: t.ends or date.max, reverse=True):
        if before.ends is not None and begins <= before.ends:
            return _(
                "This task waits for %(task)s, which is due %(due)s: it can start on "
                "%(earliest)s at the earliest."
            ) % {
                "task": name(before),
                "due": before.ends.isoformat(),
                "earliest": (before.ends + timedelta(days=1)).isoformat(),
            }
    waiting = task.blocks.exclude(pk=task.pk) if task.pk else Task.objects.none()
    for after in sorted(waiting, key=lambda t: t.begins or date.min):
        if after.begins is not None and ends >= after.begins:
            return _(
                "%(task)s waits for this task and starts %(start)s: this task must be due "
                "by %(latest)s at the latest."
            ) % {
                "task": name(after),
                "start": after.begins.isoformat(),
                "latest": (after.begins - timedelta(days=1)).isoformat(),
            }
    return None


def people() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("username")


class TaskForm(forms.ModelForm):
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=format_lazy(
            gettext_lazy("Markdown; at most {limit} characters."), limit=TEXT_MAX_LENGTH
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    progress = forms.IntegerField(
        label=gettext_lazy("Progress (%)"), min_value=0, max_value=100, initial=0
    )

    class Meta:
        model = Task
        fields = [
            "title", "description", "status", "assignee", "collaborators", "department",
            "priority", "start", "due", "progress", "labels", "depends_on",
        ]  # fmt: skip
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "due": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, space: SpacePage, whole_board: bool = True, **kwargs) -> None:
        """``whole_board``: the user sees the board; an assignee from outside does not,
        so they are not offered the board's other tasks as dependencies."""
        super().__init__(*args, **kwargs)
        self.instance.space = space
        self.whole_board = whole_board
        if not whole_board:
            del self.fields["depends_on"]
        self.fields["assignee"].queryset = people()
        self.fields["collaborators"].queryset = people()
        self.fields["department"].queryset = Department.objects.order_by("code")
        others = Task.objects.filter(space=space).order_by("title")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if "depends_on" in self.fields:
            self.fields["depends_on"].queryset = others
        self.fields["labels"].help_text = _("Separate labels with commas.")

    def clean(self) -> dict:
        data = super().clean()
        if "depends_on" in self.fields:
            depends_on = list(data.get("depends_on") or [])
        else:
            depends_on = list(self.instance.depends_on.all()) if self.instance.pk else []
        if self.instance.pk and reaches(depends_on, self.instance.pk):
            self.add_error(
                "depends_on",
                _("These dependencies would make a cycle: the task would wait for itself."),
            )
        else:
            # Only a change of dates or dependencies is checked: dates stored before the
            # rule must not block editing, say, the title.
            rescheduled = {"start", "due", "depends_on"} & set(self.changed_data)
            error = (rescheduled or not self.instance.pk) and schedule_error(
                self.instance,
                data.get("start"),
                data.get("due"),
                depends_on,
                whole_board=self.whole_board,
            )
            if error:
                self.add_error("due", error)
            error = data.get("status") and status_error(self.instance, data["status"], depends_on)
            if error:
                self.add_error("status", error)
        if data.get("assignee") and not data.get("department"):
            data["department"] = data["assignee"].department
        return data


class MoveForm(forms.Form):
    """Move a task to another kanban column (the card's small form, and drag and drop)."""

    status = forms.ChoiceField(label=gettext_lazy("Move to"), choices=Status.choices)

    def __init__(self, *args, task: Task, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.task = task

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        error = status_error(self.task, status)
        if error:
            raise forms.ValidationError(error)
        return status


class ScheduleForm(forms.Form):
    """New start and due dates of a task (the Gantt chart: a drag, the keyboard, or the
    date form under the chart). Dates are ISO ``YYYY-MM-DD``, as date inputs send them."""

    start = forms.DateField(
        label=gettext_lazy("Start"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due = forms.DateField(
        label=gettext_lazy("Due"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, task: Task, whole_board: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.whole_board = whole_board

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not (data.get("start") or data.get("due")):
            # Clearing both would drop the task off the chart: the edit form does that.
            raise forms.ValidationError(_("Give a start date, a due date or both."))
        unchanged = (data.get("start"), data.get("due")) == (self.task.start, self.task.due)
        if not self.errors and not unchanged:
            error = schedule_error(
                self.task, data.get("start"), data.get("due"), whole_board=self.whole_board
            )
            if error:
                raise forms.ValidationError(error)
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=TEXT_MAX_LENGTH,
        help_text=gettext_lazy("Markdown; mention people with @username."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["wip_todo", "wip_doing", "wip_review", "wip_done", "tasks_from_minutes"]


class TaskFilterForm(forms.Form):
    """GET filters of the task lists; every field optional."""

    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assignee"), queryset=User.objects.none(), required=False,
        to_field_name="username",
    )  # fmt: skip
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.none(), required=False,
        to_field_name="code",
    )  # fmt: skip
    label = forms.CharField(label=gettext_lazy("Label"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[("", gettext_lazy("Any status")), *Status.choices],
        required=False,
    )  # fmt: skip
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people()
        self.fields["department"].queryset = Department.objects.order_by("code")

    def apply(self, tasks: QuerySet[Task]) -> QuerySet[Task]:
        """``tasks`` narrowed by the filters (call after is_valid())."""
        data = self.cleaned_data
        if data["assignee"]:
            tasks = tasks.filter(assignee=data["assignee"])
        if data["department"]:
            tasks = tasks.filter(department=data["department"])
        if data["label"]:
            tasks = tasks.filter(labels__name=data["label"])
        if data["status"]:
            tasks = tasks.filter(status=data["status"])
        if data["overdue"]:
            tasks = tasks.filter(overdue_q(timezone.localdate()))
        return tasks
