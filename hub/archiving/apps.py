"""App config of archiving; the hub registers its ``hub_hooks`` module in the core's ready()."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivingConfig(AppConfig):
    name = "hub.archiving"
    label = "archiving"
    verbose_name = _("Archiving")
    default_auto_field = "django.db.models.BigAutoField"
