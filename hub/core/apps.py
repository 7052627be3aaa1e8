"""App config of the core; its ready() runs phase 2 of plugin discovery."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hub.core"
    label = "core"
    verbose_name = _("Hub")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hub import events, plugins

        plugins.register_app_hooks()
        events.connect()
