"""The websocket application: every route from ``hub_register_websocket_routes``, behind
session auth and an origin check (see ``hub.asgi``)."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import OriginValidator
from django.conf import settings

from hub.plugins import collect


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
    """The ASGI app for websocket connections, built once the plugins are registered."""
    routes = collect("hub_register_websocket_routes")
    return BrowserOriginValidator(AuthMiddlewareStack(URLRouter(routes)))
