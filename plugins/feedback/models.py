"""Feedback items and their triage history.

Anonymous feedback keeps no trace of its sender: no user, no IP, and a creation time
rounded down to the day, so that it cannot be matched against other timestamps. Its
sender follows it through a tracking link whose random token is stored only as a
SHA-256 hash. Primary keys are random UUIDs, so neither an id nor the order of ids tells
when an anonymous item was sent relative to named ones (and ids cannot be guessed).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from hub.core.markdown import render_markdown
from hub.core.models import Department, User

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000


class Category(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")
    PRAISE = "praise", _("Praise")
    QUESTION = "question", _("Question")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a tracking token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_of_today() -> datetime:
    """Local midnight today: the only creation time anonymous feedback gets."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


class Feedback(index.Indexed, models.Model):
    """One piece of feedback addressed to a department (searchable, see ``search.py``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="feedback_items",
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(_("message (Markdown)"))
    anonymous = models.BooleanField(
        _("send anonymously"),
        default=False,
        help_text=_(
            "Nobody, administrators included, can see who sent anonymous feedback. "
            "You get a private link to follow it instead."
        ),
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
    )
    tracking_token_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    # The sender is a filter only (never searched text), so anonymous items match no name.
    search_fields = [
        index.SearchField("subject"),
        index.SearchField("body"),
        index.FilterField("department"),
        index.FilterField("submitter"),
        index.FilterField("anonymous"),
        index.FilterField("created_at"),
    ]

    class Meta:
        ordering = ["-created_at", "subject"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(submitter__isnull=True),
                name="anonymous_feedback_has_no_submitter",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @classmethod
    def submit(
        cls,
        *,
        submitter: User,
        anonymous: bool,
        category: str,
        department: Department,
        subject: str,
        body: str,
    ) -> tuple[Feedback, str | None]:
        """Save new feedback; anonymous feedback also returns its tracking token.

        The token exists only in the return value: the caller shows it once and keeps it
        nowhere (no session, no redirect URL, no log).
        """
        fields = {"category": category, "department": department, "subject": subject, "body": body}
        if not anonymous:
            return cls.objects.create(submitter=submitter, **fields), None
        token = secrets.token_urlsafe(32)
        feedback = cls.objects.create(
            anonymous=True,
            tracking_token_hash=hash_token(token),
            created_at=start_of_today(),
            **fields,
        )
        return feedback, token

    @classmethod
    def by_token(cls, token: str) -> Feedback | None:
        """The feedback a tracking token belongs to, if any."""
        return (
            cls.objects.select_related("department")
            .filter(tracking_token_hash=hash_token(token))
            .first()
        )

    @property
    def body_html(self) -> str:
        return render_markdown(self.body)

    def triage(self, user: User, status: str, reply: str = "") -> FeedbackEvent:
        """Set the status and/or reply, keeping both as a history entry."""
        with transaction.atomic():
            current = type(self).objects.select_for_update().values_list("status", flat=True)
            old_status = current.get(pk=self.pk)
            event = FeedbackEvent.objects.create(
                feedback=self, author=user, old_status=old_status, new_status=status, reply=reply
            )
            type(self).objects.filter(pk=self.pk).update(status=status)
        self.status = status
        return event


class FeedbackEvent(models.Model):
    """A history entry: a triager changed the status (from -> to) and/or replied."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    old_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    new_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    reply = models.TextField(_("reply (Markdown)"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("feedback history entry")
        verbose_name_plural = _("feedback history")

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.old_status} -> {self.new_status}"

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def reply_html(self) -> str:
        return render_markdown(self.reply)
