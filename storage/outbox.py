"""The outbox: events waiting for a consumer outside the database.

Workers usually open a unit of work without a tenant and drain every tenant's rows; a unit of
work opened for a tenant only ever claims, finishes or retries that tenant's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F
from tortoise.queryset import QuerySet

from core.events import restore
from core.interactions.audience import Audience
from core.model import MilestoneId, TenantId, UserId
from core.ports import OutboxMessage
from storage.mapping import utc
from storage.models import OutboxRow
from storage.scoped import Repository

# How long a claimed message stays invisible to other workers. A worker that crashes mid-way
# leaves its rows to come back after this lease; one that finishes marks them done or retries.
LEASE = timedelta(minutes=5)
ERROR_MAX = 500
#: Who the change concerns (`core.interactions.audience`), kept beside the event's own fields in the
#: row's
#: payload for the consumers that asked for it; never part of the event.
AUDIENCE_KEY = "~audience"


class TortoiseOutbox(Repository):
    async def _rows(self) -> QuerySet[OutboxRow]:
        tenant_id = self._session.tenant_id
        if tenant_id is None:
            return OutboxRow.all().using_db(await self.db())
        return await self.scoped(OutboxRow)

    async def claim(self, consumer: str, *, now: datetime, limit: int) -> list[OutboxMessage]:
        due = (await self._rows()).filter(
            consumer=consumer, done_at__isnull=True, next_attempt_at__lte=utc(now),
        ).order_by("id").limit(limit)
        # SKIP LOCKED: a second worker passes over rows the first is claiming instead of
        # waiting for them, then finds them leased. SQLite serialises writers, so it needs none.
        rows = await due.select_for_update(skip_locked=True)
        if not rows:
            return []
        await OutboxRow.filter(id__in=[row.id for row in rows]).using_db(await self.db()).update(
            attempts=F("attempts") + 1, next_attempt_at=utc(now + LEASE))
        return [_message(row, attempts=row.attempts + 1) for row in rows]

    async def done(self, message_ids: Sequence[int]) -> None:
        if message_ids:
            await (await self._rows()).filter(id__in=list(message_ids)).update(
                done_at=datetime.now(UTC))

    async def retry(self, message_id: int, *, at: datetime, error: str) -> None:
        await (await self._rows()).filter(id=message_id).update(
            next_attempt_at=utc(at), last_error=error[:ERROR_MAX])


def _message(row: OutboxRow, *, attempts: int) -> OutboxMessage:
    tenant_id = TenantId(row.tenant_id)
    data = dict(row.payload)
    told = data.pop(AUDIENCE_KEY, None)
    event = restore(
        row.verb, data, tenant_id=tenant_id,
        milestone_id=MilestoneId(row.milestone_id) if row.milestone_id is not None else None,
        actor_id=UserId(row.actor_id) if row.actor_id is not None else None,
        at=row.occurred_at)
    return OutboxMessage(id=row.id, tenant_id=tenant_id, consumer=row.consumer, event=event,
                         attempts=attempts,
                         audience=Audience.from_data(told) if isinstance(told, dict) else None)
