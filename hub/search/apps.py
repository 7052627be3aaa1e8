"""App config of search; the hub registers its ``hub_hooks`` module in the core's ready()."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "hub.search"
    # Not "search": the label must not clash with Wagtail's or modelsearch's apps.
    label = "hubsearch"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"
