"""What co-editing stores: the log of accepted CRDT updates and its compacted snapshot.

A document's CRDT state is ``CollabSnapshot.state`` merged with every ``CollabUpdate``
still in the log; compaction merges rows into the snapshot and deletes exactly those
rows, in one transaction. The update id is the log's sequence number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision

from hub.core.models import DocumentPage


class CollabSnapshot(models.Model):
    """Per document: the compacted state and the revision the co-editing state builds on.

    ``base_revision`` is the latest revision whose body is already part of the CRDT state
    (a checkpoint a room made, or a form save merged into it); ``base_state`` is a CRDT
    state whose text is exactly that revision's body, so a later form save is merged as
    the edits it made to that body instead of overwriting concurrent typing.
    """

    page = models.OneToOneField(
        DocumentPage, primary_key=True, on_delete=models.CASCADE, related_name="collab_snapshot"
    )
    state = models.BinaryField(default=b"")
    base_revision = models.ForeignKey(
        Revision, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    base_state = models.BinaryField(default=b"")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("co-editing snapshot")

    def __str__(self) -> str:
        return f"snapshot of {self.page_id}"


class CollabUpdate(models.Model):
    """One accepted CRDT update, stored before it was relayed to anyone."""

    page = models.ForeignKey(DocumentPage, on_delete=models.CASCADE, related_name="collab_updates")
    data = models.BinaryField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("co-editing update")

    def __str__(self) -> str:
        return f"update {self.pk} of {self.page_id}"
