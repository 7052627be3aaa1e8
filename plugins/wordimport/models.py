"""What the Word importer remembers: one row per imported file, to skip it when unchanged."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.core.models import DocumentPage, SpacePage


class ImportedFile(models.Model):
    """A Word file imported into a space: its content hash and the document it became.

    ``path`` is relative to the folder given to ``hub import docs`` (or the uploaded file's
    name), so the same tree imported again finds its documents. The Word file's own
    author and dates are kept here, since the document's owner is the admin who imported it.
    """

    space = models.ForeignKey(SpacePage, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(_("path"), max_length=1000)
    sha256 = models.CharField(max_length=64)
    document = models.ForeignKey(
        DocumentPage, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision_id = models.PositiveBigIntegerField(null=True)
    author = models.CharField(_("author"), max_length=255, blank=True)
    created = models.DateTimeField(_("created"), null=True)
    modified = models.DateTimeField(_("modified"), null=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "path"], name="unique_imported_path")
        ]

    def __str__(self) -> str:
        return self.path
