"""The ASGI application: Django for HTTP; websockets through the routes plugins register."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

# Imported once Django is set up: the consumers import models.
from hub.websocket import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})
