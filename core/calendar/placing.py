"""Every workspace's deadlines in the shared calendar that is theirs, whatever changed it.

Commands (`calendar shared`, `calendar on`) resync a workspace through the outbox. What changes
outside Cairn's commands is caught here, by comparing where each workspace's deadlines should
be with where the sync last put them all: an operator naming another workspace for the
installation's calendar (GOOGLE_CALENDAR_TENANT) or changing GOOGLE_CALENDAR_ID, and workspaces
the sync never placed, among them those from before a calendar held one workspace's deadlines,
whose events are taken out of a calendar they shared.
"""

from __future__ import annotations

import logging
from datetime import datetime

from core.calendar.outbound import CalendarSync, Dirty
from core.calendar.tenancy import place
from core.model import TenantId
from core.ports import Clock, UnitOfWorkFactory
from core.relay import backoff

logger = logging.getLogger(__name__)

#: Workspaces resynced in one pass; the others follow on the next one.
PASS_LIMIT = 50


class CalendarTenancy:
    def __init__(self, uow: UnitOfWorkFactory, sync: CalendarSync, clock: Clock) -> None:
        self._uow, self._sync, self._clock = uow, sync, clock
        #: Workspaces whose resync failed: how often, and not before when (Google refusing a
        #: calendar that was not shared with Cairn must not cost a full resync every pass).
        self._failing: dict[TenantId, tuple[int, datetime]] = {}

    async def run(self, limit: int = PASS_LIMIT) -> list[TenantId]:
        """Resyncs the workspaces whose deadlines are not where they belong; returns them."""
        default = await self._sync.default()
        async with self._uow() as tx:
            workspaces = await tx.calendar.workspaces()
        now = self._clock.now()
        due: list[TenantId] = []
        for w in workspaces:
            where = self._sync.placed_in(w.settings, place(w.settings, w.slug, default)) or ""
            _, not_before = self._failing.get(w.tenant_id, (0, now))
            if w.placed != where and not_before <= now:
                due.append(w.tenant_id)
        due = due[:limit]
        if not due:
            return due
        synced = await self._sync.sync({tenant_id: Dirty(everything=True) for tenant_id in due})
        for tenant_id in due:
            if tenant_id in synced.failed:
                failures = self._failing.get(tenant_id, (0, now))[0] + 1
                self._failing[tenant_id] = (failures, now + backoff(failures))
            else:
                self._failing.pop(tenant_id, None)
        logger.info("calendar placement: %d workspace(s) resynced, %d failing",
                    len(due), len(synced.failed))
        return due
