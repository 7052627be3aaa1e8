"""Template context shared by every page: navigation (from hooks) and the theme."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from hub import plugins
from hub.themes import stylesheet_paths


def _nav_items(request):
    items = plugins.collect("hub_register_nav_items", request=request)
    plugins.construct("hub_construct_nav_items", request=request, items=items)
    return items


def hub(request) -> dict:
    authenticated = getattr(request, "user", None) is not None and request.user.is_authenticated
    return {
        "hub_nav_items": SimpleLazyObject(lambda: _nav_items(request)) if authenticated else [],
        "hub_theme": settings.THEMES[0],
        "hub_stylesheets": stylesheet_paths(settings.THEMES),
        "hub_site_name": settings.WAGTAIL_SITE_NAME,
    }
