"""Proposals to archive what nobody touched, and what an archived document was before."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.core.models import DocumentPage, SpacePage


class Proposal(models.Model):
    """A space, a document or a plugin's item (``kind`` and ``key``, see
    ``hub_register_archive_types``) proposed for archiving, until someone decides."""

    class Decision(models.TextChoices):
        ARCHIVED = "archived", _("Archived")
        KEPT = "kept", _("Kept")

    space = models.ForeignKey(
        SpacePage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        DocumentPage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A plugin's item: its ArchiveType's name and the item's key.
    kind = models.CharField(max_length=50, blank=True)
    key = models.CharField(max_length=100, blank=True)
    last_activity = models.DateTimeField(_("last activity"), null=True)
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["last_activity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(space__isnull=False) & Q(document__isnull=True) & Q(kind=""))
                | (Q(space__isnull=True) & Q(document__isnull=False) & Q(kind=""))
                | (Q(space__isnull=True) & Q(document__isnull=True) & ~Q(kind="") & ~Q(key="")),
                name="proposal_of_one_thing",
            ),
            # One open proposal per object: proposing twice (cron overlapping) is a no-op.
            models.UniqueConstraint(
                fields=["space"], condition=Q(decided_at__isnull=True), name="one_open_per_space"
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(decided_at__isnull=True),
                name="one_open_per_document",
            ),
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=Q(decided_at__isnull=True) & ~Q(kind=""),
                name="one_open_per_item",
            ),
        ]

    def __str__(self) -> str:
        return str(self.target or f"{self.kind} {self.key}")

    @property
    def target(self) -> SpacePage | DocumentPage | None:
        """The space or document proposed; None for a plugin's item."""
        return self.space or self.document


class ArchivedDocument(models.Model):
    """An archived document's status before, so restoring gives it back."""

    document = models.OneToOneField(
        DocumentPage, on_delete=models.CASCADE, related_name="archive_record"
    )
    previous_status = models.CharField(max_length=20)
    archived_at = models.DateTimeField(default=timezone.now)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Archived with its space: restoring the space restores it (not those archived before).
    with_space = models.ForeignKey(
        SpacePage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.document)
