"""The one bridge from Django/Wagtail signals to ``hub_*`` event hooks.

Events fire after the transaction commits (never for a rolled-back save), and a plugin
that raises is logged by ``hub.plugins.notify`` without breaking the save.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from wagtail.models import Revision
from wagtail.signals import post_page_move

from hub import plugins


def _revision_saved(sender, instance: Revision, created: bool, raw: bool = False, **kwargs) -> None:
    from hub.core.models import DocumentPage

    # raw: loaded from a backup or fixture, not saved by anyone; nothing happened to tell.
    if raw or not created or instance.content_type.model_class() is not DocumentPage:
        return

    def fire() -> None:
        document = DocumentPage.objects.filter(pk=instance.object_id).first()
        if document is None:
            return
        earlier = Revision.page_revisions.filter(object_id=instance.object_id, pk__lt=instance.pk)
        previous = earlier.order_by("-pk").first()
        plugins.notify(
            "hub_document_saved",
            document=document,
            revision=instance,
            user=instance.user,
            created=previous is None,
        )
        status = instance.content.get("status")
        if status == DocumentPage.Status.PUBLISHED and (
            previous is None or previous.content.get("status") != status
        ):
            plugins.notify(
                "hub_document_published", document=document, revision=instance, user=instance.user
            )

    transaction.on_commit(fire)


def _space_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        transaction.on_commit(lambda: plugins.notify("hub_space_created", space=instance))


def _page_moved(sender, instance, **kwargs) -> None:
    from hub.core.documents import refresh_space

    refresh_space(instance)


def connect() -> None:
    """Connect the signal handlers (called once from the core app's ready())."""
    from hub.core.models import SpacePage

    post_save.connect(_revision_saved, sender=Revision, dispatch_uid="hub_revision_saved")
    post_save.connect(_space_saved, sender=SpacePage, dispatch_uid="hub_space_created")
    post_page_move.connect(_page_moved, dispatch_uid="hub_page_moved")
