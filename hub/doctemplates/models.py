"""Document templates (admin-editable, versioned), the index of people named in document
fields (for search filters), the record of weekly-report reminders already sent, and the
answers departments give to the help requested of them in weekly reports."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.models import RevisionMixin

from hub.doctemplates.fields import FieldSpec, english, parse_fields

logger = logging.getLogger("hub.doctemplates")

# The fields roll-ups read, by template kind: a type, or for rows fields their columns'
# types. A template of that kind may leave out the optional ones; those it has must fit.
ROLLUP_FIELDS: dict[str, dict[str, str | dict[str, str]]] = {
    "weekly": {
        "reporter": "person",
        "week": "week",
        "team": "department",
        "progress": {"item": "text", "percent": "percent"},
        "plan": {"item": "text"},
        "risks": {"risk": "text", "kind": "choice"},
        "help": {"department": "department", "request": "text"},
    },
    "minutes": {"actions": {"what": "text", "owner": "person", "due": "date", "status": "choice"}},
}
REQUIRED_ROLLUP_FIELDS = {"weekly": ("reporter", "week")}
# The status of an action item that is finished; every other status is open.
DONE = "done"


def _shape_errors(kind: str, specs: list[FieldSpec]) -> list[str]:
    """What keeps a template of ``kind`` from feeding the roll-ups (empty: nothing)."""
    by_name = {spec.name: spec for spec in specs}
    errors = [
        _("A %(kind)s template needs a field named %(name)s.") % {"kind": kind, "name": name}
        for name in REQUIRED_ROLLUP_FIELDS.get(kind, ())
        if name not in by_name
    ]
    for name, shape in ROLLUP_FIELDS.get(kind, {}).items():
        spec = by_name.get(name)
        if spec is None:
            continue
        wanted = "rows" if isinstance(shape, dict) else shape
        if spec.type != wanted:
            errors.append(
                _("The field %(name)s of a %(kind)s template must have the type %(type)s.")
                % {"name": name, "kind": kind, "type": wanted}
            )
            continue
        for column_name, column_type in shape.items() if isinstance(shape, dict) else ():
            column = spec.column(column_name)
            if column is None or column.type != column_type:
                errors.append(
                    _("The rows field %(name)s needs a column %(column)s of type %(type)s.")
                    % {"name": name, "column": column_name, "type": column_type}
                )
    actions = by_name.get("actions")
    status = actions.column("status") if kind == "minutes" and actions else None
    if status is not None and DONE not in {choice.value for choice in status.choices}:
        errors.append(_("The status column of action items needs a choice with the value done."))
    return errors


class DocumentTemplate(RevisionMixin, models.Model):
    """A template: a Markdown skeleton plus typed fields, for the company or one space."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", gettext_lazy("Meeting minutes")
        WEEKLY = "weekly", gettext_lazy("Weekly report")
        OTHER = "other", gettext_lazy("Other")

    name = models.CharField(gettext_lazy("name"), max_length=200)
    name_en = models.CharField(gettext_lazy("English name"), max_length=200, blank=True)
    kind = models.CharField(
        gettext_lazy("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER
    )
    space = models.ForeignKey(
        "core.SpacePage",
        verbose_name=gettext_lazy("space"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="document_templates",
        help_text=gettext_lazy("Leave empty for a template the whole company can use."),
    )
    description = models.CharField(gettext_lazy("description"), max_length=500, blank=True)
    skeleton = models.TextField(
        gettext_lazy("skeleton (Markdown)"),
        blank=True,
        help_text=gettext_lazy("The body a new document starts with."),
    )
    fields = models.JSONField(
        gettext_lazy("fields"),
        default=list,
        blank=True,
        help_text=gettext_lazy("A JSON list of typed fields; see docs/templates.md."),
    )
    active = models.BooleanField(
        gettext_lazy("active"),
        default=True,
        help_text=gettext_lazy("Inactive templates are not offered for new documents."),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="document_template")

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("kind"),
        FieldPanel("space"),
        FieldPanel("description"),
        FieldPanel("skeleton"),
        FieldPanel("fields"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = gettext_lazy("document template")
        verbose_name_plural = gettext_lazy("document templates")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        # Fields are checked on every save, not only in forms: documents rely on them.
        self.validate_fields()
        return super().save(*args, **kwargs)

    @property
    def revisions(self):
        return self._revisions

    @property
    def display_name(self) -> str:
        return self.name_en if self.name_en and english() else self.name

    def validate_fields(self) -> list[FieldSpec]:
        """The parsed field list; ValidationError (on ``fields``) naming every problem."""
        try:
            specs = parse_fields(self.fields)
        except ValidationError as error:
            raise ValidationError({"fields": error.messages}) from error
        problems = _shape_errors(self.kind, specs)
        if problems:
            raise ValidationError({"fields": problems})
        return specs

    def clean(self) -> None:
        super().clean()
        self.validate_fields()

    def specs(self) -> list[FieldSpec]:
        """The typed fields (parsed once per object)."""
        cached = self.__dict__.get("_specs")
        if cached is None:
            try:
                cached = parse_fields(self.fields)
            except ValidationError:
                logger.exception("template %s has invalid fields", self.pk)
                cached = []
            self.__dict__["_specs"] = cached
        return cached


class FieldPerson(models.Model):
    """A person named in a document's fields, for search filters ("minutes I attended").

    Derived from ``DocumentPage.fields`` on every save of the document; ``key`` is
    ``<field path>:<user id>``, e.g. ``attendees:12`` or ``actions.owner:12``.
    """

    document = models.ForeignKey(
        "core.DocumentPage", on_delete=models.CASCADE, related_name="field_people"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "key"], name="unique_field_person")
        ]

    def __str__(self) -> str:
        return self.key


class ReminderSent(models.Model):
    """A weekly-report reminder already sent: nobody is reminded twice for one week."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_reminder_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week}"


MAX_REPLY = 2000


class HelpAnswer(models.Model):
    """The answer of the asked department to one help request of a weekly report.

    A request is a row of the report's ``help`` field, named by the row's key
    (``hub.doctemplates.rowkeys``); each department it asks answers it once. The current
    reply is here, every version (the first included) in ``HelpAnswerVersion``.
    """

    document = models.ForeignKey(
        "core.DocumentPage", on_delete=models.CASCADE, related_name="help_answers"
    )
    row_key = models.CharField(max_length=40)
    department = models.ForeignKey(
        "core.Department", on_delete=models.CASCADE, related_name="help_answers"
    )
    # The request as it read when answered: shows when the reporter changed it afterwards.
    request_text = models.CharField(max_length=500)
    # When the request was first filed (the first filed revision holding the row).
    asked_at = models.DateTimeField()
    reply = models.TextField(max_length=MAX_REPLY)
    linked_document = models.ForeignKey(
        "core.DocumentPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.CharField(max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "row_key", "department"], name="one_answer_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id}/{self.row_key}/{self.department_id}"


class HelpAnswerVersion(models.Model):
    """One version of an answer, as saved: the trace of who wrote what, and when."""

    answer = models.ForeignKey(HelpAnswer, on_delete=models.CASCADE, related_name="versions")
    reply = models.TextField()
    linked_document = models.ForeignKey(
        "core.DocumentPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["saved_at", "pk"]

    def __str__(self) -> str:
        return f"{self.answer_id} {self.saved_at:%Y-%m-%d %H:%M}"
