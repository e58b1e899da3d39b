"""Two workers on one PostgreSQL (two transactions at once, on connections of their own, as two
instances would be): planning an event twice stores it once, and leasing side by side never
hands the same delivery to both."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bots.shell.session import ShellSession
from core.bus import Deps
from core.model import TenantId
from core.tenancy import Plan
from core.webhooks.deliveries import plan_deliveries
from core.webhooks.events import EventType, WebhookEvent
from storage import Database
from storage.webhooks import TortoiseWebhookDeliveries
from tests.api.conftest import seal_secrets
from tests.fakes import FrozenClock
from tests.shell.talk import say


async def test_two_workers_plan_once_and_never_lease_the_same_delivery(
        pg_database: Database) -> None:
    clock = FrozenClock()
    seal_secrets(pg_database)
    deps = Deps(uow=pg_database.unit_of_work(), clock=clock)
    shell = await ShellSession.open(deps, tenant="acme", user="alice", plan=Plan.PROFESSIONAL)
    await say(shell, "webhook add https://hooks.example.com/a")
    async with deps.uow(shell.actor.tenant_id) as tx:
        [endpoint] = await tx.webhooks.all()
    events = [WebhookEvent(id=f"evt_{i}", type=EventType.MILESTONE_CREATED,
                           tenant_id=TenantId(shell.actor.tenant_id), occurred_at=clock.now(),
                           sequence=i) for i in range(40)]
    planned = [d for e in events for d in plan_deliveries(e, [endpoint], clock.now())]
    first = TortoiseWebhookDeliveries(pg_database.unit_of_work(), pg_database.secret_box)
    second = TortoiseWebhookDeliveries(pg_database.unit_of_work(), pg_database.secret_box)
    counts = await asyncio.gather(first.enqueue(planned), second.enqueue(planned))
    assert sorted(counts)[1] == 40 and await first.enqueue(planned) == 0
    until = clock.now() + timedelta(minutes=10)
    a, b = await asyncio.gather(first.lease(clock.now(), limit=30, until=until),
                                second.lease(clock.now(), limit=30, until=until))
    ids_a = {x.delivery.event_id for x in a}
    ids_b = {x.delivery.event_id for x in b}
    assert not ids_a & ids_b and len(ids_a | ids_b) == 40
    assert await first.lease(clock.now(), limit=30, until=until) == []
