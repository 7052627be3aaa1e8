"""Organisation (departments, people), spaces with members, documents and attachments."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import Resolver404, resolve
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index


class Department(models.Model):
    """A node of the organisation tree; ``code`` is the stable key used by the org import."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The English name in an English UI when there is one, else the name."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def ancestor_ids(self) -> list[int]:
        """This department's id followed by its parents' ids up to the root."""
        ids, node = [], self
        while node is not None and node.pk not in ids:
            ids.append(node.pk)
            node = node.parent
        return ids


class User(AbstractUser):
    """An employee account. ``name`` is the full display name (e.g. 张伟)."""

    name = models.CharField(_("full name"), max_length=150, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    title = models.CharField(_("job title"), max_length=150, blank=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    def get_full_name(self) -> str:
        return self.name or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()


class HomePage(Page):
    """The site root: the employee's home dashboard."""

    max_count = 1
    subpage_types = ["core.SpacePage"]

    def serve(self, request, *args, **kwargs):
        from hub.core.views import home

        return home(request)


class SpacePage(Page):
    """A department or project space holding a tree of documents."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department space")
        PROJECT = "project", _("Project space")

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("Members only")
        DEPARTMENT = "department", _("Department only")
        COMPANY_READ = "company_read", _("Company-wide read")
        COMPANY_EDIT = "company_edit", _("Company-wide edit")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROJECT)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spaces",
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    description = models.TextField(_("description"), blank=True)
    # Set while the space is archived (hub.archiving): read-only, its documents archived.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)

    parent_page_types = ["core.HomePage"]
    subpage_types = ["core.DocumentPage"]
    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("department"),
        FieldPanel("visibility"),
        FieldPanel("description"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]

    class Meta:
        verbose_name = _("space")

    @staticmethod
    def slug_is_routed(slug: str) -> bool:
        """Would a space at /<slug>/ be hidden by one of the hub's own URLs (/admin/, /spaces/…)?"""
        try:
            return resolve(f"/{slug}/").url_name != "wagtail_serve"
        except Resolver404:
            return False

    def clean(self) -> None:
        super().clean()
        if self.slug and self.depth in (None, 3) and self.slug_is_routed(self.slug):
            raise ValidationError({"slug": _("This address is used by the hub itself.")})

    def serve(self, request, *args, **kwargs):
        from hub.core.views import space_view

        return space_view(request, self)


class SpaceMembership(models.Model):
    """A person or a whole department (with its sub-departments) given a role in a space."""

    class Role(models.TextChoices):
        VIEWER = "viewer", _("Viewer")
        EDITOR = "editor", _("Editor")
        ADMIN = "admin", _("Admin")

    space = models.ForeignKey(SpacePage, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="space_memberships",
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="space_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(department__isnull=True))
                | (Q(user__isnull=True) & Q(department__isnull=False)),
                name="membership_user_xor_department",
            ),
            models.UniqueConstraint(
                fields=["space", "user"], condition=Q(user__isnull=False), name="unique_user_member"
            ),
            models.UniqueConstraint(
                fields=["space", "department"],
                condition=Q(department__isnull=False),
                name="unique_department_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.department} ({self.get_role_display()})"


class DocumentTag(TaggedItemBase):
    content_object = ParentalKey(
        "core.DocumentPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class DocumentPage(Page):
    """A Markdown document in a space tree; every save is a Wagtail revision."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    body = models.TextField(_("body (Markdown)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Denormalised from the page tree so permission filters and search filters are one join.
    space = models.ForeignKey(
        SpacePage,
        verbose_name=_("space"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    tags = ClusterTaggableManager(through=DocumentTag, blank=True)
    # A document made from a template keeps it (PROTECT: its field definitions are needed
    # to read the values) and holds the typed values as JSON (hub.doctemplates.fields),
    # which Wagtail revisions carry like the body.
    template = models.ForeignKey(
        "doctemplates.DocumentTemplate",
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    fields = models.JSONField(_("template fields"), default=dict, blank=True)

    parent_page_types = ["core.SpacePage", "core.DocumentPage"]
    subpage_types = ["core.DocumentPage"]
    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        FieldPanel("status"),
        FieldPanel("tags"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("body"),
        index.FilterField("space"),
        index.FilterField("status"),
        index.FilterField("owner"),
        index.SearchField("fields_text"),
        index.FilterField("template"),
        index.RelatedFields("template", [index.FilterField("kind")]),
        index.RelatedFields("field_people", [index.FilterField("user"), index.FilterField("key")]),
    ]

    class Meta:
        verbose_name = _("document")

    def save(self, *args, **kwargs):
        self.space = self.find_space()
        return super().save(*args, **kwargs)

    def find_space(self) -> SpacePage | None:
        """The space this page sits in, read from the page tree."""
        parent_path = self.path[: -self.steplen] if self.path else None
        if not parent_path:
            return None
        prefixes = [
            parent_path[:end] for end in range(self.steplen, len(parent_path) + 1, self.steplen)
        ]
        return SpacePage.objects.filter(path__in=prefixes).first()

    def fields_text(self) -> str:
        """The text of the template field values (searched with the body)."""
        from hub.doctemplates.fields import search_text

        return search_text(self)

    def serve(self, request, *args, **kwargs):
        from hub.core.views import document_view

        return document_view(request, self)


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name on disk: the original name is kept in the database only.
    return (
        f"attachments/{instance.document_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"
    )


class Attachment(models.Model):
    """A file or image attached to a document, served only through a permission check."""

    document = models.ForeignKey(DocumentPage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["filename"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}
