"""The chat's websocket route (registered through ``hub_register_websocket_routes``)."""

from django.urls import re_path

from plugins.chat.consumers import ChatConsumer

websocket_urlpatterns = [re_path(r"^ws/chat/?$", ChatConsumer.as_asgi())]
