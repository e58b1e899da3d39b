"""Milestones that became overdue, announced once per due date, for `milestone.overdue`.

Nothing happens at the moment a due date passes, so a periodic job looks: in each tenant with
an endpoint that wants the event, every open milestone whose due date (in the tenant's time
zone) passed within the last week and whose activity does not yet say so gets a
`MilestoneOverdue` event, published like any change (activity and outbox, one transaction).
A new due date that passes again is announced again; older ones are left alone, so a new
endpoint is not flooded with last year's misses.

Several instances run the job at once: each announcement first claims the key
`overdue:<milestone>:<due date>` in its own transaction (`UnitOfWork.idempotency`), so of two
instances that both found the milestone unannounced, one publishes and the other (on PostgreSQL
its claim waits for the first one's commit) skips it. The claim lasts as long as request keys
(two days); after that the activity feed remembers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from core.events import MilestoneOverdue
from core.humanize import local_today
from core.model import Milestone, TenantId
from core.ports import MilestoneFilter, UnitOfWork
from core.use_case import Deps
from core.webhooks.events import EventType

LOOK_BACK = timedelta(days=7)
#: Entries of a milestone's feed looked at to see whether its lateness was announced.
FEED = 50


async def announce_overdue(tenant_ids: Iterable[TenantId], deps: Deps) -> int:
    """Publishes the overdue events not yet published; returns how many."""
    now = deps.clock.now()
    published = 0
    for tenant_id in tenant_ids:
        async with deps.uow(tenant_id) as tx:
            if not any(e.enabled and e.wants(EventType.MILESTONE_OVERDUE)
                       for e in await tx.webhooks.all()):
                continue
            tenant = await tx.tenants.get(tenant_id)
            today = local_today(now, tenant.timezone if tenant else "UTC")
            late = await tx.milestones.find(MilestoneFilter(
                open_only=True, due_before=today, due_after=today - LOOK_BACK - timedelta(1)))
            for m in late:
                if m.id is None or m.due_date is None or await _announced(tx, m):
                    continue
                key = f"overdue:{m.id}:{m.due_date.isoformat()}"
                if not await tx.idempotency.claim(key, command="MilestoneOverdue", at=now):
                    continue
                await tx.publish(MilestoneOverdue(tenant_id=tenant_id, milestone_id=m.id,
                                                  actor_id=None, at=now, due=m.due_date))
                published += 1
            await tx.commit()
    return published


async def _announced(tx: UnitOfWork, m: Milestone) -> bool:
    assert m.due_date is not None
    due = m.due_date.isoformat()
    return any(e.verb == MilestoneOverdue.verb and e.data.get("due") == due
               for e in await tx.activity.recent(milestone_id=m.id, limit=FEED))
