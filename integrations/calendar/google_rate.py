"""Google Calendar's quota as a token bucket per user, taken in the worker thread."""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Callable

#: Google's default quota: 600 requests per minute per user; a batch counts every call.
CALLS_PER_MINUTE = 600


class RateLimit:
    """A token bucket per user: a minute's quota may go at once, then it refills steadily."""

    def __init__(self, per_minute: int = CALLS_PER_MINUTE,
                 now: Callable[[], float] = clock.monotonic,
                 sleep: Callable[[float], None] = clock.sleep) -> None:
        self._per_minute, self._now, self._sleep = per_minute, now, sleep
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, user: str, calls: int) -> None:
        """Waits (in the worker thread, never on the event loop) until `calls` may go."""
        with self._lock:
            level, since = self._buckets.get(user, (float(self._per_minute), self._now()))
            now = self._now()
            level = min(self._per_minute, level + (now - since) * self._per_minute / 60)
            level -= calls
            self._buckets[user] = (level, now)
        if level < 0:
            self._sleep(-level * 60 / self._per_minute)
