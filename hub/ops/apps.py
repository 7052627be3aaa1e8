"""App config of ops; the hub registers its ``hub_hooks`` module in the core's ready()."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "hub.ops"
    label = "ops"
    verbose_name = _("Operations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hub.ops import audit, logins

        audit.connect()
        logins.connect()
