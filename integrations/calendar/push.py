"""Push notifications: Google calls `POST /google/notifications` when a calendar changes.

Each calendar Cairn reads gets a channel (`events.watch`) with an id and a secret token of our
own; a notification is believed only when both match a live channel, and then it only triggers
a read, so a forged one could at worst cause a read. Channels expire (a week here): a new one
is opened a day before, and the old one stopped once the new one is in place.

Everything a notification says is in its headers; its body (Google sends none for calendars)
is never read beyond `BODY_LIMIT` bytes, and headers that are not what Google sends are
refused (`notification_problem`) before the database is asked about the channel.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from core.calendar import CalendarRef, WatchChannel
from core.ports import CalendarGateway, Clock, UnitOfWorkFactory

logger = logging.getLogger(__name__)

CHANNEL_TTL = timedelta(days=7)
RENEW_BEFORE = timedelta(days=1)
# What Google sends in X-Goog-Resource-State: `sync` right after the channel opens, `exists`
# when something changed, `not_exists` when the resource is gone.
CHANGED_STATES = frozenset({"exists", "not_exists"})
STATES = CHANGED_STATES | {"sync"}
#: A calendar notification has no body; anything longer than this is not Google's.
BODY_LIMIT = 4 * 1024
CHANNEL_ID = "X-Goog-Channel-ID"
_HEADER_VALUE = re.compile(r"[\x21-\x7e]{1,256}")
_LIMITS = {CHANNEL_ID: 64, "X-Goog-Channel-Token": 256, "X-Goog-Resource-ID": 256,
           "X-Goog-Message-Number": 20}


def notification_problem(headers: Mapping[str, str]) -> tuple[int, str] | None:
    """(status, reason) when the headers cannot be a live channel's notification, decided
    without the database: 404 without a channel id, 400 for values Google never sends."""
    if not headers.get(CHANNEL_ID):
        return 404, "no channel id"
    for name, limit in _LIMITS.items():
        value = headers.get(name)
        if value is not None and (len(value) > limit or not _HEADER_VALUE.fullmatch(value)):
            return 400, f"a malformed {name} header"
    if headers.get("X-Goog-Resource-State") not in STATES:
        return 400, "no resource state Google sends"
    return None


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
