"""A small LRU whose entries expire: enough to spare the database the same lookup on every
activity (the Slack front end keeps its own; platforms never import each other)."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TimedCache(Generic[K, V]):
    def __init__(self, size: int, ttl: float) -> None:
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._size, self._ttl = size, ttl

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None:
            return None
        if time.monotonic() - found[0] > self._ttl:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return found[1]

    def put(self, key: K, value: V) -> None:
        self._items[key] = (time.monotonic(), value)
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def drop(self, key: K) -> None:
        self._items.pop(key, None)
