"""App config of the task boards; the hub registers its ``hub_hooks`` module in ready()."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaskboardConfig(AppConfig):
    name = "plugins.taskboard"
    label = "taskboard"
    verbose_name = _("Task boards")
    default_auto_field = "django.db.models.BigAutoField"
