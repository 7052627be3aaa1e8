"""App config of the feedback box; the hub registers its ``hub_hooks`` module in ready()."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "plugins.feedback"
    label = "feedback"
    verbose_name = _("Feedback box")
    default_auto_field = "django.db.models.BigAutoField"
