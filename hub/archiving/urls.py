"""URL routes of archiving (mounted by ``hub_register_urls``)."""

from django.urls import path, re_path

from hub.archiving import views

app_name = "archiving"

urlpatterns = [
    path("", views.archive_list, name="list"),
    re_path(r"^proposals/(?P<pk>[0-9]+)/(?P<decision>archive|keep)/$", views.decide, name="decide"),
    re_path(
        r"^spaces/(?P<pk>[0-9]+)/(?P<action>archive|restore)/$", views.space_action, name="space"
    ),
    re_path(
        r"^documents/(?P<pk>[0-9]+)/(?P<action>archive|restore)/$",
        views.document_action,
        name="document",
    ),
    re_path(
        r"^items/(?P<kind>[\w-]+)/(?P<key>[\w.-]+)/(?P<action>archive|restore)/$",
        views.item_action,
        name="item",
    ),
]
