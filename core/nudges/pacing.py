"""Pacing of deliveries: at most about one message per second to one destination.

Chat platforms throttle posting per channel (Slack: about one message per second). The delivery
queue paces every notifier the same way, keyed by the destination the notifier names, so a
burst of nudges to one person or channel is spread out instead of being refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

MAX_KEYS = 10_000


class Pacer:
    """Waits before a send so two sends to one destination are `interval` seconds apart.

    Time and sleep are given (the composition root passes `time.monotonic` and
    `asyncio.sleep`), so tests can drive it without waiting.
    """

    def __init__(self, interval: float, *, monotonic: Callable[[], float],
                 sleep: Callable[[float], Awaitable[None]]) -> None:
        self.interval = interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, destination: str) -> None:
        lock = self._locks.setdefault(destination, asyncio.Lock())
        async with lock:
            now = self._monotonic()
            ready = self._next.get(destination, now)
            if ready > now:
                await self._sleep(ready - now)
                now = max(self._monotonic(), ready)
            self._next[destination] = now + self.interval
        if len(self._next) > MAX_KEYS:
            self._forget(self._monotonic())

    def _forget(self, now: float) -> None:
        for key in [k for k, t in self._next.items() if t <= now]:
            self._next.pop(key, None)
            lock = self._locks.get(key)
            if lock is not None and not lock.locked():
                self._locks.pop(key, None)
