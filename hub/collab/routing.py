"""Co-editing's websocket route (registered through ``hub_register_websocket_routes``)."""

from django.urls import re_path

from hub.collab.consumers import DocumentConsumer

# A stock y-websocket client connects to <serverUrl>/<room name>, plus any query string.
websocket_urlpatterns = [
    re_path(r"^ws/docs/(?P<page_id>[0-9]{1,18})/?$", DocumentConsumer.as_asgi()),
]
