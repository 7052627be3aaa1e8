"""The ASGI application: Django for HTTP; websockets through the routes plugins register."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

# Imported once Django is set up: the consumers import models.
from hub.websocket import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})

# Start-up leaves ~200,000 long-lived objects (Django, Wagtail, plugins); a full collection
# walking them paused co-editing for 100-150 ms under load (docs/collab.md, Performance).
gc.collect()
gc.freeze()
