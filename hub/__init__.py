"""Hub: a plugin-based knowledge base and document collaboration hub.

Plugin authors import ``hookimpl`` from here to mark their ``hub_*`` hook functions.
"""

from hub.hookspecs import hookimpl

__all__ = ["hookimpl"]
