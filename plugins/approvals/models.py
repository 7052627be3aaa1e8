"""Flows (a form and ordered steps), requests, the steps they run through and the decision log.

A ``Flow`` is edited by admins (Wagtail snippet with its steps inline). A ``Request`` runs
through ``StepRun`` rows, one per step it reaches; the current one has ``decided_at``
empty. ``Decision`` is an append-only log of who did what, when and why.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Revision

from hub.core.models import Department, DocumentPage
from plugins.approvals.fields import FieldSpec, FormFieldsBlock, field_specs

HOURS = {"max_digits": 7, "decimal_places": 3, "null": True, "blank": True}


class Flow(ClusterableModel):
    """An approval flow: what requesters fill in and who approves, step by step."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active flows accept new requests.")
    )
    form_fields = StreamField(FormFieldsBlock(), verbose_name=_("form fields"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("approval flow")
        verbose_name_plural = _("approval flows")

    def __str__(self) -> str:
        return self.name

    def specs(self) -> list[FieldSpec]:
        return field_specs(self.form_fields)


class ApproverRule(models.TextChoices):
    PERSON = "person", _("A named person")
    DEPARTMENT_HEAD = "department_head", _("Head of the requester's department")
    MANAGER = "manager", _("The requester's manager")
    GROUP = "group", _("Members of a group")
    DEPARTMENT = "department", _("Members of a department")


class Operator(models.TextChoices):
    GT = ">", ">"
    GE = ">=", "≥"
    LT = "<", "<"
    LE = "<=", "≤"
    EQ = "==", "="
    NE = "!=", "≠"


class Escalation(models.TextChoices):
    NONE = "", _("No escalation")
    PERSON = "person", _("Escalate to a named person")
    MANAGER = "manager", _("Escalate to the approver's manager")


class FlowStep(Orderable):
    """One step of a flow, in ``sort_order``; see ``rules.py`` for how approvers are found."""

    flow = ParentalKey(Flow, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("name"), max_length=100)
    rule = models.CharField(_("approver"), max_length=20, choices=ApproverRule.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    all_must_approve = models.BooleanField(
        _("all must approve"),
        default=False,
        help_text=_("For a group or department: every member must approve, not just one."),
    )
    condition_field = models.CharField(
        _("only if field"),
        max_length=40,
        blank=True,
        help_text=_("Key of a form field; empty: the step always applies."),
    )
    condition_operator = models.CharField(
        _("operator"), max_length=2, choices=Operator.choices, blank=True
    )
    condition_value = models.CharField(_("value"), max_length=100, blank=True)
    remind_after_hours = models.DecimalField(
        _("remind after (hours)"),
        **HOURS,
        help_text=_("Remind the approvers this many hours after the step starts."),
    )
    deadline_hours = models.DecimalField(
        _("deadline (hours)"), **HOURS, help_text=_("Empty: no deadline.")
    )
    escalation = models.CharField(
        _("at the deadline"), max_length=10, choices=Escalation.choices, blank=True
    )
    escalation_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalate to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(Orderable.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Request(models.Model):
    """One employee's request through a flow, possibly for a document."""

    flow = models.ForeignKey(
        Flow, verbose_name=_("flow"), on_delete=models.PROTECT, related_name="requests"
    )
    title = models.CharField(_("title"), max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="approval_requests",
    )
    # The requester's department when they submitted (people move; the request does not).
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approval_requests",
    )
    values = models.JSONField(_("values"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    # PROTECT: an approved revision stays retrievable, so its document cannot be deleted
    # (archive it instead).
    document = models.ForeignKey(
        DocumentPage,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_requests",
    )
    revision = models.ForeignKey(
        Revision,
        verbose_name=_("submitted revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_revision = models.ForeignKey(
        Revision,
        verbose_name=_("approved revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("approval request")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("approvals:detail", args=[self.pk])

    def current_step_run(self) -> StepRun | None:
        if self.status != Status.IN_PROGRESS:
            return None
        return self.step_runs.filter(decided_at__isnull=True).order_by("-pk").first()


def attachment_path(instance: RequestAttachment, filename: str) -> str:
    # A random name on disk: the original name is kept in the database only.
    suffix = PurePath(filename).suffix.lower()
    return f"approvals/{instance.request_id}/{uuid.uuid4().hex}{suffix}"


class RequestAttachment(models.Model):
    """A file of a request's file field, served only to those who may see the request."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    field = models.CharField(max_length=40)
    file = models.FileField(upload_to=attachment_path)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("approvals:attachment", args=[self.pk, self.filename])


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def new_nonce() -> str:
    return uuid.uuid4().hex


class StepRun(models.Model):
    """A request's stay at one step: who may decide it, until when, and how it ended.

    ``nonce`` is sent with every action form; an action counts only while the step is
    undecided and the nonce matches (one conditional UPDATE), so a replayed or concurrent
    form records nothing.
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="step_runs")
    step = models.ForeignKey(
        FlowStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    # Copied from the step: admins may edit the flow while requests run.
    name = models.CharField(_("step"), max_length=100)
    position = models.PositiveIntegerField()
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="approval_steps")
    all_must_approve = models.BooleanField(default=False)
    nonce = models.CharField(max_length=32, default=new_nonce)
    started_at = models.DateTimeField(_("started"))
    remind_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["decided_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.request} · {self.name}"


class Action(models.TextChoices):
    SUBMIT = "submit", _("submitted")
    RESUBMIT = "resubmit", _("resubmitted")
    APPROVE = "approve", _("approved")
    REJECT = "reject", _("rejected")
    RETURN = "return", _("returned for changes")
    COMMENT = "comment", _("commented")
    WITHDRAW = "withdraw", _("withdrew")
    ESCALATE = "escalate", _("escalated")


class DecisionLogError(Exception):
    """Decisions are a log: they are added, never changed or deleted."""


class Decision(models.Model):
    """Who did what to a request, when and why; append-only."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="decisions")
    step_run = models.ForeignKey(
        StepRun, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    # Empty for what the hub did itself (escalation at a deadline).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One approval per person per step, however often the form is sent.
            models.UniqueConstraint(
                fields=["step_run", "actor"],
                condition=Q(action="approve"),
                name="approvals_one_approval_per_person_and_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display()} {self.request}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise DecisionLogError("a decision cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DecisionLogError("a decision cannot be deleted")
