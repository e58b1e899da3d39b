"""`WebhookDeliveryStore` on tortoise: every tenant's deliveries, one transaction per call.

A lease locks the rows it takes (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises
writers) and marks them `leased_until`: a worker leasing at the same moment takes the next rows,
never the same ones. Order within a line (endpoint,
milestone) is kept by `first_in_line` over the pending deliveries, oldest sequence first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from tortoise.expressions import Q

from core.model import TenantId
from core.ports import UnitOfWork
from core.tenancy import Role
from core.webhooks.decisions import Decision
from core.webhooks.deliveries import Delivery, DeliveryState, first_in_line
from core.webhooks.ports import LeasedDelivery
from storage.mapping import utc
from storage.models import NotificationRow, UserRow
from storage.webhooks.mapping import delivery_from, endpoint_from
from storage.webhooks.models import WebhookDeliveryRow, WebhookEndpointRow, WebhookLogRow
from storage.webhooks.sealing import SecretBox

#: Pending deliveries looked at per lease (heads of their lines come first).
SCAN = 2000


class TortoiseWebhookDeliveries:
    def __init__(self, uow: Callable[[], UnitOfWork], box: SecretBox | None = None) -> None:
        self._uow = uow
        self._box = box

    async def any_endpoint(self) -> bool:
        """*Any tenant*: whether some endpoint is registered (their secrets need the key)."""
        async with self._uow() as tx:
            db = await tx.connection()  # type: ignore[attr-defined]
            return await WebhookEndpointRow.all().using_db(db).exists()

    async def tenants_with_endpoints(self) -> list[TenantId]:
        """*Any tenant*: the tenants with an enabled endpoint."""
        async with self._uow() as tx:
            db = await tx.connection()  # type: ignore[attr-defined]
            ids = await WebhookEndpointRow.filter(disabled_at__isnull=True).using_db(
                db).distinct().values_list("tenant_id", flat=True)
        return [TenantId(int(i)) for i in ids]  # type: ignore[call-overload]

    async def enqueue(self, deliveries: Sequence[Delivery]) -> int:
        if not deliveries:
            return 0
        async with self._uow() as tx:
            db = await tx.connection()  # type: ignore[attr-defined]
            known = {(r.endpoint_id, r.event_id) for r in await WebhookDeliveryRow.filter(
                event_id__in=list({d.event_id for d in deliveries})).using_db(db)}
            new = [d for d in deliveries if d.key not in known]
            await WebhookDeliveryRow.bulk_create([WebhookDeliveryRow(
                tenant_id=d.tenant_id, endpoint_id=d.endpoint_id, event_id=d.event_id,
                event_type=d.event_type.value, milestone_id=d.milestone_id, sequence=d.sequence,
                body=d.body, created_at=utc(d.created_at), due_at=utc(d.due_at),
                state=d.state.value) for d in new], using_db=db, ignore_conflicts=True)
            await tx.commit()
        return len(new)

    async def lease(self, now: datetime, *, limit: int, until: datetime
                    ) -> list[LeasedDelivery]:
        async with self._uow() as tx:
            db = await tx.connection()  # type: ignore[attr-defined]
            enabled = WebhookEndpointRow.filter(disabled_at__isnull=True).using_db(db)
            endpoints = {row.id: endpoint_from(row, self._box) for row in await enabled}
            rows = await WebhookDeliveryRow.filter(
                state=DeliveryState.PENDING.value, endpoint_id__in=list(endpoints),
            ).using_db(db).order_by("sequence", "id").limit(SCAN) if endpoints else []
            pending = {row.id: row for row in rows}
            heads = [d for d in first_in_line(delivery_from(r) for r in rows)
                     if d.due_at <= now and _free(pending[d.id or 0], now)]
            heads.sort(key=lambda d: (d.due_at, d.sequence, d.event_id))
            by_id = {d.id: d for d in heads}
            locked = await WebhookDeliveryRow.filter(
                Q(leased_until__isnull=True) | Q(leased_until__lte=utc(now)),
                id__in=list(by_id), state=DeliveryState.PENDING.value,
            ).using_db(db).order_by("due_at", "sequence", "id").limit(limit).select_for_update(
                skip_locked=True)
            # Ours until the transaction ends (locked on PostgreSQL; SQLite serialises writers).
            if locked:
                await WebhookDeliveryRow.filter(id__in=[r.id for r in locked]).using_db(
                    db).update(leased_until=utc(until))
            taken = [LeasedDelivery(delivery=by_id[r.id],
                                    endpoint=endpoints[by_id[r.id].endpoint_id]) for r in locked]
            await tx.commit()
        taken.sort(key=lambda x: (x.delivery.due_at, x.delivery.sequence))
        return taken

    async def settle(self, decision: Decision, now: datetime) -> None:
        d, log = decision.delivery, decision.log
        async with self._uow() as tx:
            db = await tx.connection()  # type: ignore[attr-defined]
            await WebhookDeliveryRow.filter(id=d.id).using_db(db).update(
                state=d.state.value, attempts=d.attempts, first_attempt_at=utc(d.first_attempt_at),
                last_attempt_at=utc(d.last_attempt_at), last_error=d.last_error[:300],
                due_at=utc(d.due_at), leased_until=None)
            await WebhookLogRow.create(
                using_db=db, tenant_id=log.tenant_id, endpoint_id=log.endpoint_id,
                event_id=log.event_id, event_type=log.event_type.value, attempt=log.attempt,
                at=utc(log.at), status=log.status, latency_ms=log.latency_ms, error=log.error,
                response=log.response, verdict=log.verdict.value,
                next_attempt_at=utc(log.next_attempt_at))
            row = await WebhookEndpointRow.filter(id=d.endpoint_id).using_db(
                db).select_for_update().first()
            if row is not None:
                if decision.endpoint_ok:
                    row.consecutive_failures, row.failing_since = 0, None
                else:
                    row.consecutive_failures += 1
                    row.failing_since = row.failing_since or utc(now)
                if decision.disable_reason is not None and row.disabled_at is None:
                    row.disabled_at, row.disabled_reason = utc(now), decision.disable_reason
                await row.save(using_db=db)
            if decision.notice is not None:
                await _tell_admins(db, TenantId(d.tenant_id), decision.notice, now)
            await tx.commit()


def _free(row: WebhookDeliveryRow, now: datetime) -> bool:
    return row.leased_until is None or row.leased_until <= now


async def _tell_admins(db: object, tenant_id: TenantId, text: str, now: datetime) -> None:
    admins = await UserRow.filter(tenant_id=tenant_id, role=Role.ADMIN).using_db(db)  # type: ignore[arg-type]
    await NotificationRow.bulk_create([NotificationRow(
        tenant_id=tenant_id, user_id=a.id, kind="webhook", text=text, created_at=utc(now))
        for a in admins], using_db=db)  # type: ignore[arg-type]
