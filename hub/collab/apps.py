"""App config of live co-editing."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollabConfig(AppConfig):
    name = "hub.collab"
    label = "collab"
    verbose_name = _("Live co-editing")
    default_auto_field = "django.db.models.BigAutoField"
