"""URL routes of the chat, mounted under ``chat/`` by ``hub_register_urls``."""

from django.urls import path

from plugins.chat import views

app_name = "chat"

urlpatterns = [
    path("", views.room_list, name="rooms"),
    path("new/", views.group_create, name="group_create"),
    path("direct/", views.direct_start, name="direct"),
    path("space/<int:space_pk>/", views.space_room, name="space_room"),
    path("rooms/<int:pk>/", views.room_view, name="room"),
    path("rooms/<int:pk>/messages/", views.room_history, name="history"),
    path("rooms/<int:pk>/attach/", views.attach, name="attach"),
    path("rooms/<int:pk>/invite/", views.invite, name="invite"),
    path("rooms/<int:pk>/members/<int:user_pk>/remove/", views.remove_member, name="remove"),
    path("rooms/<int:pk>/document/", views.to_document, name="to_document"),
    path("messages/<int:pk>/edits/", views.message_edits, name="edits"),
    path("files/<int:pk>/<path:filename>", views.attachment_download, name="attachment"),
]
