"""App config of document templates; ready() connects the index of people named in fields."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocTemplatesConfig(AppConfig):
    name = "hub.doctemplates"
    label = "doctemplates"
    verbose_name = _("Document templates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hub.doctemplates import signals

        signals.connect()
