"""App config of the Word importer; the hub registers its ``hub_hooks`` module in ready()."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordImportConfig(AppConfig):
    name = "plugins.wordimport"
    label = "wordimport"
    verbose_name = _("Word import")
    default_auto_field = "django.db.models.BigAutoField"
