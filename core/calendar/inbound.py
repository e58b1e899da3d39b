"""Calendars → Cairn: moves made in Google Calendar reach the milestones.

Every calendar Cairn writes to is read incrementally with Google's sync tokens: polled by the
scheduler, and at once when a push notification says it changed. A token Google no longer
knows (410) means one full read, then incremental again. Each changed event is matched to its
milestone through the link Cairn keeps (never through what the event claims about itself), and
only a start that differs from what Cairn last wrote is a move. Cairn's own writes come back in
the sync too; their etags give them away.

A move goes through the core's use case (`apply_calendar_move`): due date, activity entry,
notifications. A move Cairn refuses (a date years away, before the start date, a cancelled
milestone) marks the event stale, and the repair job writes Cairn's date back.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from core.bus import Deps
from core.calendar.event_ids import identity_of
from core.calendar.model import (
    CalendarLink,
    CalendarRef,
    CalendarSyncState,
    RemoteEvent,
    SyncTokenExpired,
)
from core.calendar.outbound import CalendarSync, Dirty
from core.calendar.ports import CalendarGateway
from core.calendar.use_cases import MoveOutcome, apply_calendar_move
from core.model import TenantId

logger = logging.getLogger(__name__)

REPAIR_BATCH = 500
ERROR_MAX = 500


@dataclass(frozen=True, slots=True)
class ReadReport:
    calendar: CalendarRef
    events: int = 0
    moved: int = 0
    refused: int = 0
    full: bool = False
    error: str = ""


class CalendarReader:
    """Reads calendars for moves; one read per calendar at a time."""

    def __init__(self, deps: Deps, gateway: CalendarGateway) -> None:
        self._deps, self._gateway = deps, gateway
        self._locks: dict[CalendarRef, asyncio.Lock] = {}

    async def poll(self) -> list[ReadReport]:
        """Reads every calendar Cairn writes to (the scheduler's job)."""
        async with self._deps.uow() as tx:
            calendars = [s.calendar for s in await tx.calendar.sync_states()]
        return [await self.read(calendar) for calendar in calendars]

    async def read(self, calendar: CalendarRef) -> ReadReport:
        lock = self._locks.setdefault(calendar, asyncio.Lock())
        async with lock:
            return await self._read(calendar)

    async def _read(self, calendar: CalendarRef) -> ReadReport:
        async with self._deps.uow() as tx:
            state = next((s for s in await tx.calendar.sync_states() if s.calendar == calendar),
                         CalendarSyncState(calendar=calendar))
        full = state.sync_token is None
        try:
            try:
                changes = await self._gateway.changes(calendar, state.sync_token)
            except SyncTokenExpired:
                logger.info("calendar %s forgot our sync token: reading it all again", calendar)
                full = True
                changes = await self._gateway.changes(calendar, None)
        except Exception as error:  # Google down or refusing: keep the token, try next time
            logger.warning("reading calendar %s failed: %s", calendar, error)
            state.error = f"{type(error).__name__}: {error}"[:ERROR_MAX]
            await self._save(state)
            return ReadReport(calendar=calendar, error=state.error)
        moved = refused = 0
        for event in changes.events:
            outcome = await self._apply(calendar, event)
            moved += outcome == MoveOutcome.MOVED
            refused += outcome == MoveOutcome.REFUSED
        state.sync_token, state.synced_at, state.error = (
            changes.sync_token, self._deps.clock.now(), "")
        await self._save(state)
        return ReadReport(calendar=calendar, events=len(changes.events), moved=moved,
                          refused=refused, full=full)

    async def _save(self, state: CalendarSyncState) -> None:
        async with self._deps.uow() as tx:
            await tx.calendar.save_sync_state(state)
            await tx.commit()

    async def _apply(self, calendar: CalendarRef, event: RemoteEvent) -> MoveOutcome | None:
        if identity_of(event.event_id) is None:
            return None  # not one of ours: someone's meeting in the same calendar
        async with self._deps.uow() as tx:
            link = await tx.calendar.link_by_event(calendar, event.event_id)
        if link is None or event.etag == link.etag:
            return None  # not ours after all, or our own write coming back
        if event.cancelled:
            if not link.deleted:  # removed in Google while Cairn still has the deadline
                await self._keep(replace(link, stale=True, etag=event.etag))
            return None
        if event.when is None or event.when.key() == link.written_when:
            await self._keep(replace(link, etag=event.etag))  # edited, not moved
            return None
        outcome, why = await apply_calendar_move(
            self._deps, tenant_id=link.tenant_id, milestone_id=link.milestone_id,
            when=event.when, by_owner=bool(calendar.subject))
        if outcome == MoveOutcome.REFUSED:
            logger.warning("a move of milestone %s in %s was refused (%s); putting it back",
                           link.milestone_id, calendar, why)
            await self._keep(replace(link, stale=True, etag=event.etag))
        elif outcome in (MoveOutcome.MOVED, MoveOutcome.UNCHANGED):
            await self._keep(replace(link, etag=event.etag, written_when=event.when.key()))
        return outcome

    async def _keep(self, link: CalendarLink) -> None:
        async with self._deps.uow(link.tenant_id) as tx:
            await tx.calendar.save_links([link])
            await tx.commit()


class CalendarRepair:
    """The safety net: events marked stale, and dated milestones the sync never looked at
    (made before Google Calendar was configured, say), are brought up to date."""

    def __init__(self, deps: Deps, sync: CalendarSync) -> None:
        self._deps, self._sync = deps, sync

    async def run(self, limit: int = REPAIR_BATCH) -> int:
        async with self._deps.uow() as tx:
            stale = await tx.calendar.stale_links(limit)
            unlinked = await tx.calendar.unlinked(limit)
        dirty: dict[TenantId, Dirty] = {}
        for link in stale:
            dirty.setdefault(link.tenant_id, Dirty()).milestones.add(link.milestone_id)
        for tenant_id, milestone_id in unlinked:
            dirty.setdefault(tenant_id, Dirty()).milestones.add(milestone_id)
        if not dirty:
            return 0
        failed = (await self._sync.sync(dirty)).failed
        # Milestones that need no event get a tombstone link, so they are not swept again;
        # a settings change or their own next change brings them in.
        for tenant_id in {t for t, _ in unlinked}:
            ids = {m for t, m in unlinked if t == tenant_id} - set(failed.get(tenant_id, {}))
            async with self._deps.uow(tenant_id) as tx:
                linked = {x.milestone_id for x in await tx.calendar.links(ids)}
                await tx.calendar.save_links([self._sync.tombstone(tenant_id, m)
                                              for m in sorted(ids - linked)])
                await tx.commit()
        return sum(len(ids.milestones) for ids in dirty.values())
