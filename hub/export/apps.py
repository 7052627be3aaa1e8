"""App config of export; the hub registers its ``hub_hooks`` module in the core's ready()."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportConfig(AppConfig):
    name = "hub.export"
    label = "export"
    verbose_name = _("Export")
    default_auto_field = "django.db.models.BigAutoField"
