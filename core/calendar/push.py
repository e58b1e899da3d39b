"""Push notifications: Google calls `POST /google/notifications` when a calendar changes.

Each calendar Cairn reads gets a channel (`events.watch`) with an id and a secret token of our
own; a notification is believed only when both match a live channel, and then it only triggers
a read, so a forged one could at worst cause a read. Channels expire (a week here): a new one
is opened a day before, and the old one stopped once the new one is in place.

The headers of a notification are checked at the edge (`integrations/calendar/push.py`)
before the channel is looked up here.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from core.calendar.model import CalendarRef, WatchChannel
from core.calendar.ports import CalendarGateway
from core.ports import Clock, UnitOfWorkFactory

logger = logging.getLogger(__name__)

CHANNEL_TTL = timedelta(days=7)
RENEW_BEFORE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Renewed:
    opened: int = 0
    stopped: int = 0
    failed: int = 0


class PushChannels:
    def __init__(self, uow: UnitOfWorkFactory, gateway: CalendarGateway, clock: Clock, *,
                 address: str, ttl: timedelta = CHANNEL_TTL,
                 renew_before: timedelta = RENEW_BEFORE) -> None:
        self._uow, self._gateway, self._clock = uow, gateway, clock
        self.address, self._ttl, self._renew_before = address, ttl, renew_before

    async def renew(self) -> Renewed:
        """Every calendar Cairn reads has a channel that outlives the next day."""
        now = self._clock.now()
        async with self._uow() as tx:
            calendars = [s.calendar for s in await tx.calendar.sync_states()]
            channels = await tx.calendar.channels()
        opened = stopped = failed = 0
        for calendar in calendars:
            mine = [c for c in channels if c.calendar == calendar]  # newest first
            if mine and mine[0].expires_at - now > self._renew_before:
                continue
            channel = WatchChannel(id=uuid.uuid4().hex, calendar=calendar,
                                   token=secrets.token_urlsafe(32), expires_at=now,
                                   created_at=now)
            try:
                channel.resource_id, channel.expires_at = await self._gateway.watch(
                    calendar, channel_id=channel.id, token=channel.token, address=self.address,
                    ttl=self._ttl)
            except Exception as error:  # keep the old channel; try again on the next tick
                logger.warning("opening a push channel on %s failed: %s", calendar, error)
                failed += 1
                continue
            await self._save(channel)
            opened += 1
            for old in mine:
                stopped += await self._stop(old)
        return Renewed(opened=opened, stopped=stopped, failed=failed)

    async def _stop(self, channel: WatchChannel) -> int:
        try:
            await self._gateway.stop(channel.calendar, channel_id=channel.id,
                                     resource_id=channel.resource_id)
        except Exception as error:  # it expires by itself; a notification from it is ignored
            logger.info("stopping channel %s failed (%s); it will expire", channel.id, error)
        channel.stopped_at = self._clock.now()
        await self._save(channel)
        return 1

    async def _save(self, channel: WatchChannel) -> None:
        async with self._uow() as tx:
            await tx.calendar.save_channel(channel)
            await tx.commit()

    async def verify(self, channel_id: str, token: str, resource_id: str
                     ) -> tuple[int, CalendarRef | None]:
        """The HTTP status to answer a notification with, and the calendar it is about.

        404: no such live channel (unknown, stopped or expired); 403: the token or the
        resource does not match; 200 with the calendar otherwise.
        """
        if not channel_id or len(channel_id) > 64:
            return 404, None
        async with self._uow() as tx:
            channel = await tx.calendar.channel(channel_id)
        if channel is None or channel.stopped_at is not None or (
                channel.expires_at <= self._clock.now()):
            return 404, None
        if not hmac.compare_digest(channel.token.encode(), token.encode()):
            return 403, None
        if channel.resource_id and resource_id and channel.resource_id != resource_id:
            return 403, None
        return 200, channel.calendar
