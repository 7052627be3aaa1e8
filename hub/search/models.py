"""Queries that found nothing, kept for the monthly report (what people miss).

Only the department of the person who searched is kept, not the person: the report is
about content that is missing, not about who looked for it.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.core.models import Department


class ZeroResultQuery(models.Model):
    """One search that found nothing the searcher may see."""

    query = models.CharField(_("query"), max_length=200)
    # The analyzer's normalized form, so the report groups 周报/週報 and Wiki/wiki together.
    normalized = models.CharField(_("normalized query"), max_length=200, db_index=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("searched at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("search without results")
        verbose_name_plural = _("searches without results")

    def __str__(self) -> str:
        return self.query
