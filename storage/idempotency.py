"""Idempotency keys (`core.ports.IdempotencyKeys`): one row per request carried out.

The insert runs on the unit of work's own transaction, so it commits with the change it guards
or rolls back with it. `ON CONFLICT DO NOTHING` keeps the transaction usable when the key is
there already (PostgreSQL would abort it on a unique violation); on PostgreSQL a second
transaction inserting the same key waits for the first one's outcome, so two deliveries of one
request at the same moment still change things once.
"""

from __future__ import annotations

from datetime import datetime

from storage.config import Dialect
from storage.crash_points import crash_point
from storage.mapping import utc
from storage.models import IdempotencyKeyRow
from storage.scoped import Repository

_CLAIM: dict[Dialect, str] = {
    "sqlite": "INSERT INTO idempotency_keys (tenant_id, key, command, created_at) "
              "VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, key) DO NOTHING RETURNING id",
    "postgres": "INSERT INTO idempotency_keys (tenant_id, key, command, created_at) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, key) DO NOTHING RETURNING id",
}
KEY_MAX = 200
COMMAND_MAX = 80


class TortoiseIdempotencyKeys(Repository):
    #: Whether the open transaction claimed a key (the unit of work resets it as it ends).
    claimed_now = False

    async def claim(self, key: str, *, command: str, at: datetime) -> bool:
        rows = await (await self.db()).execute_query_dict(
            _CLAIM[self._session.dialect],
            [self.tenant_id, key[:KEY_MAX], command[:COMMAND_MAX], utc(at)])
        if rows:
            self.claimed_now = True
            crash_point("idempotency-claimed")
        return bool(rows)

    async def claimed(self, key: str) -> str | None:
        row = await (await self.scoped(IdempotencyKeyRow)).filter(key=key[:KEY_MAX]).first()
        return row.command if row is not None else None

    async def forget(self, *, before: datetime) -> int:
        return await IdempotencyKeyRow.filter(created_at__lt=utc(before)).using_db(
            await self.db()).delete()
