"""URL of the live co-editor page (the websocket itself is routed in hub.collab.routing)."""

from django.urls import path

from hub.collab import views

app_name = "collab"

urlpatterns = [
    path("docs/<int:pk>/live/", views.live_editor, name="live_editor"),
]
