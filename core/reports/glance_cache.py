"""This week's company figures, kept a few minutes per tenant and time zone.

The App Home shows them to everyone who opens it, and republishes after each change; building
the company's report each time would read every milestone of the tenant per person and per
change. One card per (tenant, zone, week) is reused by everyone until it is `TTL` old, and
while it is being built, everyone who asks for it waits for that one build (at 09:00 on Monday,
every Home republished at once would otherwise build the same report side by side).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.model import TenantId
from core.reports.card import ReportCard

TTL = timedelta(minutes=5)
CAPACITY = 1000


@dataclass(frozen=True, slots=True)
class _Kept:
    expires: datetime
    card: ReportCard


class GlanceCache:
    def __init__(self, *, ttl: timedelta = TTL, capacity: int = CAPACITY) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._kept: OrderedDict[tuple[TenantId, str, str], _Kept] = OrderedDict()
        self._building: dict[tuple[TenantId, str, str], asyncio.Future[ReportCard]] = {}
        self.built = 0

    async def card(self, tenant_id: TenantId, zone: str, week: str, now: datetime,
                   build: Callable[[], Awaitable[ReportCard]]) -> ReportCard:
        """The kept card of the tenant's week in that zone, or `build()`'s, kept for next time."""
        key = (tenant_id, zone, week)
        while True:
            kept = self._kept.get(key)
            if kept is not None and now < kept.expires:
                self._kept.move_to_end(key)
                return kept.card
            building = self._building.get(key)
            if building is None:
                return await self._build(key, now, build)
            try:
                return await asyncio.shield(building)
            except asyncio.CancelledError:
                if not building.cancelled():
                    raise  # this request was cancelled
                # the request that was building it was cancelled: look again

    async def _build(self, key: tuple[TenantId, str, str], now: datetime,
                     build: Callable[[], Awaitable[ReportCard]]) -> ReportCard:
        building: asyncio.Future[ReportCard] = asyncio.get_running_loop().create_future()
        self._building[key] = building
        try:
            card = await build()
        except Exception as error:
            # Those waiting get the same failure; the next request builds again.
            building.set_exception(error)
            building.exception()  # retrieved: no "never retrieved" warning when none waits
            raise
        except BaseException:
            building.cancel()  # cancelled: whoever waits builds it instead
            raise
        finally:
            del self._building[key]
        building.set_result(card)
        self.built += 1
        self._kept[key] = _Kept(expires=now + self._ttl, card=card)
        self._kept.move_to_end(key)
        while len(self._kept) > self._capacity:
            self._kept.popitem(last=False)
        return card
