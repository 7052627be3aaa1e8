"""Rooms, their messages and what hangs off them: edit log, attachments, read markers,
invited members and the documents made from threads.

A space room belongs to one space and has no member rows: who may read it is computed
from the space's permissions at access time (``permissions.py``). Group rooms and direct
messages list their people in ``RoomMember``; a direct room's ``direct_key`` ("<lower
id>:<higher id>") makes it one room per pair.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from hub.core.markdown import render_markdown
from hub.core.models import DocumentPage, SpacePage, User

TITLE_MAX_LENGTH = 100


class Room(models.Model):
    class Kind(models.TextChoices):
        SPACE = "space", _("Space room")
        GROUP = "group", _("Group room")
        DIRECT = "direct", _("Direct messages")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    space = models.ForeignKey(
        SpacePage,
        verbose_name=_("space"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_rooms",
    )
    title = models.CharField(_("name"), max_length=TITLE_MAX_LENGTH, blank=True)
    direct_key = models.CharField(max_length=50, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The time of the last message, to list busy rooms first (and find idle ones).
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Archived: read-only, its messages left out of search unless asked (``archive.py``).
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat room")
        verbose_name_plural = _("chat rooms")
        constraints = [
            models.UniqueConstraint(
                fields=["space"], condition=Q(kind="space"), name="one_chat_room_per_space"
            ),
            models.CheckConstraint(
                condition=Q(kind="space", space__isnull=False)
                | (~Q(kind="space") & Q(space__isnull=True)),
                name="space_room_has_space",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name()

    def get_absolute_url(self) -> str:
        return reverse("chat:room", args=[self.pk])

    def display_name(self, viewer: User | None = None) -> str:
        """The space's title, the group's name, or the other person's name (for ``viewer``)."""
        if self.kind == self.Kind.SPACE:
            return self.space.title
        if self.kind == self.Kind.GROUP:
            return self.title
        people = [member.user for member in self.members.all()]
        others = [person for person in people if person != viewer] or people
        return ", ".join(sorted(str(person) for person in others))

    @staticmethod
    def direct_key_for(a: User, b: User) -> str:
        low, high = sorted((a.pk, b.pk))
        return f"{low}:{high}"


class RoomMember(models.Model):
    """A person in a group room or a direct conversation (space rooms have none)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_memberships"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="unique_chat_member")]

    def __str__(self) -> str:
        return f"{self.user} in {self.room_id}"


class Message(index.Indexed, models.Model):
    """A message; deleting empties ``body`` (the text moves to the edit log)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    # Denormalised from the room so the search's space and department filters are one field.
    space = models.ForeignKey(
        SpacePage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message (Markdown)"), blank=True)
    documents = models.ManyToManyField(DocumentPage, blank=True, related_name="+")
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Any change (edit, delete): a reconnecting client asks for what changed since.
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Denormalised from the room (archived) for the search's "current content" filter.
    archived = models.BooleanField(default=False)

    search_fields = [
        index.SearchField("body"),
        index.FilterField("room"),
        index.FilterField("space"),
        index.FilterField("author"),
        index.FilterField("created_at"),
        index.FilterField("archived"),
    ]

    class Meta:
        ordering = ["pk"]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")

    def __str__(self) -> str:
        return f"{self.room_id}/{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.room.get_absolute_url()}?at={self.pk}#message-{self.pk}"

    @property
    def body_html(self) -> str:
        return render_markdown(self.body)


class MessageEdit(models.Model):
    """The text a message had before an edit or a deletion (shown to the room's readers)."""

    class Kind(models.TextChoices):
        EDITED = "edited", _("edited")
        DELETED = "deleted", _("deleted")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="edits")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    previous_body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.kind}"


def attachment_path(instance: ChatAttachment, filename: str) -> str:
    # A random name on disk: the original name is kept in the database only.
    suffix = PurePath(filename).suffix.lower()[:16]
    return f"chat/{instance.message.room_id}/{uuid.uuid4().hex}{suffix}"


class ChatAttachment(models.Model):
    """A file sent in a room, served only to the people who can read the room."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="attachment")
    file = models.FileField(upload_to=attachment_path)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("chat:attachment", args=[self.pk, self.filename])

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}


class ReadMarker(models.Model):
    """The last message a person has read in a room; later ones count as unread."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="one_chat_read_marker")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.room_id} up to {self.last_read_id}"


class ThreadDocument(models.Model):
    """A document made from a range of a room's messages; the room links to it."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="thread_documents")
    document = models.ForeignKey(DocumentPage, on_delete=models.CASCADE, related_name="+")
    first_message_id = models.PositiveBigIntegerField()
    last_message_id = models.PositiveBigIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.room_id} → {self.document_id}"
