"""Flood control: a token bucket per person, shared by all their sockets in this process.

Each write (send, edit, delete, upload) takes a token; ``rate_burst`` tokens at most,
refilled at ``rate_per_second``. A scaled-out site has one bucket per process, so the
limit is per process there; it still stops one client from flooding a room.
"""

from __future__ import annotations

import threading
import time

from plugins.chat.conf import chat_setting

_lock = threading.Lock()
_buckets: dict[int, tuple[float, float]] = {}  # user id -> (tokens, when counted)


def take(user_id: int) -> float:
    """Take a token for ``user_id``: 0.0 if allowed, else the seconds to wait for one."""
    burst = float(chat_setting("rate_burst"))
    rate = float(chat_setting("rate_per_second"))
    now = time.monotonic()
    with _lock:
        tokens, then = _buckets.get(user_id, (burst, now))
        tokens = min(burst, tokens + (now - then) * rate)
        if tokens >= 1.0:
            _buckets[user_id] = (tokens - 1.0, now)
            return 0.0
        _buckets[user_id] = (tokens, now)
        return (1.0 - tokens) / rate if rate > 0 else 60.0


def reset() -> None:
    """Forget every bucket (tests start each from a full bucket)."""
    with _lock:
        _buckets.clear()
