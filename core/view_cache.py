"""Answers to hot read commands, reused while nothing they show can have changed.

A `list` in Slack is asked for again and again while the data under it rarely moves. An entry
is reused only while the tenant's version (read from the database on every request, so every
instance agrees) is the one it was computed at, the reader's local day is the same, and for at
most `ttl`, because answers also age with the clock ("no update in 12 days").
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.commands import AnyCommand
from core.humanize import local_today
from core.ports import Clock, TenantVersions
from core.views import View

TTL = timedelta(seconds=60)
CAPACITY = 5000


@dataclass(frozen=True, slots=True)
class _Entry:
    version: int
    expires: datetime
    view: View


class ViewCache:
    def __init__(self, versions: TenantVersions, clock: Clock, *, ttl: timedelta = TTL,
                 capacity: int = CAPACITY) -> None:
        self._versions = versions
        self._clock = clock
        self._ttl = ttl
        self._capacity = capacity
        self._entries: OrderedDict[tuple[AnyCommand, date], _Entry] = OrderedDict()
        self.hits = self.misses = 0

    async def answer(self, command: AnyCommand, compute: Callable[[], Awaitable[View]]) -> View:
        """The cached answer to `command`, or `compute()`'s, remembered for next time."""
        # Read before computing: a write that lands meanwhile leaves an entry tagged older
        # than what it shows, which only costs a recomputation; never the other way round.
        version = await self._versions.current(command.actor.tenant_id)
        now = self._clock.now()
        key = (command, local_today(now, command.actor.timezone))
        entry = self._entries.get(key)
        if entry is not None and entry.version == version and entry.expires > now:
            self._entries.move_to_end(key)
            self.hits += 1
            return entry.view
        self.misses += 1
        view = await compute()
        self._entries[key] = _Entry(version=version, expires=now + self._ttl, view=view)
        self._entries.move_to_end(key)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
        return view
