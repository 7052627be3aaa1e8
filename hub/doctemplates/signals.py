"""Keeps ``FieldPerson`` (people named in a document's fields) in step with the document.

It runs inside the save's transaction, so the search index, which reads the rows after
the commit, sees the new ones.
"""

from __future__ import annotations

from django.db.models.signals import post_save

from hub.doctemplates.fields import document_specs, people_keys


def sync_field_people(document) -> None:
    """Rewrite the people index of ``document`` from its current field values."""
    from hub.core.models import User
    from hub.doctemplates.models import FieldPerson

    named = people_keys(document_specs(document), document.fields or {})
    # Ids of people since deleted are skipped: the index points at accounts.
    known = set(
        User.objects.filter(pk__in={pk for _path, pk in named}).values_list("pk", flat=True)
    )
    wanted = {f"{path}:{user_id}": user_id for path, user_id in named if user_id in known}
    existing = set(FieldPerson.objects.filter(document=document).values_list("key", flat=True))
    if existing == set(wanted):
        return
    FieldPerson.objects.filter(document=document).exclude(key__in=list(wanted)).delete()
    FieldPerson.objects.bulk_create(
        FieldPerson(document=document, user_id=user_id, key=key)
        for key, user_id in wanted.items()
        if key not in existing
    )


def _document_saved(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and "fields" not in update_fields):
        return
    sync_field_people(instance)


def connect() -> None:
    from hub.core.models import DocumentPage

    post_save.connect(_document_saved, sender=DocumentPage, dispatch_uid="doctemplates_people")
