"""HTTP routing: the employee pages, plugin URLs, the Wagtail admin, then Wagtail's page tree."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from hub import plugins

urlpatterns = [
    path("", include("hub.core.urls")),
    path("", include("hub.collab.urls")),
    *plugins.collect("hub_register_urls"),
    path("admin/", include(wagtailadmin_urls)),
    # Last: Wagtail serves the page tree (home, spaces, documents) through the pages'
    # own serve(), which checks permission.
    path("", include(wagtail_urls)),
]
