"""App config of the approvals plugin; ready() adds the plugin's own hook to the hub's manager."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "plugins.approvals"
    label = "approvals"
    verbose_name = _("Approvals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hub.plugins import pm
        from plugins.approvals import hookspecs

        # ready() may run twice (tests reloading apps); a hook is declared once.
        caller = getattr(pm.hook, "hub_approval_step_changed", None)
        if caller is None or caller.spec is None:
            pm.add_hookspecs(hookspecs)
