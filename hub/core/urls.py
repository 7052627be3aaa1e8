"""URL routes of the employee pages; documents and spaces themselves are served by Wagtail."""

from django.contrib.auth import views as auth_views
from django.urls import path

from hub.core import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("spaces/", views.space_list, name="space_list"),
    path("spaces/new/", views.space_create, name="space_create"),
    path("spaces/<int:pk>/members/", views.space_members, name="space_members"),
    path(
        "spaces/<int:pk>/members/<int:membership_id>/remove/",
        views.space_member_remove,
        name="space_member_remove",
    ),
    path("pages/<int:parent_id>/new/", views.document_create, name="document_create"),
    path("docs/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("docs/<int:pk>/history/", views.document_history, name="document_history"),
    path("docs/<int:pk>/diff/", views.document_diff, name="document_diff"),
    path("docs/<int:pk>/revisions/<int:revision_id>/", views.revision_view, name="revision_view"),
    path(
        "docs/<int:pk>/revisions/<int:revision_id>/restore/",
        views.revision_restore,
        name="revision_restore",
    ),
    path("docs/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "attachments/<int:pk>/<path:filename>",
        views.attachment_download,
        name="attachment_download",
    ),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("tags/<str:tag>/", views.tag_view, name="tag"),
]
