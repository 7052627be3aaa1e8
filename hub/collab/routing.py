"""Websocket routes of co-editing, behind session auth and an origin check."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.urls import re_path

from hub.collab.consumers import DocumentConsumer

# A stock y-websocket client connects to <serverUrl>/<room name>, plus any query string.
websocket_urlpatterns = [
    re_path(r"^ws/docs/(?P<page_id>[0-9]{1,18})/?$", DocumentConsumer.as_asgi()),
]


class BrowserOriginValidator(OriginValidator):
    """Refuse handshakes whose Origin is not one of ALLOWED_HOSTS (read at each handshake).

    Browsers always send Origin with a websocket handshake, so a page on another site
    cannot ride on a user's session cookie. Clients that are not browsers (Node, Python)
    send no Origin; they are let through and need a session like anyone else.
    """

    def __init__(self, application):
        self.application = application

    @property
    def allowed_origins(self) -> list[str]:
        return settings.ALLOWED_HOSTS

    def valid_origin(self, parsed_origin) -> bool:
        return parsed_origin is None or self.validate_origin(parsed_origin)


def websocket_application():
    """The ASGI app for websocket connections (see hub.asgi)."""
    return BrowserOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
