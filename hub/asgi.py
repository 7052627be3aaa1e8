"""The ASGI application: Django for HTTP; websockets through the routes plugins register."""

import gc
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

# Imported once Django is set up: the consumers import models.
from hub.websocket import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})

# Loaded now rather than by the first index update, which otherwise spends ~1 s holding the
# GIL inside a running server (stalling co-editing); its dictionary is then frozen below.
from hub.search.analysis import warm_up  # noqa: E402

warm_up()

# Seconds a thread holding the GIL runs before yielding to one that waits for it. The
# event loop relays every edit and shares the GIL with the database threads (checkpoints,
# compaction, access checks) and the search index writer; at Python's default of 5 ms an
# edit arriving meanwhile waits up to 5 ms, as long as the reference server's whole p99.
sys.setswitchinterval(0.0005)

# Start-up leaves ~200,000 long-lived objects (Django, Wagtail, plugins); a full collection
# walking them paused co-editing for 100-150 ms under load (docs/collab.md, Performance).
gc.collect()
gc.freeze()
