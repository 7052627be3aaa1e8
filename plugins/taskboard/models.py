"""Boards, tasks, their comments and their history.

A board belongs to one space (``Board``, created on first use, holds its WIP limits);
tasks point at the space directly so that permission filters are one join. Labels are
taggit tags of their own (``Label``), not shared with documents' tags. Dependencies are
finish-to-start: a task ``depends_on`` the tasks that must be done before it starts.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase
from wagtail.search import index

from hub.core.markdown import render_markdown
from hub.core.models import Department, DocumentPage, SpacePage

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20_000


class Status(models.TextChoices):
    """The kanban columns, in board order."""

    TODO = "todo", _("To do")
    DOING = "doing", _("Doing")
    REVIEW = "review", _("Review")
    DONE = "done", _("Done")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Board(models.Model):
    """A space's board settings: the work-in-progress limit of each column (empty: none),
    and whether new minutes' action items become tasks by themselves."""

    space = models.OneToOneField(SpacePage, on_delete=models.CASCADE, related_name="task_board")
    wip_todo = models.PositiveSmallIntegerField(_("WIP limit of To do"), null=True, blank=True)
    wip_doing = models.PositiveSmallIntegerField(_("WIP limit of Doing"), null=True, blank=True)
    wip_review = models.PositiveSmallIntegerField(_("WIP limit of Review"), null=True, blank=True)
    wip_done = models.PositiveSmallIntegerField(_("WIP limit of Done"), null=True, blank=True)
    tasks_from_minutes = models.BooleanField(
        _("create tasks from minutes' action items automatically"),
        default=False,
        help_text=_(
            "Each time meeting minutes in this space are saved, their open action items "
            "that are not tasks yet become tasks on this board."
        ),
    )

    class Meta:
        verbose_name = _("task board")

    def __str__(self) -> str:
        return str(self.space)

    @classmethod
    def of(cls, space: SpacePage) -> Board:
        """The space's board (unsaved defaults until someone sets a limit)."""
        return cls.objects.filter(space=space).first() or cls(space=space)

    def limit(self, status: str) -> int | None:
        return getattr(self, f"wip_{status}")


class Label(TagBase):
    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")


class TaskLabel(ItemBase):
    tag = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="tagged_tasks")
    content_object = models.ForeignKey("Task", on_delete=models.CASCADE, related_name="+")


class Task(index.Indexed, models.Model):
    """One task on a space's board (searchable, see ``search.py``)."""

    space = models.ForeignKey(
        SpacePage, verbose_name=_("board"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description (Markdown)"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collaborators"),
        blank=True,
        related_name="collaborating_tasks",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        help_text=_("The department responsible; empty: the assignee's department."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    start = models.DateField(_("start date"), null=True, blank=True)
    due = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.TODO
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    labels = TaggableManager(verbose_name=_("labels"), through=TaskLabel, blank=True)
    depends_on = models.ManyToManyField(
        "self",
        verbose_name=_("depends on"),
        symmetrical=False,
        blank=True,
        related_name="blocks",
        help_text=_("Tasks that must be done before this one starts."),
    )
    # The meeting-minutes action item this task was made from (document + row index).
    source_document = models.ForeignKey(
        DocumentPage,
        verbose_name=_("from minutes"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    source_row = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("description"),
        # id: the collaborators' tasks are a pk__in filter of the permission query.
        index.FilterField("id"),
        index.FilterField("space"),
        index.FilterField("assignee"),
        index.FilterField("department"),
        index.FilterField("created_by"),
        index.FilterField("created_at"),
    ]

    class Meta:
        ordering = ["-priority", "due", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["space", "status"]), models.Index(fields=["due"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_document", "source_row"],
                condition=Q(source_document__isnull=False),
                name="one_task_per_action_item",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("taskboard:task", args=[self.pk])

    @property
    def description_html(self) -> str:
        return render_markdown(self.description)

    @property
    def is_open(self) -> bool:
        return self.status != Status.DONE

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due is not None and self.due < timezone.localdate()

    @property
    def begins(self) -> date | None:
        """The first day of the task's bar on the Gantt chart (start, else due)."""
        return self.start or self.due

    @property
    def ends(self) -> date | None:
        """The last day of the task's bar on the Gantt chart (due, else start)."""
        return self.due or self.start

    def blocked_by(self) -> list[Task]:
        """Unfinished tasks this one depends on."""
        return [task for task in self.depends_on.all() if task.status != Status.DONE]


def reaches(start: list[Task], target_pk: int | None) -> bool:
    """Does following ``depends_on`` from ``start`` lead to the task ``target_pk``?"""
    seen: set[int] = set()
    frontier = [task.pk for task in start]
    while frontier:
        if target_pk in frontier:
            return True
        seen.update(frontier)
        frontier = [
            pk
            for pk in Task.depends_on.through.objects.filter(from_task__in=frontier).values_list(
                "to_task", flat=True
            )
            if pk not in seen
        ]
    return False


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment (Markdown)"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.body[:40]}"

    @property
    def body_html(self) -> str:
        return render_markdown(self.body)


class TaskEvent(models.Model):
    """A history entry: who did what when; ``changes`` lists [field, old, new] as text."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created the task")
        CHANGED = "changed", _("changed the task")
        COMMENTED = "commented", _("commented")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.kind}"

    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field label, old, new) with the label in the current language."""
        rows = []
        for name, old, new in self.changes:
            try:
                label = Task._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = name
            rows.append((str(label), old, new))
        return rows


class ReminderSent(models.Model):
    """A due-soon or overdue reminder sent for a task on a day (never twice a day)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField()
    kind = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "day"], name="one_task_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.day} {self.kind}"


def overdue_q(today: date) -> Q:
    return Q(due__lt=today) & ~Q(status=Status.DONE)
